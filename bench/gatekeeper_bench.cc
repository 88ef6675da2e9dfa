// Gatekeeper benchmark: onboard (parse + store in the catalogue), instantiate (place, plan, start
// every VDU and SAP as a native instance, chains, E-LAN) and terminate a generated SONATA service
// of 3 and of 30 VNFs in a chain (SAP -> vnf1 -> ... -> vnfN -> SAP, plus one management E-LAN
// over all of them), on a two-PoP emulation. Median of --runs.
//
//   gatekeeper_bench [--vnfs 3,30] [--runs 3]
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_util.h"
#include "cli/package_zip.h"
#include "common/files.h"
#include "emulator/emulation.h"
#include "frontends/sonata/catalogue.h"
#include "frontends/sonata/service_deployer.h"

namespace {

using chainlab::bench::since_ms;

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
namespace orch = chainlab::sonata;

[[noreturn]] void die(const chainlab::Error& e) {
  std::fprintf(stderr, "gatekeeper_bench: %s\n", e.message.c_str());
  std::exit(1);
}

void write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << s;
}

// A SONATA package source tree with `n` chained one-VDU VNFs.
std::string make_package(int n, const fs::path& dir) {
  std::string manifest = fmt::format(
      "descriptor_version: '1.0'\nvendor: bench\nname: chain{0}\nversion: '1.0'\n"
      "entry_service_template: /service_descriptors/nsd.yml\npackage_content:\n"
      "  - {{name: /service_descriptors/nsd.yml, content-type: "
      "application/sonata.service_descriptors}}\n",
      n);
  std::string nsd =
      fmt::format("vendor: bench\nname: chain{0}\nversion: '1.0'\nnetwork_functions:\n", n);
  std::string links = "virtual_links:\n";
  std::string mgmt =
      "  - id: mgmt\n    connectivity_type: E-LAN\n    connection_points_reference: ['ns:mgmt'";
  for (int i = 1; i <= n; ++i) {
    nsd += fmt::format(
        "  - {{vnf_id: vnf{0}, vnf_vendor: bench, vnf_name: vnf{0}, vnf_version: '1.0'}}\n", i);
    std::string prev = i == 1 ? "ns:input" : fmt::format("vnf{}:output", i - 1);
    links += fmt::format(
        "  - id: l{0}\n    connectivity_type: E-Line\n    connection_points_reference: ['{1}', "
        "'vnf{0}:input']\n",
        i, prev);
    mgmt += fmt::format(", 'vnf{}:mgmt'", i);
    manifest += fmt::format(
        "  - {{name: /function_descriptors/vnf{0}.yml, content-type: "
        "application/sonata.function_descriptor}}\n",
        i);
    write(dir / fmt::format("function_descriptors/vnf{}.yml", i), fmt::format(R"(vendor: bench
name: vnf{0}
version: '1.0'
virtual_deployment_units:
  - id: vdu01
    vm_image: bench/vnf
    resource_requirements:
      cpu: {{vcpus: 1, cpu_bw: 0.05}}
      memory: {{size: 64, size_unit: MB}}
    connection_points: [{{id: mgmt}}, {{id: input}}, {{id: output}}]
connection_points: [{{id: mgmt}}, {{id: input}}, {{id: output}}]
virtual_links:
  - {{id: mgmt, connectivity_type: E-LAN, connection_points_reference: ['vdu01:mgmt', mgmt]}}
  - {{id: input, connectivity_type: E-Line, connection_points_reference: ['vdu01:input', input]}}
  - {{id: output, connectivity_type: E-Line, connection_points_reference: ['vdu01:output', output]}}
)",
                                                                              i));
  }
  links += fmt::format(
      "  - id: lout\n    connectivity_type: E-Line\n    connection_points_reference: "
      "['vnf{}:output', "
      "'ns:output']\n",
      n);
  nsd += "connection_points: [{id: 'ns:input'}, {id: 'ns:output'}, {id: 'ns:mgmt'}]\n" + links +
         mgmt + "]\n";
  write(dir / "service_descriptors/nsd.yml", nsd);
  write(dir / "META-INF/MANIFEST.MF", manifest);
  auto zip = chainlab::cli::zip_directory(dir.string());
  if (!zip.ok()) {
    die(zip.error());
  }
  return *zip;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  auto [sizes, runs] = chainlab::bench::parse_size_runs(argc, argv, {{3, 30}, 3});
  char tmp[] = "/tmp/chainlab-gk-bench-XXXXXX";
  if (::mkdtemp(tmp) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  chainlab::emulator::Topology t;
  t.name = "gk-bench";
  (void)t.add_pop({"dc1", {}, {}, {}});
  (void)t.add_pop({"dc2", {}, {}, {}});
  chainlab::emulator::LinkSpec l;
  l.a = "dc1";
  l.b = "dc2";
  (void)t.add_link(l);
  auto emu = chainlab::emulator::Emulation::start(t);
  if (!emu.ok()) {
    die(emu.error());
  }
  auto catalogue = orch::Catalogue::open(std::string(tmp) + "/catalogue");
  if (!catalogue.ok()) {
    die(catalogue.error());
  }
  orch::GatekeeperOptions options;
  options.image_is_local = [](const std::string&) { return false; };
  options.deploy_saps = true;  // the SAPs are part of what is measured (son-emu's deploy_sap)
  orch::Gatekeeper gk(**emu, **catalogue, options);

  std::printf("%-6s %-10s %-10s %-14s %-13s %-10s\n", "VNFS", "INSTANCES", "ZIP_BYTES",
              "ONBOARD_MS", "INSTANT_MS", "TERM_MS");
  for (int n : sizes) {
    std::string zip = make_package(n, fs::path(tmp) / fmt::format("pkg{}", n));
    std::vector<double> onboard, inst, term;
    size_t instances = 0;
    for (int r = 0; r < runs; ++r) {
      auto t0 = Clock::now();
      auto s = gk.onboard(zip);
      if (!s.ok()) {
        die(s.error());
      }
      onboard.push_back(since_ms(t0));
      t0 = Clock::now();
      orch::InstantiateRequest req;
      req.service_uuid = s->uuid;
      auto i = gk.instantiate(req);
      if (!i.ok()) {
        die(i.error());
      }
      inst.push_back(since_ms(t0));
      instances = i->units.size();
      t0 = Clock::now();
      if (auto st = gk.terminate(i->uuid); !st.ok()) {
        die(st.error());
      }
      term.push_back(since_ms(t0));
    }
    std::printf("%-6d %-10zu %-10zu %-14.1f %-13.1f %-10.1f\n", n, instances, zip.size(),
                median(onboard), median(inst), median(term));
    std::fflush(stdout);
  }
  emu->reset();
  std::error_code ec;
  fs::remove_all(tmp, ec);
  return 0;
}
