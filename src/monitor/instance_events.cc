#include "monitor/instance_events.h"

namespace chainlab::monitor {

void InstanceExits::observe(const Reading& reading) {
  std::lock_guard lock(mu_);
  std::map<std::string, std::string> now;
  for (const InstanceSample& s : reading.snapshot.instances) {
    now[s.instance] = s.state;
    auto before = states_.find(s.instance);
    bool was_exited = before != states_.end() && before->second == "exited";
    if (s.state == "exited" && !was_exited) {
      events_.publish("instance.exited",
                      {{"pop", s.pop}, {"instance", s.instance}, {"exit_code", s.exit_code}});
    }
  }
  states_ = std::move(now);
}

}  // namespace chainlab::monitor
