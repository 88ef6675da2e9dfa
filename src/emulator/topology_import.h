// Internal to the emulator layer: the graph that the GraphML and GML readers produce and the one
// place that turns it into a Topology (names, delays from coordinates, bandwidth).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/topology.h"

namespace chainlab::emulator::import {

// Limits against hostile files.
inline constexpr size_t kMaxImportBytes = 64u << 20;
inline constexpr size_t kMaxImportNodes = 100'000;
inline constexpr size_t kMaxImportEdges = 1'000'000;

struct ImportedNode {
  std::string id;     // the file's node id (edges refer to it)
  std::string label;  // "" when absent
  std::optional<double> latitude;
  std::optional<double> longitude;
};

struct ImportedEdge {
  std::string source;
  std::string target;
  std::optional<double> bw_mbps;  // from LinkSpeedRaw / LinkSpeed, when present and sensible
};

struct ImportedGraph {
  std::string name;  // graph label, "" when absent
  std::vector<ImportedNode> nodes;
  std::vector<ImportedEdge> edges;
};

// Before a topology file or script is read: NotFound when `path` does not exist (other stat
// failures InvalidArgument, "<path>: <why>"), InvalidArgument "<path>: N bytes is too large<what>
// (at most M)" when it is larger than `max_bytes` (`what`: "" or e.g. " for a topology script").
Status check_file_size(const std::string& path, uintmax_t max_bytes, std::string_view what);

// A valid object name from a free-form label: characters outside [A-Za-z0-9_.:-] become '-'
// (one per UTF-8 character), a leading non-alphanumeric gets an "n" in front, at most 56 bytes.
std::string sanitize_name(std::string_view label);

// Builds the topology in O(n log n): PoPs named from labels (unique: "-2", "-3" suffixes), links
// with delay = distance / km_per_ms (default_delay_ns without coordinates); self-loops and
// duplicate edges skipped. Errors are prefixed with `source`; `cancel` is polled.
Result<Topology> build_topology(const ImportedGraph& graph, const ImportOptions& options,
                                const std::string& source, const Cancel& cancel = Cancel());

// What Topology::from_graphml and from_gml share: InvalidArgument when `text` is larger than
// kMaxImportBytes, else build_topology of what read() gives ("<source>: the graph has no nodes"
// when it has none); an exception (std::bad_alloc on
// absurd input) becomes kInternal "<source>: reading <format>: <what>".
Result<Topology> import_graph(const std::string& text, const ImportOptions& options,
                              const std::string& source, const Cancel& cancel,
                              std::string_view format,
                              const std::function<Result<ImportedGraph>()>& read);

// Room for one more node or edge: InvalidArgument "<source>: more than <max> <what>" when
// `count` has reached `max` (`what`: "nodes", "edges").
Status check_room(size_t count, size_t max, std::string_view what, const std::string& source);

// Appends the index-th edge, between node ids `from` and `to`, its bandwidth from the Topology Zoo
// fields that field(name) gives ("" when absent): InvalidArgument "<source>: edge #<index> lacks a
// source or target<what>" when an end is empty (`what`: "" or " attribute").
Status add_edge(ImportedGraph& graph, std::string from, std::string to, size_t index,
                std::string_view what, const std::string& source,
                const std::function<std::string(const char*)>& field);

// Sets the node's coordinates from what the reader found; a reader's error gets the context
// `where` (e.g. "<source>: node 'x'").
Status set_coordinates(ImportedNode& node, Result<std::optional<double>> latitude,
                       Result<std::optional<double>> longitude, const std::string& where);

// Bandwidth in Mbit/s from a Topology Zoo LinkSpeedRaw (bit/s) or LinkSpeed + LinkSpeedUnits
// ("G", "M", "K"); nullopt when unusable. Values beyond the emulator's range are clamped.
std::optional<double> link_speed_mbps(const std::string& raw, const std::string& speed,
                                      const std::string& units);

}  // namespace chainlab::emulator::import
