// EndpointGroup: several endpoints served by one listener (one port), e.g. Neutron and its
// networking-sfc extension on a PoP's P + 4696. Routes are registered member by member, in order;
// cpp-httplib tries handlers in registration order, so list the endpoint with the more specific
// routes first. The group owns its members.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "endpoints/http.h"

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

 private:
  std::string name_;
  std::vector<std::unique_ptr<Endpoint>> members_;
};

}  // namespace chainlab::endpoints
