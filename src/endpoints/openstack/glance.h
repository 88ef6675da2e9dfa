// Glance (image, API v2) of one PoP's OpenStack control plane (docs/api/openstack.md). Port
// P + 4242. Routes: GET / and /versions, /v2/schemas/image(s), GET/POST /v2/images, GET/PATCH
// (JSON patch)/DELETE /v2/images/<id>, PUT/GET /v2/images/<id>/file (a docker-save or OCI archive
// upload is imported into the local image store), PUT/DELETE /v2/images/<id>/tags/<tag>. Images
// of the local image store are listed read-write (delete removes them from the store).
#pragma once

#include <memory>

#include "endpoints/http/http.h"
#include "endpoints/openstack/common.h"

namespace chainlab::endpoints {

// Image uploads are held in memory while they are imported.
inline constexpr size_t kMaxImageUpload = size_t{1} << 30;

class GlanceEndpoint final : public Endpoint {
 public:
  GlanceEndpoint(std::shared_ptr<openstack::Cloud> cloud, OpenStackPorts ports)
      : ctx_{std::move(cloud), ports} {}
  std::string name() const override { return ctx_.cloud->pop() + " glance"; }
  void register_routes(httplib::Server& server) override;
  void write_error(httplib::Response& res, const Error& error) const override;
  Error no_route_error(const std::string&, const std::string&) const override {
    return no_route_openstack();
  }
  bool uses_run_token() const override { return false; }  // Keystone tokens instead
  size_t max_body_bytes() const override { return kMaxImageUpload; }

 private:
  OpenStackContext ctx_;
};

// The typed requests of POST /v2/images (a JSON object: core attributes and free-form properties)
// and PATCH /v2/images/<id> (a JSON patch: add, replace, remove on top-level paths).
// InvalidArgument for read-only attributes, wrong types and malformed operations.
Result<openstack::ImageCreate> parse_image_create(const nlohmann::json& body);
Result<openstack::ImageUpdate> parse_image_patch(const nlohmann::json& patch);

}  // namespace chainlab::endpoints
