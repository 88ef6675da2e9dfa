// Human renderings of the emulator's REST answers (docs/api/emulator-rest.md): tables for lists,
// key/value blocks for one object. Pure functions of the JSON; missing or mistyped fields show as
// "-" rather than failing, so a newer server never breaks an older CLI.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/table.h"

namespace chainlab::cli {

// The string form of j[key]: strings as-is, numbers and booleans printed, null/missing as "-".
std::string field(const nlohmann::json& j, const char* key);

// "intf:ip" for each interface of an instance status, comma-separated.
std::string interfaces_summary(const nlohmann::json& status);

// The first interface's address without its prefix length ("10.0.0.1"), or "" if none.
std::string first_ip(const nlohmann::json& status);

// GET /restapi/compute: [[name, status], ...] -> POP NAME IMAGE STATE EXIT INTERFACES (EXIT: the
// exit code of an exited instance, "-" otherwise or when unknown).
Table compute_list_table(const nlohmann::json& list);

// GET /restapi/compute/<pop>/<name>: key/value lines and an interface table.
std::string compute_status_text(const nlohmann::json& status);

// GET /restapi/datacenter: list of PoP status -> LABEL INTERNAL SWITCH INSTANCES RESOURCE_MODEL.
Table datacenter_list_table(const nlohmann::json& list);

// GET /restapi/datacenter/<pop>.
std::string datacenter_status_text(const nlohmann::json& pop);

// GET /restapi/network: list of chains -> ID SRC DST PATH VLAN COOKIE BIDIR.
Table chain_list_table(const nlohmann::json& list);

// GET /restapi/elan: NAME, VLAN, MEMBERS, TREE (the nodes the segment spans).
Table elan_list_table(const nlohmann::json& list);

// A reachability matrix: rows are sources, columns destinations; ok[i][j] for i != j.
std::string ping_matrix_text(const std::vector<std::string>& names,
                             const std::vector<std::vector<bool>>& ok);

}  // namespace chainlab::cli
