// escape::CloudApi over HTTP: an OpenStack cloud as the multi-domain orchestrator's "openstack"
// domain calls it. Keystone v3 (POST <auth_url>/auth/tokens with a password, scoped to the
// project; the token from X-Subject-Token, Nova's and Heat's URLs from the catalog's public
// endpoints; again when an answer is 401), then Nova (GET /limits, /images) and Heat (stacks:
// POST, PUT, GET, DELETE). Errors carry the service's message. 30 s connect, 300 s read.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "frontends/escape/mdo/cloud_adapter.h"

namespace chainlab::endpoints {

class CloudApiClient final : public escape::CloudApi {
 public:
  // InvalidArgument for an auth_url that is not http(s)://HOST[:PORT][/PATH].
  static Result<std::unique_ptr<CloudApiClient>> create(const escape::CloudSettings& settings);
  ~CloudApiClient() override;

  Result<nlohmann::json> limits() override;
  Result<std::vector<std::string>> images() override;
  Result<std::string> create_stack(const std::string& name, const nlohmann::json& tmpl) override;
  Status update_stack(const std::string& name, const std::string& id,
                      const nlohmann::json& tmpl) override;
  Result<std::pair<std::string, std::string>> stack_status(const std::string& name,
                                                           const std::string& id) override;
  Status delete_stack(const std::string& name, const std::string& id) override;

 private:
  struct Answer {
    int status = 0;
    std::string body;
  };
  CloudApiClient() = default;
  Status login();
  // METHOD <service's URL><path> with the token (logging in when there is none or it expired).
  Result<Answer> call(const std::string& service, const std::string& method,
                      const std::string& path, const std::string& body = "");
  Result<Answer> send(const std::string& url, const std::string& method, const std::string& body);

  escape::CloudSettings settings_;
  std::mutex mu_;
  std::string token_;
  std::map<std::string, std::string> urls_;  // catalog: "compute", "orchestration" -> URL
};

}  // namespace chainlab::endpoints
