#include "runtime/instance_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace chainlab::runtime {
namespace {

constexpr size_t kScanChunk = 64 << 10;

Result<UniqueFd> open_log_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640));
  if (!fd.valid()) {
    return errno_error(errno, fmt::format("open {}", path));
  }
  return fd;
}

Status write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return errno_error(n < 0 ? errno : EIO, fmt::format("write {}", path));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return ok_status();
}

// Appends up to `len` bytes at file offset `offset` of `fd` to `out`.
Status pread_append(int fd, uint64_t offset, size_t len, std::string& out) {
  size_t start = out.size();
  out.resize(start + len);
  size_t got = 0;
  while (got < len) {
    ssize_t n = ::pread(fd, out.data() + start + got, len - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      out.resize(start);
      return errno_error(errno, "reading an instance log");
    }
    if (n == 0) {
      break;
    }
    got += static_cast<size_t>(n);
  }
  out.resize(start + got);
  return ok_status();
}

}  // namespace

Status validate_instance_log_bytes(uint64_t bytes) {
  if (bytes < kMinInstanceLogBytes || bytes > kMaxInstanceLogBytes) {
    return make_error(ErrorCode::kInvalidArgument,
                      "instance_log_bytes: {} is out of range {}..{} (64 KiB..1 GiB)", bytes,
                      kMinInstanceLogBytes, kMaxInstanceLogBytes);
  }
  return ok_status();
}

Result<std::shared_ptr<InstanceLog>> InstanceLog::create(std::string path, uint64_t max_bytes) {
  CL_RETURN_IF_ERROR(validate_instance_log_bytes(max_bytes));
  std::shared_ptr<InstanceLog> log(new InstanceLog(std::move(path), max_bytes));
  if (::unlink(log->rotated_path().c_str()) != 0 && errno != ENOENT) {
    return errno_error(errno, fmt::format("unlink {}", log->rotated_path()));
  }
  CL_ASSIGN_OR_RETURN(log->current_, open_log_file(log->path_));
  return log;
}

Status InstanceLog::rotate_locked() {
  if (::rename(path_.c_str(), rotated_path().c_str()) != 0) {
    return errno_error(errno, fmt::format("rename {} to {}", path_, rotated_path()));
  }
  CL_ASSIGN_OR_RETURN(UniqueFd fresh, open_log_file(path_));
  rotated_ = std::move(current_);
  current_ = std::move(fresh);
  rotated_begin_ = current_begin_;
  current_begin_ = end_;
  return ok_status();
}

Status InstanceLog::append(std::string_view data) {
  const uint64_t per_file = max_bytes_ / 2;
  {
    std::lock_guard lock(mu_);
    while (!data.empty() && !removed_) {
      if (end_ - current_begin_ >= per_file) {
        CL_RETURN_IF_ERROR(rotate_locked());
      }
      size_t take =
          static_cast<size_t>(std::min<uint64_t>(per_file - (end_ - current_begin_), data.size()));
      CL_RETURN_IF_ERROR(write_all(current_.get(), data.substr(0, take), path_));
      end_ += take;
      data.remove_prefix(take);
    }
  }
  changed_.notify_all();
  return ok_status();
}

InstanceLog::Span InstanceLog::span() const {
  std::lock_guard lock(mu_);
  return {rotated_.valid() ? rotated_begin_ : current_begin_, end_};
}

Result<InstanceLog::Chunk> InstanceLog::read_locked(uint64_t from, size_t max) const {
  uint64_t begin = rotated_.valid() ? rotated_begin_ : current_begin_;
  from = std::max(from, begin);
  Chunk chunk{from, {}};
  std::string& out = chunk.data;
  if (from >= end_ || max == 0) {
    return chunk;
  }
  size_t want = static_cast<size_t>(std::min<uint64_t>(max, end_ - from));
  out.reserve(want);
  if (from < current_begin_) {
    size_t len = static_cast<size_t>(std::min<uint64_t>(want, current_begin_ - from));
    CL_RETURN_IF_ERROR(pread_append(rotated_.get(), from - rotated_begin_, len, out));
    from += len;
    want -= len;
  }
  if (want > 0) {
    CL_RETURN_IF_ERROR(pread_append(current_.get(), from - current_begin_, want, out));
  }
  return chunk;
}

Result<InstanceLog::Chunk> InstanceLog::read(uint64_t from, size_t max) const {
  std::lock_guard lock(mu_);
  return read_locked(from, max);
}

Result<uint64_t> InstanceLog::line_offset(size_t lines) const {
  std::lock_guard lock(mu_);
  const uint64_t begin = rotated_.valid() ? rotated_begin_ : current_begin_;
  if (lines == 0 || end_ == begin) {
    return end_;
  }
  // Backwards from the end: the newline ending the last line does not start a line.
  uint64_t pos = end_;
  bool skip_last = true;
  size_t found = 0;
  while (pos > begin) {
    uint64_t chunk_begin = pos - std::min<uint64_t>(kScanChunk, pos - begin);
    CL_ASSIGN_OR_RETURN(Chunk got,
                        read_locked(chunk_begin, static_cast<size_t>(pos - chunk_begin)));
    const std::string& chunk = got.data;
    for (size_t i = chunk.size(); i-- > 0;) {
      if (chunk[i] != '\n') {
        skip_last = false;
        continue;
      }
      if (skip_last) {
        skip_last = false;
        continue;
      }
      if (++found == lines) {
        return chunk_begin + i + 1;
      }
    }
    pos = chunk_begin;
  }
  return begin;
}

Result<std::string> InstanceLog::tail_bytes(size_t max) const {
  std::lock_guard lock(mu_);
  uint64_t from = end_ - std::min<uint64_t>(end_, max);
  CL_ASSIGN_OR_RETURN(Chunk chunk, read_locked(from, max));
  return std::move(chunk.data);
}

void InstanceLog::set_live(bool live) {
  {
    std::lock_guard lock(mu_);
    live_ = live;
  }
  changed_.notify_all();
}

bool InstanceLog::live() const {
  std::lock_guard lock(mu_);
  return live_;
}

bool InstanceLog::wait_beyond(uint64_t offset, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return end_ > offset || ended_locked(offset); });
}

bool InstanceLog::ended_at(uint64_t offset) const {
  std::lock_guard lock(mu_);
  return ended_locked(offset);
}

void InstanceLog::remove() {
  {
    std::lock_guard lock(mu_);
    removed_ = true;
    ::unlink(path_.c_str());
    ::unlink(rotated_path().c_str());
  }
  changed_.notify_all();
}

Result<LogCursor> LogCursor::open(std::shared_ptr<InstanceLog> log, std::optional<size_t> lines,
                                  bool follow) {
  uint64_t offset = log->span().begin;
  if (lines) {
    CL_ASSIGN_OR_RETURN(offset, log->line_offset(*lines));
  }
  std::optional<uint64_t> stop;
  if (!follow) {
    stop = log->span().end;
  }
  return LogCursor(std::move(log), offset, stop);
}

Result<std::string> LogCursor::next(size_t max, std::chrono::milliseconds wait) {
  if (done()) {
    return std::string();
  }
  if (!stop_) {
    log_->wait_beyond(offset_, wait);
  }
  CL_ASSIGN_OR_RETURN(InstanceLog::Chunk chunk, log_->read(offset_, max));
  // What was rotated away while nobody read it is skipped.
  offset_ = chunk.offset + chunk.data.size();
  if (stop_ && (offset_ > *stop_ || chunk.data.empty())) {
    chunk.data.resize(chunk.data.size() - std::min<uint64_t>(chunk.data.size(), offset_ - *stop_));
    offset_ = *stop_;
  }
  return std::move(chunk.data);
}

bool LogCursor::done() const {
  return stop_ ? offset_ >= *stop_ : log_->ended_at(offset_);
}

}  // namespace chainlab::runtime
