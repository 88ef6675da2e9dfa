// libFuzzer target: whole service packages read in memory (parse_package,
// src/frontends/sonata/package*.cc: zip reading under limits, manifest, hashes, descriptors,
// references) and, for an accepted package, the service planner (placement_units, round-robin
// placement, plan_service in service_plan.cc).
//
// Input: a zip archive (starts with "PK": .son/.tgo files as they are), or files as text, each
// introduced by a line "@@ <path in the archive>" and zipped here (libarchive's writer), so that
// the fuzzer works on the descriptors rather than on compressed bytes. Invariants: refusals are
// errors with a message; read_archive gives back exactly the files the writer stored; an accepted
// package has an NSD whose every network function has its VNFD; a plan names each instance once
// and its chains and E-LANs join planned instances only.
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
  AddressPools pools;
  auto plan = plan_service(pkg, options, pools);
  check_result(plan, "plan_service");
  if (!plan.ok()) {
    return;
  }
  std::set<std::string> names;
  for (const auto& c : plan->computes) {
    check(names.insert(c.request.name).second, "unique instance names", c.request.name);
    check(options.taken.count(c.request.name) == 0, "taken names are avoided", c.request.name);
  }
  for (const auto& chain : plan->chains) {
    check(names.count(chain.src) == 1 && names.count(chain.dst) == 1, "chains join instances",
          chain.src + " -> " + chain.dst);
  }
  for (const auto& elan : plan->elans) {
    for (const auto& [instance, intf] : elan.members) {
      check(names.count(instance) == 1, "E-LAN members are instances", instance);
    }
  }
  release_leases(plan->leases, pools);
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
