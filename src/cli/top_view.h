// What `chainlab top` shows, as pure functions of the monitor's JSON views (GET
// /restapi/monitor/instances and /interfaces, docs/api/emulator-rest.md): the two merged per
// instance, and the table drawn from that. Missing or mistyped fields show as "-" or 0, as in
// views.h.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/table.h"

namespace chainlab::cli {

// {"time_ms", "instances": [instance + {"interfaces": [interface ...]}]}: every item of
// `instances["instances"]` with the items of `interfaces["interfaces"]` of the same pop and
// instance (without those two keys), sorted by PoP then name. Only PoP `pop` when it is not empty.
nlohmann::json merge_top(const nlohmann::json& instances, const nlohmann::json& interfaces,
                         const std::string& pop);

// INSTANCE POP STATE CPU % CPU LIMIT MEM MEM LIMIT PIDS INTERFACE RX RX PKT/S TX TX PKT/S: one row
// per interface (the first on the instance's row, the others below it with the instance columns
// blank), one row for an instance without interfaces.
Table top_table(const nlohmann::json& merged);

// 0 -> "0B", 1536 -> "1.5KiB", 3 << 30 -> "3GiB": binary units, one decimal under 100.
std::string human_bytes(double bytes);
// Bytes per second in decimal units as `docker stats` shows network I/O: "0B/s", "12.5kB/s",
// "1.2MB/s", "3GB/s".
std::string human_rate(double bytes_per_s);
// A count per second: "0", "4.8", "1250".
std::string human_count(double per_s);

}  // namespace chainlab::cli
