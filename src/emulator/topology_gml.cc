// GML import (Topology Zoo and SNDlib): a small parser for `key value` pairs where a value is a
// number, a "quoted string" or a nested [ list ]; '#' starts a comment line. Only
// graph [ node [ id label Latitude Longitude ] edge [ source target LinkSpeed... ] ] is used.
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/topology_import.h"

namespace chainlab::emulator {

namespace {

using import::ImportedEdge;
using import::ImportedGraph;
using import::ImportedNode;

constexpr int kMaxDepth = 64;

struct GmlItem;

struct GmlValue {
  bool is_list = false;
  bool is_string = false;  // quoted in the file
  std::string text;        // number or string
  std::vector<GmlItem> list;
};

struct GmlItem {
  std::string key;
  GmlValue value;
};

class GmlParser {
 public:
  GmlParser(std::string_view text, const std::string& source, const Cancel& cancel)
      : text_(text), source_(source), cancel_(cancel) {}

  Result<std::vector<GmlItem>> parse() {
    CL_ASSIGN_OR_RETURN(auto items, parse_items(0));
    if (pos_ < text_.size()) {
      return error("unexpected ']'");
    }
    return items;
  }

 private:
  Error error(std::string_view what) const {
    return make_error(ErrorCode::kInvalidArgument, "{}: line {}: broken GML: {}", source_, line_,
                      what);
  }

  static bool is_key_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  static bool is_key_char(char c) { return is_key_start(c) || (c >= '0' && c <= '9'); }

  void skip_space() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') {
          ++pos_;
        }
      } else {
        break;
      }
    }
  }

  // Items until ']' (depth > 0) or the end of the text (depth 0).
  Result<std::vector<GmlItem>> parse_items(int depth) {
    std::vector<GmlItem> items;
    for (;;) {
      skip_space();
      if (pos_ >= text_.size()) {
        if (depth > 0) {
          return error("unterminated '[' list at end of file");
        }
        return items;
      }
      if (text_[pos_] == ']') {
        if (depth == 0) {
          return items;  // parse() reports the stray ']'
        }
        ++pos_;
        return items;
      }
      if (!is_key_start(text_[pos_])) {
        return error(fmt::format("expected a key, found '{}'", printable(text_[pos_])));
      }
      size_t start = pos_;
      while (pos_ < text_.size() && is_key_char(text_[pos_])) {
        ++pos_;
      }
      if (++items_ % 1024 == 0) {
        CL_RETURN_IF_ERROR(cancel_.check(source_));
      }
      GmlItem item;
      item.key = std::string(text_.substr(start, pos_ - start));
      CL_ASSIGN_OR_RETURN(item.value, parse_value(item.key, depth));
      items.push_back(std::move(item));
    }
  }

  Result<GmlValue> parse_value(const std::string& key, int depth) {
    skip_space();
    if (pos_ >= text_.size()) {
      return error(fmt::format("key '{}' has no value", key));
    }
    GmlValue value;
    char c = text_[pos_];
    if (c == '[') {
      if (depth + 1 > kMaxDepth) {
        return error(fmt::format("lists nested deeper than {}", kMaxDepth));
      }
      ++pos_;
      value.is_list = true;
      CL_ASSIGN_OR_RETURN(value.list, parse_items(depth + 1));
      return value;
    }
    if (c == '"') {
      size_t start_line = line_;
      size_t start = ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        line_ += text_[pos_] == '\n' ? 1 : 0;
        ++pos_;
      }
      if (pos_ >= text_.size()) {
        line_ = start_line;
        return error(fmt::format("unterminated string for key '{}'", key));
      }
      value.is_string = true;
      value.text = decode_entities(text_.substr(start, pos_ - start));
      ++pos_;
      return value;
    }
    size_t start = pos_;
    while (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-' || text_[pos_] == '.' ||
                                   is_key_char(text_[pos_]))) {
      ++pos_;
    }
    value.text = std::string(text_.substr(start, pos_ - start));
    if (!parse_number(value.text, key).ok()) {
      return error(fmt::format("key '{}': '{}' is not a number, string or list", key,
                               value.text.empty() ? std::string(1, c) : value.text));
    }
    return value;
  }

  static std::string printable(char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f ? std::string(1, c) : fmt::format("\\x{:02x}", u);
  }

  static std::string decode_entities(std::string_view s) {
    static constexpr std::pair<std::string_view, char> kEntities[] = {
        {"&quot;", '"'}, {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&apos;", '\''}};
    std::string out;
    for (size_t i = 0; i < s.size();) {
      bool replaced = false;
      for (const auto& [entity, ch] : kEntities) {
        if (s.substr(i, entity.size()) == entity) {
          out += ch;
          i += entity.size();
          replaced = true;
          break;
        }
      }
      if (!replaced) {
        out += s[i++];
      }
    }
    return out;
  }

  std::string_view text_;
  const std::string& source_;
  const Cancel& cancel_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t items_ = 0;
};

const GmlValue* find(const std::vector<GmlItem>& items, std::string_view key) {
  for (const GmlItem& item : items) {
    if (item.key == key) {
      return &item.value;
    }
  }
  return nullptr;
}

std::string text_of(const std::vector<GmlItem>& items, std::string_view key) {
  const GmlValue* v = find(items, key);
  return v == nullptr || v->is_list ? std::string() : v->text;
}

Result<std::optional<double>> coordinate(const std::vector<GmlItem>& items, const char* key) {
  const GmlValue* v = find(items, key);
  if (v == nullptr) {
    return std::optional<double>();
  }
  if (v->is_list) {
    return make_error(ErrorCode::kInvalidArgument, "{}: '[...]' is not a number", key);
  }
  CL_ASSIGN_OR_RETURN(double number, parse_number(v->text, key));
  return std::optional<double>(number);
}

// The list of the index-th `node [...]` or `edge [...]` (item.key), of which the graph has
// `count`: an error when it is not a list or when there is no room for one more.
Result<const std::vector<GmlItem>*> entry_list(const GmlItem& item, size_t index, size_t count,
                                               const std::string& source) {
  if (!item.value.is_list) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} #{} is not a list", source, item.key,
                      index);
  }
  const bool node = item.key == "node";
  CL_RETURN_IF_ERROR(import::check_room(count,
                                        node ? import::kMaxImportNodes : import::kMaxImportEdges,
                                        node ? "nodes" : "edges", source));
  return &item.value.list;
}

Result<ImportedGraph> read_gml(const std::string& text, const std::string& source,
                               const Cancel& cancel) {
  GmlParser parser(text, source, cancel);
  CL_ASSIGN_OR_RETURN(std::vector<GmlItem> top, parser.parse());
  const GmlValue* g = find(top, "graph");
  if (g == nullptr || !g->is_list) {
    return make_error(ErrorCode::kInvalidArgument, "{}: no 'graph [ ... ]' list", source);
  }
  ImportedGraph graph;
  for (const char* key : {"Network", "name", "label"}) {
    if (graph.name.empty()) {
      graph.name = text_of(g->list, key);
    }
  }
  size_t node_index = 0;
  size_t edge_index = 0;
  for (const GmlItem& item : g->list) {
    if (item.key == "node") {
      CL_ASSIGN_OR_RETURN(const std::vector<GmlItem>* list,
                          entry_list(item, node_index, graph.nodes.size(), source));
      ImportedNode n;
      n.id = text_of(*list, "id");
      if (n.id.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "{}: node #{} has no id", source,
                          node_index);
      }
      n.label = text_of(*list, "label");
      CL_RETURN_IF_ERROR(import::set_coordinates(n, coordinate(*list, "Latitude"),
                                                 coordinate(*list, "Longitude"),
                                                 fmt::format("{}: node {}", source, n.id)));
      graph.nodes.push_back(std::move(n));
      ++node_index;
    } else if (item.key == "edge") {
      CL_ASSIGN_OR_RETURN(const std::vector<GmlItem>* list,
                          entry_list(item, edge_index, graph.edges.size(), source));
      CL_RETURN_IF_ERROR(import::add_edge(graph, text_of(*list, "source"), text_of(*list, "target"),
                                          edge_index, "", source,
                                          [list](const char* key) { return text_of(*list, key); }));
      ++edge_index;
    }
  }
  return graph;
}

}  // namespace

Result<Topology> Topology::from_gml(const std::string& text, const ImportOptions& options,
                                    const std::string& source, const Cancel& cancel) {
  return import::import_graph(text, options, source, cancel, "GML",
                              [&] { return read_gml(text, source, cancel); });
}

}  // namespace chainlab::emulator
