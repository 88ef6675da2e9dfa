#include "endpoints/emulator/monitor_routes.h"

#include <httplib.h>

#include "common/units.h"
#include "endpoints/emulator/event_stream.h"
#include "endpoints/emulator/monitor_views.h"
#include "endpoints/emulator/sonemu_shapes.h"
#include "endpoints/http/body.h"
#include "monitor/exposition.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using Ctx = EmulatorContext;

template <typename T>
Result<T*> part(T* p) {
  if (p == nullptr) {
    return make_error(ErrorCode::kUnavailable, "this run has no monitor");
  }
  return p;
}

Result<monitor::Sampler*> sampler(Ctx& c) {
  return part(c.monitor.sampler);
}

Result<Reply> get_metrics(Ctx& c, const httplib::Request&) {
  CL_ASSIGN_OR_RETURN(monitor::Sampler * s, sampler(c));
  return Reply::text(
      *c.metrics.get(s->latest(), c.watches.list(), monitor::skew_values(*s, c.skews.list())),
      monitor::kExpositionContentType);
}

// son-emu's arguments: vnf_name, vnf_interface (default: the VNF's first), metric (default
// tx_packets), cookie (flows).
Result<monitor::Watch> parse_watch(Ctx& c, const json& p, bool flow) {
  monitor::Watch w{param_text(p, "vnf_name"), param_text(p, "vnf_interface"),
                   param_text(p, "metric", "tx_packets"), std::nullopt};
  CL_RETURN_IF_ERROR(monitor::check_watch_metric(w.metric));
  std::string cookie = param_text(p, "cookie", flow ? "0" : "");
  if (!cookie.empty()) {
    CL_ASSIGN_OR_RETURN(w.cookie, parse_uint(cookie, "cookie"));
  }
  CL_ASSIGN_OR_RETURN(emulator::ComputeInfo info, c.emu.compute_status(w.vnf));
  if (w.interface.empty() && !info.interfaces.empty()) {
    w.interface = info.interfaces.front().name;
  }
  for (const auto& intf : info.interfaces) {
    if (intf.name == w.interface) {
      return w;
    }
  }
  return make_error(ErrorCode::kNotFound, "vnf interface {}:{} not found!", w.vnf, w.interface);
}

// son-emu's answers (dcemulator/monitoring.py).
std::string started(const monitor::Watch& w) {
  if (w.cookie) {
    return fmt::format("Started monitoring flow:{} {} on {}:{}", *w.cookie, w.metric, w.vnf,
                       w.interface);
  }
  return fmt::format("Started monitoring: {} on {}:{}", w.metric, w.vnf, w.interface);
}

Result<std::string> stop(Ctx& c, const monitor::Watch& w) {
  if (!c.watches.remove(w)) {
    return make_error(ErrorCode::kNotFound, "Error stopping monitoring {}: {} on {}:{}",
                      w.cookie ? "flow" : "metric", w.metric, w.vnf, w.interface);
  }
  if (w.cookie) {
    return fmt::format("Stopped monitoring flow {}: {} on {}:{}", *w.cookie, w.metric, w.vnf,
                       w.interface);
  }
  return fmt::format("Stopped monitoring: {} on {}:{}", w.metric, w.vnf, w.interface);
}

Result<std::string> start_or_stop(Ctx& c, const httplib::Request& req, const monitor::Watch& w) {
  if (req.method == "DELETE") {
    return stop(c, w);
  }
  CL_RETURN_IF_ERROR(c.watches.add(w));
  return started(w);
}

Result<Reply> watch_route(Ctx& c, const httplib::Request& req, bool flow) {
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  CL_ASSIGN_OR_RETURN(monitor::Watch w, parse_watch(c, p, flow));
  CL_ASSIGN_OR_RETURN(std::string answer, start_or_stop(c, req, w));
  return sonemu_text_answer(answer);
}

Result<Reply> monitor_interface(Ctx& c, const httplib::Request& req) {
  return watch_route(c, req, /*flow=*/false);
}

Result<Reply> monitor_flow(Ctx& c, const httplib::Request& req) {
  return watch_route(c, req, /*flow=*/true);
}

// A chain and a flow watch on its source (monitor_placement tx) or destination (rx) with the
// chain's cookie; the answer is the chain's, a space, the watch's.
Result<Reply> monitor_link(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  CL_ASSIGN_OR_RETURN(emulator::ChainRequest chain, parse_chain_request(p));
  std::string placement = param_text(p, "monitor_placement", "tx");
  if (placement != "tx" && placement != "rx") {
    return make_error(ErrorCode::kInvalidArgument, "monitor_placement must be tx or rx");
  }
  json wp = {{"vnf_name", placement == "tx" ? chain.src : chain.dst},
             {"vnf_interface", placement == "tx" ? chain.src_intf : chain.dst_intf},
             {"metric", param_text(p, "metric", "tx_packets")},
             {"cookie", std::to_string(chain.cookie)}};
  CL_ASSIGN_OR_RETURN(monitor::Watch w, parse_watch(c, wp, true));
  bool add = req.method == "PUT";
  CL_ASSIGN_OR_RETURN(std::string chained, apply_sonemu_chain(c.emu, chain, p, add));
  CL_ASSIGN_OR_RETURN(std::string watched, start_or_stop(c, req, w));
  return sonemu_text_answer(chained + " " + watched);
}

// son-emu's skewness monitor: vnf_name (an instance), resource_name cpu (default) or mem; its
// answers ("... starting skewness monitor" for the first, "... stopping ..." after the last).
Result<Reply> monitor_skewness(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  monitor::SkewWatch w{param_text(p, "vnf_name"), param_text(p, "resource_name", "cpu")};
  CL_RETURN_IF_ERROR(monitor::check_skew_resource(w.resource));
  if (req.method == "PUT") {
    CL_RETURN_IF_ERROR(c.emu.compute_status(w.vnf));
    bool first = c.skews.list().empty();
    CL_RETURN_IF_ERROR(c.skews.add(w));
    return sonemu_text_answer(fmt::format("adding to skewness monitor: {} {} {}", w.vnf, w.resource,
                                          first ? "starting skewness monitor" : ""));
  }
  if (!c.skews.remove(w)) {
    return make_error(ErrorCode::kNotFound, "no skewness monitor of {} {}", w.vnf, w.resource);
  }
  bool last = c.skews.list().empty();
  return sonemu_text_answer(fmt::format("removing from skewness monitor: {} {} {}", w.vnf,
                                        w.resource, last ? "stopping skewness monitor" : ""));
}

// son-emu's xterms are windows on the emulator's display: not here.
Result<Reply> not_here(Ctx&, const httplib::Request& req) {
  std::string what = req.matches[1];
  return Reply(json{{"error", fmt::format("{} /restapi/monitor/{}: not implemented in chainlab "
                                          "(docs/api/monitoring.md)",
                                          req.method, what)}},
               501);
}

Result<json> get_view(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(monitor::Sampler * s, sampler(c));
  return monitor_view(req.matches[1], *s->latest());
}

Result<json> get_history(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(monitor::Sampler * s, sampler(c));
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  return history_view(*s, p);
}

Result<json> list_alarms(Ctx& c, const httplib::Request&) {
  CL_ASSIGN_OR_RETURN(monitor::Alarms * alarms, part(c.monitor.alarms));
  return json{{"alarms", alarms->list()}};
}

// PUT /restapi/alarms/<name>: the rule's fields as query arguments or a JSON body.
Result<json> put_alarm(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(monitor::Alarms * alarms, part(c.monitor.alarms));
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  p["name"] = std::string(req.matches[1]);
  CL_ASSIGN_OR_RETURN(monitor::AlarmRule rule, monitor::parse_alarm_rule(p));
  CL_RETURN_IF_ERROR(alarms->set(rule));
  return monitor::alarm_rule_json(rule);
}

Result<json> delete_alarm(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(monitor::Alarms * alarms, part(c.monitor.alarms));
  if (!alarms->remove(req.matches[1])) {
    return make_error(ErrorCode::kNotFound, "no alarm named '{}'", std::string(req.matches[1]));
  }
  return json("OK");
}

void get_events(Ctx& c, const httplib::Request& req, httplib::Response& res) {
  stream_events(c.monitor.events, req, res);
}

const std::string kNotHere = "/restapi/monitor/(term)";
const std::string kViews = "/restapi/monitor/(instances|interfaces|flows|elans|links|pops)";

const Route<Ctx> kRoutes[] = {
    {Method::kGet, "/metrics", &get_metrics},
    {Method::kPut, "/restapi/monitor/interface", &monitor_interface},
    {Method::kDelete, "/restapi/monitor/interface", &monitor_interface},
    {Method::kPut, "/restapi/monitor/flow", &monitor_flow},
    {Method::kDelete, "/restapi/monitor/flow", &monitor_flow},
    {Method::kPut, "/restapi/monitor/link", &monitor_link},
    {Method::kDelete, "/restapi/monitor/link", &monitor_link},
    {Method::kPut, "/restapi/monitor/skewness", &monitor_skewness},
    {Method::kDelete, "/restapi/monitor/skewness", &monitor_skewness},
    {Method::kPut, kNotHere, &not_here},
    {Method::kDelete, kNotHere, &not_here},
    {Method::kGet, kNotHere, &not_here},
    {Method::kGet, kViews, &get_view},
    {Method::kGet, "/restapi/monitor/history", &get_history},
    {Method::kGet, "/restapi/alarms", &list_alarms},
    {Method::kPut, "/restapi/alarms/([A-Za-z0-9._-]+)", &put_alarm},
    {Method::kDelete, "/restapi/alarms/([A-Za-z0-9._-]+)", &delete_alarm},
    {Method::kGet, "/restapi/events", &get_events},
};

}  // namespace

std::span<const Route<EmulatorContext>> monitor_routes() {
  return kRoutes;
}

}  // namespace chainlab::endpoints
