// StackEngine bookkeeping: create / update / delete flows and the stack views. Per-type resource
// creation, deletion and attributes are in heat_stack_resources.cc.
#include "frontends/openstack/heat_stacks.h"

#include <algorithm>
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "common/random.h"
#include "frontends/openstack/heat_stack_internal.h"
#include "frontends/openstack/hot_resources.h"

namespace chainlab::openstack {

using nlohmann::json;

namespace {

std::string value_text(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

Result<Template> parse_request_template(const StackRequest& request) {
  if (!request.template_tree.is_null()) {
    if (request.template_tree.is_string()) {
      return parse_template(request.template_tree.get<std::string>(), request.files);
    }
    return parse_template(request.template_tree, request.files);
  }
  if (request.template_text.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "template: no template given");
  }
  return parse_template(request.template_text, request.files);
}

// The type a resource is listed with: a template resource's as written.
std::string type_label(const PlannedResource& r) {
  return r.type_name.empty() ? resource_type_name(r.type) : r.type_name;
}

}  // namespace

Result<json> StackEngine::Resolver::resource_id(const std::string& resource) const {
  auto it = stack_.resources.find(resource);
  if (it == stack_.resources.end() || it->second.physical_id.empty()) {
    return make_error(ErrorCode::kNotFound, "resource '{}' has not been created", resource);
  }
  return json(it->second.physical_id);
}

Result<json> StackEngine::Resolver::attribute(const std::string& resource,
                                              const std::string& attribute) const {
  return engine_.attribute_locked(stack_, resource, attribute, *this);
}

StackEngine::StackEngine(Cloud& cloud, std::string heat_url)
    : cloud_(cloud), heat_url_(std::move(heat_url)) {}

std::map<std::string, std::string> StackEngine::pseudo_parameters(const Stack& stack) const {
  return {{"OS::stack_name", stack.name},
          {"OS::stack_id", stack.id},
          {"OS::project_id", cloud_.project_id()}};
}
StackEngine::~StackEngine() = default;

StackEngine::Stack* StackEngine::find_by_id_locked(const std::string& id) const {
  for (const auto& s : stacks_) {
    if (s->id == id) {
      return s.get();
    }
  }
  return nullptr;
}

StackEngine::Stack* StackEngine::find_locked(const std::string& name_or_id) const {
  for (const auto& s : stacks_) {
    if (s->id == name_or_id || s->name == name_or_id) {
      return s.get();
    }
  }
  return nullptr;
}

StackInfo StackEngine::info_of(const Stack& stack) {
  StackInfo info;
  info.id = stack.id;
  info.name = stack.name;
  info.description = stack.tmpl.description;
  info.status = stack.action + "_" + stack.state;
  info.action = stack.action;
  info.status_reason = stack.status_reason;
  info.creation_time = stack.creation_time;
  info.updated_time = stack.updated_time;
  info.timeout_mins = stack.timeout_mins;
  for (const auto& [k, v] : stack.plan.parameters) {
    info.parameters[k] = value_text(v);
  }
  return info;
}

void StackEngine::event_locked(Stack& stack, const std::string& resource,
                               const std::string& physical_id, const std::string& type,
                               const std::string& status, const std::string& reason) {
  stack.events.push_back({std::to_string(stack.next_event++), resource, physical_id, status, reason,
                          type, cloud_.stamp()});
}

void StackEngine::stack_event_locked(Stack& stack) {
  event_locked(stack, stack.name, stack.id, "OS::Heat::Stack", stack.action + "_" + stack.state,
               stack.status_reason);
}

Result<std::vector<StackEvent>> StackEngine::events(const std::string& name_or_id) const {
  std::lock_guard lock(mu_);
  const Stack* s = find_locked(name_or_id);
  if (s == nullptr) {
    return make_error(ErrorCode::kNotFound, "The Stack ({}) could not be found.", name_or_id);
  }
  return s->events;
}

Result<Template> StackEngine::validate(const StackRequest& request) const {
  CL_ASSIGN_OR_RETURN(Template t, parse_request_template(request));
  CL_ASSIGN_OR_RETURN(StackPlan plan, plan_stack(t, request.parameters));
  (void)plan;
  return t;
}

Status StackEngine::create_all_locked(Stack& stack, const std::vector<std::string>& names,
                                      std::vector<std::string>& created) {
  for (const auto& name : names) {
    const PlannedResource* planned = stack.plan.find(name);
    assert(planned != nullptr);
    const std::string type = type_label(*planned);
    event_locked(stack, name, "", type, stack.action + "_IN_PROGRESS", "state changed");
    auto s = create_resource_locked(stack, *planned);
    if (!s.ok()) {
      auto& r = stack.resources[name];
      r.type = planned->type;
      r.group = planned->group;
      r.status = stack.action + "_FAILED";
      r.status_reason = s.error().message;
      r.updated_time = cloud_.stamp();
      event_locked(stack, name, "", type, r.status, r.status_reason);
      return make_error(s.error().code, "Resource {} failed: {}", stack.action, s.error().message);
    }
    const auto& r = stack.resources[name];
    event_locked(stack, name, r.physical_id, type, r.status, r.status_reason);
    created.push_back(name);
  }
  return ok_status();
}

Result<StackInfo> StackEngine::create(const StackRequest& request) {
  if (request.name.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "stack_name: required");
  }
  CL_ASSIGN_OR_RETURN(Template tmpl, parse_request_template(request));
  std::lock_guard lock(mu_);
  if (find_locked(request.name) != nullptr) {
    return make_error(ErrorCode::kAlreadyExists, "The Stack ({}) already exists.", request.name);
  }
  auto stack = std::make_unique<Stack>();
  stack->id = cloud_.ids().uuid();
  stack->name = request.name;
  CL_ASSIGN_OR_RETURN(stack->plan, plan_stack(tmpl, request.parameters, pseudo_parameters(*stack)));
  stack->tmpl = std::move(tmpl);
  stack->parameters = request.parameters.is_object() ? request.parameters : json::object();
  stack->creation_time = cloud_.stamp();
  stack->timeout_mins = request.timeout_mins;
  stack->action = "CREATE";
  stack->state = "IN_PROGRESS";
  Stack& s = *stack;
  stacks_.push_back(std::move(stack));
  s.status_reason = "Stack CREATE started";
  stack_event_locked(s);
  jobs_.post([this, id = s.id] { run_create(id); });
  return info_of(s);
}

void StackEngine::run_job(const std::string& id, const std::function<void(Stack&)>& work) {
  std::unique_lock lock(mu_);
  Stack* s = find_by_id_locked(id);
  if (s == nullptr || s->delete_pending) {
    return;  // gone, or a remove queued behind this job takes it away
  }
  JobScope job(*s, lock);
  try {
    work(*s);
  } catch (const std::exception& e) {  // from a library: the stack fails, the engine goes on
    s->state = "FAILED";
    s->status_reason = fmt::format("Stack {} failed: {}", s->action, e.what());
    stack_event_locked(*s);
  }
}

void StackEngine::run_create(const std::string& id) {
  run_job(id, [this](Stack& s) { create_stack_locked(s); });
}

void StackEngine::create_stack_locked(Stack& s) {
  std::vector<std::string> order;
  for (const auto& r : s.plan.resources) {
    order.push_back(r.name);
  }
  std::vector<std::string> created;
  auto status = create_all_locked(s, order, created);
  if (status.ok()) {
    s.state = "COMPLETE";
    s.status_reason = "Stack CREATE completed successfully";
    stack_event_locked(s);
    return;
  }
  // Roll back: nothing the stack created stays.
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    (void)delete_resource_locked(s, *it);
  }
  // What remains: the failed resource, and any that could not be deleted (DELETE_FAILED).
  for (auto it = s.resources.begin(); it != s.resources.end();) {
    bool keep = it->second.status == "CREATE_FAILED" || it->second.status == "DELETE_FAILED";
    it = keep ? std::next(it) : s.resources.erase(it);
  }
  s.state = "FAILED";
  s.status_reason = status.error().message;
  stack_event_locked(s);
}

std::vector<StackInfo> StackEngine::list() const {
  std::lock_guard lock(mu_);
  std::vector<StackInfo> out;
  for (const auto& s : stacks_) {
    out.push_back(info_of(*s));
  }
  return out;
}

Result<StackInfo> StackEngine::get(const std::string& name_or_id) const {
  std::lock_guard lock(mu_);
  const Stack* s = find_locked(name_or_id);
  if (s == nullptr) {
    return make_error(ErrorCode::kNotFound, "The Stack ({}) could not be found.", name_or_id);
  }
  return info_of(*s);
}

Result<std::vector<StackOutput>> StackEngine::outputs(const std::string& name_or_id) const {
  std::lock_guard lock(mu_);
  const Stack* s = find_locked(name_or_id);
  if (s == nullptr) {
    return make_error(ErrorCode::kNotFound, "The Stack ({}) could not be found.", name_or_id);
  }
  Resolver refs(*this, *s);
  std::vector<StackOutput> out;
  for (const auto& o : s->plan.outputs) {
    StackOutput so;
    so.key = o.name;
    so.description = o.description;
    auto v = resolve_value(o.value, refs, "outputs." + o.name + ".value");
    if (v.ok()) {
      so.value = std::move(v).value();
    } else {
      so.error = v.error().message;
    }
    out.push_back(std::move(so));
  }
  return out;
}

Result<std::vector<StackResourceInfo>> StackEngine::resources(const std::string& name_or_id) const {
  std::lock_guard lock(mu_);
  const Stack* s = find_locked(name_or_id);
  if (s == nullptr) {
    return make_error(ErrorCode::kNotFound, "The Stack ({}) could not be found.", name_or_id);
  }
  std::vector<StackResourceInfo> out;
  for (const auto& planned : s->plan.resources) {
    auto it = s->resources.find(planned.name);
    if (it == s->resources.end()) {
      continue;
    }
    const auto& r = it->second;
    StackResourceInfo info;
    info.name = planned.name;
    info.type = type_label(planned);
    info.physical_id = r.physical_id;
    info.status = r.status;
    info.status_reason = r.status_reason;
    info.updated_time = r.updated_time;
    info.group = r.group;
    info.needs.assign(planned.needs.begin(), planned.needs.end());
    out.push_back(std::move(info));
  }
  return out;
}

Result<StackResourceInfo> StackEngine::resource(const std::string& name_or_id,
                                                const std::string& resource) const {
  CL_ASSIGN_OR_RETURN(auto all, resources(name_or_id));
  for (auto& r : all) {
    if (r.name == resource) {
      return r;
    }
  }
  return make_error(ErrorCode::kNotFound, "The Resource ({}) could not be found.", resource);
}

Result<json> StackEngine::template_of(const std::string& name_or_id) const {
  std::lock_guard lock(mu_);
  const Stack* s = find_locked(name_or_id);
  if (s == nullptr) {
    return make_error(ErrorCode::kNotFound, "The Stack ({}) could not be found.", name_or_id);
  }
  return s->tmpl.source;
}

Result<StackInfo> StackEngine::update(const std::string& name_or_id, const StackRequest& request) {
  std::lock_guard lock(mu_);
  Stack* s = find_locked(name_or_id);
  if (s == nullptr) {
    return make_error(ErrorCode::kNotFound, "The Stack ({}) could not be found.", name_or_id);
  }
  if (s->state == "IN_PROGRESS" || s->delete_pending) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "Stack {} already has an action ({}) in progress.", s->name,
                      s->delete_pending ? "DELETE" : s->action);
  }
  json params = request.parameters.is_object() ? request.parameters : json::object();
  Template tmpl;
  bool has_template = !request.template_tree.is_null() || !request.template_text.empty();
  if (request.existing) {
    json merged = s->parameters;
    merged.update(params);
    params = std::move(merged);
  }
  if (has_template) {
    CL_ASSIGN_OR_RETURN(tmpl, parse_request_template(request));
  } else if (request.existing) {
    tmpl = s->tmpl;
  } else {
    return make_error(ErrorCode::kInvalidArgument, "template: no template given");
  }
  GroupSizes sizes;
  CL_ASSIGN_OR_RETURN(StackPlan plan, plan_update_locked(*s, tmpl, params, sizes));
  s->scaled = std::move(sizes);
  s->action = "UPDATE";
  s->state = "IN_PROGRESS";
  s->updated_time = cloud_.stamp();
  s->status_reason = "Stack UPDATE started";
  stack_event_locked(*s);
  jobs_.post([this, id = s->id, plan = std::move(plan), tmpl = std::move(tmpl), params] {
    run_update(id, plan, tmpl, params);
  });
  return info_of(*s);
}

void StackEngine::run_update(const std::string& id, const StackPlan& plan, const Template& tmpl,
                             const json& params) {
  run_job(id, [&](Stack& s) {
    auto status = apply_plan_locked(s, plan, tmpl, params);
    s.state = status.ok() ? "COMPLETE" : "FAILED";
    s.status_reason = status.ok() ? "Stack UPDATE completed successfully" : status.error().message;
    stack_event_locked(s);
  });
}

Result<StackPlan> StackEngine::plan_update_locked(const Stack& stack, const Template& tmpl,
                                                  const json& params, GroupSizes& sizes) const {
  sizes = stack.scaled;
  CL_ASSIGN_OR_RETURN(StackPlan plan, plan_stack(tmpl, params, pseudo_parameters(stack), sizes));
  // As Heat: a group the update changes resizes to its desired_capacity if it has one, else it
  // keeps its size (within the new min..max, which planning applies).
  for (auto it = sizes.begin(); it != sizes.end();) {
    const PlannedResource* before = stack.plan.find(it->first);
    const PlannedResource* after = plan.find(it->first);
    bool keep = after != nullptr;
    if (keep && before != nullptr && before->properties != after->properties) {
      auto spec = parse_scaling_group(after->properties, after->properties_path);
      keep = spec.ok() && !spec->desired_capacity;
    }
    it = keep ? std::next(it) : sizes.erase(it);
  }
  if (sizes.size() == stack.scaled.size()) {
    return plan;
  }
  return plan_stack(tmpl, params, pseudo_parameters(stack), sizes);
}

Status StackEngine::apply_plan_locked(Stack& stack, StackPlan plan, Template tmpl, json params) {
  PlanDiff diff = diff_plans(stack.plan, plan);
  std::set<std::string> doomed(diff.removed.begin(), diff.removed.end());
  doomed.insert(diff.replaced.begin(), diff.replaced.end());
  std::vector<std::string> failures;
  // Dependents first: walk the old plan backwards.
  for (auto it = stack.plan.resources.rbegin(); it != stack.plan.resources.rend(); ++it) {
    if (doomed.count(it->name) == 0 || stack.resources.count(it->name) == 0) {
      continue;
    }
    if (auto d = delete_resource_locked(stack, it->name); !d.ok()) {
      failures.push_back(d.error().message);
    }
  }
  if (!failures.empty()) {
    stack.tmpl = std::move(tmpl);  // the old resources are still (partly) there: the old plan
    stack.parameters = std::move(params);
    return make_error(ErrorCode::kInternal, "Resource DELETE failed: {}", failures.front());
  }
  stack.plan = std::move(plan);
  stack.tmpl = std::move(tmpl);
  stack.parameters = std::move(params);
  std::vector<std::string> to_create;
  for (const auto& r : stack.plan.resources) {
    if (stack.resources.count(r.name) == 0) {
      to_create.push_back(r.name);
    }
  }
  std::vector<std::string> created;
  auto status = create_all_locked(stack, to_create, created);
  std::set<std::string> replaced(diff.replaced.begin(), diff.replaced.end());
  for (const auto& name : created) {
    if (replaced.count(name) != 0) {
      stack.resources[name].status = "UPDATE_COMPLETE";
    }
  }
  return status;
}

Status StackEngine::remove(const std::string& name_or_id) {
  std::lock_guard lock(mu_);
  Stack* s = find_locked(name_or_id);
  if (s == nullptr) {
    return make_error(ErrorCode::kNotFound, "The Stack ({}) could not be found.", name_or_id);
  }
  if (s->state != "IN_PROGRESS") {
    start_delete_locked(*s);
  } else {
    s->delete_pending = true;  // DELETE_IN_PROGRESS once the operation in progress has ended
  }
  jobs_.post([this, id = s->id] { run_remove(id); });
  return ok_status();
}

void StackEngine::start_delete_locked(Stack& s) {
  s.action = "DELETE";
  s.state = "IN_PROGRESS";
  s.status_reason = "Stack DELETE started";
  stack_event_locked(s);
}

void StackEngine::run_remove(const std::string& id) {
  std::unique_lock lock(mu_);
  Stack* s = find_by_id_locked(id);
  if (s == nullptr) {
    return;  // removed by an earlier request
  }
  s->delete_pending = false;
  if (s->action != "DELETE" || s->state != "IN_PROGRESS") {
    start_delete_locked(*s);
  }
  std::vector<std::string> failures;
  {
    JobScope job(*s, lock);
    for (auto it = s->plan.resources.rbegin(); it != s->plan.resources.rend(); ++it) {
      if (s->resources.count(it->name) == 0) {
        continue;
      }
      if (auto d = delete_resource_locked(*s, it->name); !d.ok()) {
        failures.push_back(d.error().message);
      }
    }
  }
  if (!failures.empty()) {
    s->state = "FAILED";
    s->status_reason = "Resource DELETE failed: " + failures.front();
    stack_event_locked(*s);
    return;
  }
  stacks_.erase(
      std::find_if(stacks_.begin(), stacks_.end(), [&](const auto& p) { return p.get() == s; }));
}

Result<SignalOutcome> StackEngine::signal(const std::string& name_or_id,
                                          const std::string& resource,
                                          const std::string& signature) {
  std::lock_guard lock(mu_);
  Stack* s = find_locked(name_or_id);
  if (s == nullptr) {
    return make_error(ErrorCode::kNotFound, "The Stack ({}) could not be found.", name_or_id);
  }
  const PlannedResource* policy = s->plan.find(resource);
  auto it = s->resources.find(resource);
  if (policy == nullptr || it == s->resources.end()) {
    return make_error(ErrorCode::kNotFound, "The Resource ({}) could not be found.", resource);
  }
  const std::string secret = it->second.record.value("signature", "");
  if (!signature.empty() && (secret.empty() || !constant_time_equal(secret, signature))) {
    return make_error(ErrorCode::kUnauthenticated, "The signature does not match.");
  }
  if (policy->type != ResourceType::kScalingPolicy) {
    return make_error(ErrorCode::kInvalidArgument, "Resource {} of type {} does not take signals.",
                      resource, type_label(*policy));
  }
  if (s->action == "DELETE" || s->delete_pending) {
    return make_error(ErrorCode::kInvalidArgument, "The stack {} is being deleted.", s->name);
  }
  if (s->state != "COMPLETE") {
    return SignalOutcome::kNotComplete;
  }
  return scale_locked(*s, *policy);
}

Result<std::string> StackEngine::scaled_group_locked(const Stack& stack,
                                                     const PlannedResource& policy,
                                                     const std::string& group_ref) const {
  for (const auto& [name, r] : stack.resources) {
    if (r.type == ResourceType::kAutoScalingGroup &&
        (r.physical_id == group_ref || name == group_ref)) {
      return name;
    }
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "{}.auto_scaling_group_id: {} is no AutoScalingGroup of this stack",
                    policy.properties_path, group_ref);
}

Result<SignalOutcome> StackEngine::scale_locked(Stack& stack, const PlannedResource& policy) {
  Resolver refs(*this, stack);
  CL_ASSIGN_OR_RETURN(json props, resolve_value(policy.properties, refs, policy.properties_path));
  CL_ASSIGN_OR_RETURN(ScalingPolicySpec spec, parse_scaling_policy(props, policy.properties_path));
  CL_ASSIGN_OR_RETURN(std::string group, scaled_group_locked(stack, policy, spec.group));
  const PlannedResource* g = stack.plan.find(group);
  CL_ASSIGN_OR_RETURN(ScalingGroupSpec gspec,
                      parse_scaling_group(g->properties, g->properties_path));
  const auto current = static_cast<int64_t>(g->members.size());
  const int64_t next = spec.new_capacity(current, gspec.min_size, gspec.max_size);
  if (next == current) {
    return SignalOutcome::kUnchanged;
  }
  const auto now = std::chrono::steady_clock::now();
  if (auto c = stack.cooldown_end.find(group); c != stack.cooldown_end.end() && now < c->second) {
    return SignalOutcome::kCooldown;
  }
  GroupSizes sizes = stack.scaled;
  sizes[group] = next;
  CL_ASSIGN_OR_RETURN(StackPlan plan,
                      plan_stack(stack.tmpl, stack.parameters, pseudo_parameters(stack), sizes));
  const std::string policy_name = policy.name;  // `policy` is of the plan being replaced
  const std::string type = type_label(policy);
  auto status = apply_plan_locked(stack, std::move(plan), stack.tmpl, stack.parameters);
  // The size the plan in place has (the old one when a member could not be deleted).
  stack.scaled[group] = static_cast<int64_t>(stack.plan.find(group)->members.size());
  stack.cooldown_end[group] =
      now + std::chrono::seconds(spec.cooldown_s.value_or(gspec.cooldown_s));
  auto policy_record = stack.resources.find(policy_name);
  const std::string id =
      policy_record == stack.resources.end() ? "" : policy_record->second.physical_id;
  if (!status.ok()) {
    event_locked(stack, policy_name, id, type, "SIGNAL_FAILED", status.error().message);
    stack.action = "UPDATE";
    stack.state = "FAILED";
    stack.status_reason = status.error().message;
    stack_event_locked(stack);
    return std::move(status).error();
  }
  event_locked(stack, policy_name, id, type, "SIGNAL_COMPLETE",
               fmt::format("{} scaled from {} to {}", group, current, next));
  return SignalOutcome::kScaled;
}

}  // namespace chainlab::openstack
