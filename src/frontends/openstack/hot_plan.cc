// HOT instantiation: parameters, get_param substitution, ResourceGroup and nested template
// expansion, the dependency graph and creation order, reference resolution at creation time, and
// plan diffs for updates.
#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/ranges.h>

#include "common/files.h"
#include "common/json_bounded.h"
#include "common/safe_regex.h"
#include "common/units.h"
#include "frontends/openstack/hot_internal.h"
#include "frontends/openstack/hot_resources.h"

namespace chainlab::openstack {

using nlohmann::json;

namespace {

using hot::error;
using hot::join;

bool is_group(ResourceType t) {
  return t == ResourceType::kResourceGroup || t == ResourceType::kAutoScalingGroup;
}

std::string scalar_text(const json& v) {
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (v.is_boolean()) {
    return v.get<bool>() ? "true" : "false";
  }
  if (v.is_null()) {
    return "";
  }
  return v.dump();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Result<json> to_number(const json& value, const std::string& path) {
  if (value.is_number()) {
    return value;
  }
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (auto i = parse_int(s, path); i.ok()) {
      return json(*i);
    }
    if (auto d = parse_number(s, path); d.ok()) {
      return json(*d);
    }
  }
  return error(path, fmt::format("{} is not a number", hot::describe(value)));
}

Status check_constraint(const ParameterConstraint& c, const json& value, const std::string& path) {
  auto fail = [&](std::string what) {
    return error(path, c.description.empty() ? what : fmt::format("{} ({})", what, c.description));
  };
  if (!c.allowed_values.empty()) {
    std::vector<json> items =
        value.is_array() ? std::vector<json>(value.begin(), value.end()) : std::vector<json>{value};
    for (const json& item : items) {
      bool found = false;
      for (const json& a : c.allowed_values) {
        found = found || a == item || scalar_text(a) == scalar_text(item);
      }
      if (!found) {
        return fail(fmt::format("{} is not one of the allowed values {}", hot::describe(item),
                                json(c.allowed_values).dump()));
      }
    }
  }
  if ((c.min || c.max) && value.is_number()) {
    double v = value.get<double>();
    if ((c.min && v < *c.min) || (c.max && v > *c.max)) {
      return fail(fmt::format("{} is out of range {}..{}", value.dump(),
                              c.min ? fmt::format("{}", *c.min) : "",
                              c.max ? fmt::format("{}", *c.max) : ""));
    }
  }
  if (c.min_length || c.max_length) {
    double len = value.is_string() ? static_cast<double>(value.get<std::string>().size())
                                   : static_cast<double>(value.size());
    if ((c.min_length && len < *c.min_length) || (c.max_length && len > *c.max_length)) {
      return fail(fmt::format("length {} is out of range {}..{}", len,
                              c.min_length ? fmt::format("{}", *c.min_length) : "",
                              c.max_length ? fmt::format("{}", *c.max_length) : ""));
    }
  }
  if (!c.allowed_pattern.empty() && value.is_string()) {
    auto re = compile_safe_regex(c.allowed_pattern);  // checked by parse_template already
    auto matched = re.ok() ? safe_regex_match(value.get<std::string>(), *re)
                           : Result<bool>(std::move(re).error());
    if (!matched.ok()) {
      return fail(matched.error().message);
    }
    if (!*matched) {
      return fail(fmt::format("{} does not match the pattern '{}'", hot::describe(value),
                              c.allowed_pattern));
    }
  }
  return ok_status();
}

// ---- functions ----

bool has_functions(const json& value) {
  if (hot::is_function(value, nullptr)) {
    return true;
  }
  if (value.is_structured()) {
    for (const auto& item : value) {
      if (has_functions(item)) {
        return true;
      }
    }
  }
  return false;
}

Result<json> eval_str_replace(const json& args, const std::string& path) {
  if (!args["template"].is_string()) {
    return error(join(path, "template"), "expected a string");
  }
  std::string text = args["template"].get<std::string>();
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& [k, v] : args["params"].items()) {
    params.emplace_back(k, v.is_structured() ? v.dump() : scalar_text(v));
  }
  // Longest keys first so that a key that is a prefix of another does not win.
  std::sort(params.begin(), params.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [key, replacement] : params) {
    if (key.empty()) {
      continue;
    }
    std::string out;
    size_t pos = 0;
    while (true) {
      size_t hit = text.find(key, pos);
      if (hit == std::string::npos) {
        out.append(text, pos);
        break;
      }
      out.append(text, pos, hit - pos).append(replacement);
      pos = hit + key.size();
    }
    text = std::move(out);
  }
  return json(text);
}

Result<json> eval_list_join(const json& args, const std::string& path) {
  std::string delim = args[0].get<std::string>();
  std::vector<std::string> parts;
  for (size_t i = 1; i < args.size(); ++i) {
    if (!args[i].is_array()) {
      return error(hot::index(path, i), "expected a list");
    }
    for (const auto& item : args[i]) {
      parts.push_back(item.is_structured() ? item.dump() : scalar_text(item));
    }
  }
  return json(fmt::format("{}", fmt::join(parts, delim)));
}

// Applies one path element (key or index) to a value.
Result<json> step(const json& value, const json& key, const std::string& where) {
  if (value.is_array()) {
    int64_t i = json_int(key, "index", 0).value_or(-1);  // an integer or a string of digits
    if (i < 0 || static_cast<size_t>(i) >= value.size()) {
      return error(where, fmt::format("index {} is out of range (the list has {} items)",
                                      key.dump(), value.size()));
    }
    return value[static_cast<size_t>(i)];
  }
  if (value.is_object()) {
    std::string k = scalar_text(key);
    if (!value.contains(k)) {
      return error(where, fmt::format("no key '{}'", k));
    }
    return value[k];
  }
  return error(where, fmt::format("cannot index {} with {}", hot::describe(value), key.dump()));
}

Result<json> substitute(const json& value, const StackPlan& plan, const std::string& path);

// A condition's value (hot_template.h): `plan.conditions` holds every named condition already
// (evaluate_conditions).
Result<bool> condition_value(const json& c, const StackPlan& plan, const std::string& path) {
  if (c.is_boolean()) {
    return c.get<bool>();
  }
  if (c.is_string()) {
    auto it = plan.conditions.find(c.get<std::string>());
    if (it == plan.conditions.end()) {
      return error(path, fmt::format("unknown condition '{}'", c.get<std::string>()));
    }
    return it->second;
  }
  std::string_view fn;
  if (!hot::is_function(c, &fn)) {
    return error(path, "expected a condition");
  }
  const json& args = c.begin().value();
  std::string fpath = join(path, fn);
  if (fn == "get_param") {
    CL_ASSIGN_OR_RETURN(json v, substitute(c, plan, path));
    if (has_functions(v)) {
      return error(fpath, "a condition cannot depend on a value known only at creation");
    }
    if (!v.is_boolean()) {
      return error(fpath, fmt::format("expected a boolean parameter, got {}", hot::describe(v)));
    }
    return v.get<bool>();
  }
  if (fn == "equals") {
    CL_ASSIGN_OR_RETURN(json both, substitute(args, plan, fpath));
    if (has_functions(both)) {
      return error(fpath, "a condition cannot depend on a value known only at creation");
    }
    return both[0] == both[1];
  }
  if (fn == "not") {
    CL_ASSIGN_OR_RETURN(bool v, condition_value(args, plan, fpath));
    return !v;
  }
  bool all = fn == "and";
  for (size_t i = 0; i < args.size(); ++i) {
    CL_ASSIGN_OR_RETURN(bool v, condition_value(args[i], plan, hot::index(fpath, i)));
    if (v != all) {
      return v;
    }
  }
  return all;
}

// The condition names a condition refers to (itself, or through not / and / or).
void condition_names(const json& c, std::set<std::string>& out) {
  std::string_view fn;
  if (c.is_string()) {
    out.insert(c.get<std::string>());
  } else if (hot::is_function(c, &fn) && (fn == "not" || fn == "and" || fn == "or")) {
    const json& args = c.begin().value();
    if (args.is_array()) {
      for (const auto& a : args) {
        condition_names(a, out);
      }
    } else {
      condition_names(args, out);
    }
  }
}

// Every named condition of `tmpl`, evaluated in dependency order (a condition may name others);
// a cycle is an error.
Status evaluate_conditions(const Template& tmpl, StackPlan& plan) {
  std::set<std::string> evaluating;
  std::function<Status(const std::string&)> evaluate = [&](const std::string& name) -> Status {
    if (plan.conditions.count(name) != 0) {
      return ok_status();
    }
    std::string path = join("conditions", name);
    if (!evaluating.insert(name).second) {
      return error(path, "the conditions refer to each other in a cycle");
    }
    std::set<std::string> named;
    condition_names(tmpl.conditions.at(name), named);
    for (const auto& other : named) {
      if (tmpl.conditions.count(other) != 0) {
        CL_RETURN_IF_ERROR(evaluate(other));
      }
    }
    CL_ASSIGN_OR_RETURN(plan.conditions[name],
                        condition_value(tmpl.conditions.at(name), plan, path));
    return ok_status();
  };
  for (const auto& [name, c] : tmpl.conditions) {
    CL_RETURN_IF_ERROR(evaluate(name));
  }
  return ok_status();
}

Result<json> substitute(const json& value, const StackPlan& plan, const std::string& path) {
  std::string_view fn;
  if (hot::is_function(value, &fn)) {
    const json& args = value.begin().value();
    std::string fpath = join(path, fn);
    if (fn == "if") {
      CL_ASSIGN_OR_RETURN(bool which, condition_value(args[0], plan, hot::index(fpath, 0)));
      return substitute(args[which ? 1 : 2], plan, hot::index(fpath, which ? 1 : 2));
    }
    if (fn == "get_param") {
      const json& name = args.is_array() ? args[0] : args;
      auto it = plan.parameters.find(name.get<std::string>());
      if (it == plan.parameters.end()) {
        return error(fpath, fmt::format("unknown parameter '{}'", name.get<std::string>()));
      }
      json out = it->second;
      if (args.is_array()) {
        for (size_t i = 1; i < args.size(); ++i) {
          CL_ASSIGN_OR_RETURN(json key, substitute(args[i], plan, hot::index(fpath, i)));
          CL_ASSIGN_OR_RETURN(out, step(out, key, fpath));
        }
      }
      return out;
    }
    CL_ASSIGN_OR_RETURN(json sub, substitute(args, plan, fpath));
    if (fn == "str_replace" && !has_functions(sub)) {
      return eval_str_replace(sub, fpath);
    }
    if (fn == "list_join" && !has_functions(sub)) {
      return eval_list_join(sub, fpath);
    }
    return json{{std::string(fn), std::move(sub)}};
  }
  return hot::map_children(value, path, [&](const json& child, const std::string& child_path) {
    return substitute(child, plan, child_path);
  });
}

void collect_refs(const json& value, std::set<std::string>& out) {
  std::string_view fn;
  if (hot::is_function(value, &fn)) {
    const json& args = value.begin().value();
    if (fn == "get_resource" && args.is_string()) {
      out.insert(args.get<std::string>());
    } else if (fn == "get_attr" && args.is_array() && !args.empty() && args[0].is_string()) {
      out.insert(args[0].get<std::string>());
    }
    collect_refs(args, out);
    return;
  }
  if (value.is_structured()) {
    for (const auto& item : value) {
      collect_refs(item, out);
    }
  }
}

json replace_index(const json& value, const std::string& var, const std::string& index) {
  if (value.is_string()) {
    std::string s = value.get<std::string>();
    for (size_t pos = s.find(var); pos != std::string::npos;
         pos = s.find(var, pos + index.size())) {
      s.replace(pos, var.size(), index);
    }
    return s;
  }
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : value.items()) {
      out[k] = replace_index(v, var, index);
    }
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& v : value) {
      out.push_back(replace_index(v, var, index));
    }
    return out;
  }
  return value;
}

// What a group makes: `count` resources from `def` ({type, properties}), `var` in their
// properties replaced by the index ("" for none).
struct GroupShape {
  int64_t count = 1;
  json def;
  std::string def_path;
  std::string var;
};

// A ResourceGroup's shape from its properties; an AutoScalingGroup's from its properties and
// the size a signal gave it.
Result<GroupShape> group_shape(const PlannedResource& group, const GroupSizes& sizes) {
  const std::string path = join(join("resources", group.name), "properties");
  const json& p = group.properties;
  GroupShape shape;
  if (group.type == ResourceType::kAutoScalingGroup) {
    CL_ASSIGN_OR_RETURN(ScalingGroupSpec spec, parse_scaling_group(p, path));
    auto it = sizes.find(group.name);
    shape.count = spec.size(it == sizes.end() ? std::nullopt : std::optional<int64_t>(it->second));
    shape.def = spec.resource;
    shape.def_path = join(path, "resource");
    return shape;
  }
  CL_RETURN_IF_ERROR(check_properties(ResourceType::kResourceGroup, p, path));
  if (p.contains("count")) {
    auto n = json_int(p["count"], "", 0, kMaxGroupSize);
    if (!n.ok()) {
      return error(join(path, "count"), n.error().message);
    }
    shape.count = *n;
  }
  shape.var = p.value("index_var", std::string("%index%"));
  shape.def = p["resource_def"];
  shape.def_path = join(path, "resource_def");
  return shape;
}

// The bytes of properties a plan may hold with its groups and nested templates expanded (a
// get_file content copied into a thousand members is a gigabyte).
constexpr size_t kMaxPlanBytes = size_t{32} << 20;

struct PlanBudget {
  size_t bytes = 0;
  // Counts `n` copies of `value`; an error once the plan would exceed kMaxPlanBytes.
  Status spend(const json& value, int64_t n, const std::string& path) {
    bytes += value.dump().size() * static_cast<size_t>(std::max<int64_t>(n, 0));
    if (bytes > kMaxPlanBytes) {
      return error(path, fmt::format("the stack's properties would take more than {} MiB with "
                                     "its groups and nested templates expanded",
                                     kMaxPlanBytes >> 20));
    }
    return ok_status();
  }
};

// Expands one group into its members (appended to `out`) and fills the group's members list.
Status expand_group(PlannedResource& group, std::vector<PlannedResource>& out,
                    const std::set<std::string>& names, const TemplateFiles& files,
                    const GroupSizes& sizes, PlanBudget& budget) {
  CL_ASSIGN_OR_RETURN(GroupShape shape, group_shape(group, sizes));
  CL_RETURN_IF_ERROR(budget.spend(shape.def, shape.count, join("resources", group.name)));
  const json& def = shape.def;
  const std::string& dpath = shape.def_path;
  const std::string type_name = def["type"].get<std::string>();
  auto resolved = resolve_resource_type(type_name, files);
  if (!resolved.ok()) {
    return error(join(dpath, "type"), resolved.error().message);
  }
  const ResourceType type = resolved->type;
  if (is_group(type) || type == ResourceType::kScalingPolicy) {
    return error(join(dpath, "type"), "nested resource groups are not supported");
  }
  json props = def.contains("properties") && !def["properties"].is_null() ? def["properties"]
                                                                          : json::object();
  for (int64_t i = 0; i < shape.count; ++i) {
    PlannedResource m;
    m.name = fmt::format("{}{}{}", group.name, kGroupMemberSeparator, i);
    if (names.count(m.name) != 0) {
      return error(join("resources", group.name),
                   fmt::format("member '{}' clashes with a resource of the same name", m.name));
    }
    m.type = type;
    m.type_name = type_name;
    m.template_name = resolved->template_name;
    m.properties = shape.var.empty() ? props : replace_index(props, shape.var, std::to_string(i));
    m.properties_path = join(dpath, "properties");
    m.group = group.name;
    group.members.push_back(m.name);
    out.push_back(std::move(m));
  }
  return ok_status();
}

// Kahn's algorithm, ties broken by position in `resources`; a cycle is reported as a path.
Result<std::vector<PlannedResource>> creation_order(std::vector<PlannedResource> resources) {
  std::map<std::string, size_t> pos;
  for (size_t i = 0; i < resources.size(); ++i) {
    pos[resources[i].name] = i;
  }
  std::vector<size_t> pending(resources.size());
  std::vector<std::vector<size_t>> dependents(resources.size());
  for (size_t i = 0; i < resources.size(); ++i) {
    for (const auto& n : resources[i].needs) {
      auto it = pos.find(n);
      assert(it != pos.end());
      ++pending[i];
      dependents[it->second].push_back(i);
    }
  }
  std::set<size_t> ready;
  for (size_t i = 0; i < resources.size(); ++i) {
    if (pending[i] == 0) {
      ready.insert(i);
    }
  }
  std::vector<size_t> order;
  while (!ready.empty()) {
    size_t i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (size_t d : dependents[i]) {
      if (--pending[d] == 0) {
        ready.insert(d);
      }
    }
  }
  if (order.size() != resources.size()) {
    // Walk unfinished nodes until one repeats: that stretch is a cycle.
    size_t start = 0;
    while (pending[start] == 0) {
      ++start;
    }
    std::vector<size_t> walk{start};
    std::map<size_t, size_t> seen{{start, 0}};
    while (true) {
      size_t cur = walk.back();
      size_t next = cur;
      for (const auto& n : resources[cur].needs) {
        if (pending[pos[n]] != 0) {
          next = pos[n];
          break;
        }
      }
      if (auto it = seen.find(next); it != seen.end()) {
        std::vector<std::string> names;
        for (size_t k = it->second; k < walk.size(); ++k) {
          names.push_back(resources[walk[k]].name);
        }
        names.push_back(resources[next].name);
        return error("resources", fmt::format("dependency cycle: {}", fmt::join(names, " -> ")));
      }
      seen[next] = walk.size();
      walk.push_back(next);
    }
  }
  std::vector<PlannedResource> out;
  out.reserve(order.size());
  for (size_t i : order) {
    out.push_back(std::move(resources[i]));
  }
  return out;
}

// As Heat does: whatever plugs into a network of the stack (ports, servers, floating IPs, router
// interfaces) also needs the network's subnets, and is replaced when one is.
void add_implicit_subnet_dependencies(std::vector<PlannedResource>& resources) {
  std::map<std::string, std::vector<std::string>> subnets;  // net -> its subnets
  for (const auto& r : resources) {
    if (r.type != ResourceType::kSubnet) {
      continue;
    }
    for (const char* key : {"network", "network_id"}) {
      const json& net = r.properties.contains(key) ? r.properties[key] : json();
      if (net.is_object() && net.size() == 1 && net.contains("get_resource") &&
          net["get_resource"].is_string()) {
        subnets[net["get_resource"].get<std::string>()].push_back(r.name);
      }
    }
  }
  for (auto& r : resources) {
    if (r.type == ResourceType::kNet || r.type == ResourceType::kSubnet ||
        r.type == ResourceType::kRouter || is_group(r.type) ||
        r.type == ResourceType::kNestedStack) {
      continue;
    }
    std::set<std::string> extra;
    for (const auto& ref : r.references) {
      if (auto it = subnets.find(ref); it != subnets.end()) {
        extra.insert(it->second.begin(), it->second.end());
      }
    }
    r.references.insert(extra.begin(), extra.end());
    r.needs.insert(extra.begin(), extra.end());
  }
}

// An output with get_param substituted; null when its condition is false (as Heat shows it).
Result<OutputDef> plan_output(const OutputDef& o, const StackPlan& plan, const std::string& path) {
  OutputDef out = o;
  CL_ASSIGN_OR_RETURN(bool on, o.condition.is_null()
                                   ? Result<bool>(true)
                                   : condition_value(o.condition, plan, join(path, "condition")));
  if (on) {
    CL_ASSIGN_OR_RETURN(out.value, substitute(o.value, plan, join(path, "value")));
  } else {
    out.value = nullptr;
  }
  return out;
}

// Where a template being planned sits: the request's files and the templates it is nested in.
struct Nesting {
  const TemplateFiles& files;
  const GroupSizes& sizes;
  std::map<std::string, Template>& parsed;  // nested templates by name, parsed once
  PlanBudget& budget;
  std::vector<std::string> chain;  // template names from the stack's template down
};

Status plan_resources(const Template& tmpl, const StackPlan& plan, const Nesting& nest,
                      std::vector<PlannedResource>& out, std::set<std::string>& names);

Status check_size(const std::set<std::string>& names) {
  if (names.size() > kMaxStackResources) {
    return error("resources", fmt::format("the stack would have more than {} resources with its "
                                          "groups and nested templates expanded",
                                          kMaxStackResources));
  }
  return ok_status();
}

// A nested template's parameters and conditions: the template resource's properties (values
// known only at creation, such as get_resource of the outer stack, are passed as they are).
Result<StackPlan> nested_parameters(const Template& t, const PlannedResource& p,
                                    const StackPlan& outer) {
  StackPlan plan;
  for (const char* name : kPseudoParameters) {
    plan.parameters[name] = outer.parameters.at(name);
  }
  for (const auto& [key, value] : p.properties.items()) {
    if (t.find_parameter(key) == nullptr) {
      return error(join(p.properties_path, key),
                   fmt::format("unknown property: template '{}' has no parameter of that name",
                               p.template_name));
    }
  }
  for (const auto& def : t.parameters) {
    std::string path = join(p.properties_path, def.name);
    if (p.properties.contains(def.name)) {
      const json& v = p.properties[def.name];
      CL_ASSIGN_OR_RETURN(plan.parameters[def.name], has_functions(v)
                                                         ? Result<json>(v)
                                                         : hot::convert_parameter(def, v, path));
    } else if (def.default_value) {
      plan.parameters[def.name] = *def.default_value;
    } else {
      return error(path, fmt::format("required: template '{}' gives this parameter no default",
                                     p.template_name));
    }
  }
  CL_RETURN_IF_ERROR(evaluate_conditions(t, plan));
  return plan;
}

// The nested template `name` of the request's files, parsed (once per plan).
Result<const Template*> nested_template(const std::string& name, const Nesting& nest,
                                        const std::string& path) {
  if (auto it = nest.parsed.find(name); it != nest.parsed.end()) {
    return &it->second;
  }
  auto file = nest.files.files.find(name);
  if (file == nest.files.files.end()) {
    return error(path, fmt::format("template '{}' is not among the request's files", name));
  }
  auto inner = parse_template(file->second, nest.files);
  if (!inner.ok()) {
    std::string_view why = inner.error().message;
    why.remove_prefix(why.starts_with("template: ") ? 10 : 0);
    return error(path, fmt::format("{}: {}", name, why));
  }
  Template t = std::move(inner).value();
  t.files = {};  // planning reads the request's files, not this copy
  t.source = nullptr;
  return &nest.parsed.emplace(name, std::move(t)).first->second;
}

// A template resource expanded: its template's resources (renamed "<p>.<name>") go to `out`
// and become p's members; its outputs become p's attributes.
Status expand_nested(PlannedResource& p, const StackPlan& outer, const Nesting& nest,
                     std::vector<PlannedResource>& out, std::set<std::string>& names) {
  const std::string path = join(join("resources", p.name), "type");
  if (std::find(nest.chain.begin(), nest.chain.end(), p.template_name) != nest.chain.end()) {
    return error(path, fmt::format("nested templates form a cycle: {} -> {}",
                                   fmt::join(nest.chain, " -> "), p.template_name));
  }
  if (nest.chain.size() >= kMaxNesting) {
    return error(path, fmt::format("templates nest more than {} levels deep", kMaxNesting));
  }
  CL_ASSIGN_OR_RETURN(const Template* inner, nested_template(p.template_name, nest, path));
  for (const auto& r : inner->resources) {  // each instance copies them all
    CL_RETURN_IF_ERROR(nest.budget.spend(r.properties, 1, path));
  }
  Template t = hot::prefixed(*inner, p.name + kNestedSeparator);
  CL_ASSIGN_OR_RETURN(StackPlan plan, nested_parameters(t, p, outer));
  Nesting deeper{nest.files, nest.sizes, nest.parsed, nest.budget, nest.chain};
  deeper.chain.push_back(p.template_name);
  std::vector<PlannedResource> parts;
  CL_RETURN_IF_ERROR(plan_resources(t, plan, deeper, parts, names));
  for (auto& r : parts) {
    r.needs.insert(p.needs.begin(), p.needs.end());  // the nested stack waits for its inputs
    if (r.group.empty()) {
      r.group = p.name;
    }
    p.members.push_back(r.name);
  }
  p.needs.insert(p.members.begin(), p.members.end());
  p.references.insert(p.members.begin(), p.members.end());
  for (const auto& o : t.outputs) {
    CL_ASSIGN_OR_RETURN(OutputDef planned, plan_output(o, plan, join(path, o.name)));
    p.outputs[o.name] = std::move(planned.value);
  }
  for (auto& r : parts) {
    out.push_back(std::move(r));
  }
  return ok_status();
}

// References and needs from p's properties; a nested stack expanded into `out`.
Status complete(PlannedResource& p, const StackPlan& plan, const Nesting& nest,
                std::vector<PlannedResource>& out, std::set<std::string>& names) {
  collect_refs(p.properties, p.references);
  p.needs.insert(p.references.begin(), p.references.end());
  CL_RETURN_IF_ERROR(nest.budget.spend(p.properties, 1, join("resources", p.name)));
  if (p.type == ResourceType::kNestedStack) {
    CL_RETURN_IF_ERROR(expand_nested(p, plan, nest, out, names));
  }
  return check_size(names);
}

// A group's members planned (nested ones expanded) into `out` after the group.
Status plan_group(PlannedResource& group, const StackPlan& plan, const Nesting& nest,
                  std::vector<PlannedResource>& out, std::set<std::string>& names) {
  std::vector<PlannedResource> members;
  CL_RETURN_IF_ERROR(expand_group(group, members, names, nest.files, nest.sizes, nest.budget));
  std::vector<PlannedResource> parts;
  for (auto& m : members) {
    m.needs.insert(group.needs.begin(), group.needs.end());
    names.insert(m.name);
    CL_RETURN_IF_ERROR(complete(m, plan, nest, parts, names));
    parts.push_back(std::move(m));
  }
  group.needs.insert(group.members.begin(), group.members.end());
  group.references.insert(group.members.begin(), group.members.end());
  out.push_back(std::move(group));
  for (auto& m : parts) {
    out.push_back(std::move(m));
  }
  return ok_status();
}

// The resources of `tmpl` whose condition holds, planned with `plan`'s parameters into `out`.
Status plan_resources(const Template& tmpl, const StackPlan& plan, const Nesting& nest,
                      std::vector<PlannedResource>& out, std::set<std::string>& names) {
  std::vector<const ResourceDef*> kept;
  for (const auto& r : tmpl.resources) {
    std::string cpath = join(join("resources", r.name), "condition");
    CL_ASSIGN_OR_RETURN(bool on, r.condition.is_null() ? Result<bool>(true)
                                                       : condition_value(r.condition, plan, cpath));
    if (!on) {
      continue;
    }
    if (!names.insert(r.name).second) {
      return error(join("resources", r.name), "clashes with a resource of the same name");
    }
    kept.push_back(&r);
  }
  CL_RETURN_IF_ERROR(check_size(names));
  for (const ResourceDef* r : kept) {
    PlannedResource p;
    p.name = r->name;
    p.type = r->type;
    p.type_name = r->type_name;
    p.template_name = r->template_name;
    p.properties_path = join(join("resources", r->name), "properties");
    CL_ASSIGN_OR_RETURN(p.properties, substitute(r->properties, plan, p.properties_path));
    for (const auto& d : r->depends_on) {
      if (names.count(d) != 0) {  // one its condition leaves out is no dependency
        p.needs.insert(d);
      }
    }
    if (is_group(p.type)) {
      CL_RETURN_IF_ERROR(plan_group(p, plan, nest, out, names));
      continue;
    }
    std::vector<PlannedResource> parts;
    CL_RETURN_IF_ERROR(complete(p, plan, nest, parts, names));
    out.push_back(std::move(p));
    for (auto& part : parts) {
      out.push_back(std::move(part));
    }
  }
  return ok_status();
}
}  // namespace

namespace hot {

Result<json> convert_parameter(const ParameterDef& def, const json& value,
                               const std::string& path) {
  json v;
  switch (def.type) {
    case ParameterType::kString:
      if (value.is_structured()) {
        return error(path, fmt::format("expected a string, got {}", describe(value)));
      }
      v = scalar_text(value);
      break;
    case ParameterType::kNumber: {
      CL_ASSIGN_OR_RETURN(v, to_number(value, path));
      break;
    }
    case ParameterType::kJson:
      if (value.is_string()) {
        v = parse_json(value.get<std::string>(), path).value_or(json());
        if (!v.is_structured()) {
          return error(path, "expected a JSON object or list");
        }
      } else if (value.is_structured()) {
        v = value;
      } else {
        return error(path, fmt::format("expected a JSON object or list, got {}", describe(value)));
      }
      break;
    case ParameterType::kCommaDelimitedList:
      if (value.is_array()) {
        v = json::array();
        for (const auto& item : value) {
          if (item.is_structured()) {
            return error(path, "expected a list of strings");
          }
          v.push_back(scalar_text(item));
        }
      } else if (value.is_string()) {
        v = json::array();
        const std::string text = value.get<std::string>();  // outlives the views of split()
        if (!text.empty()) {
          for (std::string_view part : split(text, ',')) {
            v.push_back(std::string(trim(part)));
          }
        }
      } else {
        return error(path, fmt::format("expected a comma-separated string or a list, got {}",
                                       describe(value)));
      }
      break;
    case ParameterType::kBoolean: {
      std::string s = lower(scalar_text(value));
      if (value.is_boolean()) {
        v = value;
      } else if (s == "true" || s == "yes" || s == "on" || s == "1" || s == "t" || s == "y") {
        v = true;
      } else if (s == "false" || s == "no" || s == "off" || s == "0" || s == "f" || s == "n") {
        v = false;
      } else {
        return error(path, fmt::format("{} is not a boolean", describe(value)));
      }
      break;
    }
  }
  for (const auto& c : def.constraints) {
    CL_RETURN_IF_ERROR(check_constraint(c, v, path));
  }
  return v;
}

}  // namespace hot

const PlannedResource* StackPlan::find(std::string_view name) const {
  for (const auto& r : resources) {
    if (r.name == name) {
      return &r;
    }
  }
  return nullptr;
}

Result<StackPlan> plan_stack(const Template& tmpl, const json& parameters,
                             const std::map<std::string, std::string>& pseudo,
                             const GroupSizes& sizes) {
  StackPlan plan;
  for (const char* name : kPseudoParameters) {
    auto it = pseudo.find(name);
    plan.parameters[name] = it == pseudo.end() ? "" : it->second;
  }
  if (!parameters.is_null() && !parameters.is_object()) {
    return error("parameters", "expected a mapping of parameter name to value");
  }
  if (parameters.is_object()) {
    for (const auto& [name, value] : parameters.items()) {
      if (tmpl.find_parameter(name) == nullptr) {
        std::vector<std::string> names;
        for (const auto& p : tmpl.parameters) {
          names.push_back(p.name);
        }
        return error(
            "parameters",
            fmt::format("unknown parameter '{}' (the template declares: {})", name,
                        names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
      }
    }
  }
  for (const auto& def : tmpl.parameters) {
    std::string path = join("parameters", def.name);
    if (parameters.is_object() && parameters.contains(def.name)) {
      CL_ASSIGN_OR_RETURN(plan.parameters[def.name],
                          hot::convert_parameter(def, parameters[def.name], path));
    } else if (def.default_value) {
      plan.parameters[def.name] = *def.default_value;
    } else {
      return error(path, "required parameter has no default and was not given");
    }
  }
  CL_RETURN_IF_ERROR(evaluate_conditions(tmpl, plan));
  std::vector<PlannedResource> resources;
  std::set<std::string> names;
  std::map<std::string, Template> parsed;
  PlanBudget budget;
  CL_RETURN_IF_ERROR(
      plan_resources(tmpl, plan, Nesting{tmpl.files, sizes, parsed, budget, {}}, resources, names));
  for (const auto& p : resources) {
    for (const auto& n : p.references) {
      if (names.count(n) == 0) {
        return error(p.properties_path,
                     fmt::format("refers to resource '{}', which its condition leaves out", n));
      }
    }
  }
  add_implicit_subnet_dependencies(resources);
  for (const auto& p : resources) {
    if (!is_group(p.type) && p.type != ResourceType::kNestedStack) {  // checked as expanded
      CL_RETURN_IF_ERROR(check_properties(p.type, p.properties, p.properties_path));
    }
  }
  CL_ASSIGN_OR_RETURN(plan.resources, creation_order(std::move(resources)));
  for (const auto& o : tmpl.outputs) {
    CL_ASSIGN_OR_RETURN(OutputDef out, plan_output(o, plan, join("outputs", o.name)));
    plan.outputs.push_back(std::move(out));
  }
  return plan;
}

Result<json> apply_attribute_path(const json& value, const std::vector<json>& path,
                                  const std::string& where) {
  json out = value;
  for (const auto& key : path) {
    CL_ASSIGN_OR_RETURN(out, step(out, key, where));
  }
  return out;
}

Result<json> resolve_value(const json& value, const ReferenceResolver& refs,
                           const std::string& path) {
  std::string_view fn;
  if (hot::is_function(value, &fn)) {
    const json& args = value.begin().value();
    std::string fpath = join(path, fn);
    if (fn == "get_resource") {
      auto id = refs.resource_id(args.get<std::string>());
      if (!id.ok()) {
        return error(fpath, id.error().message);
      }
      return id;
    }
    CL_ASSIGN_OR_RETURN(json sub, resolve_value(args, refs, fpath));
    if (fn == "get_attr") {
      if (!sub.is_array() || sub.size() < 2 || !sub[0].is_string() || !sub[1].is_string()) {
        return error(fpath, "expected a list [resource, attribute, optional path...]");
      }
      std::string name = sub[1].get<std::string>();
      size_t rest = 2;
      if ((name == "outputs" || name == "outputs_list") && sub.size() > 2 && sub[2].is_string()) {
        name += "." + sub[2].get<std::string>();  // a group's attribute of every member
        rest = 3;
      }
      auto attr = refs.attribute(sub[0].get<std::string>(), name);
      if (!attr.ok()) {
        return error(fpath, attr.error().message);
      }
      return apply_attribute_path(*attr, std::vector<json>(sub.begin() + rest, sub.end()), fpath);
    }
    if (fn == "str_replace") {
      return eval_str_replace(sub, fpath);
    }
    if (fn == "list_join") {
      return eval_list_join(sub, fpath);
    }
    return error(fpath, "function left unresolved");
  }
  return hot::map_children(value, path, [&](const json& child, const std::string& child_path) {
    return resolve_value(child, refs, child_path);
  });
}

Result<json> group_attribute(const PlannedResource& group, const std::string& attribute,
                             const ReferenceResolver& refs) {
  if (attribute == "current_size") {
    return json(group.members.size());
  }
  for (std::string_view kind : {"outputs.", "outputs_list."}) {
    if (attribute.starts_with(kind)) {
      const bool as_map = kind == "outputs.";
      json out = as_map ? json::object() : json::array();
      for (const auto& m : group.members) {
        CL_ASSIGN_OR_RETURN(json v, refs.attribute(m, attribute.substr(kind.size())));
        if (as_map) {
          out[m] = std::move(v);
        } else {
          out.push_back(std::move(v));
        }
      }
      return out;
    }
  }
  if (attribute == "refs" || attribute == "refs_map") {
    json list = json::array();
    json map = json::object();
    for (size_t i = 0; i < group.members.size(); ++i) {
      CL_ASSIGN_OR_RETURN(json id, refs.resource_id(group.members[i]));
      list.push_back(id);
      map[std::to_string(i)] = id;
    }
    return attribute == "refs" ? list : map;
  }
  if (attribute.rfind("resource.", 0) == 0) {
    std::string rest = attribute.substr(9);
    size_t dot = rest.find('.');
    std::string idx = rest.substr(0, dot);
    int64_t i = parse_int(idx, "member", 0).value_or(-1);
    if (i < 0 || static_cast<size_t>(i) >= group.members.size()) {
      return make_error(ErrorCode::kInvalidArgument, "resource group '{}' has no member '{}'",
                        group.name, idx);
    }
    const std::string& member = group.members[static_cast<size_t>(i)];
    if (dot == std::string::npos) {
      return refs.resource_id(member);
    }
    return refs.attribute(member, rest.substr(dot + 1));
  }
  json list = json::array();
  for (const auto& m : group.members) {
    CL_ASSIGN_OR_RETURN(json v, refs.attribute(m, attribute));
    list.push_back(std::move(v));
  }
  return list;
}

PlanDiff diff_plans(const StackPlan& old_plan, const StackPlan& new_plan) {
  PlanDiff diff;
  std::set<std::string> replaced;
  for (const auto& r : new_plan.resources) {
    const PlannedResource* old = old_plan.find(r.name);
    if (old == nullptr) {
      diff.added.push_back(r.name);
      continue;
    }
    bool changed = old->type != r.type || old->properties != r.properties;
    for (const auto& ref : r.references) {
      changed = changed || replaced.count(ref) != 0;
    }
    if (changed) {
      replaced.insert(r.name);
      diff.replaced.push_back(r.name);
    } else {
      diff.unchanged.push_back(r.name);
    }
  }
  for (auto it = old_plan.resources.rbegin(); it != old_plan.resources.rend(); ++it) {
    if (new_plan.find(it->name) == nullptr) {
      diff.removed.push_back(it->name);
    }
  }
  return diff;
}

}  // namespace chainlab::openstack
