#include "orchestration/placement/embedding/alg1.h"

#include <chrono>

#include "orchestration/placement/embedding/alg1_internal.h"
#include "orchestration/placement/embedding/alg1_search.h"

namespace chainlab::orchestration::embedding {
namespace {

class Alg1 : public EmbeddingAlgorithm {
 public:
  Alg1(const EmbeddingOptions& options, const Alg1Factors& factors)
      : options_(options), factors_(factors) {}

  std::string name() const override { return "alg1"; }

  Result<Embedding> embed(const Substrate& substrate, const Request& request) override {
    auto started = std::chrono::steady_clock::now();
    CL_RETURN_IF_ERROR(validate_request(substrate, request));
    alg1_detail::DelayOracle oracle(substrate);
    CL_ASSIGN_OR_RETURN(auto prepared,
                        alg1_detail::prepare(substrate, request, options_.seed, oracle));
    Embedding out;
    if (prepared.refusal) {
      out.refusal = std::move(*prepared.refusal);
    } else {
      alg1_detail::Search search(prepared.problem, oracle, options_, factors_);
      auto refused = search.run();
      out.stats = search.stats();
      if (!refused) {
        Mapping mapping = search.mapping();
        // alg1's budgets should make this impossible; problem.h is the contract.
        refused = alg1_detail::check_mapping(substrate, request, mapping);
        if (refused) {
          refused->message = "alg1's mapping failed the final check: " + refused->message;
        } else {
          out.mapping = std::move(mapping);
        }
      }
      if (refused) {
        out.refusal = std::move(*refused);
      }
    }
    out.stats.runtime_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    return out;
  }

 private:
  EmbeddingOptions options_;
  Alg1Factors factors_;
};

}  // namespace

std::unique_ptr<EmbeddingAlgorithm> make_alg1(const EmbeddingOptions& options) {
  return make_alg1(options, Alg1Factors{});
}

std::unique_ptr<EmbeddingAlgorithm> make_alg1(const EmbeddingOptions& options,
                                              const Alg1Factors& factors) {
  return std::make_unique<Alg1>(options, factors);
}

}  // namespace chainlab::orchestration::embedding
