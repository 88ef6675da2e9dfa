// StackEngine: Heat stacks of one PoP, created from HOT templates (hot_template.h) through the
// PoP's Cloud typed API, so a stack's servers are real compute instances and its networks real
// E-LANs.
//
// create, update and remove answer at once (CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS,
// DELETE_IN_PROGRESS, as Heat's API) and do the work on the engine's job thread, one stack
// operation after another; the engine's mutex is released while the Cloud creates or deletes a
// resource, so reads (show, list, resources, events, outputs) answer meanwhile. `settle` waits.
// An update of a stack with an operation in progress is refused (409); a remove is queued after it.
// - create: the template is parsed and planned first (a bad template or parameter is an
//   InvalidArgument and no stack exists); then resources are created in dependency order. If
//   one fails, everything this stack created is deleted again (reverse order) and the stack
//   stays as CREATE_FAILED with the reason in status_reason.
// - update (PUT: a new template; PATCH: `existing`, the stored template and parameters with the
//   given ones merged over them): only the difference is applied (diff_plans): removed and
//   replaced resources are deleted (dependents first), added and replaced ones created;
//   unchanged resources keep their physical ids. A failure leaves UPDATE_FAILED with the reason.
// - remove: deletes the resources in reverse creation order; the stack is gone afterwards
//   (a failure keeps it as DELETE_FAILED with what is left; a remove again retries).
// - signal: a ScalingPolicy's signal resizes its AutoScalingGroup (Heat's adjustment types,
//   clamped to min..max, nothing within the cooldown); the new size is stack state that later
//   updates keep unless the group's properties change. Members are added / removed (the highest
//   index first) as an update would, without changing the stack's status; in the call.
// Statuses are Heat's: CREATE_IN_PROGRESS, CREATE_COMPLETE, CREATE_FAILED, UPDATE_*,
// DELETE_IN_PROGRESS, DELETE_FAILED.
//
// Emulation leniency (the SONATA templates in ../shared/fixtures/heat rely on it, as son-emu
// did): a subnet gateway outside its CIDR is dropped (Neutron allows it, the Cloud does not); a
// server image missing from the image store runs as a plain native instance; a router interface
// on a subnet without gateway gets a port of its own; a router interface on a subnet overlapping
// one the router is already on (SONATA's templates join equal /29s with routers) and a router
// interface or floating IP naming a router / network that is neither in the stack nor in the Cloud
// are recorded, not realised. Each case is noted in the resource's status_reason.
//
// Thread-safe (one mutex guards the stacks; the Cloud has its own).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "common/serial_worker.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/hot_template.h"

namespace chainlab::openstack {

struct StackResourceInfo {
  std::string name;  // logical name in the template ("<group>-<i>" for group members,
                     // "<template resource>.<name>" for a nested template's resources)
  std::string type;  // "OS::Nova::Server", ..., or a template resource's type as written
  std::string physical_id;
  std::string status;  // CREATE_COMPLETE, UPDATE_COMPLETE, CREATE_FAILED, ...
  std::string status_reason;
  std::string updated_time;  // ISO 8601 UTC
  std::string group;         // parent group or template resource for members
  std::vector<std::string> needs;
};

struct StackInfo {
  std::string id;
  std::string name;
  std::string description;
  std::string status;  // CREATE_COMPLETE, ...
  std::string status_reason;
  std::string action;  // CREATE, UPDATE, DELETE
  std::string creation_time;
  std::string updated_time;                       // "" before the first update
  std::map<std::string, std::string> parameters;  // effective values as strings
  int timeout_mins = 0;
};

// Heat's event list (what `openstack stack create --wait` polls): one per resource and stack
// status change. The stack's own events carry the stack name and id.
struct StackEvent {
  std::string id;  // increasing decimal number, unique per stack
  std::string resource_name;
  std::string physical_id;
  std::string status;  // CREATE_IN_PROGRESS, CREATE_COMPLETE, ...
  std::string status_reason;
  std::string type;  // resource type, "OS::Heat::Stack" for the stack itself
  std::string time;
};

struct StackOutput {
  std::string key;
  std::string description;
  nlohmann::json value;  // null when it cannot be resolved (error set)
  std::string error;
};

struct StackRequest {
  std::string name;
  nlohmann::json template_tree;  // the template as an object, or
  std::string template_text;     // as YAML / JSON text (used when template_tree is null)
  nlohmann::json parameters = nlohmann::json::object();
  TemplateFiles files;  // nested templates, get_file contents, the resource registry
  int timeout_mins = 0;
  bool existing = false;  // update only: PATCH semantics
};

// What a signal did.
enum class SignalOutcome {
  kScaled,       // the group has its new size
  kUnchanged,    // the new size is the current one (at min or max)
  kCooldown,     // the group scaled too recently
  kNotComplete,  // the stack is not in a *_COMPLETE state
};

class StackEngine {
 public:
  // `heat_url` ("http://127.0.0.1:8004"): where the PoP's Heat API listens, for the signal URLs
  // of scaling policies.
  explicit StackEngine(Cloud& cloud, std::string heat_url = "");
  ~StackEngine();
  StackEngine(const StackEngine&) = delete;
  StackEngine& operator=(const StackEngine&) = delete;

  // InvalidArgument for a bad template / parameters (nothing created, no stack), AlreadyExists
  // for a taken name. The stack returned is CREATE_IN_PROGRESS; it turns CREATE_COMPLETE, or
  // CREATE_FAILED when a resource fails.
  Result<StackInfo> create(const StackRequest& request);
  std::vector<StackInfo> list() const;
  // By name or id; NotFound otherwise.
  Result<StackInfo> get(const std::string& name_or_id) const;
  Result<std::vector<StackOutput>> outputs(const std::string& name_or_id) const;
  Result<std::vector<StackResourceInfo>> resources(const std::string& name_or_id) const;
  Result<StackResourceInfo> resource(const std::string& name_or_id,
                                     const std::string& resource) const;
  Result<std::vector<StackEvent>> events(const std::string& name_or_id) const;
  // The template as given (a JSON tree).
  Result<nlohmann::json> template_of(const std::string& name_or_id) const;
  // InvalidArgument for a bad template (the stack is unchanged), FailedPrecondition while an
  // operation is in progress. The stack returned is UPDATE_IN_PROGRESS; it turns
  // UPDATE_COMPLETE, or UPDATE_FAILED when a resource fails.
  Result<StackInfo> update(const std::string& name_or_id, const StackRequest& request);
  // Deletes every resource, after the operation in progress if any; NotFound for an unknown
  // stack. The stack is gone when done, or DELETE_FAILED when some resource could not be deleted.
  Status remove(const std::string& name_or_id);
  // Waits until no stack operation is queued or running.
  void settle() { jobs_.drain(); }
  // Parses and plans a template without creating anything (POST .../validate).
  Result<Template> validate(const StackRequest& request) const;
  // A signal to a stack's resource (POST .../resources/<name>/signal). `signature` non-empty:
  // the caller used the policy's alarm_url and is authenticated by it (Unauthenticated if it
  // does not match). NotFound: no such stack / resource; InvalidArgument: a resource that takes
  // no signal, or a stack being deleted.
  Result<SignalOutcome> signal(const std::string& name_or_id, const std::string& resource,
                               const std::string& signature);

 private:
  struct Stack;
  class Resolver;

  Stack* find_locked(const std::string& name_or_id) const;
  // The stack a job works on, with the lock it holds, for the job's duration.
  class JobScope;
  // `work()` (Cloud calls only: no stack state) run without the engine's lock when a job holds
  // it. Nothing else changes the stack meanwhile: updates and signals are refused while its
  // operation is in progress, removes are queued behind it.
  template <typename F>
  static auto outside_lock(Stack& stack, F&& work);
  Stack* find_by_id_locked(const std::string& id) const;
  // The operations' work on the job thread: `work` on the stack `id` with the lock held (let
  // go around Cloud calls), unless the stack is gone or a remove is queued; an exception from a
  // library fails the stack.
  void run_job(const std::string& id, const std::function<void(Stack&)>& work);
  void run_create(const std::string& id);
  void create_stack_locked(Stack& stack);  // every resource, or none (CREATE_FAILED)
  void run_update(const std::string& id, const StackPlan& plan, const Template& tmpl,
                  const nlohmann::json& params);
  void run_remove(const std::string& id);
  void start_delete_locked(Stack& stack);  // DELETE_IN_PROGRESS and its event
  // Creates `names` in order; stops at the first failure (that resource is marked failed).
  Status create_all_locked(Stack& stack, const std::vector<std::string>& names,
                           std::vector<std::string>& created);
  // The plan an update gives: the stack's scaled group sizes kept (in `sizes`) unless the update
  // changes a group that has a desired_capacity.
  Result<StackPlan> plan_update_locked(const Stack& stack, const Template& tmpl,
                                       const nlohmann::json& params, GroupSizes& sizes) const;
  // Moves the stack to `plan`: deletes what it drops or replaces (dependents first), creates
  // what it adds or replaces. The stack's action, state and events are the caller's.
  Status apply_plan_locked(Stack& stack, StackPlan plan, Template tmpl, nlohmann::json params);
  std::map<std::string, std::string> pseudo_parameters(const Stack& stack) const;
  // The AutoScalingGroup a policy's auto_scaling_group_id (`group_ref`: its id or name) names.
  Result<std::string> scaled_group_locked(const Stack& stack, const PlannedResource& policy,
                                          const std::string& group_ref) const;
  // A policy's adjustment applied to its group (cooldown, min..max, the new members).
  Result<SignalOutcome> scale_locked(Stack& stack, const PlannedResource& policy);
  // heat_stack_resources.cc: one resource through the Cloud API.
  Status create_resource_locked(Stack& stack, const PlannedResource& planned);
  // Deletes and forgets one resource (already gone from the Cloud counts as deleted).
  Status delete_resource_locked(Stack& stack, const std::string& name);
  Result<nlohmann::json> attribute_locked(const Stack& stack, const std::string& resource,
                                          const std::string& attribute,
                                          const ReferenceResolver& refs) const;
  static StackInfo info_of(const Stack& stack);
  void event_locked(Stack& stack, const std::string& resource, const std::string& physical_id,
                    const std::string& type, const std::string& status, const std::string& reason);
  void stack_event_locked(Stack& stack);

  Cloud& cloud_;
  std::string heat_url_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Stack>> stacks_;  // creation order
  SerialWorker jobs_;  // last: the operation running ends before the rest goes
};

}  // namespace chainlab::openstack
