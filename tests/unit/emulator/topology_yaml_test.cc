#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "emulator/topology.h"

namespace chainlab::emulator {
namespace {

const std::string kExampleDir = std::string(CHAINLAB_SOURCE_DIR) + "/examples/topologies";

std::string error_of(const std::string& yaml, const std::string& source = "two.yaml") {
  auto r = Topology::from_yaml(yaml, source);
  return r.ok() ? std::string("ok") : r.error().message;
}

constexpr const char* kTwoPopTopology = R"(
pops: [{name: dc1}, {name: dc2}]
links:
)";

TEST(TopologyYamlTest, EveryExampleLoads) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kExampleDir)) {
    auto r = Topology::load_file(entry.path().string());
    ASSERT_TRUE(r.ok()) << entry.path() << ": " << r.error().message;
    EXPECT_FALSE(r->pops().empty()) << entry.path();
    ++count;
  }
  EXPECT_GE(count, 4);
}

TEST(TopologyYamlTest, TwoPopsIsTheDefaultTopology) {
  auto r = Topology::load_file(kExampleDir + "/two-pops.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, Topology::default_topology());
}

TEST(TopologyYamlTest, ThreeSwitches) {
  auto r = Topology::load_file(kExampleDir + "/three-switches.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name, "three-switches");
  EXPECT_EQ(r->pops().size(), 2u);
  ASSERT_EQ(r->switches().size(), 3u);
  EXPECT_EQ(r->switches()[1].name, "s2");
  ASSERT_EQ(r->links().size(), 4u);
  EXPECT_EQ(r->links()[1].jitter_ns, 500'000u);
  EXPECT_EQ(r->links()[1].bw_mbps, 100);
  EXPECT_DOUBLE_EQ(r->links()[2].loss_percent, 0.1);
  EXPECT_EQ(r->find_pop("dc2")->endpoints.at("openstack"), 6002);
  ASSERT_EQ(r->saps().size(), 1u);
  EXPECT_EQ(r->saps()[0].ip, "10.255.0.1/24");
}

TEST(TopologyYamlTest, ResourceModels) {
  auto r = Topology::load_file(kExampleDir + "/resource-models.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_DOUBLE_EQ(r->emulator.e_cpu, 0.5);
  EXPECT_DOUBLE_EQ(r->emulator.e_mem_mb, 2048);
  EXPECT_EQ(r->find_pop("edge")->resources.model, "fixed");
  EXPECT_EQ(r->find_pop("edge")->resources.max_cu, 4);
  EXPECT_EQ(r->find_pop("edge")->metadata.at("city"), "Paderborn");
  EXPECT_EQ(r->find_pop("core")->resources.model, "overprovision");
  EXPECT_EQ(r->find_pop("cloud")->resources.model, "none");
  EXPECT_EQ(r->links()[1].queue_packets, 5000u);
}

TEST(TopologyYamlTest, ShorthandNames) {
  auto r = Topology::from_yaml("pops: [dc1, dc2]\nswitches: [s1]\nlinks: [{a: dc1, b: s1}]\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->pops().size(), 2u);
  EXPECT_TRUE(r->has_node("s1"));
}

TEST(TopologyYamlTest, MalformedYaml) {
  std::string e = error_of("pops: [dc1\nlinks: {");
  EXPECT_EQ(e.rfind("two.yaml: not valid YAML: line ", 0), 0u) << e;
  EXPECT_EQ(error_of(""),
            "two.yaml: empty document; expected a mapping with pops, switches and links");
  EXPECT_EQ(error_of("- a\n- b\n").rfind("two.yaml: expected a mapping", 0), 0u);
  EXPECT_EQ(error_of("pops: dc1\n"), "two.yaml: pops: expected a list");
  std::string deep = "pops: " + std::string(100000, '[') + std::string(100000, ']');
  std::string deep_error = error_of(deep);
  EXPECT_EQ(deep_error.rfind("two.yaml: line 1, column ", 0), 0u) << deep_error;
  EXPECT_NE(deep_error.find(": nested deeper than 64 levels"), std::string::npos) << deep_error;
}

TEST(TopologyYamlTest, UnknownKeysAreErrors) {
  EXPECT_EQ(error_of("pops: [{name: dc1, resorces: {model: fixed}}]\n"),
            "two.yaml: pops[0]: unknown key 'resorces' (expected one of: name, resources, "
            "metadata, endpoints, connectivity)");
  EXPECT_EQ(error_of("pop: []\n").rfind("two.yaml: unknown key 'pop'", 0), 0u);
  EXPECT_EQ(error_of("pops: [{name: dc1, resources: {modle: fixed}}]\n")
                .rfind("two.yaml: pops[0].resources: unknown key 'modle'", 0),
            0u);
  EXPECT_EQ(error_of(std::string(kTwoPopTopology) + "  - {a: dc1, b: dc2, dealy: 1ms}\n")
                .rfind("two.yaml: links[0]: unknown key 'dealy'", 0),
            0u);
  EXPECT_EQ(
      error_of("emulator: {e_cpu: 1, cpu: 2}\n").rfind("two.yaml: emulator: unknown key 'cpu'", 0),
      0u);
  EXPECT_EQ(error_of("pops: [{name: dc1, name: dc2}]\n"),
            "two.yaml: pops[0]: duplicate key 'name'");
}

TEST(TopologyYamlTest, BadFields) {
  std::string links = std::string(kTwoPopTopology) +
                      "  - {a: dc1, b: dc2}\n"
                      "  - {a: dc2, b: dc1}\n";
  EXPECT_EQ(error_of(links + "  - {a: dc1, b: dc2, delay: 10 parsecs}\n"),
            "two.yaml: links[2].delay: '10 parsecs' is not a duration (unknown unit; use ns, us, "
            "ms or s)");
  EXPECT_EQ(error_of(links + "  - {a: dc1, b: dc2, delay: 10}\n"),
            "two.yaml: links[2].delay: '10' is not a duration (missing unit ns, us, ms or s)");
  EXPECT_EQ(error_of(links + "  - {a: dc1, b: dc2, bw: fast}\n"),
            "two.yaml: links[2].bw: 'fast' is not a number");
  EXPECT_EQ(error_of(links + "  - {a: dc1, b: dc2, queue: 0}\n"),
            "two.yaml: links[2].queue: 0 is out of range 1..1000000");
  EXPECT_EQ(error_of(links + "  - {a: dc1, b: dc2, delay: 1ms, jitter: 2ms}\n"),
            "two.yaml: links[2].jitter: 2ms exceeds the delay 1ms");
  EXPECT_EQ(error_of(links + "  - {a: dc1, b: dc2, loss: 101}\n"),
            "two.yaml: links[2].loss: 101% is out of range 0..100");
  EXPECT_EQ(error_of(links + "  - {a: dc1}\n"), "two.yaml: links[2]: missing key 'b'");
  EXPECT_EQ(error_of("pops: [{name: dc1, resources: {max_cu: -1}}]\n"),
            "two.yaml: pops[0].resources.max_cu: -1 is not positive");
  EXPECT_EQ(error_of("pops: [{name: dc1, endpoints: {openstack: 99999}}]\n"),
            "two.yaml: pops[0].endpoints.openstack: 99999 is out of range 0..65535");
  EXPECT_EQ(error_of("pops: [{name: dc1, metadata: {a: [1]}}]\n"),
            "two.yaml: pops[0].metadata.a: expected a string");
  EXPECT_EQ(error_of("emulator: {e_cpu: 2}\n"),
            "two.yaml: emulator.e_cpu: 2 is out of range; use a fraction in (0, 1]");
  EXPECT_EQ(error_of("emulator: {rest_port: http}\n"),
            "two.yaml: emulator.rest_port: 'http' is not an integer");
  EXPECT_EQ(error_of("emulator: {instance_log_bytes: 65535}\n"),
            "two.yaml: emulator.instance_log_bytes: 65535 is out of range 65536..1073741824 (64 "
            "KiB..1 GiB)");
  EXPECT_EQ(error_of("emulator: {instance_log_bytes: 1073741825}\n"),
            "two.yaml: emulator.instance_log_bytes: 1073741825 is out of range "
            "65536..1073741824 (64 KiB..1 GiB)");
  EXPECT_EQ(error_of("emulator: {instance_log_bytes: -1}\n"),
            "two.yaml: emulator.instance_log_bytes: '-1' is negative");
  EXPECT_EQ(error_of("emulator: {instance_log_bytes: 99999999999999999999}\n"),
            "two.yaml: emulator.instance_log_bytes: '99999999999999999999' is too large (at most "
            "8.0 EiB)");
  auto logs = Topology::from_yaml("emulator: {instance_log_bytes: 65536}\n", "t.yaml");
  ASSERT_TRUE(logs.ok()) << logs.error().message;
  EXPECT_EQ(logs->emulator.instance_log_bytes, 65536u);
  EXPECT_EQ(error_of("pops: [{resources: {}}]\n"), "two.yaml: pops[0]: missing key 'name'");
  EXPECT_EQ(
      error_of("pops: [{name: 'dc 1'}]\n").rfind("two.yaml: pops[0].name: PoP name 'dc 1'", 0), 0u);
}

TEST(TopologyYamlTest, ConnectivityDefaultsToNone) {
  auto r = Topology::from_yaml("pops: [dc1, {name: dc2}]\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->emulator.connectivity, Connectivity::kNone);
  for (const auto& pop : r->pops()) {
    EXPECT_FALSE(pop.connectivity.has_value()) << pop.name;
    EXPECT_EQ(r->connectivity_of(pop), Connectivity::kNone) << pop.name;
  }
  EXPECT_EQ(r->to_yaml().find("connectivity"), std::string::npos) << "defaults are not written";
}

TEST(TopologyYamlTest, ConnectivityPerPopOverridesTheEmulator) {
  auto r = Topology::from_yaml(
      "emulator: {connectivity: learning}\n"
      "pops: [dc1, {name: dc2, connectivity: none}, {name: dc3, connectivity: learning}]\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->emulator.connectivity, Connectivity::kLearning);
  EXPECT_EQ(r->connectivity_of(*r->find_pop("dc1")), Connectivity::kLearning) << "inherited";
  EXPECT_EQ(r->find_pop("dc2")->connectivity, Connectivity::kNone);
  EXPECT_EQ(r->connectivity_of(*r->find_pop("dc2")), Connectivity::kNone);
  EXPECT_EQ(r->connectivity_of(*r->find_pop("dc3")), Connectivity::kLearning);
  auto back = Topology::from_yaml(r->to_yaml(), "round-trip");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, *r) << r->to_yaml();
  EXPECT_FALSE(back->find_pop("dc1")->connectivity.has_value()) << "inherited stays inherited";

  auto none_wide = Topology::from_yaml("pops: [{name: dc1, connectivity: learning}, dc2]\n");
  ASSERT_TRUE(none_wide.ok()) << none_wide.error().message;
  EXPECT_EQ(none_wide->connectivity_of(*none_wide->find_pop("dc1")), Connectivity::kLearning);
  EXPECT_EQ(none_wide->connectivity_of(*none_wide->find_pop("dc2")), Connectivity::kNone);
}

TEST(TopologyYamlTest, BadConnectivity) {
  EXPECT_EQ(error_of("emulator: {connectivity: learn}\npops: [dc1]\n"),
            "two.yaml: emulator.connectivity: 'learn' is not a connectivity mode; use none or "
            "learning");
  EXPECT_EQ(error_of("emulator: {connectivity: Learning}\npops: [dc1]\n"),
            "two.yaml: emulator.connectivity: 'Learning' is not a connectivity mode; use none or "
            "learning");
  EXPECT_EQ(error_of("emulator: {connectivity: true}\npops: [dc1]\n"),
            "two.yaml: emulator.connectivity: 'true' is not a connectivity mode; use none or "
            "learning");
  EXPECT_EQ(error_of("emulator: {connectivity: [learning]}\npops: [dc1]\n"),
            "two.yaml: emulator.connectivity: expected none or learning");
  EXPECT_EQ(error_of("pops: [dc1, {name: dc2, connectivity: ''}]\n"),
            "two.yaml: pops[1].connectivity: '' is not a connectivity mode; use none or learning");
  EXPECT_EQ(error_of("pops: [{name: dc1, connectivity: {mode: learning}}]\n"),
            "two.yaml: pops[0].connectivity: expected none or learning");
  EXPECT_EQ(error_of("pops: [{name: dc1, connectivity: learning, connectivity: none}]\n"),
            "two.yaml: pops[0]: duplicate key 'connectivity'");
  EXPECT_EQ(error_of("pops: [{name: dc1, learning: true}]\n"),
            "two.yaml: pops[0]: unknown key 'learning' (expected one of: name, resources, "
            "metadata, endpoints, connectivity)");
}

TEST(TopologyYamlTest, GatekeeperDefaultsAreSonemusCurrentLlcmWithoutSaps) {
  auto r = Topology::from_yaml("pops: [dc1]\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->emulator.gatekeeper_api, GatekeeperApi::kTango);
  EXPECT_FALSE(r->emulator.gatekeeper_sap);
  EXPECT_EQ(r->to_yaml().find("gatekeeper_api"), std::string::npos) << "defaults are not written";
  EXPECT_EQ(r->to_yaml().find("gatekeeper_sap"), std::string::npos) << "defaults are not written";
}

TEST(TopologyYamlTest, GatekeeperApiAndSapRoundTrip) {
  auto r = Topology::from_yaml(
      "emulator: {gatekeeper_port: 5000, gatekeeper_api: sonata, gatekeeper_sap: true}\n"
      "pops: [dc1]\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->emulator.gatekeeper_api, GatekeeperApi::kSonata);
  EXPECT_TRUE(r->emulator.gatekeeper_sap);
  auto back = Topology::from_yaml(r->to_yaml(), "round-trip");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, *r) << r->to_yaml();
  auto tango = Topology::from_yaml("emulator: {gatekeeper_api: tango, gatekeeper_sap: false}\n");
  ASSERT_TRUE(tango.ok()) << tango.error().message;
  EXPECT_EQ(tango->emulator.gatekeeper_api, GatekeeperApi::kTango);
  EXPECT_FALSE(tango->emulator.gatekeeper_sap);
}

TEST(TopologyYamlTest, BadGatekeeperApiOrSap) {
  EXPECT_EQ(error_of("emulator: {gatekeeper_api: llcm}\n"),
            "two.yaml: emulator.gatekeeper_api: 'llcm' is not a gatekeeper API; use tango "
            "(5GTANGO LLCM) or sonata (SONATA dummy gatekeeper)");
  EXPECT_EQ(error_of("emulator: {gatekeeper_api: Tango}\n"),
            "two.yaml: emulator.gatekeeper_api: 'Tango' is not a gatekeeper API; use tango "
            "(5GTANGO LLCM) or sonata (SONATA dummy gatekeeper)");
  EXPECT_EQ(error_of("emulator: {gatekeeper_api: [tango]}\n"),
            "two.yaml: emulator.gatekeeper_api: expected tango or sonata");
  EXPECT_EQ(error_of("emulator: {gatekeeper_sap: yes}\n"),
            "two.yaml: emulator.gatekeeper_sap: 'yes' is not a boolean; use true or false");
  EXPECT_EQ(error_of("emulator: {gatekeeper_sap: 1}\n"),
            "two.yaml: emulator.gatekeeper_sap: '1' is not a boolean; use true or false");
  EXPECT_EQ(error_of("emulator: {gatekeeper_sap: {on: true}}\n"),
            "two.yaml: emulator.gatekeeper_sap: expected true or false");
  EXPECT_EQ(error_of("emulator: {gatekeeper_saps: true}\n"),
            "two.yaml: emulator: unknown key 'gatekeeper_saps' (expected one of: e_cpu, e_mem, "
            "rest_port, gatekeeper_port, keystone, instance_log_bytes, connectivity, "
            "gatekeeper_api, gatekeeper_sap, alarms)");
}

TEST(TopologyYamlTest, LearningExample) {
  auto r = Topology::load_file(kExampleDir + "/learning.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->emulator.connectivity, Connectivity::kLearning);
  EXPECT_EQ(r->connectivity_of(*r->find_pop("dc1")), Connectivity::kLearning);
  EXPECT_EQ(r->connectivity_of(*r->find_pop("dc2")), Connectivity::kLearning);
  EXPECT_EQ(r->connectivity_of(*r->find_pop("dc3")), Connectivity::kNone);
  ASSERT_EQ(r->saps().size(), 1u);
}

TEST(TopologyYamlTest, UnknownLinkEndsAndDuplicates) {
  EXPECT_EQ(error_of(std::string(kTwoPopTopology) + "  - {a: dc1, b: dc9}\n"),
            "two.yaml: links[0].b: no PoP or switch named 'dc9'");
  EXPECT_EQ(error_of(std::string(kTwoPopTopology) + "  - {a: dc1, b: dc1}\n"),
            "two.yaml: links[0].b: link from 'dc1' to itself");
  EXPECT_EQ(error_of("pops: [dc1]\nswitches: [dc1]\n"),
            "two.yaml: switches[0].name: 'dc1' is already the name of a PoP or switch");
  EXPECT_EQ(error_of("pops: [dc1]\nsaps: [{name: x, pop: s1}]\n"),
            "two.yaml: saps[0].pop: no PoP named 's1'");
}

TEST(TopologyYamlTest, ToYamlRoundTrips) {
  for (const char* file :
       {"two-pops.yaml", "three-switches.yaml", "resource-models.yaml", "learning.yaml"}) {
    auto r = Topology::load_file(kExampleDir + "/" + file);
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::string yaml = r->to_yaml();
    auto back = Topology::from_yaml(yaml, "round-trip");
    ASSERT_TRUE(back.ok()) << back.error().message << "\n" << yaml;
    EXPECT_EQ(*back, *r) << yaml;
  }
}

TEST(TopologyYamlTest, ToYamlRoundTripsOddValues) {
  Topology t;
  t.name = "odd: name #1";
  t.emulator.e_cpu = 0.1 + 0.2;
  t.emulator.rest_port = 0;
  t.emulator.instance_log_bytes = 3 << 20;
  PopSpec p;
  p.name = "dc:1";
  p.resources = {"fixed", 1.0 / 3.0, 1e-3};
  p.metadata = {{"empty", ""},           {"null", "null"},         {"num", "123"},
                {"quote", "it's \"x\""}, {"colon key: x", "a: b"}, {"multi", "line1\nline2"},
                {"yes", "true"}};
  p.endpoints = {{"openstack", 0}, {"kubernetes", 65535}};
  ASSERT_TRUE(t.add_pop(p).ok());
  ASSERT_TRUE(t.add_switch(SwitchSpec{"s.1"}).ok());
  LinkSpec l;
  l.a = "dc:1";
  l.b = "s.1";
  l.delay_ns = 1'234'567'891;
  l.jitter_ns = 1;
  l.bw_mbps = 0.001;
  l.loss_percent = 12.345678901234;
  l.queue_packets = 1;
  ASSERT_TRUE(t.add_link(l).ok());
  SapSpec sap;
  sap.name = "internet";
  sap.pop = "dc:1";
  sap.ip = "fd00::1/64";
  ASSERT_TRUE(t.add_sap(sap).ok());
  std::string yaml = t.to_yaml();
  auto back = Topology::from_yaml(yaml);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << yaml;
  EXPECT_EQ(*back, t) << yaml;
}

TEST(TopologyYamlTest, LoadFileErrors) {
  auto missing = Topology::load_file("/nonexistent/topo.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto ext = Topology::load_file(std::string(CHAINLAB_SOURCE_DIR) + "/CMakeLists.txt");
  ASSERT_FALSE(ext.ok());
  EXPECT_NE(ext.error().message.find("unknown topology file type '.txt'"), std::string::npos)
      << ext.error().message;
}

TEST(TopologyYamlBounds, AliasBombAndCancelAreRefused) {
  std::string bomb = "name: bomb\nl0: &l0 [a, a, a, a, a, a, a, a, a, a]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    bomb += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + prev;
    for (int j = 1; j < 10; ++j) {
      bomb += ", " + prev;
    }
    bomb += "]\n";
  }
  EXPECT_EQ(error_of(bomb, "bomb.yaml"),
            "bomb.yaml: expands to more than 16000000 nodes (aliases?)");
  EXPECT_EQ(error_of("name: \"caf\xe9\"\npops: [dc1]\n", "u.yaml"),
            "u.yaml: line 1, column 7: not valid UTF-8");
  std::string many = "pops:\n";
  for (int i = 0; i < 2000; ++i) {
    many += "  - dc" + std::to_string(i) + "\n";
  }
  Cancel now([] { return true; });
  auto r = Topology::from_yaml(many, "many.yaml", now);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "many.yaml: interrupted");
  EXPECT_TRUE(Topology::from_yaml(many, "many.yaml").ok());
}

TEST(TopologyYamlBounds, NumbersAreRangeChecked) {
  std::string head = "pops: [dc1, dc2]\nlinks:\n  - {a: dc1, b: dc2, ";
  EXPECT_EQ(error_of(head + "bw: inf}\n"), "two.yaml: links[0].bw: 'inf' is not a number");
  EXPECT_EQ(error_of(head + "bw: .nan}\n"), "two.yaml: links[0].bw: '.nan' is not a number");
  EXPECT_EQ(error_of(head + "queue: 4294967297}\n"),
            "two.yaml: links[0].queue: 4294967297 is out of range 1..1000000");
  EXPECT_EQ(error_of(head + "queue: 99999999999999999999}\n"),
            "two.yaml: links[0].queue: 99999999999999999999 is out of range 1..1000000");
  EXPECT_EQ(error_of(head + "delay: 18446744073709551616ns}\n"),
            "two.yaml: links[0].delay: '18446744073709551616ns' is not a duration (too large)");
  EXPECT_EQ(error_of(head + "loss: 1e400}\n"),
            "two.yaml: links[0].loss: '1e400' is not a representable number");
  EXPECT_EQ(error_of("emulator: {rest_port: 65536}\npops: [dc1]\n"),
            "two.yaml: emulator.rest_port: 65536 is out of range -1..65535");
  auto t = Topology::from_yaml(head + "bw: 1gbit}\n", "two.yaml");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->links()[0].bw_mbps, 1000);
}

}  // namespace
}  // namespace chainlab::emulator

namespace chainlab::emulator {
namespace {

TEST(TopologyYamlTest, AlarmsAreReadCheckedAndWrittenBack) {
  auto r = Topology::from_yaml(R"(
emulator:
  alarms:
    - {name: busy, metric: cpu, selector: "instance/*", op: ">", value: 0.5, for: 2s}
    - {name: quiet, metric: rx_bytes, selector: "interface/*/*", op: "<", value: 100,
       hysteresis: 10}
pops: [dc1]
)",
                               "alarms.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->emulator.alarms.size(), 2u);
  EXPECT_EQ(r->emulator.alarms[0].name, "busy");
  EXPECT_TRUE(r->emulator.alarms[0].above);
  EXPECT_EQ(r->emulator.alarms[0].for_duration, std::chrono::seconds(2));
  EXPECT_FALSE(r->emulator.alarms[1].above);
  EXPECT_EQ(r->emulator.alarms[1].hysteresis, 10);
  auto back = Topology::from_yaml(r->to_yaml(), "round-trip");
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << r->to_yaml();
  EXPECT_EQ(*back, *r);

  auto bad = [](const std::string& alarm) {
    return error_of("emulator: {alarms: [" + alarm + "]}\npops: [dc1]\n");
  };
  EXPECT_NE(bad("{name: a, value: x}").find("value"), std::string::npos);
  EXPECT_NE(bad("{name: a, value: 1, op: '='}").find("op"), std::string::npos);
  EXPECT_NE(bad("{name: 'a b', value: 1}").find("alarm name"), std::string::npos);
  EXPECT_NE(bad("{name: a, value: 1, colour: red}").find("unknown key"), std::string::npos);
  EXPECT_NE(bad("{name: a, value: 1}, {name: a, value: 2}").find("duplicate"), std::string::npos);
  EXPECT_NE(bad("{name: a, value: 1, for: 2h}").find("for"), std::string::npos);
}

}  // namespace
}  // namespace chainlab::emulator
