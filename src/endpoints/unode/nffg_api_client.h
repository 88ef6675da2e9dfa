// escape::NodeApi over HTTP: a chainlab node's (or any Universal Node's) NF-FG API as the
// multi-domain orchestrator's "chainlab-node" domain calls it (endpoints/unode/nffg_endpoint.h
// has the routes): POST /login for a token (again when an answer is 401), POST /NF-FG/ (201,
// {"nffg-uuid"}), PUT /NF-FG/<id>, DELETE /NF-FG/<id> (405 or 404: not there), GET
// /domain-description. Errors carry the node's {"module", "message"}. 30 s connect and 600 s
// read timeouts (a graph's VNFs start before the answer).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "frontends/escape/mdo/node_adapter.h"

namespace httplib {
class Client;
}  // namespace httplib

namespace chainlab::endpoints {

class NffgApiClient final : public escape::NodeApi {
 public:
  // InvalidArgument for a URL that is not http(s)://HOST[:PORT]. Logs in on first use.
  static Result<std::unique_ptr<NffgApiClient>> create(const std::string& url, std::string user,
                                                       std::string password);
  ~NffgApiClient() override;

  Result<std::string> create_graph(const nlohmann::json& nffg) override;
  Status update_graph(const std::string& id, const nlohmann::json& nffg) override;
  Status delete_graph(const std::string& id) override;
  Result<nlohmann::json> description() override;
  Result<std::optional<std::string>> graph_named(const std::string& name) override;

 private:
  NffgApiClient() = default;
  struct Answer {
    int status = 0;
    std::string body;
  };
  // One call with the token, logging in (again) when there is none or it was refused.
  Result<Answer> call(const std::string& method, const std::string& path,
                      const std::string& body = "");
  Result<Answer> send(const std::string& method, const std::string& path, const std::string& body);
  Status login();

  std::string url_;
  std::string user_;
  std::string password_;
  std::mutex mu_;  // one call at a time; the token
  std::unique_ptr<httplib::Client> client_;
  std::string token_;
};

}  // namespace chainlab::endpoints
