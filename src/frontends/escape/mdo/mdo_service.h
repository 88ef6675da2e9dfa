// What the multi-domain orchestrator's REST API serves (endpoints/escape): the Orchestrator
// behind the JobQueue. A write (a service request) is queued and answered with its message id
// at once; when it ends, its call-back URL (if any) is told through `notify` (the endpoint's
// HTTP POST). topology() is the view shown upward (global or one big switch), config() the
// full global view.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "frontends/escape/mdo/jobs.h"
#include "frontends/escape/mdo/mdo_config.h"
#include "frontends/escape/mdo/orchestrator.h"

namespace chainlab::escape {

class MdoService {
 public:
  // Called on the job thread when a job with a call-back ends: its URL, the message id and the
  // job's status.
  using Notify = std::function<void(const std::string& url, const std::string& message_id,
                                    const JobStatus& status)>;

  MdoService(std::unique_ptr<Orchestrator> orchestrator, ViewMode view, const IdSource& ids,
             Notify notify);

  // Queues `request` (its mode already decided by the caller) as job `message_id` ("" = a new
  // uuid); a request without parameters.id gets the message id as its service id, as ESCAPE
  // names services. ResourceExhausted when the queue is full, AlreadyExists for a taken id.
  Result<std::string> submit(Nffg request, const std::string& callback_url,
                             const std::string& message_id = "");
  std::optional<JobStatus> status(const std::string& message_id) const;
  // Where a service went, by its id or by the message id of a request for it (ESCAPE's
  // mapping-info takes the message id).
  std::optional<ServiceMapping> mapping(const std::string& id) const;
  Nffg topology() const;
  Nffg config() const { return orchestrator_->view(); }
  const Orchestrator& orchestrator() const { return *orchestrator_; }

 private:
  static constexpr size_t kRemembered = 10000;
  void remember(const std::string& message_id, const std::string& service_id);

  std::unique_ptr<Orchestrator> orchestrator_;
  ViewMode view_;
  const IdSource& ids_;
  Notify notify_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> service_of_;  // message id -> service id, the last 10000
  std::deque<std::string> messages_;
  // At most kMaxPending requests wait (NFFG bodies of up to 16 MiB each) and kMaxCallbacks
  // call-backs.
  static constexpr size_t kMaxPending = 256;
  static constexpr size_t kMaxCallbacks = 1000;
  JobQueue callbacks_;  // the call-backs' own worker (jobs_ feeds it: it goes after jobs_)
  JobQueue jobs_;       // last: its worker stops before the orchestrator goes
};

}  // namespace chainlab::escape
