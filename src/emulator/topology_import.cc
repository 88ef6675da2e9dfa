// From an imported graph (GraphML or GML) to a Topology: node names, link delays from geographic
// distance, bandwidth from Topology Zoo link speeds.
#include "emulator/topology_import.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/names.h"
#include "common/utf8.h"

namespace chainlab::emulator::import {

namespace {

constexpr size_t kMaxNameBytes = 56;  // leaves room for a "-<n>" suffix within 64
constexpr uint64_t kMaxDelayNs = 60'000'000'000;

std::optional<double> parse_double(const std::string& s) {
  auto v = parse_number(s, "");
  return v.ok() ? std::optional<double>(*v) : std::nullopt;
}

Status check_options(const ImportOptions& options) {
  if (!std::isfinite(options.km_per_ms) || options.km_per_ms <= 0) {
    return make_error(ErrorCode::kInvalidArgument, "km_per_ms {} is not positive",
                      options.km_per_ms);
  }
  if (options.default_delay_ns > kMaxDelayNs) {
    return make_error(ErrorCode::kInvalidArgument, "default delay {} exceeds 60s",
                      format_duration(options.default_delay_ns));
  }
  LinkSpec probe;
  probe.bw_mbps = options.bw_mbps;
  return validate_link_params(probe);
}

// Labels end up in the topology's metadata and names, which the REST API answers in JSON: every
// string of the file must be valid UTF-8.
Status check_text(const ImportedGraph& graph, const std::string& source) {
  auto bad = [&](std::string_view what, size_t i) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} {}: not valid UTF-8", source, what, i);
  };
  if (!valid_utf8(graph.name)) {
    return make_error(ErrorCode::kInvalidArgument, "{}: graph label: not valid UTF-8", source);
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!valid_utf8(graph.nodes[i].id) || !valid_utf8(graph.nodes[i].label)) {
      return bad("node", i);
    }
  }
  for (size_t e = 0; e < graph.edges.size(); ++e) {
    if (!valid_utf8(graph.edges[e].source) || !valid_utf8(graph.edges[e].target)) {
      return bad("edge", e);
    }
  }
  return ok_status();
}

}  // namespace

Status check_file_size(const std::string& path, uintmax_t max_bytes, std::string_view what) {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return Error{ec == std::errc::no_such_file_or_directory ? ErrorCode::kNotFound
                                                            : ErrorCode::kInvalidArgument,
                 fmt::format("{}: {}", path, ec.message())};
  }
  if (size > max_bytes) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} bytes is too large{} (at most {})", path,
                      size, what, max_bytes);
  }
  return ok_status();
}

Result<Topology> import_graph(const std::string& text, const ImportOptions& options,
                              const std::string& source, const Cancel& cancel,
                              std::string_view format,
                              const std::function<Result<ImportedGraph>()>& read) {
  if (text.size() > kMaxImportBytes) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} bytes is too large (at most {})", source,
                      text.size(), kMaxImportBytes);
  }
  try {
    CL_ASSIGN_OR_RETURN(ImportedGraph graph, read());
    if (graph.nodes.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: the graph has no nodes", source);
    }
    return build_topology(graph, options, source, cancel);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, "{}: reading {}: {}", source, format, e.what());
  }
}

Status check_room(size_t count, size_t max, std::string_view what, const std::string& source) {
  if (count >= max) {
    return make_error(ErrorCode::kInvalidArgument, "{}: more than {} {}", source, max, what);
  }
  return ok_status();
}

Status add_edge(ImportedGraph& graph, std::string from, std::string to, size_t index,
                std::string_view what, const std::string& source,
                const std::function<std::string(const char*)>& field) {
  if (from.empty() || to.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: edge #{} lacks a source or target{}",
                      source, index, what);
  }
  ImportedEdge e{
      std::move(from), std::move(to),
      link_speed_mbps(field("LinkSpeedRaw"), field("LinkSpeed"), field("LinkSpeedUnits"))};
  graph.edges.push_back(std::move(e));
  return ok_status();
}

Status set_coordinates(ImportedNode& node, Result<std::optional<double>> latitude,
                       Result<std::optional<double>> longitude, const std::string& where) {
  for (auto* c : {&latitude, &longitude}) {
    if (!c->ok()) {
      return std::move(*c).error().context(where);
    }
  }
  node.latitude = *latitude;
  node.longitude = *longitude;
  return ok_status();
}

std::string sanitize_name(std::string_view label) {
  static constexpr NameRule kRule{
      .max_bytes = kMaxNameBytes, .lead = 'n', .utf8_as_one = true, .fallback = "node"};
  return chainlab::sanitize_name(label, kRule);
}

std::optional<double> link_speed_mbps(const std::string& raw, const std::string& speed,
                                      const std::string& units) {
  std::optional<double> mbps;
  if (auto bps = parse_double(raw)) {
    mbps = *bps / 1e6;
  } else if (auto value = parse_double(speed)) {
    double scale = 1;  // Mbit/s when no unit is given
    if (units == "G" || units == "g") {
      scale = 1000;
    } else if (units == "K" || units == "k") {
      scale = 0.001;
    } else if (units == "T" || units == "t") {
      scale = 1e6;
    }
    mbps = *value * scale;
  }
  if (!mbps || *mbps <= 0) {
    return std::nullopt;
  }
  return std::min(400'000.0, std::max(0.001, *mbps));
}

Result<Topology> build_topology(const ImportedGraph& graph, const ImportOptions& options,
                                const std::string& source, const Cancel& cancel) {
  if (auto s = check_options(options); !s.ok()) {
    return std::move(s).error().context(fmt::format("{}: import options", source));
  }
  if (graph.nodes.size() > kMaxImportNodes) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} nodes; at most {} are supported", source,
                      graph.nodes.size(), kMaxImportNodes);
  }
  if (graph.edges.size() > kMaxImportEdges) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} edges; at most {} are supported", source,
                      graph.edges.size(), kMaxImportEdges);
  }
  CL_RETURN_IF_ERROR(check_text(graph, source));
  Topology t;
  t.name = graph.name.empty() ? std::string("topology") : sanitize_name(graph.name);

  std::unordered_map<std::string, size_t> index_of;  // file id -> node index
  std::unordered_set<std::string> used;
  // Per label, the next "-k" suffix to try: 100,000 nodes with one label stay linear.
  std::unordered_map<std::string, size_t> next_suffix;
  std::vector<std::string> names;
  names.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (i % 64 == 0) {
      CL_RETURN_IF_ERROR(cancel.check(source));
    }
    const ImportedNode& node = graph.nodes[i];
    if (!index_of.emplace(node.id, i).second) {
      return make_error(ErrorCode::kInvalidArgument, "{}: node id '{}' appears twice", source,
                        node.id);
    }
    if (node.latitude && (*node.latitude < -90 || *node.latitude > 90)) {
      return make_error(ErrorCode::kInvalidArgument, "{}: node '{}': latitude {} is out of range",
                        source, node.id, *node.latitude);
    }
    if (node.longitude && (*node.longitude < -180 || *node.longitude > 180)) {
      return make_error(ErrorCode::kInvalidArgument, "{}: node '{}': longitude {} is out of range",
                        source, node.id, *node.longitude);
    }
    std::string base = sanitize_name(node.label.empty() ? "n" + node.id : node.label);
    std::string name = base;
    if (used.contains(name)) {
      size_t& k = next_suffix.try_emplace(base, 2).first->second;
      do {
        name = fmt::format("{}-{}", base, k++);
      } while (used.contains(name));
    }
    used.insert(name);
    PopSpec pop;
    pop.name = name;
    if (!node.label.empty() && node.label != name) {
      pop.metadata["label"] = node.label;  // the original, when the name had to change
    }
    if (node.latitude && node.longitude) {
      pop.metadata["latitude"] = fmt::format("{}", *node.latitude);
      pop.metadata["longitude"] = fmt::format("{}", *node.longitude);
    }
    if (auto s = t.add_pop(std::move(pop)); !s.ok()) {
      return std::move(s).error().context(fmt::format("{}: node '{}'", source, node.id));
    }
    names.push_back(std::move(name));
  }

  std::set<std::pair<size_t, size_t>> seen;
  for (size_t e = 0; e < graph.edges.size(); ++e) {
    if (e % 64 == 0) {
      CL_RETURN_IF_ERROR(cancel.check(source));
    }
    const ImportedEdge& edge = graph.edges[e];
    auto a = index_of.find(edge.source);
    auto b = index_of.find(edge.target);
    if (a == index_of.end() || b == index_of.end()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: edge {} ({} -> {}): unknown node '{}'",
                        source, e, edge.source, edge.target,
                        a == index_of.end() ? edge.source : edge.target);
    }
    size_t i = a->second;
    size_t j = b->second;
    if (i == j || !seen.emplace(std::min(i, j), std::max(i, j)).second) {
      continue;  // self-loop or parallel edge
    }
    const ImportedNode& na = graph.nodes[i];
    const ImportedNode& nb = graph.nodes[j];
    LinkSpec link;
    link.a = names[i];
    link.b = names[j];
    if (na.latitude && na.longitude && nb.latitude && nb.longitude) {
      double km = distance_km(*na.latitude, *na.longitude, *nb.latitude, *nb.longitude);
      double ns = std::round(km / options.km_per_ms * 1e6);
      if (!(ns <= static_cast<double>(kMaxDelayNs))) {  // also NaN
        return make_error(ErrorCode::kInvalidArgument,
                          "{}: edge {}: {:.0f} km at {} km/ms is more than 60 s of delay", source,
                          e, km, options.km_per_ms);
      }
      link.delay_ns = static_cast<uint64_t>(ns);
    } else {
      link.delay_ns = options.default_delay_ns;
    }
    if (options.bw_mbps != 0) {
      link.bw_mbps = options.bw_mbps;
    } else if (edge.bw_mbps) {
      link.bw_mbps = *edge.bw_mbps;
    }
    if (auto s = t.add_link(std::move(link)); !s.ok()) {
      return std::move(s).error().context(fmt::format("{}: edge {}", source, e));
    }
  }
  return t;
}

}  // namespace chainlab::emulator::import
