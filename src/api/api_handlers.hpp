// The /apis endpoints: translate between the contract's HTTP shapes and the repository.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/url/params_view.hpp>

#include "api/request.hpp"
#include "store/repository.hpp"

namespace gateway::api {

class ApiHandlers {
  public:
    explicit ApiHandlers(store::Repository& repository) : repository_(repository) {}

    boost::asio::awaitable<Response> create(const Request& request);
    boost::asio::awaitable<Response> list(boost::urls::params_view params);
    boost::asio::awaitable<Response> get(std::string ref);
    boost::asio::awaitable<Response> replace(const Request& request, std::string ref);
    boost::asio::awaitable<Response> patch(const Request& request, std::string ref);
    boost::asio::awaitable<Response> remove(const Request& request, std::string ref);

  private:
    store::Repository& repository_;
};

}  // namespace gateway::api
