#include "common/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/fd.h"

namespace chainlab {

Result<UniqueFd> open_read(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return errno_error(errno, fmt::format("open {}", path));
  }
  return fd;
}

Result<size_t> read_some(int fd, char* buf, size_t n, const std::string& path) {
  for (;;) {
    ssize_t got = ::read(fd, buf, n);
    if (got >= 0) {
      return static_cast<size_t>(got);
    }
    if (errno != EINTR) {
      return errno_error(errno, fmt::format("read {}", path));
    }
  }
}

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  CL_ASSIGN_OR_RETURN(UniqueFd fd, open_read(path));
  std::string out;
  char buf[4096];
  for (;;) {
    // One byte more than allowed tells a file of exactly `max_bytes` from a longer one.
    size_t room = max_bytes - out.size();
    size_t want = room >= sizeof buf ? sizeof buf : room + 1;
    CL_ASSIGN_OR_RETURN(size_t n, read_some(fd.get(), buf, want, path));
    if (n == 0) {
      break;
    }
    out.append(buf, n);
    if (out.size() > max_bytes) {
      return make_error(ErrorCode::kInvalidArgument, "{}: larger than {} bytes", path, max_bytes);
    }
  }
  return out;
}

Result<std::string> read_file_tail(const std::string& path, size_t max_bytes) {
  CL_ASSIGN_OR_RETURN(UniqueFd fd, open_read(path));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return errno_error(errno, fmt::format("stat {}", path));
  }
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes &&
      ::lseek(fd.get(), st.st_size - static_cast<off_t>(max_bytes), SEEK_SET) < 0) {
    return errno_error(errno, fmt::format("seek {}", path));
  }
  std::string out;
  char buf[4096];
  for (;;) {
    CL_ASSIGN_OR_RETURN(size_t n, read_some(fd.get(), buf, sizeof buf, path));
    if (n == 0) {
      break;
    }
    out.append(buf, n);
    if (out.size() > 2 * max_bytes + sizeof buf) {  // still growing, or not a regular file
      out.erase(0, out.size() - max_bytes);
    }
  }
  if (out.size() > max_bytes) {
    out.erase(0, out.size() - max_bytes);
  }
  return out;
}

Status write_file(const std::string& path, std::string_view data, bool create) {
  int flags = O_WRONLY | O_CLOEXEC | (create ? O_CREAT | O_TRUNC : 0);
  UniqueFd fd(::open(path.c_str(), flags, 0644));
  if (!fd.valid()) {
    return errno_error(errno, fmt::format("open {}", path));
  }
  ssize_t n = ::write(fd.get(), data.data(), data.size());
  if (n < 0) {
    return errno_error(errno, fmt::format("write '{}' to {}", trim(data), path));
  }
  if (static_cast<size_t>(n) != data.size()) {
    return make_error(ErrorCode::kInternal, "short write to {}", path);
  }
  return ok_status();
}

Result<std::vector<std::string>> list_dir(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    return errno_error(errno, fmt::format("opendir {}", path));
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    if (name != "." && name != "..") {
      names.emplace_back(name);
    }
  }
  ::closedir(dir);
  return names;
}

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) {
    return {};
  }
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

Result<std::string> clean_relative_path(std::string_view raw, std::string_view what) {
  auto refuse = [&](std::string_view why) {
    return make_error(ErrorCode::kInvalidArgument, "refusing {} '{}': {}", what, raw, why);
  };
  if (raw.empty()) {
    return refuse("empty path");
  }
  if (raw.front() == '/') {
    return refuse("absolute path");
  }
  std::string out;
  for (std::string_view part : split(raw, '/')) {
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      return refuse("'..' path component");
    }
    if (!out.empty()) {
      out.push_back('/');
    }
    out.append(part);
  }
  return out;
}

}  // namespace chainlab
