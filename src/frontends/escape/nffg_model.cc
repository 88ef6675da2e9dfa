// The small parts of the NFFG model: ids, enum names, element lookup and ESCAPE's Python-literal
// node lists.
#include <charconv>

#include "common/field_path.h"
#include "frontends/escape/nffg.h"

namespace chainlab::escape {
namespace {

constexpr std::string_view kOperationNames[] = {"create", "replace", "merge", "remove", "delete"};
constexpr std::string_view kStatusNames[] = {"INITIALIZED", "PENDING", "DEPLOYED",
                                             "RUNNING",     "STOPPED", "FAILED"};
constexpr std::string_view kModeNames[] = {"ADD", "DELETE", "REMAP"};

template <typename E, size_t N>
std::optional<E> from_name(const std::string_view (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) {
      return static_cast<E>(i);
    }
  }
  return std::nullopt;
}

template <typename Node>
auto* find_node(std::vector<Node>& nodes, const Id& id) {
  for (auto& n : nodes) {
    if (n.id == id) {
      return &n;
    }
  }
  return static_cast<Node*>(nullptr);
}

// A cursor over a Python literal: only what ESCAPE writes (quoted strings in a list or tuple).
class LiteralScanner {
 public:
  explicit LiteralScanner(std::string_view text) : text_(text) {}

  void skip_blanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool eat(char c) {
    skip_blanks();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool at_end() {
    skip_blanks();
    return pos_ == text_.size();
  }
  // A '...' or "..." string with Python's simple escapes (\\, \', \").
  std::optional<std::string> quoted() {
    skip_blanks();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      return std::nullopt;
    }
    char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) {
        ++pos_;
      }
      out += text_[pos_++];
    }
    if (pos_ >= text_.size()) {
      return std::nullopt;
    }
    ++pos_;
    return out;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Items up to `close`; `trailing_comma` tells whether the last item had one ("('a',)").
bool scan_items(LiteralScanner& s, char close, std::vector<std::string>& items,
                bool& trailing_comma) {
  trailing_comma = false;
  while (!s.eat(close)) {
    std::optional<std::string> item = s.quoted();
    if (!item) {
      return false;
    }
    items.push_back(std::move(*item));
    trailing_comma = s.eat(',');
    if (!trailing_comma && !s.eat(close)) {
      return false;
    }
    if (!trailing_comma) {
      return true;
    }
  }
  return true;
}

std::string python_string(const std::string& s) {
  // Python's repr: single quotes unless the text has one and no double quote.
  char quote = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    if (c == '\\' || c == quote) {
      out += '\\';
    }
    out += c;
  }
  out += quote;
  return out;
}

std::string render_node_list(const NodeList& list) {
  bool tuple = list.form == NodeList::Form::kPythonTuple;
  std::string out(1, tuple ? '(' : '[');
  for (size_t i = 0; i < list.nodes.size(); ++i) {
    out += (i > 0 ? ", " : "") + python_string(list.nodes[i]);
  }
  if (tuple && list.nodes.size() == 1) {
    out += ',';
  }
  out += tuple ? ')' : ']';
  return out;
}

}  // namespace

Id Id::number(int64_t n) {
  Id id(std::to_string(n));
  id.number_ = true;
  return id;
}

Id Id::number(uint64_t n) {
  Id id(std::to_string(n));
  id.number_ = true;
  return id;
}

nlohmann::json Id::to_json() const {
  if (!number_) {
    return text_;
  }
  // The text came from a JSON integer, so one of the two conversions succeeds.
  const char* end = text_.data() + text_.size();
  if (int64_t n = 0; std::from_chars(text_.data(), end, n).ptr == end) {
    return n;
  }
  uint64_t u = 0;
  std::from_chars(text_.data(), end, u);
  return u;
}

std::string_view operation_name(Operation op) {
  return kOperationNames[static_cast<size_t>(op)];
}
std::string_view status_name(ElementStatus s) {
  return kStatusNames[static_cast<size_t>(s)];
}
std::string_view mode_name(Mode m) {
  return kModeNames[static_cast<size_t>(m)];
}
std::optional<Operation> operation_from_name(std::string_view name) {
  return from_name<Operation>(kOperationNames, name);
}
std::optional<ElementStatus> status_from_name(std::string_view name) {
  return from_name<ElementStatus>(kStatusNames, name);
}
std::optional<Mode> mode_from_name(std::string_view name) {
  return from_name<Mode>(kModeNames, name);
}

const Port* NodeBase::port(const Id& port_id) const {
  return const_cast<NodeBase*>(this)->port(port_id);
}

Port* NodeBase::port(const Id& port_id) {
  return find_node(ports, port_id);
}

const NodeNf* Nffg::nf(const Id& id) const {
  return find_node(const_cast<Nffg*>(this)->node_nfs, id);
}
const NodeSap* Nffg::sap(const Id& id) const {
  return find_node(const_cast<Nffg*>(this)->node_saps, id);
}
const NodeInfra* Nffg::infra(const Id& id) const {
  return find_node(const_cast<Nffg*>(this)->node_infras, id);
}
NodeInfra* Nffg::infra(const Id& id) {
  return find_node(node_infras, id);
}
const NodeBase* Nffg::node(const Id& id) const {
  if (const NodeBase* n = nf(id)) {
    return n;
  }
  if (const NodeBase* n = sap(id)) {
    return n;
  }
  return infra(id);
}

Result<NodeList> parse_node_list(std::string_view text, std::string_view path) {
  NodeList list;
  list.text = std::string(text);
  LiteralScanner s(text);
  bool ok = false;
  bool trailing_comma = false;
  if (s.eat('[')) {
    ok = scan_items(s, ']', list.nodes, trailing_comma);
  } else if (s.eat('(')) {
    list.form = NodeList::Form::kPythonTuple;
    ok = scan_items(s, ')', list.nodes, trailing_comma);
  }
  if (!ok || !s.at_end()) {
    return field_error("", path, "expected a Python list or tuple of quoted node ids");
  }
  // "('EE2')" is a string in parentheses, not a tuple; written back as it was read.
  return list;
}

std::string node_list_text(const NodeList& list) {
  if (!list.text.empty()) {
    auto again = parse_node_list(list.text, "");
    if (again.ok() && again->nodes == list.nodes) {
      return list.text;
    }
  }
  return render_node_list(list);
}

}  // namespace chainlab::escape
