// StartGate: holds the next start_compute of a FakeControl until the test releases it, to check
// what the layers above do while an instance starts (the start runs on their background thread:
// a Cloud's build thread, a Heat job). Opened on destruction if the test did not open it, so a
// failed assertion never leaves that thread waiting.
#pragma once

#include <atomic>
#include <future>
#include <memory>

#include "fake_control.h"

namespace chainlab::testing {

class StartGate {
 public:
  explicit StartGate(FakeControl& control) : state_(std::make_shared<State>()) {
    control.on_start_compute = [state = state_] {
      if (!state->used.exchange(true)) {
        state->held.set_value();
        state->opened.wait();
      }
    };
  }
  ~StartGate() {
    if (!released_) {
      state_->open.set_value();
    }
  }
  StartGate(const StartGate&) = delete;
  StartGate& operator=(const StartGate&) = delete;

  // Waits until the start is held.
  void wait_held() { state_->held.get_future().wait(); }
  void release() {
    released_ = true;
    state_->open.set_value();
  }

 private:
  struct State {
    std::atomic<bool> used = false;
    std::promise<void> held;
    std::promise<void> open;
    std::shared_future<void> opened = open.get_future().share();
  };
  std::shared_ptr<State> state_;
  bool released_ = false;
};

}  // namespace chainlab::testing
