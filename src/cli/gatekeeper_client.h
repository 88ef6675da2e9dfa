// What `chainlab package` and `chainlab service` share: the gatekeeper endpoint (`-e`, else
// $CHAINLAB_GATEKEEPER, else http://127.0.0.1:5000), `--json`, and the table of one service
// instance record (docs/api/gatekeeper.md).
#pragma once

#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/remote.h"

namespace chainlab::cli {

inline constexpr const char* kDefaultGatekeeper = "http://127.0.0.1:5000";

// -e/--endpoint (gatekeeper default) and --json.
void add_gatekeeper_options(CLI::App& cmd, RemoteOptions& opt, const app::Environment& env);
// The flag, else $CHAINLAB_GATEKEEPER (`env_value`), else kDefaultGatekeeper.
std::string resolve_gatekeeper(const std::string& flag_value, const std::string& env_value);
Result<RestClient> connect_gatekeeper(const RemoteOptions& opt);
// UNIT POP NAME INTERFACES for the VNFs and SAPs of an instance record, then its links.
std::string service_instance_text(const nlohmann::json& record);

// The entries of a GET /packages or GET /instantiations answer of either gatekeeper generation
// (docs/api/gatekeeper.md): a 5GTANGO LLCM list as it is; a SONATA dict's `packages` /
// `instances` (chainlab's), else its `service_uuid_list` / `service_instantiations_list` as
// [{uuid}] entries (son-emu's own dummy gatekeeper).
nlohmann::json package_entries(const nlohmann::json& answer);
nlohmann::json instance_entries(const nlohmann::json& answer);

}  // namespace chainlab::cli
