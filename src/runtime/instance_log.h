// The stdout/stderr log of one compute instance, with a size cap: the current file `<path>` and one
// rotated file `<path>.1`, each at most half of `max_bytes` (so at most `max_bytes` are kept, like
// `docker run --log-opt max-size=... --log-opt max-file=2`). When the current file is full it is
// renamed to `<path>.1` (replacing the older one) and a new current file is started.
//
// Bytes are addressed by their offset in the whole stream ever written (not in a file), so readers
// can follow the log across rotations: `span()` is the range still kept, `read(from, max)` reads
// from any offset (clamped to what is kept), `wait_beyond(offset)` sleeps until more arrives or
// the log ends. The log ends when its writer is gone (`set_live(false)`: the instance's pipe hit
// EOF, i.e. every process holding it exited) or the files were removed.
//
// Thread-safe: one writer (the LogPump) and any number of readers (REST `logs`, `follow`). Readers
// hold it by shared_ptr, so a follower outlives the instance safely; reading uses the open file
// descriptors, so a rotation or removal between two reads never mixes files.
// See also: log_pump.h (the writer), compute.h (ComputeDriver::log).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/fd.h"
#include "common/result.h"

namespace chainlab::runtime {

inline constexpr uint64_t kDefaultInstanceLogBytes = 10ull << 20;  // 10 MiB per instance
inline constexpr uint64_t kMinInstanceLogBytes = 64ull << 10;      // 64 KiB
inline constexpr uint64_t kMaxInstanceLogBytes = 1ull << 30;       // 1 GiB

// InvalidArgument unless kMinInstanceLogBytes <= bytes <= kMaxInstanceLogBytes.
Status validate_instance_log_bytes(uint64_t bytes);

class InstanceLog {
 public:
  // The range of stream offsets still kept: [begin, end).
  struct Span {
    uint64_t begin = 0;
    uint64_t end = 0;
  };
  // Bytes read and the stream offset of the first.
  struct Chunk {
    uint64_t offset = 0;
    std::string data;
  };

  // Creates (truncates) `path`, removes a stale `path`.1. `max_bytes` must be valid (above).
  static Result<std::shared_ptr<InstanceLog>> create(std::string path, uint64_t max_bytes);
  InstanceLog(const InstanceLog&) = delete;
  InstanceLog& operator=(const InstanceLog&) = delete;

  const std::string& path() const { return path_; }
  uint64_t max_bytes() const { return max_bytes_; }

  // Appends, rotating as needed. After remove() the data is dropped.
  Status append(std::string_view data);

  Span span() const;
  // At most `max` bytes from stream offset `from`, or from span().begin when older bytes were
  // rotated away; no data at the end.
  Result<Chunk> read(uint64_t from, size_t max) const;
  // The offset where the last `lines` lines begin (a last line without '\n' counts); span().end
  // for 0, span().begin when fewer are kept.
  Result<uint64_t> line_offset(size_t lines) const;
  // The last `max` bytes (ComputeDriver::logs).
  Result<std::string> tail_bytes(size_t max) const;

  // Whether a writer is attached (a running instance's pipe). Readers following the log stop
  // once it is not live and they have read everything.
  void set_live(bool live);
  bool live() const;
  // Waits up to `timeout` until the log extends beyond `offset` or has ended (not live, or
  // removed). True when there is something to do (data or the end), false on timeout.
  bool wait_beyond(uint64_t offset, std::chrono::milliseconds timeout) const;
  // True when nothing beyond `offset` will ever come.
  bool ended_at(uint64_t offset) const;

  // Unlinks both files; readers holding the log can still read what was kept, then see its end.
  void remove();

 private:
  InstanceLog(std::string path, uint64_t max_bytes)
      : path_(std::move(path)), max_bytes_(max_bytes) {}
  std::string rotated_path() const { return path_ + ".1"; }
  Status rotate_locked();
  Result<Chunk> read_locked(uint64_t from, size_t max) const;
  bool ended_locked(uint64_t offset) const { return end_ <= offset && (!live_ || removed_); }

  const std::string path_;
  const uint64_t max_bytes_;
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  UniqueFd current_;  // <path>, holds [current_begin_, end_)
  UniqueFd rotated_;  // <path>.1 (or its unlinked inode), holds [rotated_begin_, current_begin_)
  uint64_t rotated_begin_ = 0;
  uint64_t current_begin_ = 0;
  uint64_t end_ = 0;
  bool live_ = false;
  bool removed_ = false;
};

// A reader's position in an InstanceLog (REST `logs?tail=N&follow=1`). Without `follow` it reads
// up to the end as it was when the cursor was made; with `follow` it goes on until the log ends.
class LogCursor {
 public:
  // At the start of the last `lines` lines (nullopt: of everything kept).
  static Result<LogCursor> open(std::shared_ptr<InstanceLog> log, std::optional<size_t> lines,
                                bool follow);

  // The next at most `max` bytes; "" when there is nothing (yet). Following, it first waits up
  // to `wait` for more.
  Result<std::string> next(size_t max, std::chrono::milliseconds wait);
  // Nothing more will come.
  bool done() const;

 private:
  LogCursor(std::shared_ptr<InstanceLog> log, uint64_t offset, std::optional<uint64_t> stop)
      : log_(std::move(log)), offset_(offset), stop_(stop) {}

  std::shared_ptr<InstanceLog> log_;
  uint64_t offset_ = 0;
  std::optional<uint64_t> stop_;  // not following: the end when opened
};

}  // namespace chainlab::runtime
