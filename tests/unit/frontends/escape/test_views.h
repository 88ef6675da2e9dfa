// Test views for the merge and the multi-domain orchestrator: one-EE domains that meet at the SAP
// "border", and chain requests of NFs of 2 cpu each (one EE holds one).
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "frontends/escape/nffg.h"

namespace chainlab::escape::testing {

// One EE `infra` (cpu 2, type fw) with SAP `outer` (1 ms, 100 Mbps) and the shared SAP
// `border` (`delay` ms and `bw` Mbps).
inline Nffg domain_view(const std::string& infra, const std::string& outer, double delay = 2,
                        double bw = 100) {
  auto text = fmt::format(R"({{
    "parameters": {{"id": "{0}-view", "version": "1.0"}},
    "node_infras": [{{"id": "{0}", "name": "{0}", "type": "EE", "supported": ["fw"],
      "resources": {{"cpu": 2, "mem": 2, "storage": 2, "delay": 0.5, "bandwidth": 1000}},
      "ports": [{{"id": 1}}, {{"id": 2}}]}}],
    "node_saps": [{{"id": "{1}", "name": "{1}", "ports": [{{"id": 1}}]}},
                  {{"id": "border", "name": "border", "ports": [{{"id": 1}}]}}],
    "edge_links": [
      {{"id": "{0}-out", "src_node": "{1}", "src_port": 1, "dst_node": "{0}", "dst_port": 1,
        "delay": 1, "bandwidth": 100}},
      {{"id": "{0}-border", "src_node": "{0}", "src_port": 2, "dst_node": "border",
        "dst_port": 1, "delay": {2}, "bandwidth": {3}}}]}})",
                          infra, outer, delay, bw);
  auto g = read_nffg(text);
  EXPECT_TRUE(g.ok()) << g.error().message;
  return g.ok() ? *g : Nffg{};
}

// Service `id`: SAP1 -> nfs[0] -> nfs[1] ... -> SAP2, hops numbered from `first_hop`; `mode`
// "" for none.
inline Nffg chain_request(const std::string& id, const std::vector<std::string>& nfs,
                          int first_hop = 1, const std::string& mode = "") {
  std::string nodes;
  for (const auto& nf : nfs) {
    nodes += fmt::format(R"({}{{"id": "{}", "functional_type": "fw", "ports": [{{"id": 1}}],
      "specification": {{"resources": {{"cpu": 2, "mem": 1, "storage": 0}}}}}})",
                         nodes.empty() ? "" : ",", nf);
  }
  std::vector<std::string> path = {"SAP1"};
  path.insert(path.end(), nfs.begin(), nfs.end());
  path.push_back("SAP2");
  std::string hops;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    hops += fmt::format(
        R"({}{{"id": {}, "src_node": "{}", "src_port": 1, "dst_node": "{}", "dst_port": 1}})",
        hops.empty() ? "" : ",", first_hop + static_cast<int>(i), path[i], path[i + 1]);
  }
  std::string mode_key = mode.empty() ? "" : fmt::format(R"(, "mode": "{}")", mode);
  auto text = fmt::format(R"({{"parameters": {{"id": "{}", "version": "1.0"{}}},
    "node_nfs": [{}],
    "node_saps": [{{"id": "SAP1", "ports": [{{"id": 1}}]}}, {{"id": "SAP2", "ports": [{{"id": 1}}]}}],
    "edge_sg_nexthops": [{}]}})",
                          id, mode_key, nodes, hops);
  auto g = read_nffg(text);
  EXPECT_TRUE(g.ok()) << g.error().message << "\n" << text;
  return g.ok() ? *g : Nffg{};
}

}  // namespace chainlab::escape::testing
