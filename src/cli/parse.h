// Pure parsing for the remote commands' options: "vnf:intf", son-emu's --net syntax, K=V pairs,
// durations, percentages (numbers themselves: common/units.h), and the argv rewrite that lets
// son-emu's `-src`/`-dst` through CLI11. No I/O; every function returns a precise error for bad
// input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace chainlab::cli {

// "vnf1" or "vnf1:intf" (son-emu's -src/-dst, E-LAN members).
struct VnfInterface {
  std::string vnf;
  std::string intf;  // empty: the server picks
};
Result<VnfInterface> parse_vnf_interface(std::string_view text);

// One interface of `compute start --net`.
struct NetSpec {
  std::string id;
  std::string ip;   // "10.0.0.1/24" or empty
  std::string mac;  // empty: generated
};

// son-emu's syntax: "(id=input,ip=10.0.0.1/24),(id=output)". Keys: id (required), ip, mac.
Result<std::vector<NetSpec>> parse_net_spec(std::string_view text);
// The list form the REST API accepts for "network": [{"id","ip","mac"}], empty fields left out.
nlohmann::json net_spec_json(const std::vector<NetSpec>& specs);

// "K=V" (V may be empty or contain '=').
Result<std::pair<std::string, std::string>> parse_env_pair(std::string_view text);

// "30ms", "1.5s", "250us", "1000ns"; a bare number is milliseconds. At most an hour
// (common/units.h parse_duration).
Result<uint64_t> parse_duration_ns(std::string_view text);
// The shortest exact form: "30ms", "2s", "1500us", "7ns".
std::string format_duration(uint64_t ns);

// "1", "0.5", "1%": a percentage in [0, 100].
Result<double> parse_percent(std::string_view text);

// son-emu spells `-src`/`-dst` (network) and `-vnf` (monitor) with one dash; CLI11 reads that as
// -s -r -c. Rewrites exactly those tokens (also `-src=x`) to `--src`/`--dst`/`--vnf`, leaving
// everything after a "--" untouched.
std::vector<std::string> rewrite_legacy_args(std::vector<std::string> args);

// Splits a shell line into words: blanks separate, '...' and "..." group, backslash escapes.
Result<std::vector<std::string>> split_words(std::string_view line);

}  // namespace chainlab::cli
