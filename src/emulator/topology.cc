// Topology: validation of PoPs, switches, links and SAPs; lookups; the default topology; loading
// a file by its extension. YAML lives in topology_yaml.cc, generators in topology_generate.cc,
// Topology Zoo imports in topology_import.cc, topology_graphml.cc and topology_gml.cc.
#include "emulator/topology.h"

#include <cmath>
#include <filesystem>
#include <system_error>

#include "common/files.h"
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

std::string_view to_string(Connectivity c) {
  return c == Connectivity::kLearning ? "learning" : "none";
}

Result<Connectivity> parse_connectivity(std::string_view text) {
  if (text == "none") {
    return Connectivity::kNone;
  }
  if (text == "learning") {
    return Connectivity::kLearning;
  }
  return invalid(fmt::format("'{}' is not a connectivity mode; use none or learning", text));
}

std::string_view to_string(GatekeeperApi api) {
  return api == GatekeeperApi::kSonata ? "sonata" : "tango";
}

Result<GatekeeperApi> parse_gatekeeper_api(std::string_view text) {
  if (text == "tango") {
    return GatekeeperApi::kTango;
  }
  if (text == "sonata") {
    return GatekeeperApi::kSonata;
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
  if (emulator.rest_port < 0 || emulator.rest_port > 65535) {
    return invalid(fmt::format("rest_port: {} is out of range 0..65535", emulator.rest_port));
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
  if (auto s = substrate::validate_object_name(pop.name, "PoP name"); !s.ok()) {
    return in_field("name", std::move(s).error());
  }
  if (nodes_.contains(pop.name)) {
    return Error{ErrorCode::kAlreadyExists,
                 fmt::format("name: '{}' is already the name of a PoP or switch", pop.name)};
  }
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
  if (auto s = substrate::validate_object_name(sw.name, "switch name"); !s.ok()) {
    return in_field("name", std::move(s).error());
  }
  if (nodes_.contains(sw.name)) {
    return Error{ErrorCode::kAlreadyExists,
                 fmt::format("name: '{}' is already the name of a PoP or switch", sw.name)};
  }
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
  if (auto s = substrate::validate_object_name(sap.name, "SAP name"); !s.ok()) {
    return in_field("name", std::move(s).error());
  }
  if (sap_names_.contains(sap.name)) {
    return Error{ErrorCode::kAlreadyExists,
                 fmt::format("name: '{}' is already the name of a SAP", sap.name)};
  }
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
  if (auto s = insert_pop(std::move(pop)); !s.ok()) {
    return std::move(s).error().context(what);
  }
  return ok_status();
}

Status Topology::add_switch(SwitchSpec sw) {
  std::string what = fmt::format("switch '{}'", sw.name);
  if (auto s = insert_switch(std::move(sw)); !s.ok()) {
    return std::move(s).error().context(what);
  }
  return ok_status();
}

Status Topology::add_link(LinkSpec link) {
  std::string what = fmt::format("link {}-{}", link.a, link.b);
  if (auto s = insert_link(std::move(link)); !s.ok()) {
    return std::move(s).error().context(what);
  }
  return ok_status();
}

Status Topology::add_sap(SapSpec sap) {
  std::string what = fmt::format("SAP '{}'", sap.name);
  if (auto s = insert_sap(std::move(sap)); !s.ok()) {
    return std::move(s).error().context(what);
  }
  return ok_status();
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
  pop.endpoints = {{"openstack", 6001}};
  Status s = t.add_pop(pop);
  assert(s.ok());
  pop.name = "dc2";
  pop.endpoints = {{"openstack", 6002}};
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
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return Error{ec == std::errc::no_such_file_or_directory ? ErrorCode::kNotFound
                                                            : ErrorCode::kInvalidArgument,
                 fmt::format("{}: {}", path, ec.message())};
  }
  if (size > kMaxFileBytes) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} bytes is too large (at most {})", path,
                      size, kMaxFileBytes);
  }
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
