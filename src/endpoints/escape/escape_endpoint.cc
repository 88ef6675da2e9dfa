#include "endpoints/escape/escape_endpoint.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "common/http_url.h"
#include "endpoints/http/router.h"
#include "endpoints/http/status.h"

namespace chainlab::endpoints {
namespace {

using escape::JobState;
using escape::JobStatus;
using nlohmann::json;
using Req = const httplib::Request&;

constexpr size_t kMaxMessageId = 128;

// ESCAPE reads a message id from the query, then the header.
std::string message_id_of(Req req) {
  std::string id = req.get_param_value("message-id");
  return id.empty() ? req.get_header_value("message-id") : id;
}

Status check_message_id(const std::string& id) {
  bool clean = std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
  if (id.size() > kMaxMessageId || !clean) {
    return make_error(ErrorCode::kInvalidArgument,
                      "message-id: at most {} letters, digits and -_. characters", kMaxMessageId);
  }
  return ok_status();
}

int status_code(JobState s) {
  return s == JobState::kSuccess ? 200 : s == JobState::kInProgress ? 202 : 500;
}

// ESCAPE answers with the code alone ("ERROR" on 500); a client that accepts JSON gets
// {"message-id", "status", "message"} too.
Reply status_reply(Req req, const std::string& id, const JobStatus& s) {
  int code = status_code(s.state);
  if (req.get_header_value("Accept").find("application/json") != std::string::npos) {
    json out = {{"message-id", id},
                {"status", code == 200   ? "SUCCESS"
                           : code == 202 ? "IN_PROGRESS"
                                         : "ERROR"}};
    if (s.error) {
      out["message"] = s.error->message;
    }
    return Reply(std::move(out), code).header("message-id", id);
  }
  if (code == 500) {
    return Reply::text("ERROR", "text/plain", 500).header("message-id", id);
  }
  return Reply::empty(code).header("message-id", id);
}

class Routes {
 public:
  explicit Routes(escape::MdoService& service) : service_(service) {}

  Result<Reply> ping(Req) { return Reply::text("OK", "text/plain"); }
  Result<json> topology(Req) { return escape::to_json(service_.topology()); }
  Result<json> get_config(Req) { return escape::to_json(service_.config()); }

  // POST sg / edit-config: the body's mode, ADD when it names none; PUT sg: DELETE when none.
  Result<Reply> submit(Req req, escape::Mode default_mode) {
    if (req.get_header_value("Content-Type").find("xml") != std::string::npos) {
      return Reply::text("Virtualizer XML is not spoken here: send the NFFG as JSON\n",
                         "text/plain", 415);
    }
    if (req.body.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "Request data is missing!");
    }
    CL_ASSIGN_OR_RETURN(escape::Nffg nffg, escape::read_nffg(req.body));
    std::string callback = req.get_param_value("call-back");
    std::string id = message_id_of(req);
    CL_RETURN_IF_ERROR(check_message_id(id));
    if (!callback.empty()) {
      CL_RETURN_IF_ERROR(check_callback_url(callback));
    }
    nffg.parameters.mode = nffg.parameters.mode.value_or(default_mode);
    CL_ASSIGN_OR_RETURN(id, service_.submit(std::move(nffg), callback, id));
    return Reply::empty(202).header("message-id", id);
  }

  Result<Reply> status(Req req) {
    std::string id = message_id_of(req);
    if (id.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "No message-id was given!");
    }
    auto s = service_.status(id);
    if (!s) {
      return Reply::empty(404).header("message-id", id);
    }
    return status_reply(req, id, *s);
  }

  Result<Reply> mapping_info(Req req) {
    std::string id = req.matches[1];
    auto m = service_.mapping(id);
    if (!m) {
      return Reply(json{{"service_id", id}, {"error", "no such service"}}, 404);
    }
    return Reply(mapping_json(*m));
  }

  Result<json> mappings(Req) {
    json out = json::array();
    for (const auto& m : service_.orchestrator().mappings()) {
      out.push_back(mapping_json(m));
    }
    return out;
  }

 private:
  // ESCAPE's mapping-info: {"service_id", "mapping": [{"nf": {"id", "ports"}, "bisbis": {"id",
  // "domain"}}]}, plus the domains holding a part.
  static json mapping_json(const escape::ServiceMapping& m) {
    json nfs = json::array();
    for (const auto& [nf, infra] : m.nf_infra) {
      json ports = json::array();
      for (const auto& p :
           m.nf_ports.count(nf) != 0 ? m.nf_ports.at(nf) : std::vector<escape::Id>{}) {
        ports.push_back({{"id", p.to_json()}});
      }
      nfs.push_back({{"nf", {{"id", nf}, {"ports", ports}}},
                     {"bisbis", {{"id", infra}, {"domain", m.nf_domain.at(nf)}}}});
    }
    return {{"service_id", m.service_id}, {"mapping", nfs}, {"domains", m.domains}};
  }

  escape::MdoService& service_;
};

}  // namespace

void EscapeEndpoint::register_routes(httplib::Server& server) {
  auto routes = std::make_shared<Routes>(service_);
  Router router(server, *this);
  std::string p = "/" + prefix_;
  for (const char* layer : {"/service", "/orchestration"}) {
    for (Method m : {Method::kGet, Method::kPost}) {
      router.add(m, p + layer + "/ping", [routes](Req r) { return routes->ping(r); });
    }
    router.add(Method::kGet, p + layer + "/status", [routes](Req r) { return routes->status(r); });
  }
  for (Method m : {Method::kGet, Method::kPost}) {
    router.add(m, p + "/service/topology",
               [routes](Req r) -> Result<Reply> { return Reply(*routes->topology(r)); });
    router.add(m, p + "/orchestration/get-config",
               [routes](Req r) -> Result<Reply> { return Reply(*routes->get_config(r)); });
    router.add(m, p + "/orchestration/mappings",
               [routes](Req r) -> Result<Reply> { return Reply(*routes->mappings(r)); });
  }
  router.add(Method::kPost, p + "/service/sg",
             [routes](Req r) { return routes->submit(r, escape::Mode::kAdd); });
  router.add(Method::kPut, p + "/service/sg",
             [routes](Req r) { return routes->submit(r, escape::Mode::kDelete); });
  for (Method m : {Method::kPost, Method::kPut}) {
    router.add(m, p + "/orchestration/edit-config",
               [routes](Req r) { return routes->submit(r, escape::Mode::kAdd); });
  }
  router.add(Method::kGet, p + "/orchestration/mapping-info/([^/]+)",
             [routes](Req r) { return routes->mapping_info(r); });
}

// ESCAPE's errors are text: the message, with the code's status.
void EscapeEndpoint::write_error(httplib::Response& res, const Error& error) const {
  res.status = http_status(error.code);
  res.set_content(error.message + "\n", "text/plain");
}

Status check_callback_url(const std::string& url) {
  auto parsed = parse_http_url(url);
  if (!parsed.ok()) {
    return std::move(parsed).error().context("call-back");
  }
  return ok_status();
}

}  // namespace chainlab::endpoints
