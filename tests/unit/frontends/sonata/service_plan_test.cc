#include "frontends/sonata/service_plan.h"

#include <gtest/gtest.h>

namespace chainlab::sonata {
namespace {

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

const PlannedCompute* find(const ServicePlan& plan, const std::string& name) {
  for (const auto& c : plan.computes) {
    if (c.request.name == name) {
      return &c;
    }
  }
  return nullptr;
}

std::string ip_of(const ServicePlan& plan, const std::string& name, const std::string& intf) {
  const PlannedCompute* c = find(plan, name);
  if (c == nullptr) {
    return "<no instance>";
  }
  for (const auto& i : c->request.interfaces) {
    if (i.id == intf) {
      return i.ip;
    }
  }
  return "<no interface>";
}

TEST(ServicePlan, SonataDemoInstancesSapsAndLinks) {
  AddressPools pools;
  auto plan = plan_service(sonata_demo(), options(), pools);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->computes.size(), 6u);  // 3 VNFs + 3 SAPs
  const PlannedCompute* v1 = find(*plan, "empty_vnf1");
  ASSERT_NE(v1, nullptr);
  EXPECT_EQ(v1->request.pop, "dc1");
  ASSERT_EQ(v1->request.interfaces.size(), 3u);
  EXPECT_EQ(v1->request.interfaces[0].id, "mgmt");
  EXPECT_EQ(v1->request.interfaces[1].id, "input");
  EXPECT_EQ(v1->request.interfaces[2].id, "output");
  EXPECT_EQ(v1->request.command, "echo started");
  EXPECT_EQ(v1->request.stop_command, "echo stopped");
  EXPECT_EQ(v1->request.flavor, "small");
  ASSERT_TRUE(v1->request.limits.has_value());
  EXPECT_EQ(*v1->request.limits->cpu_period_us, 1'000'000);
  EXPECT_EQ(*v1->request.limits->cpu_quota_us, 250'000);
  EXPECT_EQ(*v1->request.limits->memory_bytes, int64_t{2048} * 1024 * 1024);

  // SAPs: named <short>-sap-<cp>, in the PoP of the VNF on their link.
  const PlannedCompute* in = find(*plan, "1234abcd-sap-input");
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(in->sap, "ns:input");
  EXPECT_EQ(in->request.pop, "dc1");
  EXPECT_EQ(in->request.interfaces.at(0).id, "input");
  const PlannedCompute* out = find(*plan, "1234abcd-sap-output");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->request.pop, "dc1");  // empty_vnf3 is in dc1

  // E-Lines: .1/.2 of fresh 20.0.x.0/24 subnets, in NSD order.
  ASSERT_EQ(plan->chains.size(), 4u);
  EXPECT_EQ(ip_of(*plan, "1234abcd-sap-input", "input"), "20.0.0.1/24");
  EXPECT_EQ(ip_of(*plan, "empty_vnf1", "input"), "20.0.0.2/24");
  EXPECT_EQ(ip_of(*plan, "empty_vnf1", "output"), "20.0.1.1/24");
  EXPECT_EQ(ip_of(*plan, "empty_vnf2", "input"), "20.0.1.2/24");
  EXPECT_EQ(plan->chains[1].src, "empty_vnf1");
  EXPECT_EQ(plan->chains[1].src_intf, "output");
  EXPECT_EQ(plan->chains[1].dst, "empty_vnf2");
  EXPECT_EQ(plan->chains[1].dst_intf, "input");

  // E-LAN: every member in one 30.0.x.0/24.
  ASSERT_EQ(plan->elans.size(), 1u);
  EXPECT_EQ(plan->elans[0].members.size(), 4u);
  EXPECT_EQ(ip_of(*plan, "empty_vnf1", "mgmt"), "30.0.0.1/24");
  EXPECT_EQ(ip_of(*plan, "empty_vnf3", "mgmt"), "30.0.0.3/24");
  EXPECT_EQ(ip_of(*plan, "1234abcd-sap-mgmt", "mgmt"), "30.0.0.4/24");
  EXPECT_EQ(pools.eline.used(), 4u);
  EXPECT_EQ(pools.elan.used(), 1u);
  release_leases(plan->leases, pools);
  EXPECT_EQ(pools.eline.used(), 0u);
  EXPECT_EQ(pools.elan.used(), 0u);
}

TEST(ServicePlan, SecondInstanceGetsSuffixedNamesAndFreshSubnets) {
  AddressPools pools;
  auto first = plan_service(sonata_demo(), options(), pools);
  ASSERT_TRUE(first.ok());
  PlanOptions o = options("99998888-0000-4000-8000-000000000000");
  for (const auto& c : first->computes) {
    o.taken.insert(c.request.name);
  }
  auto second = plan_service(sonata_demo(), o, pools);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_NE(find(*second, "empty_vnf1-99998888"), nullptr);
  EXPECT_NE(find(*second, "99998888-sap-input"), nullptr);
  EXPECT_EQ(ip_of(*second, "99998888-sap-input", "input"), "20.0.4.1/24");
  EXPECT_NE(first->cookie, second->cookie);
}

TEST(ServicePlan, WithoutSapsOnlyTheVnfsAndTheirLinksAsSonemu) {
  PlanOptions o = options();
  o.deploy_saps = false;
  EXPECT_FALSE(PlanOptions{}.deploy_saps) << "son-emu's default: no SAP instances";
  AddressPools pools;
  auto plan = plan_service(sonata_demo(), o, pools);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->computes.size(), 3u);  // the VNFs alone
  for (const auto& c : plan->computes) {
    EXPECT_TRUE(c.sap.empty()) << c.request.name;
  }
  // The E-Lines to ns:input / ns:output are not wired; the VNF-VNF ones are.
  ASSERT_EQ(plan->chains.size(), 2u);
  EXPECT_EQ(plan->chains[0].link_id, "link-12");
  EXPECT_EQ(plan->chains[1].link_id, "link-23");
  EXPECT_EQ(ip_of(*plan, "empty_vnf1", "output"), "20.0.0.1/24");
  EXPECT_EQ(ip_of(*plan, "empty_vnf1", "input"), "") << "the emulator's default address";
  EXPECT_EQ(ip_of(*plan, "empty_vnf3", "output"), "");
  // The E-LAN joins the three VNFs only.
  ASSERT_EQ(plan->elans.size(), 1u);
  EXPECT_EQ(plan->elans[0].members.size(), 3u);
  EXPECT_EQ(ip_of(*plan, "empty_vnf3", "mgmt"), "30.0.0.3/24");
  EXPECT_EQ(pools.eline.used(), 2u);
  EXPECT_EQ(pools.elan.used(), 1u);

  // A static address on a VNF end of an unwired link is kept; an E-LAN left with one VNF member
  // is not created.
  Package p = sonata_demo();
  p.vnfds[0].connection_points[1].address = "10.7.0.5/24";  // empty_vnf1:input
  p.nsd.virtual_links[0].connection_points = {"empty_vnf1:mgmt", "ns:mgmt"};
  AddressPools fresh;
  auto static_plan = plan_service(p, o, fresh);
  ASSERT_TRUE(static_plan.ok()) << static_plan.error().message;
  EXPECT_EQ(ip_of(*static_plan, "empty_vnf1", "input"), "10.7.0.5/24");
  EXPECT_TRUE(static_plan->elans.empty());
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
  AddressPools pools;
  auto plan = plan_service(p, o, pools);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(ip_of(*plan, "empty_vnf2", "input"), "10.9.9.7/24");
  EXPECT_EQ(ip_of(*plan, "empty_vnf1", "output"), "10.9.9.1/24");
  EXPECT_EQ(pools.eline.used(), 3u);  // the static subnet is outside the pool
  const PlannedCompute* v1 = find(*plan, "empty_vnf1");
  EXPECT_TRUE(v1->container);
  EXPECT_EQ(v1->request.command, "");
  EXPECT_EQ(v1->start_after_start, "echo started");
  EXPECT_NE(find(*plan, "1234abcd-sap-input"), nullptr);
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
  AddressPools pools;
  auto plan = plan_service(p, o, pools);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_NE(find(*plan, "lb-front"), nullptr);
  ASSERT_NE(find(*plan, "lb-back"), nullptr);
  EXPECT_EQ(find(*plan, "lb-back")->request.pop, "dc2");
  EXPECT_EQ(ip_of(*plan, "lb-front", "input"), "20.0.0.2/24");
  EXPECT_EQ(ip_of(*plan, "lb-front", "int"), "30.0.0.1/24");
  EXPECT_EQ(ip_of(*plan, "lb-back", "int"), "30.0.0.2/24");
  ASSERT_EQ(plan->elans.size(), 1u);
  EXPECT_EQ(plan->elans[0].members.size(), 2u);
  ASSERT_EQ(plan->chains.size(), 1u);
}

TEST(ServicePlan, ErrorsNameTheProblemAndReturnSubnets) {
  AddressPools pools;
  Package p = sonata_demo();
  p.nsd.virtual_links.push_back(
      link("bad", "E-Line", {"empty_vnf1:mgmt", "empty_vnf2:mgmt", "empty_vnf3:mgmt"}));
  auto plan = plan_service(p, options(), pools);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("'bad'"), std::string::npos) << plan.error().message;
  EXPECT_EQ(pools.eline.used(), 0u);
  EXPECT_EQ(pools.elan.used(), 0u);

  p = sonata_demo();
  p.nsd.virtual_links[2].connection_points[0] = "empty_vnf1:nope";
  plan = plan_service(p, options(), pools);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("empty_vnf1:nope"), std::string::npos);

  PlanOptions o = options();
  o.placement.erase("empty_vnf2");
  plan = plan_service(sonata_demo(), o, pools);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("empty_vnf2"), std::string::npos);
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
