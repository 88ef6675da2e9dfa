// The composition root's plan, before anything starts: which endpoints a topology lists, in which
// order, and what it refuses (unknown kinds, port clashes, exposure). No root needed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/run.h"

namespace chainlab::app {
namespace {

using ::testing::HasSubstr;

class RunPlanTest : public ::testing::Test {
 protected:
  RunPlanTest() { EXPECT_TRUE(register_builtin_endpoint_kinds(registry_).ok()); }

  // A topology of one PoP "dc1" that lists one endpoint.
  static emulator::Topology one_pop_with(const std::string& kind, int port) {
    emulator::Topology t;
    emulator::PopSpec pop;
    pop.name = "dc1";
    pop.endpoints = {{kind, port}};
    EXPECT_TRUE(t.add_pop(pop).ok());
    return t;
  }
  // The plan's error message, or "<ok>" (so that a plan accepted by mistake fails the test
  // instead of reading the error of an ok Status).
  std::string refusal(const emulator::Topology& t, const ServeOptions& options) {
    Status s = check_serve_plan(t, options, registry_);
    return s.ok() ? "<ok>" : s.error().message;
  }

  EndpointRegistry registry_{"endpoint kind"};
};

TEST_F(RunPlanTest, TheDefaultTopologyListsRestGatekeeperOpenStackAndNffgPerPop) {
  emulator::Topology t = emulator::Topology::default_topology();
  auto entries = endpoint_entries(t, -1);
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].kind, "emulator");
  EXPECT_EQ(entries[0].port, 5001);
  EXPECT_EQ(entries[1].kind, "gatekeeper");
  EXPECT_EQ(entries[1].port, 5000);
  EXPECT_EQ(entries[2].kind, "nffg");
  EXPECT_EQ(entries[2].pop, "dc1");
  EXPECT_EQ(entries[2].port, 8080);
  EXPECT_EQ(entries[3].kind, "openstack");
  EXPECT_EQ(entries[3].pop, "dc1");
  EXPECT_EQ(entries[5].pop, "dc2");
  t.emulator.rest_port = -1;
  EXPECT_EQ(endpoint_entries(t, -1)[0].kind, "gatekeeper") << "rest_port -1: no son-emu API";
  EXPECT_EQ(endpoint_entries(t, 7001)[0].port, 7001) << "--port overrides the REST port";
  EXPECT_TRUE(check_serve_plan(t, ServeOptions{}, registry_).ok());
}

TEST_F(RunPlanTest, AnEndpointKindNobodyServesIsRefused) {
  emulator::Topology t = one_pop_with("nfvo", 8080);
  Status s = check_serve_plan(t, ServeOptions{}, registry_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().message,
            "unknown endpoint kind 'nfvo' (known: emulator, gatekeeper, nffg, openstack)");
}

TEST_F(RunPlanTest, AClashWithAnOpenStackServicePortNamesBoth) {
  emulator::Topology t = one_pop_with("openstack", 6001);
  t.emulator.gatekeeper_port = -1;
  ServeOptions options;
  options.port = 6001 + 3774;  // Nova's port
  EXPECT_EQ(refusal(t, options), "port 9775 is configured twice: emulator REST and dc1 nova");
  options.port = 0;  // any free port never clashes
  EXPECT_TRUE(check_serve_plan(t, options, registry_).ok());
}

TEST_F(RunPlanTest, ExposureNeedsAuthAndRealKeystoneUsers) {
  emulator::Topology t = emulator::Topology::default_topology();
  ServeOptions options;
  options.listen = "0.0.0.0";
  options.no_auth = true;
  EXPECT_THAT(refusal(t, options), HasSubstr("--no-auth is only allowed on a loopback address"));
  options.no_auth = false;
  EXPECT_THAT(refusal(t, options),
              HasSubstr("Keystone's default admin/admin is only allowed on loopback"));
  t.emulator.keystone.users.push_back({"alice", "a-long-secret"});
  EXPECT_TRUE(check_serve_plan(t, options, registry_).ok());
}

}  // namespace
}  // namespace chainlab::app
