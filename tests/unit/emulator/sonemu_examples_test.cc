// son-emu's own example topologies (sonata-nfv/son-emu and containernet/vim-emu), read from a local
// git mirror at test time and translated: every .py file in examples/ (and the older
// src/emuvim/examples/ removed in son-emu commit d8fd937). The mirror is not in CI, so there
// these tests skip and say why; point CHAINLAB_SONEMU_MIRROR / CHAINLAB_VIMEMU_MIRROR at a clone
// (bare or not) to run them elsewhere.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "emulator/sonemu_import.h"

namespace chainlab::emulator {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string mirror(const char* env, const char* fallback) {
  const char* v = std::getenv(env);
  return v != nullptr && *v != '\0' ? v : fallback;
}

const std::string kSonEmu =
    mirror("CHAINLAB_SONEMU_MIRROR", "/work/.mirror/sonata-nfv+son-emu/repo");
const std::string kVimEmu =
    mirror("CHAINLAB_VIMEMU_MIRROR", "/work/.mirror/containernet+vim-emu/repo");

// The last commit that still had src/emuvim/examples/ (removed by d8fd937).
constexpr const char* kOldExamples = "d8fd937^";

bool run(const std::string& cmd, std::string& out) {
  out.clear();
  FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) {
    return false;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
    out.append(buf, n);
  }
  return ::pclose(p) == 0;
}

struct Example {
  std::string path;
  std::string text;
};

// The .py files under `dir` at `rev`; empty (and `why` set) when the mirror is not there.
std::vector<Example> examples(const std::string& repo, const std::string& rev,
                              const std::string& dir, std::string& why) {
  struct stat st {};
  std::string out;
  if (::stat(repo.c_str(), &st) != 0) {
    why = "no mirror of son-emu at " + repo +
          " (not in CI; set CHAINLAB_SONEMU_MIRROR or CHAINLAB_VIMEMU_MIRROR)";
    return {};
  }
  if (!run("git -C '" + repo + "' ls-tree -r --name-only '" + rev + "' -- '" + dir + "'", out)) {
    why = "git cannot list " + rev + ":" + dir + " in " + repo;
    return {};
  }
  std::vector<Example> found;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    std::string path = out.substr(start, end - start);
    start = end == std::string::npos ? out.size() : end + 1;
    if (path.size() > 3 && path.substr(path.size() - 3) == ".py") {
      Example e{path, ""};
      if (!run("git -C '" + repo + "' show '" + rev + ":" + path + "'", e.text)) {
        why = "git cannot read " + path;
        return {};
      }
      found.push_back(std::move(e));
    }
  }
  if (found.empty()) {
    why = "no .py files under " + dir + " at " + rev;
  }
  return found;
}

// A translation's YAML reads back as the same topology.
void expect_round_trip(const SonemuImport& r) {
  std::string yaml = sonemu_import_yaml(r);
  auto back = Topology::from_yaml(yaml, r.source);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, r.topology) << r.source;
}

const std::set<std::string> kNotTopologies = {
    "examples/charms/layers/simple/reactive/simple.py",  // a Juju charm's reactive layer
};

void check_head(const std::string& repo) {
  std::string why;
  auto files = examples(repo, "HEAD", "examples", why);
  if (files.empty()) {
    GTEST_SKIP() << why;
  }
  int topologies = 0;
  for (const Example& e : files) {
    auto r = import_sonemu_script(e.text, e.path);
    bool empty_init = e.path.find("__init__.py") != std::string::npos && e.text.empty();
    if (empty_init || kNotTopologies.contains(e.path)) {
      ASSERT_FALSE(r.ok()) << e.path;
      EXPECT_THAT(r.error().message, HasSubstr("no DCNetwork() is created")) << e.path;
      continue;
    }
    ASSERT_TRUE(r.ok()) << e.path << ": " << r.error().message;
    EXPECT_FALSE(r->topology.pops().empty()) << e.path;
    expect_round_trip(*r);
    ++topologies;
  }
  EXPECT_GE(topologies, 14);
}

TEST(SonemuExamplesTest, EveryExampleOfSonEmuTranslates) {
  check_head(kSonEmu);
}

TEST(SonemuExamplesTest, EveryExampleOfVimEmuTranslates) {
  check_head(kVimEmu);
}

// What the best-known examples become.
TEST(SonemuExamplesTest, KnownExamplesAtHead) {
  std::string why;
  auto files = examples(kSonEmu, "HEAD", "examples", why);
  if (files.empty()) {
    GTEST_SKIP() << why;
  }
  std::map<std::string, SonemuImport> by_name;
  for (const Example& e : files) {
    auto r = import_sonemu_script(e.text, e.path);
    if (r.ok()) {
      by_name[r->topology.name] = std::move(r).value();
    }
  }
  const SonemuImport& tango = by_name.at("tango_default_cli_topology_2_pop");
  EXPECT_TRUE(tango.learning);
  ASSERT_EQ(tango.topology.pops().size(), 2u);
  ASSERT_EQ(tango.topology.links().size(), 1u);
  EXPECT_EQ(tango.topology.links()[0].delay_ns, 20'000'000u);
  EXPECT_EQ(tango.topology.emulator.rest_port, 5001);
  EXPECT_EQ(tango.topology.emulator.gatekeeper_port, 5000);
  EXPECT_EQ(tango.topology.emulator.gatekeeper_api, GatekeeperApi::kTango);  // TangoLLCMEndpoint
  EXPECT_FALSE(tango.topology.emulator.gatekeeper_sap);                      // deploy_sap=False

  const SonemuImport& osm = by_name.at("osm_default_daemon_topology_2_pop");
  EXPECT_TRUE(osm.learning);
  EXPECT_EQ(osm.topology.links()[0].delay_ns, 50'000'000u);
  EXPECT_EQ(osm.topology.pops()[0].endpoints.at("openstack"), 6001);
  EXPECT_EQ(osm.topology.pops()[1].endpoints.at("openstack"), 6002);
  EXPECT_EQ(osm.topology.emulator.gatekeeper_port, -1);

  EXPECT_FALSE(by_name.at("openstack_single_dc").learning);
  EXPECT_TRUE(by_name.at("default_single_dc_topology").learning);
  EXPECT_EQ(by_name.at("full_stack_emulation_simple").topology.pops()[0].endpoints.at("openstack"),
            6001);
}

// The older examples (resource models, the SONATA dummy gatekeeper, metadata, zerorpc).
TEST(SonemuExamplesTest, OlderExamplesTranslate) {
  std::string why;
  auto files = examples(kSonEmu, kOldExamples, "src/emuvim/examples", why);
  if (files.empty()) {
    GTEST_SKIP() << why;
  }
  std::map<std::string, SonemuImport> by_name;
  for (const Example& e : files) {
    auto r = import_sonemu_script(e.text, e.path);
    ASSERT_TRUE(r.ok()) << e.path << ": " << r.error().message;
    expect_round_trip(*r);
    by_name[r->topology.name] = std::move(r).value();
  }
  EXPECT_GE(by_name.size(), 13u);
  const SonemuImport& rm = by_name.at("resource_model_demo_topology");
  EXPECT_TRUE(rm.learning);  // controller=Controller: Mininet's learning reference controller
  EXPECT_EQ(rm.topology.emulator.e_cpu, 0.5);
  EXPECT_EQ(rm.topology.pops()[0].resources, (ResourceModelSpec{"fixed", 4, 1024}));
  EXPECT_EQ(rm.topology.pops()[1].resources, (ResourceModelSpec{"overprovision", 4, 1024}));
  const SonemuImport& simple = by_name.at("simple_topology");
  ASSERT_EQ(simple.topology.pops().size(), 4u);
  EXPECT_EQ(simple.topology.pops()[2].name, "long_data_center_name3");
  EXPECT_EQ(simple.topology.pops()[3].metadata.at("mydata"),
            "we can also add arbitrary metadata to each DC");
  EXPECT_EQ(simple.topology.links().size(), 4u);
  const SonemuImport& y1 = by_name.at("sonata_y1_demo_topology_1");
  EXPECT_EQ(y1.topology.emulator.gatekeeper_port, 5000);
  // SonataDummyGatekeeperEndpoint: the SONATA shapes, and SAP instances as its deploy_sap says.
  EXPECT_EQ(y1.topology.emulator.gatekeeper_api, GatekeeperApi::kSonata);
  EXPECT_FALSE(y1.topology.emulator.gatekeeper_sap);  // deploy_sap=False
  const SonemuImport& y1_sap = by_name.at("sonata_y1_demo_topology_1_w_ls_and_sap");
  EXPECT_EQ(y1_sap.topology.emulator.gatekeeper_api, GatekeeperApi::kSonata);
  EXPECT_TRUE(y1_sap.topology.emulator.gatekeeper_sap);  // deploy_sap=True
  EXPECT_TRUE(by_name.at("demo_topo_3pop").topology.emulator.gatekeeper_sap);
  for (const auto& [name, r] : by_name) {
    if (r.topology.emulator.gatekeeper_port >= 0) {
      EXPECT_EQ(r.topology.emulator.gatekeeper_api, GatekeeperApi::kSonata) << name;
    }
  }
  EXPECT_EQ(y1.topology.links()[1].delay_ns, 20'000'000u);
  EXPECT_FALSE(by_name.at("son-monitor_test_topo").learning);
  // Its ports come from argparse: the defaults (--port 5000: gatekeeper 5000, REST 5001).
  const SonemuImport& profiling = by_name.at("profiling");
  EXPECT_EQ(profiling.topology.emulator.gatekeeper_port, 5000);
  EXPECT_EQ(profiling.topology.emulator.rest_port, 5001);
}

}  // namespace
}  // namespace chainlab::emulator
