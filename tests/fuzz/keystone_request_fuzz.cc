// libFuzzer target: Keystone token requests (src/endpoints/openstack/keystone.cc: json_body, then
// parse_v3_auth for POST /v3/auth/tokens or parse_v2_auth for POST /v2.0/tokens).
//
// Input: a selector byte (even: v3, odd: v2), a query line (unused), the body. Invariants: no
// exception; refusals are 4xx in Keystone's error shape; an accepted v3 request names a method
// and carries the credentials of one.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "endpoints/openstack/keystone.h"
#include "fuzz_util.h"
#include "http_fuzz_util.h"

namespace chainlab::fuzz {
namespace {

constexpr auto kStyle = endpoints::ErrorStyle::kKeystone;

void run(RequestInput& in) {
  auto body = endpoints::json_body(in.request);
  if (!accepted(body, "json_body", kStyle)) {
    return;
  }
  if (in.selector % 2 == 0) {
    auto a = endpoints::parse_v3_auth(*body);
    if (accepted(a, "parse_v3_auth", kStyle)) {
      check(!a->methods.empty(), "a method");
      bool password =
          std::find(a->methods.begin(), a->methods.end(), "password") != a->methods.end();
      bool token = std::find(a->methods.begin(), a->methods.end(), "token") != a->methods.end();
      check(password || token, "a supported method");
      check(password || a->user.empty(), "user only with the password method");
    }
  } else {
    accepted(endpoints::parse_v2_auth(*body), "parse_v2_auth", kStyle);
  }
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = chainlab::fuzz::read_request(data, size);
  chainlab::fuzz::run(in);
  return 0;
}
