#include "orchestration/placement/embedding/algorithm.h"

#include "orchestration/placement/embedding/alg1.h"
#include "orchestration/placement/embedding/greedy.h"
#include "orchestration/placement/embedding/milp.h"

namespace chainlab::orchestration::embedding {

EmbeddingRegistry EmbeddingRegistry::with_builtins() {
  using Made = Result<std::unique_ptr<EmbeddingAlgorithm>>;
  EmbeddingRegistry r;
  // Three distinct names: add() cannot fail here.
  (void)r.add("greedy", [](const EmbeddingOptions& o) -> Made { return make_greedy(o); });
  (void)r.add("alg1", [](const EmbeddingOptions& o) -> Made { return make_alg1(o); });
  (void)r.add("milp", [](const EmbeddingOptions& o) -> Made { return make_milp(o); });
  return r;
}

}  // namespace chainlab::orchestration::embedding
