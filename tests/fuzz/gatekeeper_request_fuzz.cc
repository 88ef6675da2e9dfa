// libFuzzer target: the gatekeeper's instantiation requests (src/endpoints/gatekeeper/gatekeeper_endpoint.cc:
// request_params, then parse_instantiate_request for POST /instantiations and its aliases).
// Package uploads are the package_archive target.
//
// Input: a selector byte (unused), a query line, the body. Invariants: no exception; refusals are
// 4xx errors with a message; the merged parameters serialise (valid UTF-8).
#include <cstddef>
#include <cstdint>

#include "endpoints/gatekeeper/gatekeeper_endpoint.h"
#include "endpoints/http/http.h"
#include "fuzz_util.h"
#include "http_fuzz_util.h"

namespace chainlab::fuzz {
namespace {

void run(RequestInput& in) {
  auto params = endpoints::request_params(in.request);
  if (accepted(params, "request_params")) {
    check_serialisable(*params, "request_params result serialises");
    accepted(endpoints::parse_instantiate_request(*params), "parse_instantiate_request");
  }
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = chainlab::fuzz::read_request(data, size);
  chainlab::fuzz::run(in);
  return 0;
}
