// SONATA's translation rules (service_plan.h): a package becomes a placed ServiceGraph whose
// deployment through the orchestration core's Deployer, on the in-memory FakeControl, gives
// son-emu's names, addresses, limits and links.
#include "frontends/sonata/service_plan.h"

#include <gtest/gtest.h>

#include "../../fakes/fake_control.h"

namespace chainlab::sonata {
namespace {

using chainlab::testing::FakeControl;
using orchestration::Deployer;
using orchestration::Deployment;
using orchestration::LinkPools;

ConnectionPoint cp(std::string id, std::string address = "") {
  ConnectionPoint c;
  c.id = std::move(id);
  c.address = std::move(address);
  return c;
}

VirtualLink link(std::string id, std::string type, std::vector<std::string> refs) {
  return {std::move(id), std::move(type), std::move(refs)};
}

// The SONATA demo's shape: VDU cps "vdu01:cpNN" mapped to VNF cps mgmt/input/output.
Vnfd sonata_vnfd(const std::string& name) {
  Vnfd v;
  v.source = "function_descriptors/" + name + ".yml";
  v.vendor = "eu.sonata-nfv";
  v.name = name;
  v.version = "0.1";
  v.connection_points = {cp("mgmt"), cp("input"), cp("output")};
  Vdu vdu;
  vdu.id = "1";
  vdu.image = "sonatanfv/sonata-empty-vnf";
  vdu.resources.vcpus = 1;
  vdu.resources.memory_mb = 2048;
  vdu.resources.cpu_bw = 0.25;
  vdu.connection_points = {cp("vdu01:cp01"), cp("vdu01:cp02"), cp("vdu01:cp03")};
  vdu.cmd_start = "echo started";
  vdu.cmd_stop = "echo stopped";
  v.vdus = {vdu};
  v.virtual_links = {link("mgmt", "E-LAN", {"vdu01:cp01", "mgmt"}),
                     link("input", "E-Line", {"vdu01:cp02", "input"}),
                     link("output", "E-Line", {"vdu01:cp03", "output"})};
  return v;
}

Package sonata_demo() {
  Package p;
  p.nsd.source = "service_descriptors/nsd.yml";
  p.nsd.name = "sonata-empty-service";
  for (int i = 1; i <= 3; ++i) {
    std::string n = "empty-vnf" + std::to_string(i);
    p.vnfds.push_back(sonata_vnfd(n));
    p.nsd.network_functions.push_back({"empty_vnf" + std::to_string(i), "eu.sonata-nfv", n, "0.1"});
  }
  p.nsd.connection_points = {cp("ns:mgmt"), cp("ns:input"), cp("ns:output")};
  p.nsd.virtual_links = {
      link("mgmt", "E-LAN", {"empty_vnf1:mgmt", "empty_vnf2:mgmt", "empty_vnf3:mgmt", "ns:mgmt"}),
      link("link-input", "E-Line", {"ns:input", "empty_vnf1:input"}),
      link("link-12", "E-Line", {"empty_vnf1:output", "empty_vnf2:input"}),
      link("link-23", "E-Line", {"empty_vnf2:output", "empty_vnf3:input"}),
      link("link-output", "E-Line", {"empty_vnf3:output", "ns:output"}),
  };
  return p;
}

PlanOptions options(const std::string& uuid = "1234abcd-0000-4000-8000-000000000000") {
  PlanOptions o;
  o.instance_uuid = uuid;
  o.placement = {{"empty_vnf1", "dc1"}, {"empty_vnf2", "dc2"}, {"empty_vnf3", "dc1"}};
  o.deploy_saps = true;  // the SAP rules are the subject of most tests here
  return o;
}

// A plan deployed on a FakeControl with dc1 and dc2.
struct Deployed {
  FakeControl emu{FakeControl::pops({"dc1", "dc2"})};
  std::optional<Deployment> dep;

  // Deploys `plan` (which must outlive the call) with the plan's Deployer options.
  Status deploy(const ServicePlan& plan, LinkPools& pools) {
    auto d = Deployer(emu, pools, deployer_options(plan)).deploy(plan.graph);
    if (!d.ok()) {
      return std::move(d).error();
    }
    dep = std::move(d).value();
    return ok_status();
  }
  const emulator::ComputeInfo* find(const std::string& name) const {
    auto it = emu.instances().find(name);
    return it == emu.instances().end() ? nullptr : &it->second;
  }
  // The address an instance's interface was started with ("" for the fake's default pool).
  std::string ip_of(const std::string& name, const std::string& intf) const {
    if (!dep || dep->nodes.count(name) == 0) {
      return "<no instance>";
    }
    auto it = dep->addresses.find({name, intf});
    return it == dep->addresses.end() ? "" : it->second.to_string();
  }
};

const orchestration::graph::Function* function(const ServicePlan& plan, const std::string& id) {
  return plan.graph.function(id);
}

TEST(ServicePlan, SonataDemoInstancesSapsAndLinks) {
  auto plan = plan_service(sonata_demo(), options());
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->graph.functions.size(), 3u);
  ASSERT_EQ(plan->graph.saps.size(), 3u);
  EXPECT_EQ(plan->graph.id, "1234abcd");
  const auto* v1 = function(*plan, "empty_vnf1");
  ASSERT_NE(v1, nullptr);
  EXPECT_EQ(v1->host, "dc1");
  ASSERT_EQ(v1->ports.size(), 3u);
  EXPECT_EQ(v1->ports[0].id, "mgmt");
  EXPECT_EQ(v1->ports[1].id, "input");
  EXPECT_EQ(v1->ports[2].id, "output");
  EXPECT_EQ(v1->command, "echo started");
  EXPECT_EQ(v1->stop_command, "echo stopped");
  EXPECT_EQ(plan->nodes.at("empty_vnf1").vnf_id, "empty_vnf1");

  LinkPools pools;
  Deployed d;
  ASSERT_TRUE(d.deploy(*plan, pools).ok());
  ASSERT_EQ(d.emu.instances().size(), 6u);  // 3 VNFs + 3 SAPs
  const emulator::ComputeInfo* i1 = d.find("empty_vnf1");
  ASSERT_NE(i1, nullptr);
  EXPECT_EQ(i1->flavor, "small");
  EXPECT_EQ(i1->command, "echo started");
  EXPECT_EQ(i1->status.limits.cpu_quota_us, 250'000);
  EXPECT_EQ(i1->status.limits.memory_bytes, int64_t{2048} * 1024 * 1024);

  // SAPs: named <short>-sap-<cp>, in the PoP of the VNF on their link.
  ASSERT_NE(plan->graph.sap("1234abcd-sap-input"), nullptr);
  EXPECT_EQ(plan->nodes.at("1234abcd-sap-input").sap, "ns:input");
  ASSERT_NE(d.find("1234abcd-sap-input"), nullptr);
  EXPECT_EQ(d.find("1234abcd-sap-input")->pop, "dc1");
  EXPECT_EQ(d.find("1234abcd-sap-input")->flavor, "tiny");
  EXPECT_EQ(d.find("1234abcd-sap-input")->interfaces.at(0).name, "input");
  ASSERT_NE(d.find("1234abcd-sap-output"), nullptr);
  EXPECT_EQ(d.find("1234abcd-sap-output")->pop, "dc1");  // empty_vnf3 is in dc1

  // E-Lines: .1/.2 of fresh 20.0.x.0/24 subnets, in NSD order, all with the plan's cookie.
  ASSERT_EQ(plan->graph.elines.size(), 4u);
  EXPECT_EQ(d.ip_of("1234abcd-sap-input", "input"), "20.0.0.1/24");
  EXPECT_EQ(d.ip_of("empty_vnf1", "input"), "20.0.0.2/24");
  EXPECT_EQ(d.ip_of("empty_vnf1", "output"), "20.0.1.1/24");
  EXPECT_EQ(d.ip_of("empty_vnf2", "input"), "20.0.1.2/24");
  const emulator::ChainRequest& c12 = d.dep->chains.at("link-12");
  EXPECT_EQ(c12.src, "empty_vnf1");
  EXPECT_EQ(c12.src_intf, "output");
  EXPECT_EQ(c12.dst, "empty_vnf2");
  EXPECT_EQ(c12.dst_intf, "input");
  EXPECT_TRUE(c12.bidirectional);
  for (const auto& [id, chain] : d.dep->chains) {
    EXPECT_EQ(chain.cookie, plan->cookie) << id;
  }

  // E-LAN: every member in one 30.0.x.0/24, created as <short>-<link id>.
  ASSERT_EQ(plan->graph.elans.size(), 1u);
  EXPECT_EQ(plan->graph.elans[0].members.size(), 4u);
  EXPECT_EQ(d.dep->elans.at("mgmt"), "1234abcd-mgmt");
  EXPECT_EQ(d.emu.elans().count("1234abcd-mgmt"), 1u);
  EXPECT_EQ(d.ip_of("empty_vnf1", "mgmt"), "30.0.0.1/24");
  EXPECT_EQ(d.ip_of("empty_vnf3", "mgmt"), "30.0.0.3/24");
  EXPECT_EQ(d.ip_of("1234abcd-sap-mgmt", "mgmt"), "30.0.0.4/24");
  EXPECT_EQ(pools.eline.used(), 4u);
  EXPECT_EQ(pools.elan.used(), 1u);
  ASSERT_TRUE(Deployer(d.emu, pools).remove(*d.dep).ok());
  EXPECT_TRUE(d.emu.empty());
  EXPECT_EQ(pools.eline.used(), 0u);
  EXPECT_EQ(pools.elan.used(), 0u);
}

TEST(ServicePlan, SecondInstanceGetsSuffixedNamesAndFreshSubnets) {
  LinkPools pools;
  auto first = plan_service(sonata_demo(), options());
  ASSERT_TRUE(first.ok());
  Deployed d;
  ASSERT_TRUE(d.deploy(*first, pools).ok());
  PlanOptions o = options("99998888-0000-4000-8000-000000000000");
  for (const auto& [name, info] : d.emu.instances()) {
    o.taken.insert(name);
  }
  auto second = plan_service(sonata_demo(), o);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_NE(function(*second, "empty_vnf1-99998888"), nullptr);
  EXPECT_NE(second->graph.sap("99998888-sap-input"), nullptr);
  auto dep2 = Deployer(d.emu, pools, deployer_options(*second)).deploy(second->graph);
  ASSERT_TRUE(dep2.ok()) << dep2.error().message;
  EXPECT_EQ(dep2->addresses.at({"99998888-sap-input", "input"}).to_string(), "20.0.4.1/24");
  EXPECT_EQ(dep2->elans.at("mgmt"), "99998888-mgmt");
  EXPECT_NE(first->cookie, second->cookie);
}

TEST(ServicePlan, WithoutSapsOnlyTheVnfsAndTheirLinksAsSonemu) {
  PlanOptions o = options();
  o.deploy_saps = false;
  EXPECT_FALSE(PlanOptions{}.deploy_saps) << "son-emu's default: no SAP instances";
  auto plan = plan_service(sonata_demo(), o);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->graph.functions.size(), 3u);  // the VNFs alone
  EXPECT_TRUE(plan->graph.saps.empty());
  // The E-Lines to ns:input / ns:output are not wired; the VNF-VNF ones are.
  ASSERT_EQ(plan->graph.elines.size(), 2u);
  EXPECT_EQ(plan->graph.elines[0].id, "link-12");
  EXPECT_EQ(plan->graph.elines[1].id, "link-23");
  LinkPools pools;
  Deployed d;
  ASSERT_TRUE(d.deploy(*plan, pools).ok());
  EXPECT_EQ(d.ip_of("empty_vnf1", "output"), "20.0.0.1/24");
  EXPECT_EQ(d.ip_of("empty_vnf1", "input"), "") << "the emulator's default address";
  EXPECT_EQ(d.ip_of("empty_vnf3", "output"), "");
  // The E-LAN joins the three VNFs only.
  ASSERT_EQ(plan->graph.elans.size(), 1u);
  EXPECT_EQ(plan->graph.elans[0].members.size(), 3u);
  EXPECT_EQ(d.ip_of("empty_vnf3", "mgmt"), "30.0.0.3/24");
  EXPECT_EQ(pools.eline.used(), 2u);
  EXPECT_EQ(pools.elan.used(), 1u);

  // A static address on a VNF end of an unwired link is kept; an E-LAN left with one VNF member
  // is not created.
  Package p = sonata_demo();
  p.vnfds[0].connection_points[1].address = "10.7.0.5/24";  // empty_vnf1:input
  p.nsd.virtual_links[0].connection_points = {"empty_vnf1:mgmt", "ns:mgmt"};
  auto static_plan = plan_service(p, o);
  ASSERT_TRUE(static_plan.ok()) << static_plan.error().message;
  EXPECT_EQ(function(*static_plan, "empty_vnf1")->ports[1].ip->to_string(), "10.7.0.5/24");
  EXPECT_TRUE(static_plan->graph.elans.empty());
  LinkPools fresh;
  Deployed d2;
  ASSERT_TRUE(d2.deploy(*static_plan, fresh).ok());
  EXPECT_EQ(d2.ip_of("empty_vnf1", "input"), "10.7.0.5/24");
  EXPECT_EQ(fresh.elan.used(), 0u);
}

TEST(ServicePlan, TangoStyleRefsStaticAddressesAndContainers) {
  Package p = sonata_demo();
  for (auto& v : p.vnfds) {
    v.vdus[0].id = "vdu01";
    v.vdus[0].connection_points = {cp("mgmt"), cp("input"), cp("output")};
    v.virtual_links = {link("mgmt", "E-LAN", {"vdu01:mgmt", "mgmt"}),
                       link("input", "E-Line", {"vdu01:input", "input"}),
                       link("output", "E-Line", {"vdu01:output", "output"})};
  }
  p.vnfds[1].connection_points[1].address = "10.9.9.7/24";  // empty_vnf2:input
  p.nsd.connection_points = {cp("mgmt"), cp("input"), cp("output")};
  p.nsd.virtual_links[0].connection_points.back() = "mgmt";
  p.nsd.virtual_links[1].connection_points.front() = "input";
  p.nsd.virtual_links[4].connection_points.back() = "output";
  PlanOptions o = options();
  o.image_is_local = [](const std::string& image) { return image == "sonatanfv/sonata-empty-vnf"; };
  auto plan = plan_service(p, o);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  LinkPools pools;
  Deployed d;
  ASSERT_TRUE(d.deploy(*plan, pools).ok());
  EXPECT_EQ(d.ip_of("empty_vnf2", "input"), "10.9.9.7/24");
  EXPECT_EQ(d.ip_of("empty_vnf1", "output"), "10.9.9.1/24");
  EXPECT_EQ(pools.eline.used(), 3u);  // the static subnet is outside the pool
  const PlannedNode& v1 = plan->nodes.at("empty_vnf1");
  EXPECT_TRUE(v1.container);
  EXPECT_EQ(function(*plan, "empty_vnf1")->command, "");
  EXPECT_EQ(v1.start_after_start, "echo started");
  EXPECT_NE(d.find("1234abcd-sap-input"), nullptr);
}

TEST(ServicePlan, MultiVduVnfWithInternalLink) {
  Package p;
  p.nsd.name = "multi";
  Vnfd v;
  v.name = "lb";
  v.connection_points = {cp("input")};
  Vdu front;
  front.id = "front";
  front.connection_points = {cp("front:in"), cp("front:int")};
  Vdu back;
  back.id = "back";
  back.connection_points = {cp("back:int")};
  v.vdus = {front, back};
  v.virtual_links = {link("in", "E-Line", {"front:in", "input"}),
                     link("int", "E-LAN", {"front:int", "back:int"})};
  p.vnfds = {v};
  p.nsd.network_functions = {{"lb", "", "lb", ""}};
  p.nsd.connection_points = {cp("input")};
  p.nsd.virtual_links = {link("l", "E-Line", {"input", "lb:input"})};
  PlanOptions o;
  o.instance_uuid = "abcdef01-2";
  o.placement = {{"lb", "dc2"}};
  o.deploy_saps = true;  // the E-Line to the SAP is wired
  auto plan = plan_service(p, o);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_NE(function(*plan, "lb-front"), nullptr);
  ASSERT_NE(function(*plan, "lb-back"), nullptr);
  EXPECT_EQ(function(*plan, "lb-back")->host, "dc2");
  ASSERT_EQ(plan->graph.elans.size(), 1u);
  EXPECT_EQ(plan->graph.elans[0].id, "lb/int");
  EXPECT_EQ(plan->graph.elans[0].members.size(), 2u);
  ASSERT_EQ(plan->graph.elines.size(), 1u);
  LinkPools pools;
  Deployed d;
  ASSERT_TRUE(d.deploy(*plan, pools).ok());
  EXPECT_EQ(d.ip_of("lb-front", "input"), "20.0.0.2/24");
  EXPECT_EQ(d.ip_of("lb-front", "int"), "30.0.0.1/24");
  EXPECT_EQ(d.ip_of("lb-back", "int"), "30.0.0.2/24");
  EXPECT_EQ(d.dep->elans.at("lb/int"), "abcdef01-lb-int") << "sanitised";
}

TEST(ServicePlan, ErrorsNameTheProblem) {
  Package p = sonata_demo();
  p.nsd.virtual_links.push_back(
      link("bad", "E-Line", {"empty_vnf1:mgmt", "empty_vnf2:mgmt", "empty_vnf3:mgmt"}));
  auto plan = plan_service(p, options());
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("'bad'"), std::string::npos) << plan.error().message;

  p = sonata_demo();
  p.nsd.virtual_links[2].connection_points[0] = "empty_vnf1:nope";
  plan = plan_service(p, options());
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("empty_vnf1:nope"), std::string::npos);

  PlanOptions o = options();
  o.placement.erase("empty_vnf2");
  plan = plan_service(sonata_demo(), o);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("empty_vnf2"), std::string::npos);

  p = sonata_demo();
  p.nsd.virtual_links.push_back(link("link-12", "E-Line", {"empty_vnf1:mgmt", "empty_vnf2:mgmt"}));
  plan = plan_service(p, options());
  ASSERT_FALSE(plan.ok()) << "two links with one id";
  EXPECT_EQ(plan.error().code, ErrorCode::kInvalidArgument);
}

TEST(ServicePlan, NamingAndLimitRules) {
  EXPECT_EQ(interface_name("ns:input"), "ns-input");
  EXPECT_EQ(interface_name("a.very_long connection point"), "a-very-long-con");
  EXPECT_EQ(object_name("vnf/with space"), "vnf-with-space");
  EXPECT_EQ(object_name("-x"), "x-x");
  EXPECT_EQ(short_id("1234abcd-0000"), "1234abcd");
  EXPECT_EQ(flavor_for(0.5), "tiny");
  EXPECT_EQ(flavor_for(1), "small");
  EXPECT_EQ(flavor_for(3), "medium");
  EXPECT_EQ(flavor_for(100), "xlarge");
  ResourceRequirements r;
  EXPECT_FALSE(limits_for(r).has_value());
  r.cpu_bw = 0.0001;
  EXPECT_EQ(*limits_for(r)->cpu_quota_us, 1000);
  r.cpuset = "0";
  EXPECT_EQ(*limits_for(r)->cpuset_cpus, "0");
}

TEST(ServicePlan, PlacementUnitsSumFlavours) {
  auto u = placement_units(sonata_demo());
  ASSERT_EQ(u.size(), 3u);
  EXPECT_EQ(u[0].vnf_id, "empty_vnf1");
  EXPECT_EQ(u[0].vnf_name, "empty-vnf1");
  EXPECT_EQ(u[0].cu, 1);
  EXPECT_EQ(u[0].mu_mb, 128);
}

}  // namespace
}  // namespace chainlab::sonata
