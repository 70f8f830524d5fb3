// What a harness asserts beyond "no crash": a property the code promises. A broken one
// aborts, which libFuzzer reports as a finding with the input that caused it, whatever
// the build's NDEBUG.
#pragma once

#include <cstdio>
#include <cstdlib>

#define GATEWAY_FUZZ_CHECK(condition)                                                             \
    do {                                                                                          \
        if (!(condition)) {                                                                       \
            std::fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                         \
        }                                                                                         \
    } while (false)
