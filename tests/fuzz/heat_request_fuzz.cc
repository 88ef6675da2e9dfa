// libFuzzer target: Heat stack requests (src/endpoints/openstack/heat.cc: parse_stack_request on
// the JSON body of POST/PUT/PATCH /v1/<tenant>/stacks: template as an object or as YAML/JSON text,
// parameters, environment, files with nested templates) and, when a template came with it, the
// stack plan of those parameters (plan_stack, frontends/openstack/hot_plan.cc).
//
// Input: a selector byte (even: create, a template is required; odd: update), a query line
// (unused), the body. Invariants: no exception; refusals are errors with a message that become a
// 4xx.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "endpoints/openstack/heat.h"
#include "frontends/openstack/hot_template.h"
#include "fuzz_util.h"
#include "http_fuzz_util.h"

namespace chainlab::fuzz {
namespace {

void run(RequestInput& in) {
  auto body = nlohmann::json::parse(in.request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    return;  // the route answers 400 before parsing (body_of)
  }
  auto r = endpoints::parse_stack_request(body, in.selector % 2 == 0);
  if (!accepted(r, "parse_stack_request")) {
    return;
  }
  if (r->template_tree.is_null() && r->template_text.empty()) {
    return;
  }
  auto tmpl = r->template_tree.is_null() ? openstack::parse_template(r->template_text, r->files)
                                         : openstack::parse_template(r->template_tree, r->files);
  check(tmpl.ok(), "the template parse_stack_request accepted parses");
  accepted(openstack::plan_stack(*tmpl, r->parameters, {{"OS::stack_name", r->name}}),
           "plan_stack");
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = chainlab::fuzz::read_request(data, size);
  chainlab::fuzz::run(in);
  return 0;
}
