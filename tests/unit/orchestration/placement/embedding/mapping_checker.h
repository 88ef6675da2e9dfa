// The tests' independent checker of an embedding: recomputes every constraint of problem.h from
// the substrate, the request and the mapping alone (no engine bookkeeping, no helper of the
// engine), and lists every violation in words. Empty = the mapping is valid.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "orchestration/placement/embedding/problem.h"

namespace chainlab::orchestration::embedding::testing {

inline bool listed(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

class MappingChecker {
 public:
  MappingChecker(const Substrate& s, const Request& r, const Mapping& m) : s_(s), r_(r), m_(m) {}

  std::vector<std::string> violations() {
    check_nfs();
    check_hops();
    check_loads();
    check_requirements();
    return std::move(out_);
  }

 private:
  static constexpr double kTolerance = 1e-6;

  template <typename... Args>
  void fail(fmt::format_string<Args...> f, Args&&... args) {
    out_.push_back(fmt::format(f, std::forward<Args>(args)...));
  }

  int node_of(const std::string& id) const {
    for (size_t n = 0; n < s_.nodes.size(); ++n) {
      if (s_.nodes[n].id == id) {
        return static_cast<int>(n);
      }
    }
    return -1;
  }

  // Where a hop end sits: the NF's node or the SAP's binding.
  int end_node(const std::string& id) const {
    auto it = m_.nf_node.find(id);
    if (it != m_.nf_node.end()) {
      return static_cast<int>(it->second);
    }
    for (const auto& sap : r_.saps) {
      if (sap.id == id) {
        return node_of(sap.binding.empty() ? sap.id : sap.binding);
      }
    }
    return -1;
  }

  void check_nfs() {
    for (const auto& nf : r_.nfs) {
      auto it = m_.nf_node.find(nf.id);
      if (it == m_.nf_node.end() || it->second >= s_.nodes.size()) {
        fail("NF {} is not placed on a node", nf.id);
        continue;
      }
      const auto& node = s_.nodes[it->second];
      if (node.kind != NodeKind::kInfra) {
        fail("NF {} is on {}, not an infra", nf.id, node.id);
      }
      if (nf.functional_type.empty() && node.capacity == Capacity{}) {
        fail("NF {} (no type) is on {}, which hosts no NFs (no capacity)", nf.id, node.id);
      }
      if (!nf.functional_type.empty() && !listed(node.supported, nf.functional_type)) {
        fail("NF {} ({}) is on {}, which does not run it", nf.id, nf.functional_type, node.id);
      }
      if (!nf.allowed_nodes.empty() && !listed(nf.allowed_nodes, node.id)) {
        fail("NF {} is on {}, outside its allowed nodes", nf.id, node.id);
      }
      if (listed(nf.banned_nodes, node.id)) {
        fail("NF {} is on banned {}", nf.id, node.id);
      }
      for (const auto& other : nf.affinity) {
        if (m_.nf_node.count(other) && m_.nf_node.at(other) != it->second) {
          fail("NF {} and {} should share a node", nf.id, other);
        }
      }
      for (const auto& other : nf.anti_affinity) {
        if (m_.nf_node.count(other) && m_.nf_node.at(other) == it->second) {
          fail("NF {} and {} must not share {}", nf.id, other, node.id);
        }
      }
      used_[it->second].cpu += nf.demand.cpu;
      used_[it->second].mem += nf.demand.mem;
      used_[it->second].storage += nf.demand.storage;
    }
  }

  double bandwidth_of(const HopRequest& hop) const {
    double bw = hop.bandwidth;
    for (const auto& req : r_.requirements) {
      if (listed(req.path, hop.id)) {
        bw = std::max(bw, req.bandwidth);
      }
    }
    return bw;
  }

  void check_hops() {
    for (const auto& hop : r_.hops) {
      auto it = m_.hop_links.find(hop.id);
      if (it == m_.hop_links.end()) {
        fail("hop {} has no path", hop.id);
        continue;
      }
      check_path(hop, it->second);
    }
    for (const auto& hop : r_.hops) {
      for (const auto& other : hop.anti_affinity) {
        if (!m_.hop_links.count(hop.id) || !m_.hop_links.count(other)) {
          continue;
        }
        std::set<size_t> a(m_.hop_links.at(hop.id).begin(), m_.hop_links.at(hop.id).end());
        for (size_t l : m_.hop_links.at(other)) {
          if (a.count(l)) {
            fail("hops {} and {} share link {}", hop.id, other, l);
          }
        }
      }
    }
  }

  void visit(const HopRequest& hop, int node, double bw) {
    const auto& id = s_.nodes[static_cast<size_t>(node)].id;
    if (!hop.allowed_nodes.empty() && !listed(hop.allowed_nodes, id)) {
      fail("hop {} crosses {}, outside its allowed nodes", hop.id, id);
    }
    if (listed(hop.banned_nodes, id)) {
      fail("hop {} crosses banned {}", hop.id, id);
    }
    node_bw_[static_cast<size_t>(node)] += bw;
    hop_delay_[hop.id] += s_.nodes[static_cast<size_t>(node)].delay_ms;
  }

  void check_path(const HopRequest& hop, const std::vector<size_t>& links) {
    int at = end_node(hop.src);
    int to = end_node(hop.dst);
    if (at < 0 || to < 0) {
      fail("hop {}: an end is not placed", hop.id);
      return;
    }
    double bw = bandwidth_of(hop);
    hop_delay_[hop.id] = 0;
    visit(hop, at, bw);
    for (size_t l : links) {
      if (l >= s_.links.size() || static_cast<int>(s_.links[l].src) != at) {
        fail("hop {}: link {} does not continue the path", hop.id, l);
        return;
      }
      link_bw_[l] += bw;
      hop_delay_[hop.id] += s_.links[l].delay_ms;
      at = static_cast<int>(s_.links[l].dst);
      visit(hop, at, bw);
    }
    if (at != to) {
      fail("hop {}: the path ends at {}, not at {}", hop.id, at, to);
    }
    if (hop.max_delay_ms && hop_delay_[hop.id] > *hop.max_delay_ms + kTolerance) {
      fail("hop {}: {} ms over its bound {}", hop.id, hop_delay_[hop.id], *hop.max_delay_ms);
    }
  }

  void check_loads() {
    for (const auto& [n, u] : used_) {
      const auto& cap = s_.nodes[n].capacity;
      if (u.cpu > cap.cpu + kTolerance || u.mem > cap.mem + kTolerance ||
          u.storage > cap.storage + kTolerance) {
        fail("node {} is over capacity", s_.nodes[n].id);
      }
    }
    for (const auto& [l, bw] : link_bw_) {
      if (bw > s_.links[l].bandwidth + kTolerance) {
        fail("link {} carries {} Mbps over its {}", s_.links[l].id, bw, s_.links[l].bandwidth);
      }
    }
    for (const auto& [n, bw] : node_bw_) {
      if (bw > s_.nodes[n].bandwidth + kTolerance) {
        fail("node {} switches {} Mbps over its {}", s_.nodes[n].id, bw, s_.nodes[n].bandwidth);
      }
    }
  }

  void check_requirements() {
    for (const auto& req : r_.requirements) {
      double d = 0;
      for (const auto& hop : req.path) {
        d += hop_delay_[hop];
      }
      if (req.max_delay_ms && d > *req.max_delay_ms + kTolerance) {
        fail("requirement {}: {} ms over its {} ms", req.id, d, *req.max_delay_ms);
      }
    }
  }

  const Substrate& s_;
  const Request& r_;
  const Mapping& m_;
  std::map<size_t, Capacity> used_;
  std::map<size_t, double> link_bw_;
  std::map<size_t, double> node_bw_;
  std::map<std::string, double> hop_delay_;
  std::vector<std::string> out_;
};

inline std::vector<std::string> check_mapping(const Substrate& s, const Request& r,
                                              const Mapping& m) {
  return MappingChecker(s, r, m).violations();
}

}  // namespace chainlab::orchestration::embedding::testing
