// The greedy search's changing view of a substrate: what is left of each node and link, where
// each NF is and which path each hop took. Every change is journalled, so a failed branch is
// undone exactly (undo_to(mark)) and the substrate itself is never modified.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "orchestration/placement/embedding/compiled.h"

namespace chainlab::orchestration::embedding {

struct Route {
  std::vector<size_t> links;  // in the hop's direction
  double delay_ms = 0;
  double cost = 0;  // bandwidth x link costs
};

class SearchState {
 public:
  explicit SearchState(const Compiled& c);

  std::optional<size_t> nf_node(size_t nf) const { return nf_node_[nf]; }
  std::optional<size_t> end_node(const HopEnd& end) const {
    return end.is_nf ? nf_node_[end.index] : std::optional<size_t>(end.index);
  }
  bool routed(size_t hop) const { return routed_[hop]; }
  double used_delay(size_t requirement) const { return req_delay_[requirement]; }
  // 1 + the last position of the requirement's path routed so far (0: none).
  size_t routed_until(size_t requirement) const {
    return req_reach_[requirement].empty() ? 0 : req_reach_[requirement].back();
  }

  // Capacity left for the NF on the node (cpu, mem, storage).
  bool has_room(size_t nf, size_t node) const;
  // ... and its (anti-)affinity partners already placed agree.
  bool can_host(size_t nf, size_t node) const;
  // The node's largest utilisation share (cpu, mem, storage) once the NF is on it, 0..1.
  double load_after(size_t nf, size_t node) const;
  // The hop may cross this node / use this link (switching and link bandwidth left, its
  // allowed/banned nodes, no link of an anti-affine hop).
  bool node_open(size_t hop, size_t node) const;
  bool link_open(size_t hop, size_t link) const;

  using Mark = size_t;
  Mark mark() const { return journal_.size(); }
  void place(size_t nf, size_t node);
  void route(size_t hop, size_t first_node, const Route& route);
  void undo_to(Mark mark);

  Mapping mapping() const;

 private:
  struct Entry {
    bool is_route = false;
    size_t index = 0;  // NF or hop
    size_t first_node = 0;
    Route route;
  };
  void unplace(size_t nf);
  void unroute(const Entry& e);
  void charge_route(size_t hop, size_t first_node, const Route& route, double sign);

  const Compiled* c_;
  std::vector<Capacity> node_free_;
  std::vector<double> node_bw_;
  std::vector<double> link_bw_;
  std::vector<std::optional<size_t>> nf_node_;
  std::vector<char> routed_;
  std::vector<std::vector<size_t>> hop_links_;
  std::vector<std::vector<size_t>> link_hops_;  // kept only for hops with anti-affinity
  std::vector<double> req_delay_;               // per compiled requirement
  std::vector<std::vector<size_t>> req_reach_;  // routed_until, a stack undone with the journal
  std::vector<Entry> journal_;
};

}  // namespace chainlab::orchestration::embedding
