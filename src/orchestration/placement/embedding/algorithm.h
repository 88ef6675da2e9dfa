// Embedding algorithms (problem.h): one small interface, chosen by name from a registry.
//   "greedy"  chainlab's greedy (greedy.h): requirement chains first, delay checked against the
//             remaining budget with a lower bound of what is left, cheapest feasible host, bounded
//             backtracking (depth and branching from the options).
//   "alg1"    a faithful re-implementation of hsnlab/mapping's alg1 scoring and backtracking
//             (alg1.h), the reference to beat in bench/embedding.
//   "milp"    the exact baseline: the same problem as a MILP solved by GLPK (milp.h), for small
//             instances (a time limit from the options).
// Algorithms are pure and deterministic for a given seed; they never modify their inputs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/registry.h"
#include "common/result.h"
#include "orchestration/placement/embedding/problem.h"

namespace chainlab::orchestration::embedding {

struct EmbeddingOptions {
  int backtrack_depth = 10;  // how many steps back a failed step may undo
  int branching = 3;         // candidates tried per step
  uint64_t seed = 1;         // tie-breaking
  double time_limit_s = 60;  // the MILP's
};

class EmbeddingAlgorithm {
 public:
  virtual ~EmbeddingAlgorithm() = default;
  virtual std::string name() const = 0;
  // Accepted: a mapping that satisfies every constraint of problem.h; refused: why.
  // An error only for a request that does not make sense (a hop naming no NF or SAP, ...).
  virtual Result<Embedding> embed(const Substrate& substrate, const Request& request) = 0;
};

class EmbeddingRegistry : public Registry<EmbeddingAlgorithm, const EmbeddingOptions&> {
 public:
  EmbeddingRegistry() : Registry("embedding algorithm") {}
  // greedy, alg1, milp.
  static EmbeddingRegistry with_builtins();
};

inline constexpr const char* kDefaultEmbedding = "greedy";

// Checks that a request makes sense on a substrate: unique ids, hops and requirements naming
// existing elements, SAP bindings naming substrate SAPs, finite non-negative numbers.
// InvalidArgument naming the element.
Status validate_request(const Substrate& substrate, const Request& request);

}  // namespace chainlab::orchestration::embedding
