// GraphML import (Internet Topology Zoo flavour): <key> declarations name the attributes
// (label, Latitude, Longitude, LinkSpeed, LinkSpeedUnits, LinkSpeedRaw); <node>s become PoPs and
// <edge>s links. Every pugixml call stays in this file.
#include <exception>
#include <map>
#include <string>

#include <pugixml.hpp>

#include "emulator/topology_import.h"

namespace chainlab::emulator {

namespace {

using import::ImportedEdge;
using import::ImportedGraph;
using import::ImportedNode;

// attr id -> attr name, per domain.
struct KeyMap {
  std::map<std::string, std::string> node;
  std::map<std::string, std::string> edge;
  std::map<std::string, std::string> graph;
};

KeyMap read_keys(const pugi::xml_node& root) {
  KeyMap keys;
  for (pugi::xml_node key : root.children("key")) {
    std::string id = key.attribute("id").as_string();
    std::string name = key.attribute("attr.name").as_string();
    std::string domain = key.attribute("for").as_string();
    if (id.empty() || name.empty()) {
      continue;
    }
    if (domain == "node" || domain == "all" || domain.empty()) {
      keys.node[id] = name;
    }
    if (domain == "edge" || domain == "all" || domain.empty()) {
      keys.edge[id] = name;
    }
    if (domain == "graph" || domain == "all" || domain.empty()) {
      keys.graph[id] = name;
    }
  }
  return keys;
}

// The <data> values of an element by attribute name (the key id when undeclared).
std::map<std::string, std::string> read_data(const pugi::xml_node& element,
                                             const std::map<std::string, std::string>& keys) {
  std::map<std::string, std::string> out;
  for (pugi::xml_node data : element.children("data")) {
    std::string id = data.attribute("key").as_string();
    auto it = keys.find(id);
    out[it == keys.end() ? id : it->second] = data.text().as_string();
  }
  return out;
}

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) {
    return "";
  }
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

Result<std::optional<double>> coordinate(const std::map<std::string, std::string>& data,
                                         const char* name) {
  auto it = data.find(name);
  if (it == data.end()) {
    return std::optional<double>();
  }
  CL_ASSIGN_OR_RETURN(double v, parse_number(trimmed(it->second), name));
  return std::optional<double>(v);
}

std::string value_of(const std::map<std::string, std::string>& data, const char* name) {
  auto it = data.find(name);
  return it == data.end() ? std::string() : trimmed(it->second);
}

// Before the index-th node or edge: `cancel` polled every 64 entries, then import::check_room.
Status next_entry(size_t index, size_t count, size_t max, std::string_view what,
                  const std::string& source, const Cancel& cancel) {
  if (index % 64 == 0) {
    CL_RETURN_IF_ERROR(cancel.check(source));
  }
  return import::check_room(count, max, what, source);
}

Result<ImportedGraph> read_graphml(const std::string& text, const std::string& source,
                                   const Cancel& cancel) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(text.data(), text.size());
  if (!parsed) {
    // Line of the failing offset, for humans.
    auto offset = static_cast<size_t>(std::max<ptrdiff_t>(0, parsed.offset));
    size_t line = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
      line += text[i] == '\n' ? 1 : 0;
    }
    return make_error(ErrorCode::kInvalidArgument, "{}: line {}: broken XML: {}", source, line,
                      parsed.description());
  }
  pugi::xml_node root = doc.child("graphml");
  if (!root) {
    return make_error(ErrorCode::kInvalidArgument, "{}: not GraphML (no <graphml> root element)",
                      source);
  }
  pugi::xml_node graph_node = root.child("graph");
  if (!graph_node) {
    return make_error(ErrorCode::kInvalidArgument, "{}: <graphml> has no <graph>", source);
  }
  KeyMap keys = read_keys(root);
  ImportedGraph graph;
  auto graph_data = read_data(graph_node, keys.graph);
  graph.name = value_of(graph_data, "Network");
  if (graph.name.empty()) {
    graph.name = value_of(graph_data, "label");
  }

  size_t index = 0;
  for (pugi::xml_node node : graph_node.children("node")) {
    CL_RETURN_IF_ERROR(
        next_entry(index, graph.nodes.size(), import::kMaxImportNodes, "nodes", source, cancel));
    ImportedNode n;
    n.id = node.attribute("id").as_string();
    if (n.id.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: node #{} has no id attribute", source,
                        index);
    }
    auto data = read_data(node, keys.node);
    n.label = value_of(data, "label");
    CL_RETURN_IF_ERROR(import::set_coordinates(n, coordinate(data, "Latitude"),
                                               coordinate(data, "Longitude"),
                                               fmt::format("{}: node '{}'", source, n.id)));
    graph.nodes.push_back(std::move(n));
    ++index;
  }
  index = 0;
  for (pugi::xml_node edge : graph_node.children("edge")) {
    CL_RETURN_IF_ERROR(
        next_entry(index, graph.edges.size(), import::kMaxImportEdges, "edges", source, cancel));
    auto data = read_data(edge, keys.edge);
    CL_RETURN_IF_ERROR(import::add_edge(
        graph, edge.attribute("source").as_string(), edge.attribute("target").as_string(), index,
        " attribute", source, [&data](const char* key) { return value_of(data, key); }));
    ++index;
  }
  return graph;
}

}  // namespace

Result<Topology> Topology::from_graphml(const std::string& text, const ImportOptions& options,
                                        const std::string& source, const Cancel& cancel) {
  return import::import_graph(text, options, source, cancel, "GraphML",
                              [&] { return read_graphml(text, source, cancel); });
}

}  // namespace chainlab::emulator
