// Nested templates (template resources): renaming a nested template's resources into the outer
// stack, and the attributes of the nested stack resource.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "frontends/openstack/hot_internal.h"

namespace chainlab::openstack {

using nlohmann::json;

namespace {

json rename_refs(const json& value, const std::string& prefix) {
  std::string_view fn;
  if (hot::is_function(value, &fn)) {
    json args = rename_refs(value.begin().value(), prefix);
    if (fn == "get_resource" && args.is_string()) {
      args = prefix + args.get<std::string>();
    } else if (fn == "get_attr" && args.is_array() && !args.empty() && args[0].is_string()) {
      args[0] = prefix + args[0].get<std::string>();
    }
    return json{{std::string(fn), std::move(args)}};
  }
  if (!value.is_structured()) {
    return value;
  }
  json out = value;
  for (auto& child : out) {
    child = rename_refs(child, prefix);
  }
  return out;
}

}  // namespace

namespace hot {

Template prefixed(const Template& t, const std::string& prefix) {
  Template out;  // what planning reads: not the source tree, not the files (copied per member)
  out.version = t.version;
  out.description = t.description;
  out.parameters = t.parameters;
  out.resources = t.resources;
  out.outputs = t.outputs;
  out.conditions = t.conditions;
  for (auto& r : out.resources) {
    r.name = prefix + r.name;
    for (auto& d : r.depends_on) {
      d = prefix + d;
    }
    r.properties = rename_refs(r.properties, prefix);
  }
  for (auto& o : out.outputs) {
    o.value = rename_refs(o.value, prefix);
  }
  return out;
}

}  // namespace hot

Result<json> nested_attribute(const PlannedResource& nested, const std::string& attribute,
                              const ReferenceResolver& refs) {
  if (attribute == "OS::stack_id") {
    return refs.resource_id(nested.name);
  }
  if (attribute.starts_with("resource.")) {
    std::string rest = attribute.substr(9);
    size_t dot = rest.find('.');
    std::string member = nested.name + kNestedSeparator + rest.substr(0, dot);
    if (std::find(nested.members.begin(), nested.members.end(), member) == nested.members.end()) {
      return make_error(ErrorCode::kInvalidArgument, "nested stack '{}' has no resource '{}'",
                        nested.name, rest.substr(0, dot));
    }
    return dot == std::string::npos ? refs.resource_id(member)
                                    : refs.attribute(member, rest.substr(dot + 1));
  }
  auto it = nested.outputs.find(attribute);
  if (it == nested.outputs.end()) {
    std::vector<std::string> names;
    for (const auto& [name, value] : nested.outputs) {
      names.push_back(name);
    }
    return make_error(ErrorCode::kInvalidArgument,
                      "resource '{}' ({}) has no attribute '{}' (its template's outputs: {})",
                      nested.name, nested.template_name, attribute,
                      names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", ")));
  }
  return resolve_value(it->second, refs, "outputs." + attribute + ".value");
}

}  // namespace chainlab::openstack
