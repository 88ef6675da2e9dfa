#include "cli/monitor_request.h"

#include "cli/parse.h"
#include "common/units.h"

namespace chainlab::cli {

Status check_metric(const std::string& metric) {
  if (metric.empty()) {
    return ok_status();
  }
  for (const char* known : {"tx_packets", "rx_packets", "tx_bytes", "rx_bytes"}) {
    if (metric == known) {
      return ok_status();
    }
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "--metric: '{}' is not tx_packets, rx_packets, tx_bytes or rx_bytes", metric);
}

Result<MonitorRequest> watch_request(const WatchArgs& args, MonitorVerb verb, bool flow) {
  CL_ASSIGN_OR_RETURN(VnfInterface vnf, parse_vnf_interface(args.vnf));
  CL_RETURN_IF_ERROR(check_metric(args.metric));
  MonitorRequest r;
  r.del = verb == MonitorVerb::kStop;
  r.path = flow ? "/restapi/monitor/flow" : "/restapi/monitor/interface";
  r.query.emplace_back("vnf_name", vnf.vnf);
  if (!vnf.intf.empty()) {
    r.query.emplace_back("vnf_interface", vnf.intf);
  }
  if (!args.metric.empty()) {
    r.query.emplace_back("metric", args.metric);
  }
  if (flow && !args.cookie.empty()) {
    CL_ASSIGN_OR_RETURN(uint64_t cookie, parse_uint(args.cookie, "--cookie"));
    r.query.emplace_back("cookie", std::to_string(cookie));
  }
  return r;
}

Result<MonitorRequest> link_request(const LinkWatchArgs& args, MonitorVerb verb) {
  CL_RETURN_IF_ERROR(check_metric(args.metric));
  if (args.placement != "tx" && args.placement != "rx") {
    return make_error(ErrorCode::kInvalidArgument, "--placement: '{}' is not tx or rx",
                      args.placement);
  }
  CL_ASSIGN_OR_RETURN(nlohmann::json body, chain_body(args.chain));
  if (!args.metric.empty()) {
    body["metric"] = args.metric;
  }
  body["monitor_placement"] = args.placement;
  MonitorRequest r;
  r.del = verb == MonitorVerb::kStop;
  r.path = "/restapi/monitor/link";
  r.body = std::move(body);
  return r;
}

}  // namespace chainlab::cli
