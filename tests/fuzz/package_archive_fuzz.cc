// libFuzzer target: whole service packages read in memory (parse_package,
// src/frontends/sonata/package*.cc: zip reading under limits, manifest, hashes, descriptors,
// references) and, for an accepted package, the service planner (placement_units, round-robin
// placement, plan_service in service_plan.cc, and the Deployer's address rules on the plan's
// graph: orchestration/deploy/addressing.h).
//
// Input: a zip archive (starts with "PK": .son/.tgo files as they are), or files as text, each
// introduced by a line "@@ <path in the archive>" and zipped here (libarchive's writer), so that
// the fuzzer works on the descriptors rather than on compressed bytes. Invariants: refusals are
// errors with a message; read_archive gives back exactly the files the writer stored; an accepted
// package has an NSD whose every network function has its VNFD; a plan's graph validates, names
// each instance once, avoids taken names, has SONATA extras for every node, and its addresses
// can be assigned and given back to the pools completely.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../unit/frontends/sonata/zip_writer.h"
#include "common/files.h"
#include "frontends/sonata/package.h"
#include "frontends/sonata/service_plan.h"
#include "fuzz_util.h"
#include "orchestration/deploy/addressing.h"
#include "orchestration/placement/placement.h"

namespace chainlab::fuzz {
namespace {

using namespace sonata;
using namespace orchestration;

constexpr size_t kMaxEntries = 32;

PackageLimits fuzz_limits() {
  PackageLimits limits;  // the gatekeeper's: md5 sums unchecked, SHA-256 checked
  limits.verify_md5 = false;
  limits.max_file_bytes = 1 << 20;
  limits.max_total_bytes = 4 << 20;
  return limits;
}

std::vector<testing::ZipEntry> entries_of(const std::string& text) {
  std::vector<testing::ZipEntry> out;
  size_t pos = 0;
  while (pos < text.size() && out.size() < kMaxEntries) {
    size_t start = text.find("@@ ", pos);
    if (start == std::string::npos) {
      break;
    }
    size_t eol = text.find('\n', start);
    if (eol == std::string::npos) {
      eol = text.size();
    }
    size_t next = text.find("\n@@ ", eol);
    size_t body = std::min(eol + 1, text.size());
    size_t end = next == std::string::npos ? text.size() : next + 1;
    std::string content = text.substr(body, end - body);
    std::string path = text.substr(start + 3, eol - start - 3);
    if (!path.empty() && path.find('\0') == std::string::npos) {
      out.push_back(testing::zfile(path, content));
    }
    pos = next == std::string::npos ? text.size() : next + 1;
  }
  return out;
}

// A path read_archive keeps as written: relative, no empty, "." or ".." components.
bool plain_path(const std::string& p) {
  if (p.empty() || p.find('\\') != std::string::npos) {
    return false;
  }
  for (std::string_view part : split(p, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return false;
    }
  }
  return true;
}

// What the reader gives back is what the writer stored.
void check_archive_round_trip(const std::vector<testing::ZipEntry>& entries,
                              const std::string& zip) {
  auto files = read_archive(zip, fuzz_limits());
  check_result(files, "read_archive");
  if (!files.ok()) {
    return;
  }
  std::map<std::string, int> count;
  for (const auto& e : entries) {
    ++count[e.path];
  }
  check(files->size() <= entries.size(), "no invented files");
  for (const auto& e : entries) {
    if (plain_path(e.path) && count[e.path] == 1) {
      auto it = files->find(e.path);
      check(it != files->end(), "a stored file is read back", e.path);
      check(it->second == e.content, "a file's content survives", e.path);
    }
  }
}

void check_plan(const Package& pkg) {
  std::vector<PopCapacity> pops = {{"dc1"}, {"dc2"}, {"dc3"}};
  auto placement = make_round_robin_dc()->place(placement_units(pkg), pops);
  check_result(placement, "round-robin placement");
  if (!placement.ok()) {
    return;
  }
  PlanOptions options;
  options.instance_uuid = "0123abcd-0000-4000-8000-000000000000";
  options.placement = *placement;
  options.taken = {"a", "vnf1"};
  options.image_is_local = [](const std::string& image) { return image.starts_with("local"); };
  auto plan = plan_service(pkg, options);
  check_result(plan, "plan_service");
  if (!plan.ok()) {
    return;
  }
  const auto& g = plan->graph;
  check(g.validate().ok(), "the plan's graph validates", g.id);
  std::vector<std::string> nodes;
  for (const auto& f : g.functions) {
    nodes.push_back(f.id);
    check(!f.host.empty(), "functions are placed", f.id);
  }
  for (const auto& s : g.saps) {
    nodes.push_back(s.id);
  }
  std::set<std::string> names(nodes.begin(), nodes.end());
  check(names.size() == nodes.size(), "unique instance names", g.id);
  check(plan->nodes.size() == nodes.size(), "SONATA extras for every node", g.id);
  for (const auto& n : nodes) {
    check(options.taken.count(n) == 0, "taken names are avoided", n);
    check(plan->nodes.count(n) == 1, "extras per node", n);
  }
  orchestration::LinkPools pools;
  orchestration::PortAddresses addresses;
  std::vector<orchestration::SubnetLease> leases;
  Rollback guard;
  Status numbered = orchestration::assign_addresses(g, names, addresses, leases, pools, guard);
  check_result(numbered, "assign_addresses");
  if (!numbered.ok()) {
    (void)guard.run();
  } else {
    guard.commit();
    for (const auto& n : nodes) {
      orchestration::release_addresses(n, addresses, leases, pools);
    }
  }
  check(pools.eline.used() == 0 && pools.elan.used() == 0, "every subnet goes back", g.id);
}

void run(const std::string& input) {
  std::string zip = input;
  if (!input.starts_with("PK")) {
    auto entries = entries_of(input);
    try {
      zip = testing::zip_entries(entries);
    } catch (const std::exception&) {
      return;  // a name libarchive's writer refuses: nothing to read
    }
    check_archive_round_trip(entries, zip);
  }
  auto pkg = parse_package(zip, fuzz_limits());
  check_result(pkg, "parse_package");
  if (!pkg.ok()) {
    return;
  }
  for (const auto& nf : pkg->nsd.network_functions) {
    check(pkg->vnfd_for(nf) != nullptr, "every network function has its VNFD", nf.vnf_id);
  }
  check_plan(*pkg);
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  chainlab::fuzz::run(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
