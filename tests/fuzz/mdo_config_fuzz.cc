// libFuzzer target: what the multi-domain orchestrator reads from outside besides NFFGs
// (docs/mdo.md): its config file (YAML or JSON, parse_mdo_config) with each domain kind's
// settings (read_node_settings, read_cloud_settings, read_local_settings), and a node's domain
// description as it arrives on the node's bus (node_view).
//
// Input: the text. Invariants: no crash or throw; a parsed config has a port in 0..65535; every
// refusal is an error with a message; any JSON is a description that makes one BiSBiS.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/json_bounded.h"
#include "frontends/escape/mdo/cloud_adapter.h"
#include "frontends/escape/mdo/local_adapter.h"
#include "frontends/escape/mdo/mdo_config.h"
#include "frontends/escape/mdo/node_adapter.h"
#include "frontends/openstack/hot_template.h"
#include "fuzz_util.h"

namespace {

using namespace chainlab;

void settings_of_every_kind(const escape::AdapterSpec& spec) {
  fuzz::check_result(escape::read_node_settings(spec), "read_node_settings");
  fuzz::check_result(escape::read_cloud_settings(spec), "read_cloud_settings");
  fuzz::check_result(escape::read_local_settings(spec), "read_local_settings");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto doc = openstack::yaml_to_json(text, "mdo.yaml");
  if (!doc.ok()) {
    return 0;
  }
  auto c = escape::parse_mdo_config(*doc, "/nonexistent");
  fuzz::check_result(c, "parse_mdo_config");
  if (c.ok()) {
    fuzz::check(c->port >= 0 && c->port <= 65535, "a port in range");
    for (const auto& spec : c->domains) {
      settings_of_every_kind(spec);
    }
  }
  escape::NodeSettings node;
  node.infra = "un";
  auto view = escape::node_view(*doc, node);
  fuzz::check(view.ok() && view->node_infras.size() == 1, "any description is one BiSBiS");
  return 0;
}
