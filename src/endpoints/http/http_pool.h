// The worker pool behind every listener: a thread per connection being served, created on demand
// up to a cap and kept for a while when idle, so that a few slow clients (one header line every
// few seconds) cannot starve the others the way a fixed pool of 8 threads could. Connections
// beyond the cap wait in order. Idle threads above `keep` exit after `idle_exit`.
#pragma once

#include <chrono>
#include <cstddef>

namespace httplib {
class TaskQueue;
}  // namespace httplib

namespace chainlab::endpoints {

struct PoolOptions {
  size_t max_threads = 256;
  size_t keep = 4;
  std::chrono::milliseconds idle_exit{10'000};
};

// A new pool for httplib::Server::new_task_queue (the server owns and deletes it).
httplib::TaskQueue* make_elastic_pool(PoolOptions options);

}  // namespace chainlab::endpoints
