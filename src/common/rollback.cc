#include "common/rollback.h"

#include <cstdio>

#include <fmt/format.h>

namespace chainlab {

Rollback::Rollback()
    : Rollback([](std::string_view line) { fmt::print(stderr, "chainlab: {}\n", line); }) {}

Rollback::Rollback(LogSink log) : log_(std::move(log)) {}

Rollback::~Rollback() {
  (void)run();
}

void Rollback::add(std::string what, Undo undo) {
  undos_.push_back({std::move(what), std::move(undo)});
}

Status Rollback::run() {
  std::vector<Step> steps = std::move(undos_);
  undos_.clear();
  Status first;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    Status s = it->undo();
    if (s.ok()) {
      continue;
    }
    Error e = std::move(s).error().context(it->what);
    if (log_) {
      log_(fmt::format("rollback: {}", e.message));
    }
    keep_first_error(first, std::move(e));
  }
  return first;
}

}  // namespace chainlab
