#include "orchestration/placement/embedding/search_state.h"

#include <algorithm>

namespace chainlab::orchestration::embedding {
namespace {

double share(double used, double total) {
  return total > 0 ? used / total : 0;
}

}  // namespace

SearchState::SearchState(const Compiled& c) : c_(&c) {
  const auto& s = *c.substrate;
  for (const auto& node : s.nodes) {
    node_free_.push_back(node.capacity);
    node_bw_.push_back(node.bandwidth);
  }
  for (const auto& link : s.links) {
    link_bw_.push_back(link.bandwidth);
  }
  nf_node_.assign(c.request->nfs.size(), std::nullopt);
  routed_.assign(c.request->hops.size(), 0);
  hop_links_.assign(c.request->hops.size(), {});
  link_hops_.assign(s.links.size(), {});
  req_delay_.assign(c.requirements.size(), 0);
  req_reach_.assign(c.requirements.size(), {});
}

bool SearchState::has_room(size_t nf, size_t node) const {
  const auto& need = c_->request->nfs[nf].demand;
  const auto& have = node_free_[node];
  return need.cpu <= have.cpu + kTolerance && need.mem <= have.mem + kTolerance &&
         need.storage <= have.storage + kTolerance;
}

bool SearchState::can_host(size_t nf, size_t node) const {
  if (!has_room(nf, node)) {
    return false;
  }
  for (size_t g : c_->nf_affinity[nf]) {
    if (nf_node_[g] && *nf_node_[g] != node) {
      return false;
    }
  }
  return std::none_of(c_->nf_anti[nf].begin(), c_->nf_anti[nf].end(),
                      [&](size_t g) { return nf_node_[g] == node; });
}

double SearchState::load_after(size_t nf, size_t node) const {
  const auto& total = c_->substrate->nodes[node].capacity;
  const auto& need = c_->request->nfs[nf].demand;
  const auto& have = node_free_[node];
  return std::max({share(total.cpu - have.cpu + need.cpu, total.cpu),
                   share(total.mem - have.mem + need.mem, total.mem),
                   share(total.storage - have.storage + need.storage, total.storage)});
}

bool SearchState::node_open(size_t hop, size_t node) const {
  return node_bw_[node] + kTolerance >= c_->hop_bw[hop] && c_->node_ok_for_hop(hop, node);
}

bool SearchState::link_open(size_t hop, size_t link) const {
  if (link_bw_[link] + kTolerance < c_->hop_bw[hop]) {
    return false;
  }
  const auto& anti = c_->hop_anti[hop];
  return anti.empty() ||
         std::none_of(link_hops_[link].begin(), link_hops_[link].end(), [&](size_t g) {
           return std::find(anti.begin(), anti.end(), g) != anti.end();
         });
}

void SearchState::place(size_t nf, size_t node) {
  const auto& need = c_->request->nfs[nf].demand;
  node_free_[node].cpu -= need.cpu;
  node_free_[node].mem -= need.mem;
  node_free_[node].storage -= need.storage;
  nf_node_[nf] = node;
  journal_.push_back({false, nf, node, {}});
}

void SearchState::unplace(size_t nf) {
  const auto& need = c_->request->nfs[nf].demand;
  size_t node = *nf_node_[nf];
  node_free_[node].cpu += need.cpu;
  node_free_[node].mem += need.mem;
  node_free_[node].storage += need.storage;
  nf_node_[nf] = std::nullopt;
}

void SearchState::charge_route(size_t hop, size_t first_node, const Route& route, double sign) {
  double bw = c_->hop_bw[hop];
  node_bw_[first_node] -= sign * bw;
  for (size_t l : route.links) {
    link_bw_[l] -= sign * bw;
    node_bw_[c_->substrate->links[l].dst] -= sign * bw;
  }
  for (size_t q : c_->hop_reqs[hop]) {
    req_delay_[q] += sign * route.delay_ms;
  }
}

void SearchState::route(size_t hop, size_t first_node, const Route& route) {
  charge_route(hop, first_node, route, 1);
  routed_[hop] = 1;
  for (size_t i = 0; i < c_->hop_reqs[hop].size(); ++i) {
    size_t q = c_->hop_reqs[hop][i];
    req_reach_[q].push_back(std::max(routed_until(q), c_->hop_req_pos[hop][i] + 1));
  }
  hop_links_[hop] = route.links;
  if (!c_->hop_anti[hop].empty()) {
    for (size_t l : route.links) {
      link_hops_[l].push_back(hop);
    }
  }
  journal_.push_back({true, hop, first_node, route});
}

void SearchState::unroute(const Entry& e) {
  charge_route(e.index, e.first_node, e.route, -1);
  routed_[e.index] = 0;
  for (size_t q : c_->hop_reqs[e.index]) {
    req_reach_[q].pop_back();
  }
  hop_links_[e.index].clear();
  if (!c_->hop_anti[e.index].empty()) {
    for (size_t l : e.route.links) {
      link_hops_[l].pop_back();  // the journal undoes in reverse order
    }
  }
}

void SearchState::undo_to(Mark mark) {
  while (journal_.size() > mark) {
    const Entry& e = journal_.back();
    if (e.is_route) {
      unroute(e);
    } else {
      unplace(e.index);
    }
    journal_.pop_back();
  }
}

Mapping SearchState::mapping() const {
  Mapping m;
  const auto& r = *c_->request;
  for (size_t f = 0; f < r.nfs.size(); ++f) {
    if (nf_node_[f]) {
      m.nf_node[r.nfs[f].id] = *nf_node_[f];
    }
  }
  for (size_t h = 0; h < r.hops.size(); ++h) {
    if (routed_[h]) {
      m.hop_links[r.hops[h].id] = hop_links_[h];
    }
  }
  return m;
}

}  // namespace chainlab::orchestration::embedding
