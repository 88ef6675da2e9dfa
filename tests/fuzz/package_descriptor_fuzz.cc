// libFuzzer target: the YAML files inside a service package, each parsed alone
// (src/frontends/sonata/package_descriptors.cc, package_manifest.cc, package_yaml.cc).
//
// Input: a selector character, then the file. '0' NSD (parse_nsd), '1' VNFD (parse_vnfd),
// '2' SONATA META-INF/MANIFEST.MF, '3' 5GTANGO NAPD.yaml, '4' one package path per line
// (normalise_package_path); other characters pick one of these too. Invariants: refusals are
// errors with a message; what is accepted keeps the documented rules (an NSD has network functions
// with unique ids, a VNFD has deployment units, a CPU fraction within its vCPUs, manifest paths are
// normalised and digests lower-case hex of the right length); normalising a path is idempotent.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "frontends/sonata/package.h"
#include "frontends/sonata/package_internal.h"
#include "fuzz_util.h"

namespace chainlab::fuzz {
namespace {

using namespace sonata;

void check_path(const std::string& raw) {
  auto p = detail::normalise_package_path(raw);
  check_result(p, "normalise_package_path");
  if (!p.ok()) {
    return;
  }
  check(!p->empty() && p->front() != '/' && p->find('\\') == std::string::npos,
        "a normalised path is relative", *p);
  check(*p != ".." && !p->starts_with("../") && p->find("/../") == std::string::npos &&
            !p->ends_with("/.."),
        "a normalised path does not climb", *p);
  auto again = detail::normalise_package_path(*p);
  check(again.ok() && *again == *p, "normalising is idempotent", *p);
}

void check_resources(const ResourceRequirements& r) {
  check(r.vcpus > 0, "vcpus positive");
  check(!r.cpu_bw || (*r.cpu_bw > 0 && *r.cpu_bw <= r.vcpus), "cpu_bw within (0, vcpus]");
  check(r.memory_mb >= 0 && r.storage_gb >= 0, "sizes not negative");
}

void check_manifest(const detail::Manifest& m) {
  for (const auto& e : m.content) {
    auto again = detail::normalise_package_path(e.path);
    check(again.ok() && *again == e.path, "manifest paths are normalised", e.path);
    if (e.algorithm.empty()) {
      check(e.hash.empty(), "a hash has an algorithm");
      continue;
    }
    check(e.algorithm == "md5" || e.algorithm == "sha256", "known algorithm", e.algorithm);
    check(e.hash.size() == (e.algorithm == "md5" ? 32u : 64u), "digest length", e.hash);
    check(e.hash.find_first_not_of("0123456789abcdef") == std::string::npos, "lower-case hex",
          e.hash);
  }
}

void run(Input& in) {
  uint8_t selector = static_cast<uint8_t>(in.byte() - '0') % 5;
  std::string text = in.rest();
  switch (selector) {
    case 0: {
      auto nsd = parse_nsd(text, "nsd.yml");
      check_result(nsd, "parse_nsd");
      if (nsd.ok()) {
        check(!nsd->network_functions.empty(), "an NSD has network functions");
        std::set<std::string> ids;
        for (const auto& nf : nsd->network_functions) {
          check(ids.insert(nf.vnf_id).second, "unique vnf_id", nf.vnf_id);
        }
      }
      return;
    }
    case 1: {
      auto vnfd = parse_vnfd(text, "vnfd.yml");
      check_result(vnfd, "parse_vnfd");
      if (vnfd.ok()) {
        check(!vnfd->vdus.empty(), "a VNFD has deployment units");
        for (const auto& vdu : vnfd->vdus) {
          check_resources(vdu.resources);
        }
      }
      return;
    }
    case 2:
    case 3: {
      auto m = selector == 2 ? detail::parse_sonata_manifest(text) : detail::parse_tango_napd(text);
      check_result(m, "parse manifest");
      if (m.ok()) {
        check_manifest(*m);
      }
      return;
    }
    default: {
      Input lines(reinterpret_cast<const uint8_t*>(text.data()), text.size());
      for (int i = 0; i < 64 && !lines.done(); ++i) {
        check_path(lines.line());
      }
      return;
    }
  }
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  chainlab::fuzz::Input in(data, size);
  chainlab::fuzz::run(in);
  return 0;
}
