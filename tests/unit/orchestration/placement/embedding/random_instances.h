// Random embedding instances for property tests (fixed seeds): a connected substrate of infras
// with two to four SAPs hanging off it, and a chain request between two SAPs with an end-to-end
// delay requirement, sometimes with anti-affinity, banned nodes or a hop bound.
#pragma once

#include <random>
#include <string>

#include <fmt/format.h>

#include "orchestration/placement/embedding/problem.h"

namespace chainlab::orchestration::embedding::testing {

inline const std::vector<std::string> kTypes = {"fw", "nat", "dpi", "lb"};

struct InstanceShape {
  size_t infras = 10;
  size_t saps = 3;
  size_t nfs = 4;
  double extra_link_share = 0.5;  // extra links per infra beyond a spanning tree
};

class InstanceMaker {
 public:
  explicit InstanceMaker(uint64_t seed) : rng_(seed) {}

  double uniform(double lo, double hi) { return std::uniform_real_distribution<>(lo, hi)(rng_); }
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  void link(Substrate& s, size_t a, size_t b) {
    double delay = std::round(uniform(1, 10));
    double bw = std::round(uniform(50, 400));
    double cost = std::round(uniform(1, 4));
    for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
      s.links.push_back({fmt::format("l{}", s.links.size()), x, y, delay, bw, cost});
    }
  }

  Substrate substrate(const InstanceShape& shape) {
    Substrate s;
    for (size_t i = 0; i < shape.infras; ++i) {
      SubstrateNode n;
      n.id = fmt::format("infra{}", i);
      n.infra_type = "EE";
      for (const auto& t : kTypes) {
        if (chance(0.6)) {
          n.supported.push_back(t);
        }
      }
      n.capacity = {std::round(uniform(2, 12)), std::round(uniform(2, 12)) * 512, 100};
      n.delay_ms = std::round(uniform(0, 3) * 2) / 2;
      n.bandwidth = chance(0.3) ? std::round(uniform(200, 800)) : kUnlimited;
      n.cost = std::round(uniform(0, 2));
      s.nodes.push_back(std::move(n));
      if (i > 0) {
        link(s, i, pick(i));
      }
    }
    for (size_t e = 0; e < static_cast<size_t>(shape.extra_link_share * shape.infras); ++e) {
      size_t a = pick(shape.infras);
      size_t b = pick(shape.infras);
      if (a != b) {
        link(s, a, b);
      }
    }
    for (size_t i = 0; i < shape.saps; ++i) {
      SubstrateNode sap;
      sap.id = fmt::format("sap{}", i);
      sap.kind = NodeKind::kSap;
      s.nodes.push_back(std::move(sap));
      link(s, s.nodes.size() - 1, pick(shape.infras));
    }
    return s;
  }

  // A chain sapA -> nf0 -> ... -> sapB with a delay requirement over the whole chain.
  Request chain(const Substrate& s, const InstanceShape& shape) {
    Request r;
    r.id = "req";
    size_t a = pick(shape.saps);
    size_t b = (a + 1 + pick(shape.saps - 1)) % shape.saps;
    r.saps = {{fmt::format("sap{}", a), ""}, {fmt::format("sap{}", b), ""}};
    for (size_t i = 0; i < shape.nfs; ++i) {
      NfRequest nf;
      nf.id = fmt::format("nf{}", i);
      nf.functional_type = kTypes[pick(kTypes.size())];
      nf.demand = {std::round(uniform(1, 4)), std::round(uniform(1, 4)) * 256, 10};
      if (chance(0.15)) {
        nf.banned_nodes.push_back(s.nodes[pick(shape.infras)].id);
      }
      r.nfs.push_back(std::move(nf));
    }
    if (shape.nfs >= 2 && chance(0.3)) {
      r.nfs[0].anti_affinity.push_back(r.nfs[1].id);
    }
    Requirement req{"e2e", {}, std::round(uniform(15, 70)), std::round(uniform(10, 60))};
    for (size_t i = 0; i <= shape.nfs; ++i) {
      HopRequest hop;
      hop.id = fmt::format("h{}", i);
      hop.src = i == 0 ? r.saps[0].id : r.nfs[i - 1].id;
      hop.dst = i == shape.nfs ? r.saps[1].id : r.nfs[i].id;
      hop.bandwidth = std::round(uniform(5, 50));
      if (chance(0.1)) {
        hop.max_delay_ms = std::round(uniform(5, 25));
      }
      req.path.push_back(hop.id);
      r.hops.push_back(std::move(hop));
    }
    r.requirements.push_back(std::move(req));
    return r;
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace chainlab::orchestration::embedding::testing
