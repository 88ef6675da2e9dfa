#include "common/yaml_load.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/utf8.h"

namespace chainlab {
namespace {

// Thrown by Measure to stop the parser at the first problem; caught in load_yaml.
struct Refused {
  Error error;
};

// Counts the expanded size and depth of one document from the parser's events. Every anchored
// node's expanded size and height are remembered when it ends, so an alias costs O(1).
class Measure final : public YAML::EventHandler {
 public:
  Measure(std::string_view source, const YamlLimits& limits) : source_(source), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, 1, 0); }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (!valid_utf8(value) || !valid_utf8(tag)) {
      refuse(mark, "not valid UTF-8");
    }
    leaf(mark, anchor, 1, 0);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = done_.find(anchor);
    if (it == done_.end()) {
      refuse(mark, "an alias inside the node it refers to (a cycle)");
    }
    leaf(mark, 0, it->second.nodes, it->second.height);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Size {
    size_t nodes = 0;   // expanded
    size_t height = 0;  // levels below the node
  };
  struct Frame {
    YAML::anchor_t anchor = 0;
    Size size{1, 0};
  };

  [[noreturn]] void refuse(const YAML::Mark& mark, std::string_view what) const {
    throw Refused{make_error(ErrorCode::kInvalidArgument, "{}: line {}, column {}: {}", source_,
                             mark.line + 1, mark.column + 1, what)};
  }

  // A node of `nodes` expanded nodes and `height` levels at the current depth.
  void add(const YAML::Mark& mark, size_t nodes, size_t height) {
    total_ += nodes;
    if (total_ > limits_.max_nodes) {
      throw Refused{make_error(ErrorCode::kInvalidArgument,
                               "{}: expands to more than {} nodes (aliases?)", source_,
                               limits_.max_nodes)};
    }
    if (stack_.size() + height + 1 > limits_.max_depth) {
      refuse(mark, fmt::format("nested deeper than {} levels", limits_.max_depth));
    }
    if (limits_.cancel != nullptr && ++events_ % 4096 == 0) {
      if (auto s = limits_.cancel->check(source_); !s.ok()) {
        throw Refused{std::move(s).error()};
      }
    }
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, size_t nodes, size_t height) {
    add(mark, nodes, height);
    Size size{nodes, height};
    if (anchor != 0) {
      done_[anchor] = size;
    }
    child_done(size);
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    if (!valid_utf8(tag)) {
      refuse(mark, "not valid UTF-8");
    }
    add(mark, 1, 0);
    stack_.push_back(Frame{anchor, {1, 0}});
  }

  void close() {
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.anchor != 0) {
      done_[f.anchor] = f.size;
    }
    child_done(f.size);
  }

  void child_done(const Size& child) {
    if (stack_.empty()) {
      return;
    }
    Size& parent = stack_.back().size;
    parent.nodes += child.nodes;  // bounded by total_ <= max_nodes
    parent.height = std::max(parent.height, child.height + 1);
  }

  std::string_view source_;
  const YamlLimits& limits_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Size> done_;
  size_t total_ = 0;
  size_t events_ = 0;
};

Error yaml_error(std::string_view source, const YAML::Exception& e) {
  if (e.mark.is_null()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: not valid YAML: {}", source, e.msg);
  }
  return make_error(ErrorCode::kInvalidArgument, "{}: not valid YAML: line {}, column {}: {}",
                    source, e.mark.line + 1, e.mark.column + 1, e.msg);
}

}  // namespace

Result<YAML::Node> load_yaml(std::string_view text, std::string_view source,
                             const YamlLimits& limits) {
  std::string copy(text);
  try {
    {
      std::istringstream in(copy);
      YAML::Parser parser(in);
      Measure measure(source, limits);
      parser.HandleNextDocument(measure);
    }
    YAML::Node root = YAML::Load(copy);
    return root;
  } catch (const Refused& r) {
    return r.error;
  } catch (const YAML::DeepRecursion& e) {
    return make_error(ErrorCode::kInvalidArgument, "{}: line {}, column {}: nested too deeply",
                      source, e.mark.line + 1, e.mark.column + 1);
  } catch (const YAML::Exception& e) {
    return yaml_error(source, e);
  }
}

}  // namespace chainlab
