#include "endpoints/unode/nffg_endpoint.h"

#include <httplib.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/field_reader.h"
#include "common/json_bounded.h"
#include "endpoints/http/status.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using Req = const httplib::Request&;

constexpr const char* kId = "([^/]+)";

// An empty answer with Allow: what the reference answers for a graph it does not have.
Reply not_allowed(const char* allow) {
  return Reply::empty(405).header("Allow", allow);
}

// {"username", "password"} or {"password", "group"}: exactly these string keys.
Result<json> credentials(Req req, std::initializer_list<const char*> keys) {
  CL_ASSIGN_OR_RETURN(json body, parse_json(req.body, "request body"));
  if (!body.is_object() || body.size() != keys.size()) {
    return make_error(ErrorCode::kInvalidArgument, "expected an object with exactly: {}",
                      fmt::join(keys, ", "));
  }
  for (const char* key : keys) {
    if (!body.contains(key) || !body[key].is_string()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: expected a string", key);
    }
  }
  return body;
}

}  // namespace

std::string nffg_error_module(const Error& error) {
  switch (error.code) {
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kPermissionDenied:
      return "Security-Manager";
    case ErrorCode::kInvalidArgument:
      if (error.message.find(".match") != std::string::npos) {
        return "Match-Parser";
      }
      return "Graph-Parser";
    default:
      return "Graph-Manager";
  }
}

// The reference answers a graph the node cannot run with 400 (its graph manager refused it).
void NffgEndpoint::write_error(httplib::Response& res, const Error& error) const {
  int status = error.code == ErrorCode::kFailedPrecondition ? 400 : http_status(error.code);
  send_json(res, {{"module", nffg_error_module(error)}, {"message", error.message}}, status);
}

Result<unode::UserInfo> NffgEndpoint::user(Req req) {
  std::string token = req.get_header_value("X-Auth-Token");
  if (token.empty()) {
    return make_error(ErrorCode::kUnauthenticated, "no X-Auth-Token: POST /login first");
  }
  return node_.authenticate(token);
}

Result<Reply> NffgEndpoint::login(Req req) {
  CL_ASSIGN_OR_RETURN(json body, credentials(req, {"username", "password"}));
  CL_ASSIGN_OR_RETURN(std::string token, node_.login(body["username"], body["password"]));
  return Reply::text(token, "text/plain");
}

Result<Reply> NffgEndpoint::create(Req req) {
  CL_ASSIGN_OR_RETURN(unode::UserInfo u, user(req));
  CL_ASSIGN_OR_RETURN(json body, parse_json(req.body, "NF-FG"));
  CL_ASSIGN_OR_RETURN(std::string id, node_.create_graph(u, body));
  std::string host = req.has_header("Host") ? req.get_header_value("Host") : listen_;
  return Reply(json{{"nffg-uuid", id}}, 201)
      .header("Location", fmt::format("http://{}/NF-FG/{}", host, id));
}

Result<Reply> NffgEndpoint::update(Req req) {
  CL_ASSIGN_OR_RETURN(unode::UserInfo u, user(req));
  if (!node_.has_graph(req.matches[1])) {
    return not_allowed("POST");
  }
  CL_ASSIGN_OR_RETURN(json body, parse_json(req.body, "NF-FG"));
  CL_RETURN_IF_ERROR(node_.update_graph(u, req.matches[1], body));
  return Reply::empty(202);
}

Result<Reply> NffgEndpoint::get(Req req) {
  CL_ASSIGN_OR_RETURN(unode::UserInfo u, user(req));
  if (!node_.has_graph(req.matches[1])) {
    return not_allowed("POST");
  }
  CL_ASSIGN_OR_RETURN(json graph, node_.graph_json(u, req.matches[1]));
  return Reply(std::move(graph));
}

Result<Reply> NffgEndpoint::list(Req req) {
  CL_ASSIGN_OR_RETURN(unode::UserInfo u, user(req));
  CL_ASSIGN_OR_RETURN(json graphs, node_.graphs_json(u));
  return Reply(std::move(graphs));
}

Result<Reply> NffgEndpoint::remove(Req req) {
  CL_ASSIGN_OR_RETURN(unode::UserInfo u, user(req));
  if (!node_.has_graph(req.matches[1])) {
    return not_allowed("PUT");
  }
  CL_RETURN_IF_ERROR(node_.delete_graph(u, req.matches[1]));
  return Reply::empty(204);
}

Result<Reply> NffgEndpoint::status(Req req) {
  CL_ASSIGN_OR_RETURN(unode::UserInfo u, user(req));
  CL_ASSIGN_OR_RETURN(unode::GraphStatus s, node_.status(u, req.matches[1]));
  json body = {{"status", s.status}, {"percentage_completed", s.percentage}};
  if (!s.message.empty()) {
    body["message"] = s.message;
  }
  return Reply(std::move(body));
}

Result<Reply> NffgEndpoint::create_user(Req req) {
  CL_ASSIGN_OR_RETURN(unode::UserInfo u, user(req));
  CL_ASSIGN_OR_RETURN(json body, credentials(req, {"password", "group"}));
  CL_RETURN_IF_ERROR(node_.users().create_user(u, req.matches[1], body["password"], body["group"]));
  return Reply::empty(202);
}

Result<Reply> NffgEndpoint::get_user(Req req) {
  CL_RETURN_IF_ERROR(user(req));
  auto found = node_.users().user(req.matches[1]);
  if (!found.ok() && found.error().code == ErrorCode::kNotFound) {
    return not_allowed("POST");
  }
  CL_RETURN_IF_ERROR(found);
  return Reply(json{{"group", found->group}, {"username", found->name}});
}

Result<Reply> NffgEndpoint::put_group(Req req) {
  CL_ASSIGN_OR_RETURN(unode::UserInfo u, user(req));
  Status made = node_.users().create_group(u, req.matches[1]);
  if (!made.ok() && made.error().code == ErrorCode::kAlreadyExists) {
    return Error{ErrorCode::kPermissionDenied, made.error().message};  // the reference's 403
  }
  CL_RETURN_IF_ERROR(made);
  std::string host = req.has_header("Host") ? req.get_header_value("Host") : listen_;
  return Reply::empty(201).header("Location",
                                  fmt::format("http://{}/groups/{}", host, req.matches[1].str()));
}

Result<Reply> NffgEndpoint::delete_group(Req req) {
  CL_ASSIGN_OR_RETURN(unode::UserInfo u, user(req));
  Status removed = node_.users().delete_group(u, req.matches[1]);
  if (!removed.ok() && removed.error().code == ErrorCode::kNotFound) {
    return not_allowed("PUT");
  }
  CL_RETURN_IF_ERROR(removed);
  return Reply::empty(202);
}

Result<Reply> NffgEndpoint::list_groups(Req req) {
  CL_RETURN_IF_ERROR(user(req));
  CL_ASSIGN_OR_RETURN(auto groups, node_.users().groups());
  json list = json::array();
  for (const auto& g : groups) {
    list.push_back({{"name", g}});
  }
  return Reply(json{{"groups", std::move(list)}});
}

void NffgEndpoint::register_routes(httplib::Server& server) {
  Router router(server, *this);
  auto id_path = [](const char* prefix) { return fmt::format("{}{}/?", prefix, kId); };
  router.add(Method::kPost, "/login/?", [this](Req req) { return login(req); });
  router.add(Method::kPost, "/NF-FG/?", [this](Req req) { return create(req); });
  router.add(Method::kGet, "/NF-FG/?", [this](Req req) { return list(req); });
  router.add(Method::kGet, id_path("/NF-FG/status/"), [this](Req req) { return status(req); });
  router.add(Method::kGet, id_path("/NF-FG/"), [this](Req req) { return get(req); });
  router.add(Method::kPut, id_path("/NF-FG/"), [this](Req req) { return update(req); });
  router.add(Method::kDelete, id_path("/NF-FG/"), [this](Req req) { return remove(req); });
  router.add(Method::kPost, id_path("/users/"), [this](Req req) { return create_user(req); });
  router.add(Method::kGet, id_path("/users/"), [this](Req req) { return get_user(req); });
  router.add(Method::kPut, id_path("/groups/"), [this](Req req) { return put_group(req); });
  router.add(Method::kDelete, id_path("/groups/"), [this](Req req) { return delete_group(req); });
  router.add(Method::kGet, "/groups/?", [this](Req req) { return list_groups(req); });
  router.add(Method::kGet, id_path("/v2/nf_template/"), [this](Req req) -> Result<Reply> {
    CL_RETURN_IF_ERROR(user(req));
    CL_ASSIGN_OR_RETURN(json t, node_.templates().template_json(req.matches[1]));
    return Reply(std::move(t));
  });
  router.add(Method::kGet, id_path("/v2/nf_capability/"), [this](Req req) -> Result<Reply> {
    CL_RETURN_IF_ERROR(user(req));
    CL_ASSIGN_OR_RETURN(json t, node_.templates().capability_json(req.matches[1]));
    return Reply(std::move(t));
  });
  router.add(Method::kGet, "/domain-description/?", [this](Req req) -> Result<Reply> {
    CL_RETURN_IF_ERROR(user(req));
    return Reply(node_.description());
  });
}

}  // namespace chainlab::endpoints
