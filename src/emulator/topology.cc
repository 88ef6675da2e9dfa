// Topology: validation of PoPs, switches, links and SAPs; lookups; the default topology; loading
// a file by its extension. YAML lives in topology_yaml.cc, generators in topology_generate.cc,
// Topology Zoo imports in topology_import.cc, topology_graphml.cc and topology_gml.cc.
#include "emulator/topology.h"

#include <array>
#include <cmath>
#include <filesystem>
#include <optional>
#include <utility>

#include "common/files.h"
#include "emulator/topology_import.h"
#include "runtime/instance_log.h"
#include "substrate/addr.h"
#include "substrate/names.h"

namespace chainlab::emulator {

namespace {

constexpr uint64_t kMaxDelayNs = 60'000'000'000;  // 60 s
constexpr double kMinBwMbps = 0.001;
constexpr double kMaxBwMbps = 400'000;
constexpr uint32_t kMaxQueuePackets = 1'000'000;
constexpr uintmax_t kMaxFileBytes = 64u << 20;

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

// Prefixes a field path to an error whose message has none yet: "name: <message>".
Error in_field(std::string_view field, Error error) {
  return std::move(error).context(field);
}

// The name of a new PoP, switch or SAP: a valid object name (`what`: "PoP name"...), not `taken`
// ("name: 'x' is already the name of <owners>").
Status check_new_name(std::string_view name, std::string_view what, bool taken,
                      std::string_view owners) {
  if (auto s = substrate::validate_object_name(name, what); !s.ok()) {
    return in_field("name", std::move(s).error());
  }
  if (taken) {
    return Error{ErrorCode::kAlreadyExists,
                 fmt::format("name: '{}' is already the name of {}", name, owners)};
  }
  return ok_status();
}

// `status` with its error in the context `what` ("PoP 'dc1': <message>").
Status in_context(Status status, std::string_view what) {
  if (!status.ok()) {
    return std::move(status).error().context(what);
  }
  return ok_status();
}

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return ext;
}

}  // namespace

namespace {

template <typename E>
using Names = std::array<std::pair<std::string_view, E>, 2>;

// The names of the settings' values, in YAML and REST answers.
constexpr Names<Connectivity> kConnectivityNames = {
    {{"none", Connectivity::kNone}, {"learning", Connectivity::kLearning}}};
constexpr Names<GatekeeperApi> kGatekeeperApiNames = {
    {{"tango", GatekeeperApi::kTango}, {"sonata", GatekeeperApi::kSonata}}};

template <typename E>
std::string_view name_of(const Names<E>& names, E value) {
  for (const auto& [name, v] : names) {
    if (v == value) {
      return name;
    }
  }
  return names[0].first;
}

template <typename E>
std::optional<E> value_named(const Names<E>& names, std::string_view text) {
  for (const auto& [name, v] : names) {
    if (name == text) {
      return v;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Connectivity c) {
  return name_of(kConnectivityNames, c);
}

Result<Connectivity> parse_connectivity(std::string_view text) {
  if (auto c = value_named(kConnectivityNames, text)) {
    return *c;
  }
  return invalid(fmt::format("'{}' is not a connectivity mode; use none or learning", text));
}

std::string_view to_string(GatekeeperApi api) {
  return name_of(kGatekeeperApiNames, api);
}

Result<GatekeeperApi> parse_gatekeeper_api(std::string_view text) {
  if (auto api = value_named(kGatekeeperApiNames, text)) {
    return *api;
  }
  return invalid(fmt::format(
      "'{}' is not a gatekeeper API; use tango (5GTANGO LLCM) or sonata (SONATA dummy gatekeeper)",
      text));
}

Status validate_link_params(const LinkSpec& link) {
  if (link.delay_ns > kMaxDelayNs) {
    return invalid(
        fmt::format("delay: {} exceeds the maximum of 60s", format_duration(link.delay_ns)));
  }
  if (link.jitter_ns > link.delay_ns) {
    return invalid(fmt::format("jitter: {} exceeds the delay {}", format_duration(link.jitter_ns),
                               format_duration(link.delay_ns)));
  }
  if (!std::isfinite(link.bw_mbps) ||
      (link.bw_mbps != 0 && (link.bw_mbps < kMinBwMbps || link.bw_mbps > kMaxBwMbps))) {
    return invalid(fmt::format("bw: {} Mbit/s is out of range; use 0 (unlimited) or 0.001..400000",
                               link.bw_mbps));
  }
  if (!std::isfinite(link.loss_percent) || link.loss_percent < 0 || link.loss_percent > 100) {
    return invalid(fmt::format("loss: {}% is out of range 0..100", link.loss_percent));
  }
  if (link.queue_packets < 1 || link.queue_packets > kMaxQueuePackets) {
    return invalid(fmt::format("queue: {} packets is out of range 1..1000000", link.queue_packets));
  }
  return ok_status();
}

Status validate_emulator(const EmulatorSpec& emulator) {
  if (!std::isfinite(emulator.e_cpu) || emulator.e_cpu <= 0 || emulator.e_cpu > 1) {
    return invalid(
        fmt::format("e_cpu: {} is out of range; use a fraction in (0, 1]", emulator.e_cpu));
  }
  if (!std::isfinite(emulator.e_mem_mb) || emulator.e_mem_mb <= 0) {
    return invalid(fmt::format("e_mem: {} MB is not positive", emulator.e_mem_mb));
  }
  if (emulator.rest_port < -1 || emulator.rest_port > 65535) {
    return invalid(fmt::format("rest_port: {} is out of range -1..65535", emulator.rest_port));
  }
  if (emulator.gatekeeper_port < -1 || emulator.gatekeeper_port > 65535) {
    return invalid(fmt::format("gatekeeper_port: {} is out of range -1..65535 (-1: off)",
                               emulator.gatekeeper_port));
  }
  if (auto s = runtime::validate_instance_log_bytes(emulator.instance_log_bytes); !s.ok()) {
    return invalid(s.error().message);
  }
  return ok_status();
}

Status Topology::insert_pop(PopSpec pop) {
  CL_RETURN_IF_ERROR(
      check_new_name(pop.name, "PoP name", nodes_.contains(pop.name), "a PoP or switch"));
  const ResourceModelSpec& r = pop.resources;
  if (r.model != "none" && r.model != "fixed" && r.model != "overprovision") {
    return invalid(fmt::format(
        "resources.model: unknown model '{}'; use none, fixed or overprovision", r.model));
  }
  if (!std::isfinite(r.max_cu) || r.max_cu <= 0) {
    return invalid(fmt::format("resources.max_cu: {} is not positive", r.max_cu));
  }
  if (!std::isfinite(r.max_mu) || r.max_mu <= 0) {
    return invalid(fmt::format("resources.max_mu: {} is not positive", r.max_mu));
  }
  for (const auto& [key, value] : pop.metadata) {
    if (key.empty()) {
      return invalid("metadata: empty key");
    }
  }
  for (const auto& [kind, port] : pop.endpoints) {
    if (auto s = substrate::validate_object_name(kind, "endpoint kind"); !s.ok()) {
      return in_field("endpoints", std::move(s).error());
    }
    if (port < 0 || port > 65535) {
      return invalid(fmt::format("endpoints.{}: port {} is out of range 0..65535", kind, port));
    }
  }
  nodes_.emplace(pop.name, NodeRef{true, pops_.size()});
  pops_.push_back(std::move(pop));
  return ok_status();
}

Status Topology::insert_switch(SwitchSpec sw) {
  CL_RETURN_IF_ERROR(
      check_new_name(sw.name, "switch name", nodes_.contains(sw.name), "a PoP or switch"));
  nodes_.emplace(sw.name, NodeRef{false, switches_.size()});
  switches_.push_back(std::move(sw));
  return ok_status();
}

Status Topology::insert_link(LinkSpec link) {
  if (link.a.empty()) {
    return invalid("a: missing link end");
  }
  if (link.b.empty()) {
    return invalid("b: missing link end");
  }
  if (!has_node(link.a)) {
    return Error{ErrorCode::kNotFound, fmt::format("a: no PoP or switch named '{}'", link.a)};
  }
  if (!has_node(link.b)) {
    return Error{ErrorCode::kNotFound, fmt::format("b: no PoP or switch named '{}'", link.b)};
  }
  if (link.a == link.b) {
    return invalid(fmt::format("b: link from '{}' to itself", link.a));
  }
  CL_RETURN_IF_ERROR(validate_link_params(link));
  links_.push_back(std::move(link));
  return ok_status();
}

Status Topology::insert_sap(SapSpec sap) {
  CL_RETURN_IF_ERROR(check_new_name(sap.name, "SAP name", sap_names_.contains(sap.name), "a SAP"));
  if (sap.pop.empty()) {
    return invalid("pop: missing");
  }
  if (find_pop(sap.pop) == nullptr) {
    return Error{ErrorCode::kNotFound,
                 has_node(sap.pop) ? fmt::format("pop: '{}' is a switch, not a PoP", sap.pop)
                                   : fmt::format("pop: no PoP named '{}'", sap.pop)};
  }
  if (!sap.ip.empty()) {
    if (auto cidr = substrate::Cidr::parse(sap.ip); !cidr.ok()) {
      return in_field("ip", std::move(cidr).error());
    }
  }
  sap_names_.insert(sap.name);
  saps_.push_back(std::move(sap));
  return ok_status();
}

Status Topology::add_pop(PopSpec pop) {
  std::string what = fmt::format("PoP '{}'", pop.name);
  return in_context(insert_pop(std::move(pop)), what);
}

Status Topology::add_switch(SwitchSpec sw) {
  std::string what = fmt::format("switch '{}'", sw.name);
  return in_context(insert_switch(std::move(sw)), what);
}

Status Topology::add_link(LinkSpec link) {
  std::string what = fmt::format("link {}-{}", link.a, link.b);
  return in_context(insert_link(std::move(link)), what);
}

Status Topology::add_sap(SapSpec sap) {
  std::string what = fmt::format("SAP '{}'", sap.name);
  return in_context(insert_sap(std::move(sap)), what);
}

const PopSpec* Topology::find_pop(std::string_view node_name) const {
  auto it = nodes_.find(node_name);
  if (it == nodes_.end() || !it->second.is_pop) {
    return nullptr;
  }
  return &pops_[it->second.index];
}

bool Topology::has_node(std::string_view node_name) const {
  return nodes_.find(node_name) != nodes_.end();
}

Topology Topology::default_topology() {
  Topology t;
  t.name = "two-pops";
  t.emulator.gatekeeper_port = 5000;
  PopSpec pop;
  pop.name = "dc1";
  pop.endpoints = {{"openstack", 6001}, {"nffg", 8080}};
  Status s = t.add_pop(pop);
  assert(s.ok());
  pop.name = "dc2";
  pop.endpoints = {{"openstack", 6002}, {"nffg", 8081}};
  s = t.add_pop(pop);
  assert(s.ok());
  LinkSpec link;
  link.a = "dc1";
  link.b = "dc2";
  link.delay_ns = 10'000'000;
  s = t.add_link(link);
  assert(s.ok());
  (void)s;
  return t;
}

Result<Topology> Topology::load_file(const std::string& path, const Cancel& cancel) {
  CL_RETURN_IF_ERROR(import::check_file_size(path, kMaxFileBytes, ""));
  std::string ext = lower_extension(path);
  if (ext != ".yaml" && ext != ".yml" && ext != ".graphml" && ext != ".gml") {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: unknown topology file type '{}'; use .yaml, .yml, .graphml or .gml",
                      path, ext);
  }
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path, kMaxFileBytes));
  const std::string& source = path;  // as the user wrote it
  if (ext == ".graphml") {
    return from_graphml(text, ImportOptions{}, source, cancel);
  }
  if (ext == ".gml") {
    return from_gml(text, ImportOptions{}, source, cancel);
  }
  return from_yaml(text, source, cancel);
}

}  // namespace chainlab::emulator
