// The StackEngine's private types, shared by heat_stacks.cc and heat_stack_resources.cc.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "frontends/openstack/heat_stacks.h"

namespace chainlab::openstack {

// One created resource of a stack.
struct StackResource {
  ResourceType type = ResourceType::kNet;
  std::string physical_id;
  std::string status;  // CREATE_COMPLETE, UPDATE_COMPLETE, CREATE_FAILED, ...
  std::string status_reason;
  std::string updated_time;
  std::string group;
  bool realised = true;  // false: recorded only (see heat_stacks.h, leniency)
  // Router interfaces: what to remove.
  std::string router_id, subnet_id, port_id;
  // Floating IPs recorded only: what get_attr answers; scaling policies: {"signature": the
  // alarm_url's secret}.
  nlohmann::json record = nlohmann::json::object();
};

struct StackEngine::Stack {
  using Resource = StackResource;

  std::string id;
  std::string name;
  std::string action;  // CREATE, UPDATE, DELETE
  std::string state;   // IN_PROGRESS, COMPLETE, FAILED
  std::string status_reason;
  std::string creation_time;
  std::string updated_time;
  int timeout_mins = 0;
  Template tmpl;
  nlohmann::json parameters = nlohmann::json::object();  // as given (PATCH merges over them)
  StackPlan plan;
  std::map<std::string, Resource> resources;  // by logical name
  std::vector<StackEvent> events;
  int64_t next_event = 1;
  GroupSizes scaled;  // autoscaling groups resized by signals
  std::map<std::string, std::chrono::steady_clock::time_point> cooldown_end;  // per group
  // The engine's lock held by the job working on this stack (JobScope), null otherwise: the
  // job lets it go while the Cloud works (outside_lock).
  std::unique_lock<std::mutex>* job_lock = nullptr;
  // A remove is queued behind the operation in progress: updates and signals are refused, a
  // queued create or update does nothing.
  bool delete_pending = false;
};

class StackEngine::JobScope {
 public:
  JobScope(Stack& stack, std::unique_lock<std::mutex>& lock) : stack_(stack) {
    stack_.job_lock = &lock;
  }
  ~JobScope() { stack_.job_lock = nullptr; }
  JobScope(const JobScope&) = delete;
  JobScope& operator=(const JobScope&) = delete;

 private:
  Stack& stack_;
};

template <typename F>
auto StackEngine::outside_lock(Stack& stack, F&& work) {
  if (stack.job_lock == nullptr) {
    return work();
  }
  struct Relock {
    std::unique_lock<std::mutex>& lock;
    ~Relock() { lock.lock(); }
  };
  stack.job_lock->unlock();
  Relock relock{*stack.job_lock};
  return work();
}

// get_resource / get_attr over one stack's created resources (called with the engine's mutex
// held).
class StackEngine::Resolver : public ReferenceResolver {
 public:
  Resolver(const StackEngine& engine, const Stack& stack) : engine_(engine), stack_(stack) {}
  Result<nlohmann::json> resource_id(const std::string& resource) const override;
  Result<nlohmann::json> attribute(const std::string& resource,
                                   const std::string& attribute) const override;

 private:
  const StackEngine& engine_;
  const Stack& stack_;
};

}  // namespace chainlab::openstack
