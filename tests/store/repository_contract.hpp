// The behaviour every Repository must have, written once and instantiated for each
// implementation (memory now, PostgreSQL with its own instantiation).
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "store/repository.hpp"

namespace gateway::testing {

// Makes an empty repository; called once per test.
using RepositoryFactory = std::function<std::shared_ptr<store::Repository>()>;

class RepositoryContract : public ::testing::TestWithParam<RepositoryFactory> {
protected:
    void SetUp() override { repository_ = GetParam()(); }

    boost::asio::io_context io_;
    std::shared_ptr<store::Repository> repository_;
};

}  // namespace gateway::testing
