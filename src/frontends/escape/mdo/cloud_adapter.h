// The "openstack" domain: an OpenStack cloud (a real one, or a PoP of `chainlab run` with its
// OpenStack endpoints, which the real `openstack` client accepts) as one BiSBiS, driven with
// OpenStack's own APIs (docs/mdo.md):
//   view()    Nova's absolute limits (maxTotalCores, maxTotalRAMSize) as cpu and mem, its image
//             names as `supported` (unless the settings say), one port per configured SAP;
//   deploy()  the part as one Heat stack "mdo-<service>" (cloud_translate.h: a server per NF,
//             a port per NF port on the SAP's network or on the service's own network), created
//             or updated, then followed until it is COMPLETE; a failed create is deleted again, a
//             failed update taken back to the template that ran before;
//   remove()  deletes the stack.
// Hops inside the cloud are L2 adjacency on the service's network: networking-sfc steering of
// them is not done yet.
//
// Settings (a config `domains:` entry):
//   auth_url: http://HOST:5000/v3    Keystone (required)
//   user: admin, password: PW | password_file: F, project: admin
//   infra: NAME (default the domain's name), delay: MS (across the cloud, default 0)
//   resources: {cpu, mem, storage}   instead of Nova's limits
//   supported: [TYPE, ...]           instead of the image names
//   images: {TYPE: IMAGE}            an NF type's image (default: the type)
//   flavor: NAME                     the servers' flavor (default m1.small)
//   saps: {SAP: {network: NAME, delay: MS}}   the existing network a SAP stands for
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "frontends/escape/mdo/domain_adapter.h"

namespace chainlab::escape {

struct CloudSap {
  std::string network;
  double delay = 0;
};

struct CloudSettings {
  std::string auth_url;
  std::string user = "admin";
  std::string password;
  std::string project = "admin";
  std::string infra;
  double delay = 0;
  std::optional<Resources> resources;
  std::optional<std::vector<std::string>> supported;
  std::map<std::string, std::string> images;
  std::string flavor = "m1.small";
  std::map<std::string, CloudSap> saps;
  std::chrono::seconds stack_timeout{300};
};

Result<CloudSettings> read_cloud_settings(const AdapterSpec& spec);

// What the adapter needs of a cloud (endpoints/openstack/cloud_api_client.h speaks it over HTTP
// after logging in to Keystone).
class CloudApi {
 public:
  virtual ~CloudApi() = default;
  virtual Result<nlohmann::json> limits() = 0;            // Nova GET /limits
  virtual Result<std::vector<std::string>> images() = 0;  // image names
  virtual Result<std::string> create_stack(const std::string& name,
                                           const nlohmann::json& tmpl) = 0;  // its id
  virtual Status update_stack(const std::string& name, const std::string& id,
                              const nlohmann::json& tmpl) = 0;
  // stack_status ("CREATE_COMPLETE", ...) and stack_status_reason.
  virtual Result<std::pair<std::string, std::string>> stack_status(const std::string& name,
                                                                   const std::string& id) = 0;
  virtual Status delete_stack(const std::string& name, const std::string& id) = 0;
};

class CloudAdapter final : public DomainAdapter {
 public:
  CloudAdapter(std::string name, CloudSettings settings, std::unique_ptr<CloudApi> api);
  std::string name() const override { return name_; }
  std::string kind() const override { return "openstack"; }
  Result<Nffg> view() override;
  Status deploy(const std::string& service_id, const Nffg& part) override;
  Status remove(const std::string& service_id) override;

 private:
  struct Stack {
    std::string id;
    nlohmann::json tmpl;  // the template it runs
  };
  // Follows the stack until `op` (CREATE, UPDATE) is COMPLETE; another state that is neither in
  // progress nor another operation's COMPLETE (not ROLLBACK's) is a failure.
  Status wait_stack(const std::string& name, const std::string& id, const std::string& op);
  Status update(const std::string& stack, Stack& running, nlohmann::json tmpl);
  // Follows a deleted stack until Heat no longer has it (or says DELETE_COMPLETE).
  Status wait_gone(const std::string& name, const std::string& id);

  std::string name_;
  CloudSettings settings_;
  std::unique_ptr<CloudApi> api_;
  std::mutex mu_;
  std::map<std::string, Stack> stacks_;  // by service id
};

}  // namespace chainlab::escape
