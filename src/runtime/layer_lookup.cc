#include "runtime/layer_lookup.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <deque>

#include "common/files.h"

namespace chainlab::runtime {
namespace {

constexpr int kMaxSymlinks = 40;  // Linux's MAXSYMLINKS

enum class Kind { kMissing, kDir, kSymlink, kOther };

struct Entry {
  Kind kind = Kind::kMissing;
  std::string host_path;          // in the highest layer that has the name
  std::vector<std::string> dirs;  // kDir: the merged directory's layer dirs, highest first
  mode_t mode = 0;
};

bool is_whiteout(const struct stat& st) {
  return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

bool is_opaque(const std::string& dir) {
  char value[2] = {};
  ssize_t n = ::getxattr(dir.c_str(), "trusted.overlay.opaque", value, sizeof value);
  return n == 1 && value[0] == 'y';
}

// `name` in the merged directory made of `dirs` (highest first).
Entry lookup(const std::vector<std::string>& dirs, const std::string& name) {
  Entry e;
  for (size_t i = 0; i < dirs.size(); ++i) {
    std::string candidate = dirs[i] + "/" + name;
    struct stat st;
    if (::lstat(candidate.c_str(), &st) != 0) {
      continue;
    }
    if (is_whiteout(st)) {
      return e;
    }
    e.host_path = candidate;
    e.mode = st.st_mode;
    if (S_ISLNK(st.st_mode)) {
      e.kind = Kind::kSymlink;
      return e;
    }
    if (!S_ISDIR(st.st_mode)) {
      e.kind = Kind::kOther;
      return e;
    }
    e.kind = Kind::kDir;
    // Lower layers' directories of the same name merge in, until a non-directory, a whiteout or
    // an opaque directory.
    for (size_t j = i; j < dirs.size(); ++j) {
      std::string lower = dirs[j] + "/" + name;
      struct stat lst;
      if (::lstat(lower.c_str(), &lst) != 0) {
        continue;
      }
      if (!S_ISDIR(lst.st_mode)) {
        break;
      }
      e.dirs.push_back(lower);
      if (is_opaque(lower)) {
        break;
      }
    }
    return e;
  }
  return e;
}

void push_front_path(std::deque<std::string>& todo, std::string_view path) {
  auto parts = split(path, '/');
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    todo.emplace_front(*it);
  }
}

}  // namespace

Result<std::string> resolve_in_layers(const std::vector<std::string>& layers_lowest_first,
                                      std::string_view path) {
  const std::vector<std::string> root(layers_lowest_first.rbegin(), layers_lowest_first.rend());
  auto missing = [&] {
    return make_error(ErrorCode::kNotFound, "no executable file '{}' in the image", path);
  };
  std::deque<std::string> todo;
  push_front_path(todo, path);
  std::vector<std::vector<std::string>> parents;  // merged dirs of the ancestors, for ".."
  std::vector<std::string> dirs = root;
  int links = 0;
  while (!todo.empty()) {
    std::string name = std::move(todo.front());
    todo.pop_front();
    if (name.empty() || name == ".") {
      continue;
    }
    if (name == "..") {
      if (!parents.empty()) {
        dirs = std::move(parents.back());
        parents.pop_back();
      }
      continue;
    }
    Entry e = lookup(dirs, name);
    switch (e.kind) {
      case Kind::kMissing:
        return missing();
      case Kind::kSymlink: {
        if (++links > kMaxSymlinks) {
          return missing();
        }
        std::string target(PATH_MAX, '\0');
        ssize_t n = ::readlink(e.host_path.c_str(), target.data(), target.size());
        if (n <= 0) {
          return missing();
        }
        target.resize(static_cast<size_t>(n));
        if (target.front() == '/') {
          dirs = root;
          parents.clear();
        }
        push_front_path(todo, target);
        break;
      }
      case Kind::kDir:
        parents.push_back(std::move(dirs));
        dirs = std::move(e.dirs);
        if (todo.empty()) {
          return missing();  // a directory is not a program
        }
        break;
      case Kind::kOther:
        if (!todo.empty() || !S_ISREG(e.mode) || (e.mode & 0111) == 0) {
          return missing();
        }
        return e.host_path;
    }
  }
  return missing();
}

Result<std::string> find_program_in_layers(const std::vector<std::string>& layers_lowest_first,
                                           const std::string& program, std::string_view path_list,
                                           std::string_view cwd) {
  if (program.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "empty command");
  }
  if (program.find('/') != std::string::npos) {
    std::string path = program.front() == '/' ? program : fmt::format("{}/{}", cwd, program);
    if (resolve_in_layers(layers_lowest_first, path).ok()) {
      return path;
    }
    return make_error(ErrorCode::kInvalidArgument,
                      "command not found in the image: '{}' is not an executable file", program);
  }
  for (std::string_view dir : split(path_list, ':')) {
    if (dir.empty()) {
      continue;
    }
    std::string path = fmt::format("{}/{}", dir, program);
    if (resolve_in_layers(layers_lowest_first, path).ok()) {
      return path;
    }
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "command not found in the image: '{}' is in no directory of PATH={}", program,
                    path_list);
}

}  // namespace chainlab::runtime
