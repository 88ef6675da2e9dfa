#include "frontends/escape/mdo/mdo_service.h"

#include <cstdio>
#include <utility>

#include "frontends/escape/mdo/single_view.h"

namespace chainlab::escape {

MdoService::MdoService(std::unique_ptr<Orchestrator> orchestrator, ViewMode view,
                       const IdSource& ids, Notify notify)
    : orchestrator_(std::move(orchestrator)),
      view_(view),
      ids_(ids),
      notify_(std::move(notify)),
      callbacks_(ids, kMaxCallbacks),
      jobs_(ids, kMaxPending) {}

Result<std::string> MdoService::submit(Nffg request, const std::string& callback_url,
                                       const std::string& message_id) {
  std::string id = message_id.empty() ? ids_.uuid() : message_id;
  if (!request.parameters.id || request.parameters.id->str().empty()) {
    request.parameters.id = Id(id);
  }
  remember(id, request.parameters.id->str());
  JobQueue::Done done;
  if (!callback_url.empty() && notify_) {
    // Posted by a queue of their own: a call-back URL that does not answer (3 s timeouts) must
    // not hold up the requests behind it.
    done = [this, callback_url](const std::string& job, const JobStatus& s) {
      auto queued = callbacks_.submit(
          [this, callback_url, job, s] {
            notify_(callback_url, job, s);
            return ok_status();
          },
          nullptr);
      if (!queued.ok()) {
        std::fprintf(stderr, "call-back of %s dropped: %s\n", job.c_str(),
                     queued.error().message.c_str());
      }
    };
  }
  return jobs_.submit([this, r = std::move(request)] { return orchestrator_->execute(r); },
                      std::move(done), id);
}

void MdoService::remember(const std::string& message_id, const std::string& service_id) {
  std::lock_guard lock(mu_);
  if (service_of_.emplace(message_id, service_id).second) {
    messages_.push_back(message_id);
  }
  while (messages_.size() > kRemembered) {
    service_of_.erase(messages_.front());
    messages_.pop_front();
  }
}

std::optional<ServiceMapping> MdoService::mapping(const std::string& id) const {
  if (auto m = orchestrator_->mapping(id)) {
    return m;
  }
  std::lock_guard lock(mu_);
  auto it = service_of_.find(id);
  return it == service_of_.end() ? std::nullopt : orchestrator_->mapping(it->second);
}

std::optional<JobStatus> MdoService::status(const std::string& message_id) const {
  return jobs_.status(message_id);
}

Nffg MdoService::topology() const {
  Nffg global = orchestrator_->view();
  return view_ == ViewMode::kSingle ? single_bisbis_view(global) : global;
}

}  // namespace chainlab::escape
