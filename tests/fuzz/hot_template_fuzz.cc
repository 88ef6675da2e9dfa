// libFuzzer target: HOT templates (parse_template, src/frontends/openstack/hot_template.cc) and the
// planner on what parses (plan_stack, resolve_value, diff_plans: hot_plan.cc, hot_resources.cc).
//
// Input: a template, YAML or JSON. A line "#params {...}" (a YAML comment, so the template does
// not see it) gives the stack parameters as a JSON object. Invariants: refusals are errors with a
// message; a parsed template also parses from its own JSON tree; a plan lists every resource after
// the ones it needs, with unique names; every get_resource / get_attr resolves against resources
// that exist; a plan compared with itself changes nothing.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "frontends/openstack/hot_template.h"
#include "fuzz_util.h"

namespace chainlab::fuzz {
namespace {

using nlohmann::json;
using openstack::StackPlan;

// Every resource exists with a fixed id; attributes are the resource's name and attribute.
class FakeResolver final : public openstack::ReferenceResolver {
 public:
  explicit FakeResolver(const StackPlan& plan) : plan_(plan) {}
  Result<json> resource_id(const std::string& resource) const override {
    if (plan_.find(resource) == nullptr) {
      return make_error(ErrorCode::kNotFound, "no resource {}", resource);
    }
    return json("id-" + resource);
  }
  Result<json> attribute(const std::string& resource, const std::string& attribute) const override {
    CL_ASSIGN_OR_RETURN(json id, resource_id(resource));
    return json{{"id", id}, {"attribute", attribute}, {"list", {1, 2, 3}}};
  }

 private:
  const StackPlan& plan_;
};

json parameters_of(const std::string& text) {
  size_t at = text.rfind("#params ");
  if (at == std::string::npos || (at > 0 && text[at - 1] != '\n')) {
    return json::object();
  }
  size_t end = text.find('\n', at);
  json p = json::parse(text.substr(at + 8, end == std::string::npos ? end : end - at - 8), nullptr,
                       /*allow_exceptions=*/false);
  return p.is_object() ? p : json::object();
}

void check_plan(const StackPlan& plan) {
  std::set<std::string> seen;
  for (const auto& r : plan.resources) {
    for (const auto& need : r.needs) {
      check(seen.count(need) == 1, "a resource comes after what it needs", r.name + " -> " + need);
    }
    check(seen.insert(r.name).second, "unique resource names", r.name);
  }
  FakeResolver refs(plan);
  for (const auto& r : plan.resources) {
    check_result(openstack::resolve_value(r.properties, refs, r.properties_path),
                 "resolve_value(properties)");
  }
  for (const auto& o : plan.outputs) {
    check_result(openstack::resolve_value(o.value, refs, "outputs." + o.name),
                 "resolve_value(output)");
  }
  openstack::PlanDiff diff = openstack::diff_plans(plan, plan);
  check(diff.added.empty() && diff.removed.empty() && diff.replaced.empty(),
        "a plan compared with itself changes nothing");
  check(diff.unchanged.size() == plan.resources.size(), "every resource unchanged");
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chainlab;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto tmpl = openstack::parse_template(text);
  fuzz::check_result(tmpl, "parse_template(text)");
  if (!tmpl.ok()) {
    return 0;
  }
  auto from_tree = openstack::parse_template(tmpl->source);
  fuzz::check(from_tree.ok(), "a parsed template parses from its JSON tree",
              from_tree.ok() ? "" : from_tree.error().message);
  auto plan = openstack::plan_stack(*tmpl, fuzz::parameters_of(text),
                                    {{"OS::stack_name", "fuzz"}, {"OS::stack_id", "id"}});
  fuzz::check_result(plan, "plan_stack");
  if (plan.ok()) {
    fuzz::check_plan(*plan);
  }
  return 0;
}
