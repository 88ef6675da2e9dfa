// HOT (Heat Orchestration Template) model: parsing, parameters, intrinsic functions, the resource
// dependency graph, OS::Heat::ResourceGroup expansion and the diff an update applies.
//
// Pipeline (each step validates and fails with "template: <path>: <message>"):
//   parse_template(text)            YAML or JSON text -> Template (structure, types, references)
//   plan_stack(template, params)    parameters merged with defaults and checked against their
//                                   constraints; get_param / static str_replace / list_join
//                                   substituted; groups expanded; properties checked per type
//                                   (hot_resources.h); creation order computed -> StackPlan
//   resolve_value(value, refs)      at creation time: get_resource / get_attr replaced with the
//                                   ids and attributes of resources already created
//   diff_plans(old, new)            which resources an update adds, removes, replaces, keeps
//
// Template values (properties, outputs, parameter values) are arbitrary HOT data and are held as
// JSON trees; each resource's properties become a typed spec in hot_resources.h before use.
//
// Intrinsic functions: get_param (with a path into list/json parameters), get_resource,
// get_attr (resource, attribute, optional path), str_replace, list_join, if, get_file (the
// content of a file the request sent, inlined by parse_template). Conditions (the
// `conditions` section; a resource's or output's `condition`; if's first argument): booleans,
// condition names, get_param, equals, not, and, or — evaluated by plan_stack. Resource types:
// OS::Nova::Server, OS::Neutron::{Net,Subnet,Port,Router,RouterInterface,FloatingIP},
// OS::Heat::ResourceGroup (count, resource_def, index_var; members are named "<group>-<index>"),
// OS::Heat::AutoScalingGroup (its size is stack state: GroupSizes) + OS::Heat::ScalingPolicy,
// and template resources: a type naming a template of the request's `files` (directly or through
// the environment's resource_registry) is a nested stack whose parameters are the resource's
// properties and whose outputs are its attributes; plan_stack expands it into the stack as
// "<resource>.<inner resource>" (cycles and more than kMaxNesting levels are refused).
// See docs/api/heat.md.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace chainlab::openstack {

enum class ResourceType {
  kServer,            // OS::Nova::Server
  kNet,               // OS::Neutron::Net
  kSubnet,            // OS::Neutron::Subnet
  kPort,              // OS::Neutron::Port
  kRouter,            // OS::Neutron::Router
  kRouterInterface,   // OS::Neutron::RouterInterface
  kFloatingIp,        // OS::Neutron::FloatingIP
  kResourceGroup,     // OS::Heat::ResourceGroup
  kNestedStack,       // a template resource (another template of the request's files)
  kAutoScalingGroup,  // OS::Heat::AutoScalingGroup
  kScalingPolicy,     // OS::Heat::ScalingPolicy
  kSecurityGroup,     // OS::Neutron::SecurityGroup
};

const char* resource_type_name(ResourceType type);
// InvalidArgument naming the supported types for anything else.
Result<ResourceType> parse_resource_type(std::string_view name);

struct TemplateFiles;
// What a resource type names: a built-in type, or (kNestedStack) a template of `files`, through
// the registry or by its name. InvalidArgument otherwise; a template name (.yaml, .yml,
// .template) missing from the files says so.
struct ResolvedType {
  ResourceType type;
  std::string template_name;  // kNestedStack: its key in files
};
Result<ResolvedType> resolve_resource_type(const std::string& type, const TemplateFiles& files);

// What a stack request brings besides its template: heatclient's `files` (nested templates and
// get_file contents under the name or URL the template uses) and the environment's
// resource_registry (a resource type -> a name in `files` or another type).
struct TemplateFiles {
  std::map<std::string, std::string> files;
  std::map<std::string, std::string> registry;

  // `type` through the registry (itself when not registered).
  std::string resolve(const std::string& type) const;
};

// Heat's pseudo parameters, which every template may get_param.
inline constexpr const char* kPseudoParameters[] = {"OS::stack_name", "OS::stack_id",
                                                    "OS::project_id"};

// How deep templates may nest (Heat's max_nested_stack_depth) and how many resources a stack
// may have with every group and nested template expanded (Heat's max_resources_per_stack).
inline constexpr size_t kMaxNesting = 5;
inline constexpr size_t kMaxStackResources = 1000;

enum class ParameterType { kString, kNumber, kJson, kCommaDelimitedList, kBoolean };

struct ParameterConstraint {
  std::vector<nlohmann::json> allowed_values;  // empty: any
  std::optional<double> min, max;              // range (numbers)
  std::optional<double> min_length, max_length;
  std::string allowed_pattern;  // full-match regex (strings)
  std::string description;      // reported when the constraint fails
};

struct ParameterDef {
  std::string name;
  ParameterType type = ParameterType::kString;
  std::optional<nlohmann::json> default_value;
  std::string description;
  bool hidden = false;
  std::vector<ParameterConstraint> constraints;
};

struct ResourceDef {
  std::string name;
  ResourceType type;
  std::string type_name;      // as written ("OS::Nova::Server", "vnf.yaml", "My::VNF")
  std::string template_name;  // kNestedStack: its key in TemplateFiles::files
  nlohmann::json properties = nlohmann::json::object();  // functions unresolved
  std::vector<std::string> depends_on;
  nlohmann::json condition;  // null, a condition name or a boolean: left out when false
};

struct OutputDef {
  std::string name;
  std::string description;
  nlohmann::json value;      // functions unresolved
  nlohmann::json condition;  // as a resource's: null (the value) when false
};

struct Template {
  std::string version;  // heat_template_version as written
  std::string description;
  std::vector<ParameterDef> parameters;  // template order
  std::vector<ResourceDef> resources;    // template order
  std::vector<OutputDef> outputs;
  std::map<std::string, nlohmann::json> conditions;  // name -> condition, unevaluated
  nlohmann::json source;  // the template as a JSON tree (what GET .../template returns)
  TemplateFiles files;    // what the request sent with it

  const ResourceDef* find_resource(std::string_view name) const;
  const ParameterDef* find_parameter(std::string_view name) const;
};

// Parses a HOT template from YAML or JSON text. Errors: "template: <path>: <message>". `files`
// resolves template resource types and get_file (a name missing from it is an error); the
// Template keeps a copy.
Result<Template> parse_template(const std::string& text, const TemplateFiles& files = {});
// Parses a template already given as a JSON tree (heatclient sends the template as an object).
Result<Template> parse_template(const nlohmann::json& tree, const TemplateFiles& files = {});
// YAML text -> JSON tree (plain scalars typed as YAML 1.2 core: int, float, bool, null).
Result<nlohmann::json> yaml_to_json(const std::string& text, std::string_view source);

// One resource of an instantiated stack.
struct PlannedResource {
  std::string name;  // group members: "<group>-<index>" (kGroupMemberSeparator); resources of
                     // a nested template: "<template resource>.<name>" (kNestedSeparator)
  ResourceType type;
  std::string type_name;             // as written in the template
  std::string template_name;         // kNestedStack: the nested template's key in the files
  nlohmann::json properties;         // get_param substituted; get_resource / get_attr remain
  std::string properties_path;       // where the properties are in the template, for errors
  std::set<std::string> references;  // resources named by get_resource / get_attr
  std::set<std::string> needs;       // references plus depends_on: must exist first
  std::string group;                 // the group or nested stack this is part of, or empty
  std::vector<std::string> members;  // a group's members in index order; a nested stack's
                                     // resources
  std::map<std::string, nlohmann::json> outputs;  // a nested stack's: its attributes (functions
                                                  // unresolved)
};

inline constexpr char kGroupMemberSeparator = '-';
inline constexpr char kNestedSeparator = '.';

struct StackPlan {
  std::map<std::string, nlohmann::json> parameters;  // effective values, typed
  std::map<std::string, bool> conditions;            // evaluated with the parameters
  std::vector<PlannedResource> resources;            // creation order (dependencies first)
  std::vector<OutputDef> outputs;                    // get_param substituted

  const PlannedResource* find(std::string_view name) const;
};

// The sizes a stack's autoscaling groups were scaled to by signals (group name -> size); a group
// not named has its desired_capacity, else its min_size.
using GroupSizes = std::map<std::string, int64_t>;

// Instantiates `tmpl` with the request's `parameters` (a JSON object; values may be strings as
// heatclient sends them and are converted to the declared type). Unknown parameter names,
// missing required parameters, constraint violations, references to unknown resources or
// attributes' resources, dependency cycles and bad properties are InvalidArgument errors.
// `pseudo` gives Heat's pseudo parameters OS::stack_name, OS::stack_id, OS::project_id
// (missing ones are "").
Result<StackPlan> plan_stack(const Template& tmpl, const nlohmann::json& parameters,
                             const std::map<std::string, std::string>& pseudo = {},
                             const GroupSizes& sizes = {});

// How get_resource and get_attr are answered while a stack is being created or shown.
class ReferenceResolver {
 public:
  virtual ~ReferenceResolver() = default;
  // The physical id of a created resource; NotFound if it does not exist (yet).
  virtual Result<nlohmann::json> resource_id(const std::string& resource) const = 0;
  // One attribute of a created resource (the path after it is applied by the caller).
  virtual Result<nlohmann::json> attribute(const std::string& resource,
                                           const std::string& attribute) const = 0;
};

// Replaces every get_resource / get_attr (and the str_replace / list_join over them) in `value`.
// `path` prefixes error messages ("resources.vnf1.properties").
Result<nlohmann::json> resolve_value(const nlohmann::json& value, const ReferenceResolver& refs,
                                     const std::string& path);

// Applies get_attr's optional path (keys and list indexes) to an attribute value.
Result<nlohmann::json> apply_attribute_path(const nlohmann::json& value,
                                            const std::vector<nlohmann::json>& path,
                                            const std::string& where);

// get_attr on a nested stack: one of its template's outputs, "OS::stack_id", or
// "resource.<name>[.<attribute>]" of one of its resources.
Result<nlohmann::json> nested_attribute(const PlannedResource& nested, const std::string& attribute,
                                        const ReferenceResolver& refs);

// get_attr on a ResourceGroup or AutoScalingGroup: "current_size", "outputs.<attribute>"
// ({member: value}) and "outputs_list.<attribute>" ([value, ...]) (resolve_value turns
// get_attr [group, outputs, attribute] into these), "refs" (member ids), "refs_map"
// ({"0": id, ...}),
// "resource.<i>" (member i's id), "resource.<i>.<attribute>", or any member attribute (the list
// of that attribute over all members).
Result<nlohmann::json> group_attribute(const PlannedResource& group, const std::string& attribute,
                                       const ReferenceResolver& refs);

struct PlanDiff {
  std::vector<std::string> added;      // in new creation order
  std::vector<std::string> removed;    // in old reverse creation order (delete order)
  std::vector<std::string> replaced;   // changed properties / type, or needs a replaced resource
  std::vector<std::string> unchanged;  // keep their physical ids
};

// Compares two plans by resource name, type and parameter-resolved properties. A resource that
// refers (get_resource / get_attr / depends_on) to a replaced resource is replaced too.
PlanDiff diff_plans(const StackPlan& old_plan, const StackPlan& new_plan);

}  // namespace chainlab::openstack
