#include "emulator/topology.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

namespace chainlab::emulator {
namespace {

PopSpec pop(std::string name) {
  PopSpec p;
  p.name = std::move(name);
  return p;
}

LinkSpec link(std::string a, std::string b) {
  LinkSpec l;
  l.a = std::move(a);
  l.b = std::move(b);
  return l;
}

SapSpec sap(std::string name, std::string at) {
  SapSpec s;
  s.name = std::move(name);
  s.pop = std::move(at);
  return s;
}

// The topology with dc1, dc2 and switch s1.
Topology base() {
  Topology t;
  EXPECT_TRUE(t.add_pop(pop("dc1")).ok());
  EXPECT_TRUE(t.add_pop(pop("dc2")).ok());
  EXPECT_TRUE(t.add_switch(SwitchSpec{"s1"}).ok());
  return t;
}

std::string message(const Status& s) {
  return s.ok() ? std::string("ok") : s.error().message;
}

TEST(TopologyTest, AddAndFind) {
  Topology t = base();
  ASSERT_TRUE(t.add_link(link("dc1", "s1")).ok());
  ASSERT_TRUE(t.add_link(link("s1", "dc2")).ok());
  ASSERT_TRUE(t.add_sap(sap("internet", "dc1")).ok());
  EXPECT_EQ(t.pops().size(), 2u);
  EXPECT_EQ(t.switches().size(), 1u);
  EXPECT_EQ(t.links().size(), 2u);
  EXPECT_EQ(t.saps().size(), 1u);
  ASSERT_NE(t.find_pop("dc2"), nullptr);
  EXPECT_EQ(t.find_pop("dc2")->name, "dc2");
  EXPECT_EQ(t.find_pop("s1"), nullptr);
  EXPECT_EQ(t.find_pop("nope"), nullptr);
  EXPECT_TRUE(t.has_node("s1"));
  EXPECT_TRUE(t.has_node("dc1"));
  EXPECT_FALSE(t.has_node("internet"));
}

TEST(TopologyTest, NamesAreUniqueAcrossPopsAndSwitches) {
  Topology t = base();
  Status s = t.add_pop(pop("s1"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(message(s), "PoP 's1': name: 's1' is already the name of a PoP or switch");
  EXPECT_FALSE(t.add_switch(SwitchSpec{"dc1"}).ok());
  EXPECT_FALSE(t.add_pop(pop("dc1")).ok());
  EXPECT_EQ(t.pops().size(), 2u);  // nothing changed
  EXPECT_EQ(t.switches().size(), 1u);
}

TEST(TopologyTest, RejectsInvalidNames) {
  Topology t;
  for (const char* bad : {"", "-dc", "dc 1", "dc/1", "ä"}) {
    EXPECT_FALSE(t.add_pop(pop(bad)).ok()) << bad;
    EXPECT_FALSE(t.add_switch(SwitchSpec{bad}).ok()) << bad;
  }
  EXPECT_FALSE(t.add_pop(pop(std::string(65, 'a'))).ok());
  EXPECT_TRUE(t.add_pop(pop(std::string(64, 'a'))).ok());
  EXPECT_TRUE(t.add_pop(pop("dc1.b:x_y-z")).ok());
  EXPECT_TRUE(t.pops().size() == 2u);
}

TEST(TopologyTest, LinkEndsMustExist) {
  Topology t = base();
  Status s = t.add_link(link("dc1", "dc9"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(message(s), "link dc1-dc9: b: no PoP or switch named 'dc9'");
  EXPECT_FALSE(t.add_link(link("", "dc1")).ok());
  EXPECT_FALSE(t.add_link(link("x", "dc1")).ok());
  EXPECT_TRUE(t.links().empty());
}

TEST(TopologyTest, NoSelfLinksButDuplicatesAllowed) {
  Topology t = base();
  EXPECT_FALSE(t.add_link(link("dc1", "dc1")).ok());
  EXPECT_TRUE(t.add_link(link("dc1", "dc2")).ok());
  EXPECT_TRUE(t.add_link(link("dc1", "dc2")).ok());
  EXPECT_EQ(t.links().size(), 2u);
}

TEST(TopologyTest, LinkParameterRanges) {
  Topology t = base();
  auto with = [&](auto change) {
    LinkSpec l = link("dc1", "dc2");
    change(l);
    return t.add_link(l);
  };
  EXPECT_TRUE(with([](LinkSpec& l) { l.delay_ns = 60'000'000'000; }).ok());
  EXPECT_EQ(message(with([](LinkSpec& l) { l.delay_ns = 60'000'000'001; })),
            "link dc1-dc2: delay: 60.000000001s exceeds the maximum of 60s");
  EXPECT_EQ(message(with([](LinkSpec& l) {
              l.delay_ns = 1'000'000;
              l.jitter_ns = 5'000'000;
            })),
            "link dc1-dc2: jitter: 5ms exceeds the delay 1ms");
  EXPECT_TRUE(with([](LinkSpec& l) {
                l.delay_ns = 5'000'000;
                l.jitter_ns = 5'000'000;
              }).ok());
  EXPECT_TRUE(with([](LinkSpec& l) { l.bw_mbps = 0.001; }).ok());
  EXPECT_TRUE(with([](LinkSpec& l) { l.bw_mbps = 400000; }).ok());
  EXPECT_FALSE(with([](LinkSpec& l) { l.bw_mbps = 0.0001; }).ok());
  EXPECT_FALSE(with([](LinkSpec& l) { l.bw_mbps = 400001; }).ok());
  EXPECT_FALSE(with([](LinkSpec& l) { l.bw_mbps = -1; }).ok());
  EXPECT_FALSE(with([](LinkSpec& l) { l.bw_mbps = std::nan(""); }).ok());
  EXPECT_TRUE(with([](LinkSpec& l) { l.loss_percent = 100; }).ok());
  EXPECT_FALSE(with([](LinkSpec& l) { l.loss_percent = 100.5; }).ok());
  EXPECT_FALSE(with([](LinkSpec& l) { l.loss_percent = -0.1; }).ok());
  EXPECT_FALSE(with([](LinkSpec& l) { l.queue_packets = 0; }).ok());
  EXPECT_TRUE(with([](LinkSpec& l) { l.queue_packets = 1'000'000; }).ok());
  EXPECT_FALSE(with([](LinkSpec& l) { l.queue_packets = 1'000'001; }).ok());
  EXPECT_EQ(t.links().size(), 6u);
}

TEST(TopologyTest, ResourceModels) {
  Topology t;
  auto with = [&](const std::string& name, auto change) {
    PopSpec p = pop(name);
    change(p.resources);
    return t.add_pop(p);
  };
  EXPECT_TRUE(with("a", [](ResourceModelSpec& r) { r.model = "fixed"; }).ok());
  EXPECT_TRUE(with("b", [](ResourceModelSpec& r) { r.model = "overprovision"; }).ok());
  EXPECT_EQ(message(with("c", [](ResourceModelSpec& r) { r.model = "magic"; })),
            "PoP 'c': resources.model: unknown model 'magic'; use none, fixed or overprovision");
  EXPECT_FALSE(with("d", [](ResourceModelSpec& r) { r.max_cu = 0; }).ok());
  EXPECT_FALSE(with("e", [](ResourceModelSpec& r) { r.max_mu = -5; }).ok());
  EXPECT_EQ(t.pops().size(), 2u);
}

TEST(TopologyTest, EndpointPorts) {
  Topology t;
  PopSpec p = pop("dc1");
  p.endpoints["openstack"] = 65535;
  EXPECT_TRUE(t.add_pop(p).ok());
  p.name = "dc2";
  p.endpoints["openstack"] = 65536;
  EXPECT_EQ(message(t.add_pop(p)),
            "PoP 'dc2': endpoints.openstack: port 65536 is out of range 0..65535");
  p.endpoints["openstack"] = -1;
  EXPECT_FALSE(t.add_pop(p).ok());
  p.endpoints.clear();
  p.endpoints["bad kind"] = 1;
  EXPECT_FALSE(t.add_pop(p).ok());
}

TEST(TopologyTest, Saps) {
  Topology t = base();
  EXPECT_TRUE(t.add_sap(sap("internet", "dc1")).ok());
  Status dup = t.add_sap(sap("internet", "dc2"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(message(t.add_sap(sap("x", "s1"))), "SAP 'x': pop: 's1' is a switch, not a PoP");
  EXPECT_EQ(message(t.add_sap(sap("x", "dc7"))), "SAP 'x': pop: no PoP named 'dc7'");
  EXPECT_FALSE(t.add_sap(sap("x", "")).ok());
  SapSpec with_ip = sap("x", "dc2");
  with_ip.ip = "10.0.0.300/24";
  EXPECT_FALSE(t.add_sap(with_ip).ok());
  with_ip.ip = "10.0.0.3/24";
  EXPECT_TRUE(t.add_sap(with_ip).ok());
  // A SAP may share a name with a PoP: they live in different name spaces.
  EXPECT_TRUE(t.add_sap(sap("dc1", "dc1")).ok());
  EXPECT_EQ(t.saps().size(), 3u);
}

TEST(TopologyTest, EmulatorValidation) {
  EXPECT_TRUE(validate_emulator(EmulatorSpec{}).ok());
  EmulatorSpec e;
  e.e_cpu = 0;
  EXPECT_FALSE(validate_emulator(e).ok());
  e.e_cpu = 1.01;
  EXPECT_FALSE(validate_emulator(e).ok());
  e.e_cpu = 1;
  e.e_mem_mb = 0;
  EXPECT_FALSE(validate_emulator(e).ok());
  e.e_mem_mb = 1;
  e.rest_port = 70000;
  EXPECT_FALSE(validate_emulator(e).ok());
  e.rest_port = 0;
  EXPECT_TRUE(validate_emulator(e).ok());
}

TEST(TopologyTest, DefaultTopology) {
  Topology t = Topology::default_topology();
  ASSERT_EQ(t.pops().size(), 2u);
  EXPECT_EQ(t.pops()[0].name, "dc1");
  EXPECT_EQ(t.pops()[1].name, "dc2");
  EXPECT_EQ(t.pops()[0].resources.model, "none");
  ASSERT_EQ(t.links().size(), 1u);
  EXPECT_EQ(t.links()[0].delay_ns, 10'000'000u);
  EXPECT_TRUE(t.switches().empty());
}

// Durations themselves: tests/unit/common/units_test.cc.
TEST(DurationTest, DistanceKm) {
  EXPECT_NEAR(distance_km(0, 0, 0, 0), 0, 1e-9);
  // A quarter of the equator.
  EXPECT_NEAR(distance_km(0, 0, 0, 90), 6371.0 * 3.14159265358979 / 2, 1e-6);
  // Pole to pole.
  EXPECT_NEAR(distance_km(90, 0, -90, 0), 6371.0 * 3.14159265358979, 1e-6);
  // Berlin - Paris, about 878 km.
  EXPECT_NEAR(distance_km(52.52, 13.405, 48.8566, 2.3522), 878, 5);
}

}  // namespace
}  // namespace chainlab::emulator
