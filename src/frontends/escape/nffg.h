// ESCAPE's NFFG (JSON, version 1.0; ../shared/reference/multidomain-orchestrator.md, "NFFG
// model"): the one graph ESCAPE passes between its layers, a service request (NFs, SAPs, SG hops,
// end-to-end requirements) and a resource view (infras with ports and flow rules, SAPs, links) in
// the same shape. A mapped NFFG is the resource view with the NFs attached to infras.
//
// The model is lossless: read_nffg keeps every key it does not model in the element's `extra`
// object, ids remember whether the file wrote them as numbers or strings, and ESCAPE's
// Python-literal node lists ("('EE2', 'EE1')") are written back in the form they were read in, so
// to_json(read_nffg(x)) == x as JSON for every file hsnlab's nffg library writes. Reading is
// bounded (size, nesting, UTF-8) and strict on the fields it models: a wrong one is
// InvalidArgument naming its path ("node_nfs[2].specification.resources.cpu: not a number"), and
// links must name existing nodes and ports.
//
// See also: nffg_embedding.h (to and from the embedding problem).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace chainlab::escape {

inline constexpr size_t kMaxNffgBytes = size_t{16} << 20;
// Elements of one NFFG (NFs + SAPs + infras; links + hops + requirements): TooLarge above.
inline constexpr size_t kMaxNffgNodes = 5000;
inline constexpr size_t kMaxNffgEdges = 20000;

// An element id as the file spells it: a JSON integer (port 1, link 139774264897187) or a
// string ("port-SAP1"). Python's nffg keeps 1 and "1" apart, so equality does too.
class Id {
 public:
  Id() = default;
  Id(std::string text) : text_(std::move(text)) {}  // NOLINT(google-explicit-constructor)
  Id(const char* text) : text_(text) {}             // NOLINT(google-explicit-constructor)
  static Id number(int64_t n);
  static Id number(uint64_t n);

  bool is_number() const { return number_; }
  const std::string& str() const { return text_; }  // "1" for the number 1
  nlohmann::json to_json() const;
  friend bool operator==(const Id&, const Id&) = default;
  friend auto operator<=>(const Id&, const Id&) = default;

 private:
  std::string text_;
  bool number_ = false;
};

// Element operation (nffg_elements.Element.OP_*) and status (STATUS_*).
enum class Operation { kCreate, kReplace, kMerge, kRemove, kDelete };
enum class ElementStatus { kInitialized, kPending, kDeployed, kRunning, kStopped, kFailed };
// parameters.mode; absent means ADD.
enum class Mode { kAdd, kDelete, kRemap };

std::string_view operation_name(Operation op);  // "create"
std::string_view status_name(ElementStatus s);  // "RUNNING"
std::string_view mode_name(Mode m);             // "ADD"
std::optional<Operation> operation_from_name(std::string_view name);
std::optional<ElementStatus> status_from_name(std::string_view name);
std::optional<Mode> mode_from_name(std::string_view name);

// A list of substrate node ids as ESCAPE writes it in constraints.constraint: a Python literal
// string ("['EE2']", "('EE2', 'EE1')") or a JSON array of strings.
struct NodeList {
  enum class Form { kPythonList, kPythonTuple, kJsonArray };
  std::vector<std::string> nodes;
  Form form = Form::kPythonList;
  std::string text;  // the literal as read: written back while it still spells `nodes`
};

// "['a', 'b']", "('a',)", "('a')" (a parenthesised string), "[]": the node ids, or
// InvalidArgument naming `path`.
Result<NodeList> parse_node_list(std::string_view text, std::string_view path);
// The Python literal for `list` (its `text` if that still parses to the same nodes).
std::string node_list_text(const NodeList& list);

struct Constraints {
  std::map<std::string, Id> affinity;  // ESCAPE's {"<n>": "<element id>"}
  std::map<std::string, Id> antiaffinity;
  bool has_constraint = false;                                 // "constraint" present
  std::optional<NodeList> allowed_nodes;                       // constraint.allowed_nodes
  std::optional<NodeList> banned_nodes;                        // constraint.banned_nodes
  nlohmann::json constraint_extra = nlohmann::json::object();  // other constraint.* keys
  nlohmann::json extra = nlohmann::json::object();             // variable, restorability, ...
};

// Node resources (NodeResource): NF demands and infra capacities; SAP ports' sap_data.resources.
struct Resources {
  std::optional<double> cpu;
  std::optional<double> mem;
  std::optional<double> storage;
  std::optional<double> delay;
  std::optional<double> bandwidth;
  std::optional<double> cost;
  nlohmann::json extra = nlohmann::json::object();  // zone, qos, ...
};

struct Flowrule {
  Id id;
  std::optional<std::string> match;   // "in_port=1;TAG=SAP1|comp|1"
  std::optional<std::string> action;  // "output=2;TAG=..." / ";UNTAG"
  std::optional<double> bandwidth;
  std::optional<double> delay;
  std::optional<Id> hop_id;
  std::optional<Operation> operation;
  std::optional<ElementStatus> status;
  std::optional<Constraints> constraints;
  nlohmann::json extra = nlohmann::json::object();

  // The SG hop the rule realises: `hop_id` in ESCAPE's older files, else its id (hsnlab/nffg
  // since 2016: a flow rule's id is its hop's id).
  const Id& hop() const { return hop_id ? *hop_id : id; }
};

struct SapData {
  std::optional<std::string> technology;
  std::optional<std::string> role;
  std::optional<Resources> resources;
  nlohmann::json extra = nlohmann::json::object();
};

struct Addresses {
  std::optional<std::string> l2;
  std::optional<std::string> l4;  // a Python literal in ESCAPE's files, kept as text
  nlohmann::json extra = nlohmann::json::object();  // l3 (a list of address records), ...
};

struct Port {
  Id id;
  std::optional<std::string> name;
  std::optional<std::string> sap;
  std::optional<std::map<std::string, std::string>> property;
  std::optional<SapData> sap_data;
  std::optional<Addresses> addresses;
  std::optional<nlohmann::json> metadata;  // an object, opaque
  std::vector<Flowrule> flowrules;         // infra ports only
  std::optional<Operation> operation;
  std::optional<ElementStatus> status;
  nlohmann::json extra = nlohmann::json::object();
};

// What every node kind has.
struct NodeBase {
  Id id;
  std::optional<std::string> name;
  std::vector<Port> ports;
  std::optional<nlohmann::json> metadata;  // an object, opaque
  std::optional<Constraints> constraints;
  std::optional<Operation> operation;
  std::optional<ElementStatus> status;
  nlohmann::json extra = nlohmann::json::object();

  const Port* port(const Id& port_id) const;
  Port* port(const Id& port_id);
};

struct Specification {
  std::optional<std::string> deployment_type;
  std::optional<Resources> resources;
  nlohmann::json extra = nlohmann::json::object();
};

struct NodeNf : NodeBase {
  std::optional<std::string> functional_type;
  std::optional<Specification> specification;
};

struct NodeSap : NodeBase {
  std::optional<std::string> binding;
};

// delay_matrix: port id -> port id -> ms (JSON keys, so ids are their text).
using DelayMatrix = std::map<std::string, std::map<std::string, double>>;

struct NodeInfra : NodeBase {
  std::string type;  // BiSBiS, EE, STATIC, SDN-SWITCH (required, as in hsnlab)
  std::optional<std::string> domain;
  std::optional<std::vector<std::string>> supported;
  std::optional<Resources> resources;
  std::optional<DelayMatrix> delay_matrix;
};

// Link endpoints: node and port ids, required.
struct LinkEnds {
  Id id;
  Id src_node;
  Id src_port;
  Id dst_node;
  Id dst_port;
};

struct EdgeLink : LinkEnds {
  std::optional<double> delay;
  std::optional<double> bandwidth;
  std::optional<double> cost;
  std::optional<bool> backward;
  std::optional<Constraints> constraints;
  std::optional<Operation> operation;
  std::optional<ElementStatus> status;
  nlohmann::json extra = nlohmann::json::object();  // qos, type, ...
};

struct SgHop : LinkEnds {
  std::optional<std::string> flowclass;
  std::optional<double> delay;
  std::optional<double> bandwidth;
  std::optional<Constraints> constraints;
  std::optional<Operation> operation;
  std::optional<ElementStatus> status;
  nlohmann::json extra = nlohmann::json::object();  // tag_info, additional_actions, ...
};

struct EdgeReq : LinkEnds {
  std::optional<double> delay;
  std::optional<double> bandwidth;
  std::vector<Id> sg_path;
  std::optional<Constraints> constraints;
  std::optional<Operation> operation;
  std::optional<ElementStatus> status;
  nlohmann::json extra = nlohmann::json::object();
};

struct Parameters {
  std::optional<Id> id;
  std::optional<std::string> name;
  std::optional<std::string> service_id;
  std::optional<std::string> version;
  std::optional<Mode> mode;
  std::optional<nlohmann::json> metadata;  // an object, opaque
  nlohmann::json extra = nlohmann::json::object();
};

struct Nffg {
  Parameters parameters;
  std::vector<NodeNf> node_nfs;
  std::vector<NodeSap> node_saps;
  std::vector<NodeInfra> node_infras;
  std::vector<EdgeLink> edge_links;
  std::vector<SgHop> edge_sg_nexthops;
  std::vector<EdgeReq> edge_reqs;
  nlohmann::json extra = nlohmann::json::object();

  Mode mode() const { return parameters.mode.value_or(Mode::kAdd); }
  const NodeNf* nf(const Id& id) const;
  const NodeSap* sap(const Id& id) const;
  const NodeInfra* infra(const Id& id) const;
  NodeInfra* infra(const Id& id);
  const NodeBase* node(const Id& id) const;  // any kind
};

// Parses an NFFG: over kMaxNffgBytes is TooLarge; invalid JSON or UTF-8, nesting deeper than
// common/json_bounded.h's limit, a wrong field, a duplicate node id or a link naming an unknown
// node or port is InvalidArgument.
Result<Nffg> read_nffg(std::string_view text);
// The NFFG from an already parsed document (same checks but size and nesting).
Result<Nffg> nffg_from_json(const nlohmann::json& doc);
nlohmann::json to_json(const Nffg& nffg);

}  // namespace chainlab::escape
