// The service-graph embedding problem (issue 14), as plain values: a substrate (infras and SAPs,
// directed links) and a request (NFs, SAPs, hops, end-to-end requirements), and what an
// algorithm returns: every NF on a substrate node, every hop on a path of links, or a refusal
// that names the constraint and where it failed. Front ends translate into it (ESCAPE's NFFG:
// frontends/escape/), algorithms (algorithm.h) read it; nothing here knows JSON or the network.
//
// Semantics every algorithm, the MILP and the tests' independent checker share:
// - An NF may go on an infra node whose `supported` lists its functional type (an empty
//   functional type fits any infra that hosts NFs: kind kInfra with a non-zero capacity), if the
//   sum of the demands placed there fits the node's capacity (cpu, mem, storage, each), it is in
//   `allowed_nodes` (when non-empty) and not in `banned_nodes`, on the same node as every NF of
//   `affinity` and on another node than every NF of `anti_affinity`.
// - A request SAP is fixed on the substrate SAP node named by its `binding` (its id if empty).
// - A hop's path is a walk of directed links from the node of its source to the node of its
//   destination (empty when both are on the same node). Its delay is the sum of the links'
//   delays plus the `delay_ms` of every node it visits, both ends included (a hop inside one
//   infra still crosses it once). The hop needs `bandwidth` Mbps on every link of its path and
//   of the switching `bandwidth` of every node it visits; a hop's bandwidth is the largest of its
//   own and of every requirement whose path it is on. Every node of its path (ends included)
//   must be in the hop's `allowed_nodes` when non-empty and never in its `banned_nodes`; it
//   shares no link with a hop of its `anti_affinity`.
// - A requirement's delay is the sum of its hops' delays; it must not exceed max_delay_ms; a
//   hop's own max_delay_ms bounds that hop alone.
// - Cost of a mapping: sum over hops of bandwidth x the sum of the path's link costs, plus the
//   sum over NFs of cpu x the cost of their node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chainlab::orchestration::embedding {

inline constexpr double kUnlimited = std::numeric_limits<double>::infinity();
// Comparisons of sums of demands against capacities tolerate this much rounding.
inline constexpr double kTolerance = 1e-9;

struct Capacity {
  double cpu = 0;
  double mem = 0;
  double storage = 0;
  friend bool operator==(const Capacity&, const Capacity&) = default;
};

enum class NodeKind { kInfra, kSap };

struct SubstrateNode {
  std::string id;
  NodeKind kind = NodeKind::kInfra;
  std::string infra_type;              // ESCAPE's EE, BiSBiS, SDN-SWITCH, STATIC; "" for SAPs
  std::string domain;                  // the domain it belongs to ("" = unknown)
  std::vector<std::string> supported;  // functional types it runs
  Capacity capacity;                   // what is free for this request
  double delay_ms = 0;                 // forwarding delay of one crossing
  double bandwidth = kUnlimited;       // switching capacity free for this request, Mbps
  double cost = 0;                     // per cpu unit placed
};

struct SubstrateLink {
  std::string id;
  size_t src = 0;  // node indices
  size_t dst = 0;
  double delay_ms = 0;
  double bandwidth = kUnlimited;  // free for this request, Mbps
  double cost = 1;                // per Mbps carried; must be > 0
};

struct Substrate {
  std::vector<SubstrateNode> nodes;
  std::vector<SubstrateLink> links;  // directed; a bidirectional link is two

  // Index of the node with `id`, if any (linear; algorithms build their own maps).
  std::optional<size_t> node_index(std::string_view id) const;
};

struct NfRequest {
  std::string id;
  std::string functional_type;
  Capacity demand;
  std::vector<std::string> allowed_nodes;  // substrate node ids; empty = any
  std::vector<std::string> banned_nodes;
  std::vector<std::string> affinity;  // NF ids of this request
  std::vector<std::string> anti_affinity;
};

struct SapRequest {
  std::string id;
  std::string binding;  // the substrate SAP node id; "" = the same id
};

struct HopRequest {
  std::string id;
  std::string src;  // NF or SAP id
  std::string dst;
  double bandwidth = 0;
  std::optional<double> max_delay_ms;
  std::vector<std::string> allowed_nodes;  // substrate node ids of its path; empty = any
  std::vector<std::string> banned_nodes;
  std::vector<std::string> anti_affinity;  // hop ids: no shared link
};

struct Requirement {
  std::string id;
  std::vector<std::string> path;  // hop ids, in order
  std::optional<double> max_delay_ms;
  double bandwidth = 0;
};

struct Request {
  std::string id;
  std::vector<NfRequest> nfs;
  std::vector<SapRequest> saps;
  std::vector<HopRequest> hops;
  std::vector<Requirement> requirements;
};

struct Mapping {
  std::map<std::string, size_t> nf_node;                 // NF id -> substrate node index
  std::map<std::string, std::vector<size_t>> hop_links;  // hop id -> link indices, in order
};

// Why a request was refused: the constraint ("capacity", "type", "delay", "bandwidth",
// "allowed", "banned", "affinity", "anti-affinity", "binding", "path", "invalid"), the request
// element (NF, hop or requirement id) and a sentence a user can act on.
struct Refusal {
  std::string constraint;
  std::string element;
  std::string message;
};

struct Stats {
  uint64_t steps = 0;       // placement/routing steps taken
  uint64_t backtracks = 0;  // steps undone
  double runtime_ms = 0;
};

struct Embedding {
  std::optional<Mapping> mapping;  // set when accepted
  Refusal refusal;                 // set when refused
  Stats stats;
  bool accepted() const { return mapping.has_value(); }
};

// Evaluation under the semantics above, shared by algorithms and tools (the tests' checker
// recomputes everything itself).
// `node` is in `allowed` (when not empty) and not in `banned`: NFs' and hops' node lists.
bool node_allowed(const std::vector<std::string>& allowed, const std::vector<std::string>& banned,
                  const std::string& node);
// `need` fits in `have`: cpu, mem and storage each.
bool fits(const Capacity& need, const Capacity& have);
// The node may ever host the NF, by the first rule above with the capacities as given (type,
// allowed/banned, the demand alone; not affinity, which depends on the other NFs).
bool may_host(const SubstrateNode& node, const NfRequest& nf);
// The node a hop starts or ends at: the NF's placement or the SAP's binding (nullopt if unknown).
std::optional<size_t> endpoint_node(const Substrate& s, const Request& r, const Mapping& m,
                                    std::string_view nf_or_sap);
// Delay of a path of links starting at `first` (the nodes' crossings included).
double path_delay(const Substrate& s, size_t first, const std::vector<size_t>& links);
// Every hop's effective bandwidth (its own and its requirements').
std::map<std::string, double> hop_bandwidths(const Request& r);
double mapping_cost(const Substrate& s, const Request& r, const Mapping& m);
// Takes what an accepted mapping uses off the substrate (NF demands, hop bandwidth on links and
// on the nodes crossed), or gives it back: how a stream of requests shares one substrate.
void reserve(Substrate& s, const Request& r, const Mapping& m);
void release(Substrate& s, const Request& r, const Mapping& m);
// Delay used by each requirement (id -> ms) under a complete mapping.
std::map<std::string, double> requirement_delays(const Substrate& s, const Request& r,
                                                 const Mapping& m);

}  // namespace chainlab::orchestration::embedding
