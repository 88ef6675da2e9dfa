#include "orchestration/placement/embedding/greedy.h"

#include <chrono>

#include "orchestration/placement/embedding/greedy_internal.h"

namespace chainlab::orchestration::embedding {
namespace {

// A step's candidates and which is in use.
struct Frame {
  Evaluation evaluation;
  size_t next = 0;  // the next candidate to try
  SearchState::Mark mark = 0;
};

class Search {
 public:
  Search(const Compiled& c, const EmbeddingOptions& options)
      : c_(c), options_(options), state_(c), steps_(plan_steps(c)) {}

  Embedding run() {
    Embedding out;
    // An NF no node could ever host: say so at once, not as the delay it makes unreachable.
    for (size_t f = 0; f < c_.nf_candidates.size(); ++f) {
      if (c_.nf_candidates[f].empty()) {
        out.refusal = evaluate(c_, state_, {false, f}, options_).refusal;
        return out;
      }
    }
    size_t i = 0;
    while (i < steps_.size()) {
      if (frames_.size() == i) {
        open_frame(i);
      }
      if (try_next(frames_[i])) {
        ++i;
        continue;
      }
      auto back = back_to(i);
      if (!back) {
        out.refusal = refusal_;
        out.stats = stats_;
        return out;
      }
      i = *back;
    }
    out.mapping = state_.mapping();
    out.stats = stats_;
    return out;
  }

 private:
  void open_frame(size_t i) {
    Frame f;
    f.mark = state_.mark();
    f.evaluation = evaluate(c_, state_, steps_[i], options_);
    ++stats_.steps;
    if (f.evaluation.candidates.empty() && i + 1 >= deepest_) {
      deepest_ = i + 1;
      refusal_ = f.evaluation.refusal;
    }
    frames_.push_back(std::move(f));
  }

  bool try_next(Frame& f) {
    state_.undo_to(f.mark);
    if (f.next >= f.evaluation.candidates.size()) {
      return false;
    }
    apply(state_, f.evaluation.candidates[f.next++]);
    return true;
  }

  // Step i has nothing left: the latest earlier step within the depth that has another
  // candidate, its later frames dropped; nullopt when there is none (or the budget is spent).
  std::optional<size_t> back_to(size_t i) {
    size_t floor = deepest_ > static_cast<size_t>(options_.backtrack_depth) + 1
                       ? deepest_ - 1 - static_cast<size_t>(options_.backtrack_depth)
                       : 0;
    frames_.pop_back();
    while (i > floor) {
      --i;
      ++stats_.backtracks;
      if (frames_[i].next < frames_[i].evaluation.candidates.size() && within_budget()) {
        return i;
      }
      state_.undo_to(frames_[i].mark);
      frames_.pop_back();
    }
    return std::nullopt;
  }

  // Backtracking is bounded in depth, and in total so a wide failing search stays fast.
  bool within_budget() const { return stats_.steps < 20 * steps_.size() + 1000; }

  const Compiled& c_;
  const EmbeddingOptions& options_;
  SearchState state_;
  std::vector<Step> steps_;
  std::vector<Frame> frames_;
  size_t deepest_ = 0;
  Refusal refusal_;
  Stats stats_;
};

class Greedy : public EmbeddingAlgorithm {
 public:
  explicit Greedy(EmbeddingOptions options) : options_(options) {}
  std::string name() const override { return "greedy"; }

  Result<Embedding> embed(const Substrate& substrate, const Request& request) override {
    auto start = std::chrono::steady_clock::now();
    CL_RETURN_IF_ERROR(validate_request(substrate, request));
    Compiled c = compile(substrate, request);
    Embedding out = Search(c, options_).run();
    out.stats.runtime_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return out;
  }

 private:
  EmbeddingOptions options_;
};

}  // namespace

std::unique_ptr<EmbeddingAlgorithm> make_greedy(const EmbeddingOptions& options) {
  return std::make_unique<Greedy>(options);
}

}  // namespace chainlab::orchestration::embedding
