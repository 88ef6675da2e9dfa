// Internal to nffg_embedding.cc, nffg_mapped.cc, nffg_graph.cc and nffg_modes.cc: the directed
// substrate links of an NFFG with their ports, in the order to_substrate numbers them (mapped_nffg
// turns link indices back into ports with it).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "frontends/escape/nffg.h"

namespace chainlab::escape::detail {

struct DirectedLink {
  std::string id;  // the edge_link's id text, "<id>-back" for an added reverse
  Id src_node;
  Id src_port;
  Id dst_node;
  Id dst_port;
  const EdgeLink* attributes = nullptr;  // the listed edge_link it comes from
};

// (infra, NF) for each NF of `g` attached to an infra by an edge_link (either way), once each.
std::set<std::pair<Id, Id>> placements(const Nffg& g);

// Whether `id` names an infra or a SAP of `g` (the nodes the substrate is made of).
bool is_substrate_node(const Nffg& g, const Id& id);
std::vector<DirectedLink> directed_links(const Nffg& g);

// The element ids an affinity/antiaffinity map names, and the node ids of a constraint list
// (none when absent): how to_request and to_service_graph read constraints alike.
std::vector<std::string> id_texts(const std::map<std::string, Id>& m);
std::vector<std::string> nodes_of(const std::optional<NodeList>& list);

// "in_port=3;TAG=..." -> "3" for key "in_port"; nullopt when the key is absent.
std::optional<std::string> rule_field(std::string_view text, std::string_view key);

}  // namespace chainlab::escape::detail
