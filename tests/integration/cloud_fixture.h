// Shared set-up of the scenarios that drive a PoP's OpenStack state directly (no HTTP): a one-PoP
// emulation ("dc1") with its Cloud, and a helper for a network with one subnet.
#pragma once

#include <memory>
#include <string>

#include "../unit/frontends/openstack/cloud_requests.h"
#include "emulator/emulation.h"
#include "frontends/openstack/cloud.h"
#include "test_util.h"

namespace chainlab::testing {

class CloudFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    emulator::Topology t;
    t.name = "cloud";
    t.emulator.rest_port = 0;
    ASSERT_TRUE(t.add_pop({"dc1", {}, {}, {}}).ok());
    auto e = emulator::Emulation::start(t);
    ASSERT_TRUE(e.ok()) << e.error().message;
    emu_ = std::move(e).value();
    openstack::CloudConfig config;
    config.pop = "dc1";
    firewall_ = std::make_unique<openstack::NamespaceFirewall>(*emu_);
    cloud_ = std::make_unique<openstack::Cloud>(*emu_, config, nullptr, firewall_.get());
  }
  // Subclasses drop what they built on the Cloud first.
  void TearDown() override {
    cloud_.reset();
    firewall_.reset();
    emu_.reset();
  }

  // A network with one subnet `<name>-subnet` over `cidr`; returns the network id.
  std::string network(const std::string& name, const std::string& cidr) {
    return network_with_subnet(*cloud_, name, cidr);
  }

  std::unique_ptr<emulator::Emulation> emu_;
  std::unique_ptr<openstack::PortFirewall> firewall_;  // security groups, as a PoP has them
  std::unique_ptr<openstack::Cloud> cloud_;
};

}  // namespace chainlab::testing
