// HOT parsing: text -> JSON tree -> Template, with structural checks of every section and of the
// intrinsic functions' arguments and references. yaml-cpp stays inside this file.
#include "frontends/openstack/hot_template.h"
#include "common/json_bounded.h"

#include <algorithm>

#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "common/field_path.h"
#include "common/files.h"
#include "common/safe_regex.h"
#include "common/units.h"
#include "common/yaml_load.h"
#include "frontends/openstack/hot_internal.h"

namespace chainlab::openstack {

using nlohmann::json;

namespace hot {

Error error(std::string_view path, std::string_view message) {
  return field_error("template", path, message);
}

std::string join(std::string_view path, std::string_view key) {
  return field_join(path, key);
}

std::string index(std::string_view path, size_t i) {
  return field_item(path, i);
}

bool is_function(const json& value, std::string_view* name) {
  if (!value.is_object() || value.size() != 1) {
    return false;
  }
  const std::string& key = value.begin().key();
  static const std::set<std::string, std::less<>> kFunctions = {
      "get_param",
      "get_resource",
      "get_attr",
      "str_replace",
      "list_join",
      "get_file",
      "repeat",
      "digest",
      "str_split",
      "map_merge",
      "map_replace",
      "yaql",
      "equals",
      "if",
      "not",
      "and",
      "or",
      "filter",
      "make_url",
      "contains",
      "list_concat",
      "list_concat_unique",
      "str_replace_strict",
      "str_replace_vstrict",
      "resource_facade",
      "Fn::Select",
      "Ref",
      "Fn::GetAtt",
  };
  if (kFunctions.count(key) == 0) {
    return false;
  }
  if (name != nullptr) {
    *name = key;
  }
  return true;
}

bool one_of(std::string_view key, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

bool is_supported_function(std::string_view name) {
  return name == "get_param" || name == "get_resource" || name == "get_attr" ||
         name == "str_replace" || name == "list_join" || name == "if" || name == "get_file";
}

std::string describe(const json& value) {
  std::string s = value.dump();
  if (s.size() > 60) {
    s = s.substr(0, 57) + "...";
  }
  return s;
}

}  // namespace hot

namespace {

using hot::error;
using hot::join;

struct TypeName {
  ResourceType type;
  const char* name;
};
constexpr TypeName kTypes[] = {
    {ResourceType::kServer, "OS::Nova::Server"},
    {ResourceType::kNet, "OS::Neutron::Net"},
    {ResourceType::kSubnet, "OS::Neutron::Subnet"},
    {ResourceType::kPort, "OS::Neutron::Port"},
    {ResourceType::kRouter, "OS::Neutron::Router"},
    {ResourceType::kRouterInterface, "OS::Neutron::RouterInterface"},
    {ResourceType::kFloatingIp, "OS::Neutron::FloatingIP"},
    {ResourceType::kResourceGroup, "OS::Heat::ResourceGroup"},
    {ResourceType::kAutoScalingGroup, "OS::Heat::AutoScalingGroup"},
    {ResourceType::kScalingPolicy, "OS::Heat::ScalingPolicy"},
    {ResourceType::kSecurityGroup, "OS::Neutron::SecurityGroup"},
};

const std::set<std::string, std::less<>> kVersions = {
    "2013-05-23", "2014-10-16", "2015-04-30", "2015-10-15", "2016-04-08", "2016-10-14",
    "2017-02-24", "2017-09-01", "2018-03-02", "2018-08-31", "2021-04-16", "newton",
    "ocata",      "pike",       "queens",     "rocky",      "wallaby",
};

// ---- YAML -> JSON ----

// Digits from `i` on; returns where they end.
size_t digits(std::string_view s, size_t i) {
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    ++i;
  }
  return i;
}

size_t sign(std::string_view s, size_t i) {
  return i < s.size() && (s[i] == '-' || s[i] == '+') ? i + 1 : i;
}

// [-+]?[0-9]+ (a scan, not std::regex: its recursive matcher overflows the stack on long scalars)
bool is_yaml_int(std::string_view s) {
  size_t start = sign(s, 0);
  size_t end = digits(s, start);
  return end > start && end == s.size();
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_yaml_float(std::string_view s) {
  size_t i = sign(s, 0);
  size_t int_end = digits(s, i);
  if (int_end > i) {
    i = int_end;
    if (i < s.size() && s[i] == '.') {
      i = digits(s, i + 1);
    }
  } else {
    if (i >= s.size() || s[i] != '.') {
      return false;
    }
    size_t frac_end = digits(s, i + 1);
    if (frac_end == i + 1) {
      return false;
    }
    i = frac_end;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t exp_start = sign(s, i + 1);
    size_t exp_end = digits(s, exp_start);
    if (exp_end == exp_start) {
      return false;
    }
    i = exp_end;
  }
  return i == s.size();
}

json scalar_value(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() != "?") {  // quoted or explicitly tagged: a string
    return s;
  }
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    return nullptr;
  }
  if (s == "true" || s == "True" || s == "TRUE") {
    return true;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    return false;
  }
  // Numbers that do not fit an int64 or a finite double stay strings.
  if (is_yaml_int(s)) {
    auto v = parse_int(s, "");
    return v.ok() ? json(*v) : json(s);
  }
  if (is_yaml_float(s)) {
    auto v = parse_number(s, "");
    return v.ok() ? json(*v) : json(s);
  }
  return s;
}

Result<json> to_json(const YAML::Node& node, const std::string& path) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return json(nullptr);
    case YAML::NodeType::Scalar:
      return scalar_value(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      size_t i = 0;
      for (const auto& item : node) {
        CL_ASSIGN_OR_RETURN(json v, to_json(item, hot::index(path, i++)));
        out.push_back(std::move(v));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          return error(path, "mapping keys must be plain strings");
        }
        const std::string& key = kv.first.Scalar();
        if (out.contains(key)) {
          return error(path, fmt::format("duplicate key '{}'", key));
        }
        CL_ASSIGN_OR_RETURN(json v, to_json(kv.second, join(path, key)));
        out[key] = std::move(v);
      }
      return out;
    }
  }
  return json(nullptr);
}

// ---- Template sections ----

Status check_keys(const json& node, const std::string& path,
                  std::initializer_list<std::string_view> allowed) {
  if (!node.is_object()) {
    return error(path, fmt::format("expected a mapping with keys {}", fmt::join(allowed, ", ")));
  }
  for (const auto& [key, value] : node.items()) {
    if (!hot::one_of(key, allowed)) {
      return error(path, fmt::format("unknown key '{}' (expected one of: {})", key,
                                     fmt::join(allowed, ", ")));
    }
  }
  return ok_status();
}

Result<std::string> string_field(const json& node, const std::string& path) {
  if (!node.is_string()) {
    return error(path, fmt::format("expected a string, got {}", hot::describe(node)));
  }
  return node.get<std::string>();
}

Result<std::optional<double>> number_field(const json& node, std::string_view key,
                                           const std::string& path) {
  auto it = node.find(key);
  if (it == node.end() || it->is_null()) {
    return std::optional<double>();
  }
  if (!it->is_number()) {
    return error(join(path, key), fmt::format("expected a number, got {}", hot::describe(*it)));
  }
  return std::optional<double>(it->get<double>());
}

Result<ParameterType> parameter_type(const json& node, const std::string& path) {
  CL_ASSIGN_OR_RETURN(std::string t, string_field(node, path));
  if (t == "string") {
    return ParameterType::kString;
  }
  if (t == "number") {
    return ParameterType::kNumber;
  }
  if (t == "json") {
    return ParameterType::kJson;
  }
  if (t == "comma_delimited_list") {
    return ParameterType::kCommaDelimitedList;
  }
  if (t == "boolean") {
    return ParameterType::kBoolean;
  }
  return error(path, fmt::format("unknown parameter type '{}' (expected string, number, json, "
                                 "comma_delimited_list or boolean)",
                                 t));
}

Result<ParameterConstraint> parse_constraint(const json& node, const std::string& path) {
  CL_RETURN_IF_ERROR(check_keys(node, path,
                                {"allowed_values", "range", "length", "allowed_pattern",
                                 "description", "custom_constraint", "modulo"}));
  ParameterConstraint c;
  if (node.contains("description")) {
    CL_ASSIGN_OR_RETURN(c.description,
                        string_field(node["description"], join(path, "description")));
  }
  if (node.contains("allowed_values")) {
    const json& v = node["allowed_values"];
    if (!v.is_array() || v.empty()) {
      return error(join(path, "allowed_values"), "expected a non-empty list");
    }
    c.allowed_values.assign(v.begin(), v.end());
  }
  if (node.contains("range")) {
    std::string rpath = join(path, "range");
    CL_RETURN_IF_ERROR(check_keys(node["range"], rpath, {"min", "max"}));
    CL_ASSIGN_OR_RETURN(c.min, number_field(node["range"], "min", rpath));
    CL_ASSIGN_OR_RETURN(c.max, number_field(node["range"], "max", rpath));
  }
  if (node.contains("length")) {
    std::string lpath = join(path, "length");
    CL_RETURN_IF_ERROR(check_keys(node["length"], lpath, {"min", "max"}));
    CL_ASSIGN_OR_RETURN(c.min_length, number_field(node["length"], "min", lpath));
    CL_ASSIGN_OR_RETURN(c.max_length, number_field(node["length"], "max", lpath));
  }
  if (node.contains("allowed_pattern")) {
    std::string ppath = join(path, "allowed_pattern");
    CL_ASSIGN_OR_RETURN(c.allowed_pattern, string_field(node["allowed_pattern"], ppath));
    if (auto re = compile_safe_regex(c.allowed_pattern); !re.ok()) {
      return error(ppath, re.error().message);
    }
  }
  return c;
}

Result<ParameterDef> parse_parameter(const std::string& name, const json& node,
                                     const std::string& path) {
  CL_RETURN_IF_ERROR(check_keys(
      node, path,
      {"type", "label", "description", "default", "hidden", "constraints", "immutable", "tags"}));
  ParameterDef p;
  p.name = name;
  if (!node.contains("type")) {
    return error(path, "missing key 'type'");
  }
  CL_ASSIGN_OR_RETURN(p.type, parameter_type(node["type"], join(path, "type")));
  if (node.contains("description")) {
    CL_ASSIGN_OR_RETURN(p.description,
                        string_field(node["description"], join(path, "description")));
  }
  if (node.contains("hidden")) {
    if (!node["hidden"].is_boolean()) {
      return error(join(path, "hidden"), "expected true or false");
    }
    p.hidden = node["hidden"].get<bool>();
  }
  if (node.contains("constraints")) {
    const json& cs = node["constraints"];
    std::string cpath = join(path, "constraints");
    if (!cs.is_array()) {
      return error(cpath, "expected a list");
    }
    for (size_t i = 0; i < cs.size(); ++i) {
      CL_ASSIGN_OR_RETURN(ParameterConstraint c, parse_constraint(cs[i], hot::index(cpath, i)));
      p.constraints.push_back(std::move(c));
    }
  }
  if (node.contains("default") && !node["default"].is_null()) {
    CL_ASSIGN_OR_RETURN(json v, hot::convert_parameter(p, node["default"], join(path, "default")));
    p.default_value = std::move(v);
  }
  return p;
}

bool is_pseudo_parameter(const std::string& name) {
  return std::find(std::begin(kPseudoParameters), std::end(kPseudoParameters), name) !=
         std::end(kPseudoParameters);
}

// What names in a template refer to: its resources, parameters and conditions (mappings).
struct Scope {
  const json& resources;
  const json& parameters;
  const json& conditions;
  const TemplateFiles& files;
};

// How many bytes of files get_file may copy into one template (each use is a copy).
constexpr size_t kMaxInlinedBytes = size_t{8} << 20;

// `value` with every get_file replaced by the content it names (one check_functions did not
// check, e.g. inside a get_param path, stays a function: "left unresolved" when it is used).
// `budget`: the bytes still allowed.
Result<json> inline_files(const json& value, const TemplateFiles& files, size_t& budget,
                          const std::string& path) {
  std::string_view fn;
  if (hot::is_function(value, &fn) && fn == "get_file" && value.begin().value().is_string()) {
    auto it = files.files.find(value.begin().value().get<std::string>());
    if (it == files.files.end()) {
      return value;
    }
    if (it->second.size() > budget) {
      return error(path, fmt::format("get_file copies more than {} MiB into the template",
                                     kMaxInlinedBytes >> 20));
    }
    budget -= it->second.size();
    return json(it->second);
  }
  return hot::map_children(value, path, [&](const json& child, const std::string& child_path) {
    return inline_files(child, files, budget, child_path);
  });
}

bool looks_like_template(std::string_view type) {
  return type.ends_with(".yaml") || type.ends_with(".template") || type.ends_with(".yml");
}

Status check_functions(const json& value, const std::string& path, const Scope& scope);

// Checks a condition: true/false, the name of a condition, get_param, or equals [a, b], not x,
// and [x, y, ...], or [x, y, ...] over conditions.
Status check_condition(const json& value, const std::string& path, const Scope& scope) {
  if (value.is_boolean()) {
    return ok_status();
  }
  if (value.is_string()) {
    if (!scope.conditions.is_object() || !scope.conditions.contains(value.get<std::string>())) {
      return error(path, fmt::format("unknown condition '{}'", value.get<std::string>()));
    }
    return ok_status();
  }
  std::string_view fn;
  if (!hot::is_function(value, &fn)) {
    return error(path, "expected a condition: a boolean, a condition name or a condition function");
  }
  const json& args = value.begin().value();
  std::string fpath = join(path, fn);
  if (fn == "get_param") {
    return check_functions(value, path, scope);
  }
  if (fn == "equals") {
    if (!args.is_array() || args.size() != 2) {
      return error(fpath, "expected a list of two values");
    }
    return check_functions(args, fpath, scope);
  }
  if (fn == "not") {
    return check_condition(args, fpath, scope);
  }
  if (fn == "and" || fn == "or") {
    if (!args.is_array() || args.size() < 2) {
      return error(fpath, "expected a list of at least two conditions");
    }
    for (size_t i = 0; i < args.size(); ++i) {
      CL_RETURN_IF_ERROR(check_condition(args[i], hot::index(fpath, i), scope));
    }
    return ok_status();
  }
  return error(path, fmt::format("unsupported condition function '{}' (supported: get_param, "
                                 "equals, not, and, or)",
                                 fn));
}

// Checks function syntax and references inside a resource's properties or an output's value.
Status check_functions(const json& value, const std::string& path, const Scope& scope) {
  const json& resources = scope.resources;
  const json& parameters = scope.parameters;
  std::string_view fn;
  if (hot::is_function(value, &fn)) {
    const json& args = value.begin().value();
    std::string fpath = join(path, fn);
    if (!hot::is_supported_function(fn)) {
      return error(path, fmt::format("unsupported intrinsic function '{}' (supported: get_param, "
                                     "get_resource, get_attr, str_replace, list_join, if, "
                                     "get_file)",
                                     fn));
    }
    if (fn == "get_file") {
      if (!args.is_string()) {
        return error(fpath, "expected a file name");
      }
      if (scope.files.files.count(args.get<std::string>()) == 0) {
        return error(fpath, fmt::format("No content found in the \"files\" section for get_file "
                                        "path: {}",
                                        args.get<std::string>()));
      }
      return ok_status();
    }
    if (fn == "get_param") {
      const json& name = args.is_array() && !args.empty() ? args[0] : args;
      if (!name.is_string()) {
        return error(fpath, "expected a parameter name or a list [name, key or index, ...]");
      }
      if (is_pseudo_parameter(name.get<std::string>())) {
        return ok_status();
      }
      if (!parameters.is_object() || !parameters.contains(name.get<std::string>())) {
        return error(fpath, fmt::format("unknown parameter '{}'", name.get<std::string>()));
      }
      return ok_status();
    }
    if (fn == "get_resource") {
      if (!args.is_string()) {
        return error(fpath, "expected a resource name");
      }
      if (!resources.contains(args.get<std::string>())) {
        return error(fpath, fmt::format("unknown resource '{}'", args.get<std::string>()));
      }
      return ok_status();
    }
    if (fn == "get_attr") {
      if (!args.is_array() || args.size() < 2 || !args[0].is_string()) {
        return error(fpath, "expected a list [resource, attribute, optional path...]");
      }
      if (!resources.contains(args[0].get<std::string>())) {
        return error(fpath, fmt::format("unknown resource '{}'", args[0].get<std::string>()));
      }
      for (size_t i = 1; i < args.size(); ++i) {
        CL_RETURN_IF_ERROR(check_functions(args[i], hot::index(fpath, i), scope));
        if (!args[i].is_string() && !args[i].is_number_integer() && !args[i].is_object()) {
          return error(hot::index(fpath, i), "expected an attribute name, key or index");
        }
      }
      return ok_status();
    }
    if (fn == "if") {
      if (!args.is_array() || args.size() != 3) {
        return error(fpath, "expected a list [condition, value if true, value if false]");
      }
      CL_RETURN_IF_ERROR(check_condition(args[0], hot::index(fpath, 0), scope));
      CL_RETURN_IF_ERROR(check_functions(args[1], hot::index(fpath, 1), scope));
      return check_functions(args[2], hot::index(fpath, 2), scope);
    }
    if (fn == "str_replace") {
      if (!args.is_object() || !args.contains("template") || !args.contains("params") ||
          !args["params"].is_object()) {
        return error(fpath, "expected a mapping with 'template' and a 'params' mapping");
      }
      return check_functions(args, fpath, scope);
    }
    // list_join
    if (!args.is_array() || args.size() < 2 || !args[0].is_string()) {
      return error(fpath, "expected a list [delimiter, list, ...]");
    }
    for (size_t i = 1; i < args.size(); ++i) {
      CL_RETURN_IF_ERROR(check_functions(args[i], hot::index(fpath, i), scope));
    }
    return ok_status();
  }
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) {
      CL_RETURN_IF_ERROR(check_functions(v, join(path, k), scope));
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      CL_RETURN_IF_ERROR(check_functions(value[i], hot::index(path, i), scope));
    }
  }
  return ok_status();
}

// A resource's or output's `condition`: a condition name or a boolean (null when absent).
Result<json> condition_reference(const json& node, const std::string& path, const Scope& scope) {
  if (!node.contains("condition") || node["condition"].is_null()) {
    return json();
  }
  const json& c = node["condition"];
  if (!c.is_string() && !c.is_boolean()) {
    return error(join(path, "condition"), "expected a condition name or a boolean");
  }
  CL_RETURN_IF_ERROR(check_condition(c, join(path, "condition"), scope));
  return c;
}

// A resource's type (resolve_resource_type), with the path in its error.
Status parse_type(ResourceDef& r, const std::string& type, const std::string& path,
                  const TemplateFiles& files) {
  r.type_name = type;
  auto t = resolve_resource_type(type, files);
  if (!t.ok()) {
    return error(path, t.error().message);
  }
  r.type = t->type;
  r.template_name = t->template_name;
  return ok_status();
}

Result<ResourceDef> parse_resource(const std::string& name, const json& node,
                                   const std::string& path, const json& tree,
                                   const TemplateFiles& files, size_t& inline_budget) {
  CL_RETURN_IF_ERROR(check_keys(node, path,
                                {"type", "properties", "depends_on", "metadata", "update_policy",
                                 "deletion_policy", "external_id", "condition"}));
  ResourceDef r;
  r.name = name;
  if (!node.contains("type")) {
    return error(path, "missing key 'type'");
  }
  CL_ASSIGN_OR_RETURN(std::string type, string_field(node["type"], join(path, "type")));
  CL_RETURN_IF_ERROR(parse_type(r, type, join(path, "type"), files));
  if (node.contains("external_id")) {
    return error(path, "'external_id' is not supported");
  }
  if (node.contains("properties") && !node["properties"].is_null()) {
    r.properties = node["properties"];
    if (!r.properties.is_object()) {
      return error(join(path, "properties"), "expected a mapping");
    }
  }
  const json& resources = tree["resources"];
  const json params = tree.contains("parameters") ? tree["parameters"] : json::object();
  const json conditions = tree.contains("conditions") ? tree["conditions"] : json::object();
  Scope scope{resources, params, conditions, files};
  CL_RETURN_IF_ERROR(check_functions(r.properties, join(path, "properties"), scope));
  CL_ASSIGN_OR_RETURN(r.properties,
                      inline_files(r.properties, files, inline_budget, join(path, "properties")));
  CL_ASSIGN_OR_RETURN(r.condition, condition_reference(node, path, scope));
  if (node.contains("depends_on") && !node["depends_on"].is_null()) {
    const json& d = node["depends_on"];
    std::string dpath = join(path, "depends_on");
    std::vector<json> items =
        d.is_array() ? std::vector<json>(d.begin(), d.end()) : std::vector<json>{d};
    for (size_t i = 0; i < items.size(); ++i) {
      std::string ipath = d.is_array() ? hot::index(dpath, i) : dpath;
      CL_ASSIGN_OR_RETURN(std::string dep, string_field(items[i], ipath));
      if (!resources.contains(dep)) {
        return error(ipath, fmt::format("unknown resource '{}'", dep));
      }
      r.depends_on.push_back(std::move(dep));
    }
  }
  return r;
}

}  // namespace

const char* resource_type_name(ResourceType type) {
  if (type == ResourceType::kNestedStack) {
    return "OS::Heat::Stack";
  }
  for (const auto& t : kTypes) {
    if (t.type == type) {
      return t.name;
    }
  }
  return "?";
}

Result<ResourceType> parse_resource_type(std::string_view name) {
  std::vector<std::string_view> names;
  for (const auto& t : kTypes) {
    if (name == t.name) {
      return t.type;
    }
    names.emplace_back(t.name);
  }
  return make_error(ErrorCode::kInvalidArgument, "unsupported resource type '{}' (supported: {})",
                    name, fmt::join(names, ", "));
}

const ResourceDef* Template::find_resource(std::string_view name) const {
  for (const auto& r : resources) {
    if (r.name == name) {
      return &r;
    }
  }
  return nullptr;
}

const ParameterDef* Template::find_parameter(std::string_view name) const {
  for (const auto& p : parameters) {
    if (p.name == name) {
      return &p;
    }
  }
  return nullptr;
}

Result<json> yaml_to_json(const std::string& text, std::string_view source) {
  // Bounded: at most 100,000 nodes once aliases are expanded, 64 levels (common/yaml_load.h).
  CL_ASSIGN_OR_RETURN(YAML::Node root, load_yaml(text, source));
  try {
    return to_json(root, "");
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {}", source, e.msg);
  }
}

Result<ResolvedType> resolve_resource_type(const std::string& type, const TemplateFiles& files) {
  std::string resolved = files.resolve(type);
  auto t = parse_resource_type(resolved);
  if (t.ok()) {
    return ResolvedType{*t, ""};
  }
  if (files.files.count(resolved) != 0) {
    return ResolvedType{ResourceType::kNestedStack, resolved};
  }
  if (looks_like_template(resolved)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "template '{}' is not among the request's files (heatclient sends the "
                      "files a template names)",
                      resolved);
  }
  return std::move(t).error();
}

std::string TemplateFiles::resolve(const std::string& type) const {
  auto it = registry.find(type);
  return it == registry.end() ? type : it->second;
}

Result<Template> parse_template(const std::string& text, const TemplateFiles& files) {
  std::string_view body = trim(text);
  if (!body.empty() && body.front() == '{') {
    auto tree = parse_json(body, "JSON");
    if (!tree.ok()) {
      return error("", tree.error().message.find("nested") != std::string::npos
                           ? tree.error().message
                           : "not valid JSON");
    }
    return parse_template(*tree, files);
  }
  auto tree = yaml_to_json(text, "template");
  if (!tree.ok()) {
    return std::move(tree).error();
  }
  return parse_template(*tree, files);
}

Result<Template> parse_template(const json& tree, const TemplateFiles& files) {
  if (tree.is_null()) {
    return error("", "empty document; expected a mapping with heat_template_version and resources");
  }
  CL_RETURN_IF_ERROR(check_keys(tree, "",
                                {"heat_template_version", "description", "parameters",
                                 "parameter_groups", "resources", "outputs", "conditions"}));
  Template t;
  t.source = tree;
  t.files = files;
  size_t inline_budget = kMaxInlinedBytes;
  if (!tree.contains("heat_template_version")) {
    return error("", "missing key 'heat_template_version'");
  }
  const json& version = tree["heat_template_version"];
  t.version = version.is_string() ? version.get<std::string>() : version.dump();
  if (kVersions.count(t.version) == 0) {
    return error("heat_template_version", fmt::format("unknown version '{}' (expected one of: {})",
                                                      t.version, fmt::join(kVersions, ", ")));
  }
  if (tree.contains("description") && !tree["description"].is_null()) {
    CL_ASSIGN_OR_RETURN(t.description, string_field(tree["description"], "description"));
  }
  const json no_conditions = json::object();
  const json& conditions = tree.contains("conditions") && !tree["conditions"].is_null()
                               ? tree["conditions"]
                               : no_conditions;
  if (!conditions.is_object()) {
    return error("conditions", "expected a mapping of condition name to condition");
  }
  {
    const json params = tree.contains("parameters") ? tree["parameters"] : json::object();
    const json no_resources = json::object();  // conditions cannot name resources
    Scope scope{no_resources, params, conditions, files};
    for (const auto& [name, expr] : conditions.items()) {
      CL_RETURN_IF_ERROR(check_condition(expr, join("conditions", name), scope));
      t.conditions[name] = expr;
    }
  }
  if (tree.contains("parameters") && !tree["parameters"].is_null()) {
    const json& ps = tree["parameters"];
    if (!ps.is_object()) {
      return error("parameters", "expected a mapping of parameter name to definition");
    }
    for (const auto& [name, node] : ps.items()) {
      CL_ASSIGN_OR_RETURN(ParameterDef p, parse_parameter(name, node, join("parameters", name)));
      t.parameters.push_back(std::move(p));
    }
  }
  if (!tree.contains("resources") || tree["resources"].is_null()) {
    return error("", "missing key 'resources'");
  }
  const json& rs = tree["resources"];
  if (!rs.is_object()) {
    return error("resources", "expected a mapping of resource name to definition");
  }
  for (const auto& [name, node] : rs.items()) {
    CL_ASSIGN_OR_RETURN(ResourceDef r, parse_resource(name, node, join("resources", name), tree,
                                                      files, inline_budget));
    t.resources.push_back(std::move(r));
  }
  if (tree.contains("outputs") && !tree["outputs"].is_null()) {
    const json& os = tree["outputs"];
    if (!os.is_object()) {
      return error("outputs", "expected a mapping of output name to definition");
    }
    const json params = tree.contains("parameters") ? tree["parameters"] : json::object();
    for (const auto& [name, node] : os.items()) {
      std::string opath = join("outputs", name);
      CL_RETURN_IF_ERROR(check_keys(node, opath, {"description", "value", "condition"}));
      OutputDef o;
      o.name = name;
      if (node.contains("description") && !node["description"].is_null()) {
        CL_ASSIGN_OR_RETURN(o.description,
                            string_field(node["description"], join(opath, "description")));
      }
      if (!node.contains("value")) {
        return error(opath, "missing key 'value'");
      }
      o.value = node["value"];
      Scope scope{rs, params, conditions, files};
      CL_RETURN_IF_ERROR(check_functions(o.value, join(opath, "value"), scope));
      CL_ASSIGN_OR_RETURN(o.value,
                          inline_files(o.value, files, inline_budget, join(opath, "value")));
      CL_ASSIGN_OR_RETURN(o.condition, condition_reference(node, opath, scope));
      t.outputs.push_back(std::move(o));
    }
  }
  return t;
}

}  // namespace chainlab::openstack
