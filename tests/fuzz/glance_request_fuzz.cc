// libFuzzer target: Glance image bodies (src/endpoints/openstack/glance.cc: POST /v2/images via
// json_body and parse_image_create; PATCH /v2/images/<id> via parse_image_patch on any JSON).
//
// Input: a selector byte (even: create, odd: patch), a query line (unused), the body.
// Invariants: no exception; refusals are 4xx in Glance's error shape.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "endpoints/openstack/glance.h"
#include "fuzz_util.h"
#include "http_fuzz_util.h"

namespace chainlab::fuzz {
namespace {

constexpr auto kStyle = endpoints::ErrorStyle::kGlance;

void run(RequestInput& in) {
  if (in.selector % 2 == 0) {
    auto body = endpoints::json_body(in.request);
    if (accepted(body, "json_body", kStyle)) {
      accepted(endpoints::parse_image_create(*body), "parse_image_create", kStyle);
    }
    return;
  }
  auto patch = nlohmann::json::parse(in.request.body, nullptr, /*allow_exceptions=*/false);
  if (!patch.is_discarded()) {
    accepted(endpoints::parse_image_patch(patch), "parse_image_patch", kStyle);
  }
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = chainlab::fuzz::read_request(data, size);
  chainlab::fuzz::run(in);
  return 0;
}
