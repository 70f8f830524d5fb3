// A value or an error, for results that cross an I/O or validation boundary.
// C++20 has no std::expected; this is the small part of it the project needs.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

namespace gateway::domain {

template <class E>
struct Unexpected {
    E error;
};

template <class E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
    return {std::forward<E>(error)};
}

template <class T, class E>
class Expected {
  public:
    Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Expected(Unexpected<E> failure) : state_(std::in_place_index<1>, std::move(failure.error)) {}

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & {
        assert(has_value());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(has_value());
        return std::get<0>(std::move(state_));
    }
    E& error() & {
        assert(!has_value());
        return std::get<1>(state_);
    }
    const E& error() const& {
        assert(!has_value());
        return std::get<1>(state_);
    }
    E&& error() && {
        assert(!has_value());
        return std::get<1>(std::move(state_));
    }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

  private:
    std::variant<T, E> state_;
};

}  // namespace gateway::domain
