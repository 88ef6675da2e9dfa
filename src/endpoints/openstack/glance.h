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

class GlanceEndpoint final : public OpenStackServiceEndpoint {
 public:
  GlanceEndpoint(openstack::Cloud& cloud, OpenStackPorts ports);
  size_t max_body_bytes() const override { return kMaxImageUpload; }
};

// The typed requests of POST /v2/images (a JSON object: core attributes and free-form properties)
// and PATCH /v2/images/<id> (a JSON patch: add, replace, remove on top-level paths).
// InvalidArgument for read-only attributes, wrong types and malformed operations.
Result<openstack::ImageCreate> parse_image_create(const nlohmann::json& body);
Result<openstack::ImageUpdate> parse_image_patch(const nlohmann::json& patch);

}  // namespace chainlab::endpoints
