#include "orchestration/domain/local_domain.h"

#include <gtest/gtest.h>

#include "../../fakes/fake_control.h"
#include "../../fakes/test_topologies.h"

namespace chainlab::orchestration {
namespace {

using testing::FakeControl;

using testing::two_pops_and_a_switch;

graph::ServiceGraph chain(std::string id, std::string match) {
  graph::ServiceGraph g;
  g.id = std::move(id);
  for (const char* f : {"a", "b"}) {
    graph::Function fn;
    fn.id = f;
    fn.ports = {graph::Port{"p", std::nullopt, std::nullopt}};
    fn.host = f == std::string("a") ? "dc1" : "dc2";
    g.functions.push_back(fn);
  }
  g.elines = {graph::Eline{"ab", {"a", "p"}, {"b", "p"}, *graph::parse_match(match), true}};
  return g;
}

class LocalDomainTest : public ::testing::Test {
 protected:
  FakeControl control{two_pops_and_a_switch()};
  LocalDomain domain{"local", control};
};

TEST_F(LocalDomainTest, DescribesPopsAndTopology) {
  EXPECT_EQ(domain.name(), "local");
  ASSERT_TRUE(domain.deploy(chain("g1", "")).ok());
  DomainView v = domain.describe();
  EXPECT_EQ(v.name, "local");
  ASSERT_EQ(v.hosts.size(), 2u);
  EXPECT_EQ(v.hosts[0].name, "dc1");
  EXPECT_FALSE(v.hosts[0].limited) << "the none model";
  EXPECT_EQ(v.hosts[0].instances, 1u);
  EXPECT_EQ(v.nodes, (std::vector<std::string>{"dc1", "dc2", "s1"}));
  EXPECT_EQ(v.links, (std::vector<DomainLink>{{"dc1", "s1", 5.0, 100.0}, {"s1", "dc2", 0, 0}}));
}

TEST_F(LocalDomainTest, DeployUpdateRemove) {
  auto r = domain.deploy(chain("g1", "tcp"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->instances.at("a"), "g1-a");
  EXPECT_EQ(r->hosts.at("b"), "dc2");
  ASSERT_EQ(control.list_chains().size(), 1u);
  EXPECT_EQ(control.list_chains()[0].request.match, "dl_type=0x0800,nw_proto=6");

  auto again = domain.deploy(chain("g1", "tcp"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);

  auto u = domain.update(chain("g1", "udp"));
  ASSERT_TRUE(u.ok()) << u.error().message;
  ASSERT_EQ(control.list_chains().size(), 1u);
  EXPECT_EQ(control.list_chains()[0].request.match, "dl_type=0x0800,nw_proto=17");
  EXPECT_EQ(control.calls(FakeControl::Op::kStartCompute), 2);  // only the E-Line changed
  EXPECT_EQ(domain.running("g1")->elines[0].match.ip_proto, 17);

  ASSERT_TRUE(domain.remove("g1").ok());
  EXPECT_TRUE(control.empty());
  EXPECT_EQ(domain.running("g1").error().code, ErrorCode::kNotFound);
}

TEST_F(LocalDomainTest, UnknownGraphsAreNotFound) {
  Status s = domain.remove("nope");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(s.error().message, "graph 'nope' is not deployed");
  auto u = domain.update(chain("nope", ""));
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(control.empty());
}

TEST_F(LocalDomainTest, FailedDeployIsNotRecorded) {
  control.fail_nth(FakeControl::Op::kSetChain, 1);
  auto r = domain.deploy(chain("g1", ""));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(control.empty());
  EXPECT_EQ(domain.running("g1").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(domain.deploy(chain("g1", "")).ok());  // the id is free again
}

}  // namespace
}  // namespace chainlab::orchestration
