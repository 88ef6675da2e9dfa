// Rollback: the undo list of a multi-step operation (error-policy.md: "a failed request changes
// nothing"). Each step that succeeded registers how to undo it:
//
//   Rollback guard;
//   CL_ASSIGN_OR_RETURN(auto x, control.start_compute(...));
//   guard.add("stop compute x", [&] { return control.stop_compute("x"); });
//   ...
//   guard.commit();  // everything worked: keep it
//
// Leaving the scope without commit() runs the undos in reverse order of registration. A failing
// undo does not stop the others; it is reported to the log sink ("rollback: stop compute x:
// <error>", stderr by default) and never thrown. run() does the same at a chosen moment and returns
// the first failure. Not thread-safe: one guard belongs to one operation.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/result.h"

namespace chainlab {

// For best-effort sequences that try every step and report the first failure (a teardown, an
// undo list): keeps `s` in `first` when it is the first error.
inline void keep_first_error(Status& first, Status s) {
  if (first.ok() && !s.ok()) {
    first = std::move(s);
  }
}

class Rollback {
 public:
  using Undo = std::function<Status()>;
  using LogSink = std::function<void(std::string_view line)>;

  Rollback();  // logs to stderr
  explicit Rollback(LogSink log);
  ~Rollback();
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;

  // Registers the undo of a step that succeeded; `what` names it in the log ("stop compute x").
  void add(std::string what, Undo undo);
  // An undo that cannot fail (returns void).
  template <typename F>
  requires std::is_void_v<std::invoke_result_t<F&>>
  void add(std::string what, F undo) {
    add(std::move(what), Undo([f = std::move(undo)]() mutable {
          f();
          return ok_status();
        }));
  }

  // Keeps everything: the undos are dropped and never run.
  void commit() { undos_.clear(); }
  // Runs the undos now, newest first, each once, and empties the list; the first failure (with
  // its step named) is returned after all were tried.
  Status run();
  size_t size() const { return undos_.size(); }

 private:
  struct Step {
    std::string what;
    Undo undo;
  };
  std::vector<Step> undos_;
  LogSink log_;
};

}  // namespace chainlab
