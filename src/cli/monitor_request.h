// The requests of `chainlab monitor ...` (docs/cli.md), built and checked before anything is sent:
// son-emu's PUT (start) and DELETE (stop) of /restapi/monitor/interface, /flow and /link. son-emu's
// own CLI sends PUT for stop_metric and stop_flow too, which starts the metric again; these send
// DELETE. Interface and flow watches go as query parameters, as son-emu's CLI sends them; a link
// goes as a JSON body, as `network add` sends a chain.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/chain_args.h"
#include "cli/rest_client.h"
#include "common/result.h"

namespace chainlab::cli {

enum class MonitorVerb { kStart, kStop };

// One metric of one VNF interface; for a flow also the cookie of its rules.
struct WatchArgs {
  std::string vnf;     // "vnf1" or "vnf1:intf" (empty interface: the server takes the first)
  std::string metric;  // tx_packets, rx_packets, tx_bytes or rx_bytes; empty: tx_packets
  std::string cookie;  // flows: a number; empty: the server's default (0)
};

// `monitor link`: a chain (network add's options) and what to watch on it.
struct LinkWatchArgs {
  ChainArgs chain;
  std::string metric;            // as WatchArgs::metric
  std::string placement = "tx";  // tx: at the chain's source, rx: at its destination
};

struct MonitorRequest {
  bool del = false;  // DELETE (stop), else PUT (start)
  std::string path;
  Query query;
  nlohmann::json body;  // null: none
};

// InvalidArgument unless `metric` is empty or one of son-emu's four.
Status check_metric(const std::string& metric);

// PUT|DELETE /restapi/monitor/interface?vnf_name=..&vnf_interface=..&metric=.. (`flow`:
// /restapi/monitor/flow with cookie=..). Keys without a value are left out.
Result<MonitorRequest> watch_request(const WatchArgs& args, MonitorVerb verb, bool flow);

// PUT|DELETE /restapi/monitor/link with chain_body() plus metric and monitor_placement.
Result<MonitorRequest> link_request(const LinkWatchArgs& args, MonitorVerb verb);

}  // namespace chainlab::cli
