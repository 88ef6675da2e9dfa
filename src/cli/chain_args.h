// The options of a son-emu chain request, shared by `network add|remove` and `monitor link
// start|stop` (REST: /restapi/network, /restapi/monitor/link): --src/--dst VNF[:INTF], -b, -c, -p,
// -m, -w, --path, and the request body they make.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/result.h"

namespace chainlab::cli {

struct ChainArgs {
  std::string src;
  std::string dst;
  bool bidirectional = false;
  std::optional<uint64_t> cookie;
  std::optional<uint32_t> priority;
  std::string match;
  std::string weight;
  std::string path;
};

// Adds --src, --dst (required), -b, -c, -p, -m, -w, --path. `match_flag` names the extra-match
// option ("-m,--match"; `monitor link` uses -m for the metric).
void add_chain_flags(CLI::App& cmd, ChainArgs& args, const std::string& match_flag = "-m,--match");

// The body: vnf_src_name, vnf_dst_name, vnf_src_interface, vnf_dst_interface, bidirectional,
// cookie, priority, match, weight, path (only those given). InvalidArgument for a malformed
// VNF[:INTF] or a weight other than hops or delay.
Result<nlohmann::json> chain_body(const ChainArgs& args);

}  // namespace chainlab::cli
