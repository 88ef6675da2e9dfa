#include "orchestration/placement/embedding/greedy_internal.h"

namespace chainlab::orchestration::embedding {
namespace {

class Planner {
 public:
  explicit Planner(const Compiled& c)
      : c_(c), placed_(c.request->nfs.size(), 0), listed_(c.request->hops.size(), 0) {}

  std::vector<Step> plan() {
    for (const auto& req : c_.requirements) {
      for (size_t h : req.hops) {
        add_hop(h);
      }
    }
    add_rest_breadth_first();
    for (size_t f = 0; f < placed_.size(); ++f) {
      if (!placed_[f]) {
        place(f);
      }
    }
    return std::move(steps_);
  }

 private:
  bool placed(const HopEnd& e) const { return !e.is_nf || placed_[e.index]; }

  void place(size_t nf) {
    steps_.push_back({false, nf});
    placed_[nf] = 1;
  }

  void add_hop(size_t h) {
    if (listed_[h]) {
      return;
    }
    const auto& src = c_.hop_src[h];
    const auto& dst = c_.hop_dst[h];
    if (!placed(src) && !placed(dst)) {
      place(src.index);
    }
    steps_.push_back({true, h});
    listed_[h] = 1;
    for (const auto* e : {&src, &dst}) {
      if (e->is_nf) {
        placed_[e->index] = 1;
      }
    }
  }

  // Hops next to what is placed, in request order per round; a disconnected part starts from
  // its first hop.
  void add_rest_breadth_first() {
    for (bool progress = true; progress;) {
      progress = false;
      for (size_t h = 0; h < listed_.size(); ++h) {
        if (!listed_[h] && (placed(c_.hop_src[h]) || placed(c_.hop_dst[h]))) {
          add_hop(h);
          progress = true;
        }
      }
      if (!progress) {
        for (size_t h = 0; h < listed_.size() && !progress; ++h) {
          if (!listed_[h]) {
            add_hop(h);
            progress = true;
          }
        }
      }
    }
  }

  const Compiled& c_;
  std::vector<char> placed_;
  std::vector<char> listed_;
  std::vector<Step> steps_;
};

}  // namespace

std::vector<Step> plan_steps(const Compiled& c) {
  return Planner(c).plan();
}

}  // namespace chainlab::orchestration::embedding
