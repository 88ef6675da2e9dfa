// Internals of the alg1 re-implementation (alg1.h), shared by alg1.cc (the greedy steps and the
// backtracking), alg1_prep.cc (pre-processing: latency subgraphs, sub-chains) and alg1_check.cc
// (the final check against problem.h). Not a public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "orchestration/placement/embedding/alg1.h"
#include "orchestration/placement/embedding/problem.h"

namespace chainlab::orchestration::embedding::alg1_detail {

// alg1's "infinite" delay (MappingAlgorithms.MAP: overall_highest_delay = 100000 ms): the budget
// every best-effort hop shares.
inline constexpr double kOverallHighestDelay = 100000;

// Shortest delays between substrate nodes under problem.h's path delay (both ends' crossings
// included), computed lazily per source or target (alg1 runs Floyd once; a 1,000-node
// substrate needs only the rows and columns the search touches).
class DelayOracle {
 public:
  explicit DelayOracle(const Substrate& s);
  const std::vector<double>& from(size_t u);
  const std::vector<double>& to(size_t v);
  double between(size_t u, size_t v) { return from(u)[v]; }

 private:
  std::vector<double> run(size_t root, bool reverse) const;
  const Substrate& s_;
  std::vector<std::vector<size_t>> out_;
  std::vector<std::vector<size_t>> in_;
  std::unordered_map<size_t, std::vector<double>> from_;
  std::unordered_map<size_t, std::vector<double>> to_;
};

// Request elements: NFs first (their index in Request::nfs), then SAPs.
struct HopInfo {
  size_t src = 0;  // element indices
  size_t dst = 0;
  double bandwidth = 0;  // effective (problem.h: max of its own and its requirements')
  double max_delay = kUnlimited;
  std::vector<size_t> requirements;  // every requirement whose path holds it
  std::vector<char> permitted;       // per substrate node: allowed and not banned
  std::vector<size_t> anti;          // hops it may share no link with (symmetric)
  bool best_effort = false;          // in a best-effort sub-chain
};

struct RequirementInfo {
  std::vector<size_t> hops;
  std::vector<size_t> elems;  // the chain: source of the first hop, then each hop's destination
  double budget = kUnlimited;
  bool e2e = false;  // SAP to SAP over two hops or more: alg1's end-to-end chain
};

struct Subchain {
  std::vector<size_t> elems;  // elems.size() == hops.size() + 1
  std::vector<size_t> hops;
  std::vector<size_t> color;  // the e2e requirements it belongs to; empty = best effort
  std::vector<char> mask;     // substrate nodes it may use; empty = all
};

struct Problem {
  const Substrate* s = nullptr;
  const Request* r = nullptr;
  size_t nf_count = 0;
  std::vector<std::string> elem_ids;
  std::vector<std::optional<size_t>> sap_node;  // per element: the bound substrate SAP
  std::vector<HopInfo> hops;
  std::vector<RequirementInfo> reqs;
  std::vector<std::vector<size_t>> affinity;  // per NF: NF indices (symmetric)
  std::vector<std::vector<size_t>> anti_affinity;
  std::vector<Subchain> subchains;  // in mapping order
  std::vector<size_t> node_order;   // seeded permutation: the order candidates are scanned
  bool is_sap(size_t elem) const { return elem >= nf_count; }
};

// Pre-processing outcome: the problem, or why the request is refused before any step.
struct Prepared {
  Problem problem;
  std::optional<Refusal> refusal;
};

Result<Prepared> prepare(const Substrate& s, const Request& r, uint64_t seed, DelayOracle& oracle);

// Independent check of a complete mapping against problem.h; the first violation found.
std::optional<Refusal> check_mapping(const Substrate& s, const Request& r, const Mapping& m);

// Whether `node` may run NF `nf` at all: an infra of its type (problem.h; resources and
// allowed/banned lists are checked elsewhere).
bool can_host(const SubstrateNode& node, const NfRequest& nf);

}  // namespace chainlab::orchestration::embedding::alg1_detail
