// The multi-domain orchestrator's config file (YAML or JSON; docs/mdo.md), typed here at the
// edge, in the spirit of ESCAPE's config (REST API, mapping, adaptation managers):
//
//   api: {listen: 127.0.0.1, port: 8888, prefix: escape}
//   mapping: {algorithm: greedy, backtrack_depth: 10, branching: 3, seed: 1, time_limit: 60}
//   view: global            # or single: the global view shown as one big switch
//   domains:
//     - {name: dom1, kind: static, file: escape-mn-topo.nffg}
//     - {name: un1, kind: chainlab-node, url: http://10.0.0.1:8080, ...}
//
// Every key is optional but `domains` (which `chainlab mdo --topology` can also fill). Unknown
// keys are refused naming their path; a domain's own keys are its kind's to check.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "frontends/escape/mdo/domain_adapter.h"
#include "frontends/escape/mdo/orchestrator.h"

namespace chainlab::escape {

enum class ViewMode { kGlobal, kSingle };

struct MdoConfig {
  std::string listen = "127.0.0.1";
  int port = 8888;
  std::string prefix = "escape";
  ViewMode view = ViewMode::kGlobal;
  OrchestratorOptions mapping;
  std::vector<AdapterSpec> domains;
};

// Relative file names in the domains' settings are read from `base_dir`.
Result<MdoConfig> parse_mdo_config(const nlohmann::json& doc, const std::string& base_dir);
// The file at `path` (at most 1 MiB): errors start with the path.
Result<MdoConfig> read_mdo_config(const std::string& path);

}  // namespace chainlab::escape
