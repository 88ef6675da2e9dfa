// The routes of the son-emu REST API (emulator_endpoint.h): one function per route, in the order
// httplib tries them.
#include <httplib.h>

#include <algorithm>

#include "endpoints/dashboard/dashboard_routes.h"
#include "endpoints/emulator/emulator_endpoint.h"
#include "endpoints/emulator/monitor_routes.h"
#include "endpoints/emulator/openstack_view.h"
#include "endpoints/emulator/sonemu_shapes.h"
#include "endpoints/http/capture_stream.h"
#include "endpoints/http/log_stream.h"
#include "endpoints/http/router.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using Ctx = EmulatorContext;

Result<json> compute_json(Ctx& c, const std::string& name) {
  CL_ASSIGN_OR_RETURN(emulator::ComputeInfo info, c.emu.compute_status(name));
  return compute_status_json(info, SonemuNames(c.emu.topology()));
}

Result<json> put_resources(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  CL_ASSIGN_OR_RETURN(substrate::ResourceLimits limits, parse_resource_limits(p));
  std::string name = req.matches[2];
  CL_RETURN_IF_ERROR(c.emu.update_resources(name, limits));
  return compute_json(c, name);
}

Result<json> post_exec(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  CL_ASSIGN_OR_RETURN(ExecRequest exec, parse_exec_request(p));
  CL_ASSIGN_OR_RETURN(auto r, c.emu.exec(req.matches[1], exec.argv, exec.timeout));
  return json{{"exit_code", r.exit_code}, {"output", r.output}, {"timed_out", r.timed_out}};
}

Result<json> put_compute(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  CL_ASSIGN_OR_RETURN(emulator::ComputeRequest r,
                      parse_compute_request(p, req.matches[1], req.matches[2]));
  CL_ASSIGN_OR_RETURN(emulator::ComputeInfo info, c.emu.start_compute(r));
  return compute_status_json(info, SonemuNames(c.emu.topology()));
}

Result<json> put_interface(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  emulator::InterfaceRequest r{req.matches[3], param_text(p, "ip"), param_text(p, "mac")};
  CL_RETURN_IF_ERROR(c.emu.add_interface(req.matches[2], r));
  return compute_json(c, req.matches[2]);
}

Result<json> delete_interface(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.emu.remove_interface(req.matches[2], req.matches[3]));
  return json("OK");
}

Result<json> get_compute(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(emulator::ComputeInfo info, c.emu.compute_status(req.matches[2]));
  if (info.pop != std::string(req.matches[1])) {
    return make_error(ErrorCode::kNotFound, "no instance '{}' in '{}'", std::string(req.matches[2]),
                      std::string(req.matches[1]));
  }
  return compute_status_json(info, SonemuNames(c.emu.topology()));
}

void get_logs(Ctx& c, const httplib::Request& req, httplib::Response& res) {
  auto query = parse_log_query(req);
  if (!query.ok()) {
    return send_error(res, query.error());
  }
  auto cursor = c.emu.compute_log(req.matches[1], req.matches[2], query->tail_lines, query->follow);
  cursor.ok() ? stream_log(req, res, std::move(cursor).value()) : send_error(res, cursor.error());
}

void get_capture(Ctx& c, const httplib::Request& req, httplib::Response& res) {
  auto query = parse_capture_query(req);
  auto target = query.ok() ? c.emu.capture_target(req.matches[1], req.matches[2], req.matches[3])
                           : Result<emulator::CaptureTarget>(query.error());
  if (!target.ok()) {
    return send_error(res, target.error());
  }
  auto capture = dataplane::PortCapture::open(target->host_ifname, query->options);
  capture.ok() ? stream_capture(req, res, std::move(capture).value(), *query, target->tap)
               : send_error(res, capture.error());
}

Result<json> delete_compute(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.emu.stop_compute(req.matches[1], req.matches[2]));
  return json("OK");
}

Result<json> list_compute(Ctx& c, const std::string& pop) {
  CL_ASSIGN_OR_RETURN(auto all, c.emu.list_compute(pop));
  SonemuNames names(c.emu.topology());
  json out = json::array();
  for (const auto& info : all) {
    out.push_back(json::array({info.name, compute_status_json(info, names)}));
  }
  return out;
}

Result<json> list_all_compute(Ctx& c, const httplib::Request&) {
  return list_compute(c, "");
}

// son-emu's CLI sends "None" for a missing -d: all PoPs (compute.py ComputeList).
Result<json> list_pop_compute(Ctx& c, const httplib::Request& req) {
  std::string pop = req.matches[1];
  return list_compute(c, pop == "None" ? "" : pop);
}

Result<json> list_datacenters(Ctx& c, const httplib::Request&) {
  json out = json::array();
  for (const auto& p : c.emu.list_pops()) {
    out.push_back(pop_status_json(p, c.emu.topology(), SonemuNames(c.emu.topology())));
  }
  return out;
}

Result<json> get_datacenter(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(emulator::PopInfo p, c.emu.pop_status(req.matches[1]));
  return pop_status_json(p, c.emu.topology(), SonemuNames(c.emu.topology()));
}

Result<Reply> put_chain(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  CL_ASSIGN_OR_RETURN(emulator::ChainRequest r, parse_chain_request(p));
  if (p.contains("detail")) {
    CL_ASSIGN_OR_RETURN(emulator::ChainInfo chain, c.emu.set_chain(r));
    return Reply(chain_info_json(chain));
  }
  CL_ASSIGN_OR_RETURN(std::string answer, apply_sonemu_chain(c.emu, r, p, /*add=*/true));
  return sonemu_text_answer(answer);
}

Result<Reply> delete_chain(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  CL_ASSIGN_OR_RETURN(emulator::ChainRequest r, parse_chain_request(p));
  CL_ASSIGN_OR_RETURN(std::string answer, apply_sonemu_chain(c.emu, r, p, /*add=*/false));
  return sonemu_text_answer(answer);
}

Result<json> list_chains(Ctx& c, const httplib::Request&) {
  json out = json::array();
  for (const auto& chain : c.emu.list_chains()) {
    out.push_back(chain_info_json(chain));
  }
  return out;
}

Result<json> d3_graph(Ctx& c, const httplib::Request&) {
  return c.emu.d3_graph();
}

json elan_json(const emulator::ElanInfo& e) {
  return {{"name", e.name}, {"vlan", e.vlan}, {"members", e.member_names()}, {"tree", e.tree}};
}

Result<json> put_elan(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  CL_ASSIGN_OR_RETURN(auto members, parse_elan_members(p));
  CL_ASSIGN_OR_RETURN(auto e, c.emu.create_elan(req.matches[1], members));
  return elan_json(e);
}

Result<json> list_elans(Ctx& c, const httplib::Request&) {
  json out = json::array();
  for (const auto& e : c.emu.list_elans()) {
    out.push_back(elan_json(e));
  }
  return out;
}

Result<json> delete_elan(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.emu.delete_elan(req.matches[1]));
  return json("OK");
}

Result<json> put_link(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, request_params(req));
  CL_ASSIGN_OR_RETURN(emulator::LinkChange change, parse_link_change(p));
  CL_RETURN_IF_ERROR(c.emu.set_link(req.matches[1], req.matches[2], change));
  return json("OK");
}

Result<json> info(Ctx& c, const httplib::Request&) {
  const auto& t = c.emu.topology();
  return json{{"name", t.name},
              {"prefix", c.emu.prefix()},
              {"pops", t.pops().size()},
              {"switches", t.switches().size()},
              {"links", t.links().size()}};
}

// The run's listeners: [{label, name, url}] (this one alone when the run did not say).
Result<json> list_endpoints(Ctx& c, const httplib::Request&) {
  json out = json::array();
  if (c.run.served == nullptr) {
    return out;
  }
  for (const ServedInfo& s : c.run.served->snapshot()) {
    out.push_back({{"label", s.label}, {"name", s.name}, {"url", s.url}});
  }
  return out;
}

Result<json> list_openstack(Ctx& c, const httplib::Request&) {
  return c.run.clouds == nullptr ? json::array() : openstack_view(*c.run.clouds);
}

Result<json> exit_emulator(Ctx& c, const httplib::Request&) {
  c.on_exit();  // stops the run after this answer is written
  return json("OK");
}

// httplib tries the routes of a method in this order: the longer patterns first.
const Route<Ctx> kRoutes[] = {
    {Method::kPut, R"(/restapi/compute/resources/([^/]+)/([^/]+))", &put_resources},
    {Method::kPost, R"(/restapi/compute/exec/([^/]+))", &post_exec},
    {Method::kPut, R"(/restapi/compute/([^/]+)/([^/]+))", &put_compute},
    {Method::kPut, R"(/restapi/compute/([^/]+)/([^/]+)/interface/([^/]+))", &put_interface},
    {Method::kDelete, R"(/restapi/compute/([^/]+)/([^/]+)/interface/([^/]+))", &delete_interface},
    {Method::kGet, R"(/restapi/compute/([^/]+)/([^/]+))", &get_compute},
    {Method::kGet, R"(/restapi/compute/([^/]+)/([^/]+)/logs)", &get_logs},
    {Method::kGet, R"(/restapi/compute/([^/]+)/([^/]+)/capture/([^/]+))", &get_capture},
    {Method::kDelete, R"(/restapi/compute/([^/]+)/([^/]+))", &delete_compute},
    {Method::kGet, "/restapi/compute", &list_all_compute},
    {Method::kGet, R"(/restapi/compute/([^/]+))", &list_pop_compute},
    {Method::kGet, "/restapi/datacenter", &list_datacenters},
    {Method::kGet, R"(/restapi/datacenter/([^/]+))", &get_datacenter},
    {Method::kPut, "/restapi/network", &put_chain},
    {Method::kDelete, "/restapi/network", &delete_chain},
    {Method::kGet, "/restapi/network", &list_chains},
    {Method::kGet, "/restapi/network/d3jsgraph", &d3_graph},
    {Method::kGet, "/restapi/elan", &list_elans},
    {Method::kPut, R"(/restapi/elan/([^/]+))", &put_elan},
    {Method::kDelete, R"(/restapi/elan/([^/]+))", &delete_elan},
    {Method::kPut, R"(/restapi/link/([^/]+)/([^/]+))", &put_link},
    {Method::kGet, "/emulator/info", &info},
    {Method::kGet, "/emulator/endpoints", &list_endpoints},
    {Method::kGet, "/restapi/openstack", &list_openstack},
    {Method::kPut, "/emulator/exit", &exit_emulator},
};

}  // namespace

Result<std::string> apply_sonemu_chain(emulator::Control& emu, const emulator::ChainRequest& r,
                                       const json& params, bool add) {
  if (add) {
    CL_ASSIGN_OR_RETURN(emulator::ChainInfo chain, emu.set_chain(r));
    return chain_answer("add-flow", chain, params, SonemuNames(emu.topology()));
  }
  CL_ASSIGN_OR_RETURN(auto removed, emu.remove_chains(r));
  emulator::ChainInfo asked = removed.front();
  if (asked.request.src != r.src) {
    std::reverse(asked.path.begin(), asked.path.end());
  }
  asked.request = r;
  return chain_answer("del-flows", asked, params, SonemuNames(emu.topology()));
}

EmulatorEndpoint::EmulatorEndpoint(emulator::Emulation& emulation, std::function<void()> on_exit,
                                   MonitorParts monitor, RunParts run)
    : ctx_{emulation, std::move(on_exit), monitor, {}, {}, {}, run} {
  if (monitor.sampler == nullptr || monitor.pushgateway.empty()) {
    return;
  }
  auto target = parse_pushgateway_url(monitor.pushgateway);  // checked before the run started
  if (target.ok()) {
    auto warn = monitor.warn ? monitor.warn : [](const std::string&) {};
    pusher_ = std::make_unique<PushgatewayPusher>(std::move(target).value(), *monitor.sampler,
                                                  ctx_.watches, monitor.period, std::move(warn));
  }
}

void EmulatorEndpoint::register_routes(httplib::Server& server) {
  Router router(server, *this);
  router.add<Ctx>(ctx_, monitor_routes());
  router.add<Ctx>(ctx_, kRoutes);
  add_dashboard_routes(router, ctx_.run.served);
}

bool EmulatorEndpoint::is_public(const httplib::Request& req) const {
  return (req.method == "GET" || req.method == "HEAD") && is_dashboard_path(req.path);
}

}  // namespace chainlab::endpoints
