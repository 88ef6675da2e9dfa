// The Universal Node's NF-FG REST API over a unode::Node (docs/nffg.md; the reference's
// routes and status codes, docs/design/un-orchestrator-facts.md §2):
//   POST   /login                      {"username","password"} -> 200 token (text/plain)
//   POST   /NF-FG/ (and /NF-FG)         -> 201 {"nffg-uuid"} + Location (the host the client used)
//   PUT    /NF-FG/<id>                  -> 202 (the whole new graph, applied as a diff)
//   GET    /NF-FG/<id>                  -> 200 {"forwarding-graph": ...}
//   GET    /NF-FG                       -> 200 {"NF-FG": [{"forwarding-graph", "nffg-uuid"}...]}
//   DELETE /NF-FG/<id>                  -> 204
//   GET    /NF-FG/status/<id>           -> 200 {"status", "percentage_completed"} (real progress)
//   POST   /users/<name> {"password","group"} -> 202;  GET /users/<name> -> {"group","username"}
//   PUT    /groups/<g> -> 201 + Location;  DELETE /groups/<g> -> 202;  GET /groups
//   GET    /v2/nf_template/<id>/, /v2/nf_capability/<capability>/  the template repository
//   GET    /domain-description          the live description
// Every route but /login needs X-Auth-Token (401 without or with a bad one); a user without the
// graph's flag gets 403. An unknown graph: 405 with Allow: POST (GET, PUT) or Allow: PUT
// (DELETE), 404 on /status, as the reference answers. Errors are {"module", "message"}: a graph
// that does not parse is a 400 from Graph-Parser or Match-Parser naming the field; one the node
// cannot run a 400 from Graph-Manager.
#pragma once

#include <string>

#include "endpoints/http/http.h"
#include "endpoints/http/router.h"
#include "frontends/unode/node.h"

namespace chainlab::endpoints {

class NffgEndpoint final : public Endpoint {
 public:
  // `node` outlives the endpoint; `listen` ("host:port") makes Location when a request has no
  // Host header.
  NffgEndpoint(unode::Node& node, std::string listen) : node_(node), listen_(std::move(listen)) {}

  std::string name() const override { return "nffg"; }
  void register_routes(httplib::Server& server) override;
  void write_error(httplib::Response& res, const Error& error) const override;
  bool uses_run_token() const override { return false; }  // the node's own users and tokens

 private:
  Result<unode::UserInfo> user(const httplib::Request& req);
  Result<Reply> login(const httplib::Request& req);
  Result<Reply> create(const httplib::Request& req);
  Result<Reply> update(const httplib::Request& req);
  Result<Reply> get(const httplib::Request& req);
  Result<Reply> list(const httplib::Request& req);
  Result<Reply> remove(const httplib::Request& req);
  Result<Reply> status(const httplib::Request& req);
  Result<Reply> create_user(const httplib::Request& req);
  Result<Reply> get_user(const httplib::Request& req);
  Result<Reply> put_group(const httplib::Request& req);
  Result<Reply> delete_group(const httplib::Request& req);
  Result<Reply> list_groups(const httplib::Request& req);

  unode::Node& node_;
  std::string listen_;
};

// The module an error is reported from: "Graph-Parser", "Match-Parser" (a field of a rule's
// match), "Security-Manager" (401, 403) or "Graph-Manager".
std::string nffg_error_module(const Error& error);

}  // namespace chainlab::endpoints
