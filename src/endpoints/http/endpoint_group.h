// EndpointGroup: several endpoints served by one listener (one port), e.g. Neutron and its
// networking-sfc extension on a PoP's P + 4696. Routes are registered member by member, in order;
// cpp-httplib tries handlers in registration order, so list the endpoint with the more specific
// routes first. The group owns its members.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "endpoints/http/http.h"

namespace chainlab::endpoints {

class EndpointGroup final : public Endpoint {
 public:
  EndpointGroup(std::string name, std::vector<std::unique_ptr<Endpoint>> members)
      : name_(std::move(name)), members_(std::move(members)) {}
  std::string name() const override { return name_; }
  void register_routes(httplib::Server& server) override {
    for (auto& m : members_) {
      m->register_routes(server);
    }
  }
  // The first member speaks for the group's errors; the largest body any member takes; the run
  // token if any member needs it.
  void write_error(httplib::Response& res, const Error& error) const override {
    members_.front()->write_error(res, error);
  }
  Error no_route_error(const std::string& method, const std::string& path) const override {
    return members_.front()->no_route_error(method, path);
  }
  size_t max_body_bytes() const override {
    size_t most = 0;
    for (const auto& m : members_) {
      most = std::max(most, m->max_body_bytes());
    }
    return most;
  }
  bool uses_run_token() const override {
    return std::any_of(members_.begin(), members_.end(),
                       [](const auto& m) { return m->uses_run_token(); });
  }
  bool is_public(const httplib::Request& req) const override {
    return std::any_of(members_.begin(), members_.end(),
                       [&req](const auto& m) { return m->is_public(req); });
  }

 private:
  std::string name_;
  std::vector<std::unique_ptr<Endpoint>> members_;
};

}  // namespace chainlab::endpoints
