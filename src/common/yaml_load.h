// The one way chainlab parses YAML from outside — topologies, HOT templates, package descriptors
// and manifests, placement files. yaml-cpp keeps an alias as a reference to its anchor, so a 1 KB
// "billion laughs" document loads instantly but expands to 10^10 nodes for whoever walks it. Before
// handing the tree out, load_yaml measures it as the reader will see it: one pass over the
// parser's events counts every node, an alias counting as the whole (memoised) size of its anchor,
// and tracks the nesting depth through aliases too; a document over the limits, with an alias
// inside its own anchor (a cycle), or with a scalar that is not valid UTF-8 is refused before any
// expansion happens, in time linear in the text.
#pragma once

#include <cstddef>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "common/cancel.h"
#include "common/result.h"

namespace chainlab {

struct YamlLimits {
  size_t max_nodes = 100'000;      // after alias expansion: scalars, keys, nulls, maps, sequences
  size_t max_depth = 64;           // nesting levels, through aliases
  const Cancel* cancel = nullptr;  // polled while measuring (large topology files)
};

// Parses the first document of `text`. Errors are InvalidArgument (kUnavailable when cancelled)
// and start with `source`: "t.yaml: not valid YAML: line 3, column 7: ...", "t.yaml: expands to
// more than 100000 nodes (aliases?)", "t.yaml: line 9, column 3: nested deeper than 64 levels",
// "t.yaml: line 2, column 5: not valid UTF-8". An empty document is a Null node.
Result<YAML::Node> load_yaml(std::string_view text, std::string_view source,
                             const YamlLimits& limits = {});

}  // namespace chainlab
