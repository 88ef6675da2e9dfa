#include "substrate/cgroup_parse.h"

#include <algorithm>
#include <charconv>

#include "common/files.h"

namespace chainlab::substrate::cgroup_internal {

namespace {

bool is_octal(char c) {
  return c >= '0' && c <= '7';
}

// mountinfo escapes ' ', '\t', '\n' and '\\' as three octal digits ("\040").
std::string unescape_mount_field(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && is_octal(s[i + 1]) && is_octal(s[i + 2]) &&
        is_octal(s[i + 3])) {
      out.push_back(
          static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::string> split_to_strings(std::string_view s, char sep) {
  std::vector<std::string> out;
  for (std::string_view part : split(s, sep)) {
    if (!part.empty()) {
      out.emplace_back(part);
    }
  }
  return out;
}

bool valid_component_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

Result<MountInfo> parse_mountinfo_line(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::string_view f : split(trim(line), ' ')) {
    if (!f.empty()) {
      fields.push_back(f);
    }
  }
  // id parent major:minor root mount_point options [optional...] - fstype source super_options
  size_t sep = 6;
  while (sep < fields.size() && fields[sep] != "-") {
    ++sep;
  }
  if (sep + 3 >= fields.size()) {
    return make_error(ErrorCode::kInvalidArgument, "malformed mountinfo line '{}'", trim(line));
  }
  MountInfo info;
  info.root = unescape_mount_field(fields[3]);
  info.mount_point = unescape_mount_field(fields[4]);
  info.fs_type = std::string(fields[sep + 1]);
  info.super_options = split_to_strings(fields[sep + 3], ',');
  return info;
}

Result<std::vector<MountInfo>> parse_mountinfo(std::string_view text) {
  std::vector<MountInfo> out;
  for (std::string_view line : split(text, '\n')) {
    if (trim(line).empty()) {
      continue;
    }
    CL_ASSIGN_OR_RETURN(MountInfo info, parse_mountinfo_line(line));
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::vector<ProcCgroup>> parse_proc_cgroup(std::string_view text) {
  std::vector<ProcCgroup> out;
  for (std::string_view line : split(text, '\n')) {
    line = trim(line);
    if (line.empty()) {
      continue;
    }
    size_t c1 = line.find(':');
    size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) {
      return make_error(ErrorCode::kInvalidArgument, "malformed /proc/self/cgroup line '{}'", line);
    }
    ProcCgroup entry;
    std::string_view id = line.substr(0, c1);
    auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), entry.hierarchy_id);
    if (ec != std::errc() || ptr != id.data() + id.size() || id.empty() || entry.hierarchy_id < 0) {
      return make_error(ErrorCode::kInvalidArgument, "bad hierarchy id in '{}'", line);
    }
    entry.controllers = split_to_strings(line.substr(c1 + 1, c2 - c1 - 1), ',');
    entry.path = std::string(line.substr(c2 + 1));
    if (entry.path.empty() || entry.path[0] != '/') {
      return make_error(ErrorCode::kInvalidArgument, "bad cgroup path in '{}'", line);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::string> cgroup_dir(const MountInfo& mount, std::string_view path) {
  std::string_view root = mount.root;
  std::string_view rest;
  if (root == "/") {
    rest = path;
  } else if (path == root) {
    rest = "";
  } else if (path.size() > root.size() && path.substr(0, root.size()) == root &&
             path[root.size()] == '/') {
    rest = path.substr(root.size());
  } else {
    return make_error(ErrorCode::kUnavailable, "own cgroup {} is not visible under {} (root {})",
                      path, mount.mount_point, root);
  }
  while (!rest.empty() && rest.back() == '/') {
    rest.remove_suffix(1);
  }
  return mount.mount_point + std::string(rest);
}

Result<std::vector<V1Hierarchy>> find_v1_hierarchies(const std::vector<MountInfo>& mounts,
                                                     const std::vector<ProcCgroup>& own,
                                                     const std::vector<std::string>& required,
                                                     const std::vector<std::string>& optional) {
  std::vector<V1Hierarchy> out;
  auto add = [&](const std::string& controller, bool is_required) -> Status {
    auto missing = [&](std::string_view why) -> Status {
      if (!is_required) {
        return ok_status();
      }
      return make_error(ErrorCode::kUnavailable, "cgroup v1 controller '{}' is {}", controller,
                        why);
    };
    auto entry = std::find_if(own.begin(), own.end(), [&](const ProcCgroup& e) {
      return e.hierarchy_id != 0 && contains(e.controllers, controller);
    });
    if (entry == own.end()) {
      return missing("not in /proc/self/cgroup (not mounted as v1)");
    }
    auto mount = std::find_if(mounts.begin(), mounts.end(), [&](const MountInfo& m) {
      return m.fs_type == "cgroup" &&
             std::all_of(entry->controllers.begin(), entry->controllers.end(),
                         [&](const std::string& c) { return contains(m.super_options, c); });
    });
    if (mount == mounts.end()) {
      return missing("not mounted (no cgroup mount in /proc/self/mountinfo)");
    }
    CL_ASSIGN_OR_RETURN(std::string dir, cgroup_dir(*mount, entry->path));
    bool seen =
        std::any_of(out.begin(), out.end(), [&](const V1Hierarchy& h) { return h.dir == dir; });
    if (!seen) {
      out.push_back(V1Hierarchy{entry->controllers, std::move(dir)});
    }
    return ok_status();
  };
  for (const std::string& c : required) {
    CL_RETURN_IF_ERROR(add(c, true));
  }
  for (const std::string& c : optional) {
    CL_RETURN_IF_ERROR(add(c, false));
  }
  return out;
}

Result<std::string> find_v2_dir(const std::vector<MountInfo>& mounts,
                                const std::vector<ProcCgroup>& own, std::string_view mount_point) {
  auto entry = std::find_if(own.begin(), own.end(), [](const ProcCgroup& e) {
    return e.hierarchy_id == 0 && e.controllers.empty();
  });
  if (entry == own.end()) {
    return make_error(ErrorCode::kUnavailable,
                      "no cgroup v2 line ('0::/...') in /proc/self/cgroup");
  }
  // The last mount at that point is the visible one.
  auto mount = std::find_if(mounts.rbegin(), mounts.rend(),
                            [&](const MountInfo& m) { return m.mount_point == mount_point; });
  if (mount == mounts.rend() || mount->fs_type != "cgroup2") {
    return make_error(ErrorCode::kUnavailable, "{} is not a cgroup2 mount", mount_point);
  }
  return cgroup_dir(*mount, entry->path);
}

Status validate_relative(std::string_view relative) {
  std::vector<std::string_view> parts = split(relative, '/');
  if (relative.empty() || parts.size() > 16) {
    return make_error(ErrorCode::kInvalidArgument, "bad cgroup name '{}': want 1..16 components",
                      relative);
  }
  for (std::string_view part : parts) {
    if (part.empty() || part == "." || part == ".." || part.size() > 255 ||
        !std::all_of(part.begin(), part.end(), valid_component_char)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "bad cgroup name '{}': components are 1..255 bytes of [A-Za-z0-9_.:-], "
                        "not '.' or '..'",
                        relative);
    }
  }
  return ok_status();
}

Result<std::vector<int>> parse_cpu_list(std::string_view text) {
  text = trim(text);
  std::vector<int> cpus;
  if (text.empty()) {
    return cpus;
  }
  auto bad = [&](std::string_view why) {
    return make_error(ErrorCode::kInvalidArgument, "bad cpu list '{}': {}", text, why);
  };
  auto parse_cpu = [](std::string_view s, int& out) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size() && !s.empty() && s[0] != '-' &&
           s[0] != '+';
  };
  for (std::string_view item : split(text, ',')) {
    size_t dash = item.find('-');
    int lo = 0;
    int hi = 0;
    if (dash == std::string_view::npos) {
      if (!parse_cpu(item, lo)) {
        return bad(fmt::format("'{}' is not a CPU number", item));
      }
      hi = lo;
    } else if (!parse_cpu(item.substr(0, dash), lo) || !parse_cpu(item.substr(dash + 1), hi)) {
      return bad(fmt::format("'{}' is not a range like 0-3", item));
    }
    if (lo > hi) {
      return bad(fmt::format("range '{}' is reversed", item));
    }
    if (hi > kMaxCpuIndex) {
      return bad(fmt::format("CPU {} is above {}", hi, kMaxCpuIndex));
    }
    for (int c = lo; c <= hi; ++c) {
      cpus.push_back(c);
    }
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

std::string format_cpu_list(const std::vector<int>& cpus) {
  std::string out;
  size_t i = 0;
  while (i < cpus.size()) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) {
      ++j;
    }
    if (!out.empty()) {
      out += ',';
    }
    out += j == i ? fmt::format("{}", cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]);
    i = j + 1;
  }
  return out;
}

Result<std::map<std::string, uint64_t>> parse_key_values(std::string_view text) {
  std::map<std::string, uint64_t> out;
  for (std::string_view line : split(text, '\n')) {
    line = trim(line);
    if (line.empty()) {
      continue;
    }
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0) {
      return make_error(ErrorCode::kInvalidArgument, "malformed 'key value' line '{}'", line);
    }
    CL_ASSIGN_OR_RETURN(uint64_t value, parse_uint64(line.substr(sp + 1)));
    out[std::string(line.substr(0, sp))] = value;
  }
  return out;
}

namespace {

// All of `s` as a decimal T; InvalidArgument "'s' is not <what>" otherwise.
template <class T>
Result<T> parse_whole(std::string_view s, std::string_view what) {
  T v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "'{}' is not {}", s, what);
  }
  return v;
}

}  // namespace

Result<int64_t> parse_int64(std::string_view text) {
  std::string_view s = trim(text);
  if (!s.empty() && s[0] == '+') {
    return make_error(ErrorCode::kInvalidArgument, "'{}' is not an integer", s);
  }
  return parse_whole<int64_t>(s, "an integer");
}

Result<uint64_t> parse_uint64(std::string_view text) {
  return parse_whole<uint64_t>(trim(text), "an unsigned integer");
}

Result<CpuMax> parse_cpu_max(std::string_view text) {
  std::string_view s = trim(text);
  size_t sp = s.find(' ');
  if (sp == std::string_view::npos) {
    return make_error(ErrorCode::kInvalidArgument, "malformed cpu.max '{}'", s);
  }
  CpuMax out;
  std::string_view quota = s.substr(0, sp);
  if (quota == "max") {
    out.quota_us = -1;
  } else {
    CL_ASSIGN_OR_RETURN(out.quota_us, parse_int64(quota));
    if (out.quota_us <= 0) {
      return make_error(ErrorCode::kInvalidArgument, "bad quota in cpu.max '{}'", s);
    }
  }
  CL_ASSIGN_OR_RETURN(out.period_us, parse_int64(s.substr(sp + 1)));
  if (out.period_us <= 0) {
    return make_error(ErrorCode::kInvalidArgument, "bad period in cpu.max '{}'", s);
  }
  return out;
}

std::string format_cpu_max(const CpuMax& value) {
  if (value.quota_us < 0) {
    return fmt::format("max {}", value.period_us);
  }
  return fmt::format("{} {}", value.quota_us, value.period_us);
}

uint64_t shares_to_weight(uint64_t shares) {
  shares = std::clamp(shares, kMinShares, kMaxShares);
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t weight_to_shares(uint64_t weight) {
  weight = std::clamp<uint64_t>(weight, 1, 10000);
  // Rounded up, so that shares_to_weight(weight_to_shares(w)) == w.
  return 2 + ((weight - 1) * 262142 + 9998) / 9999;
}

int64_t memory_limit_from_v1(uint64_t raw) {
  // "Unlimited" is PAGE_COUNTER_MAX pages, rounded; anything at or above 2^62 means no limit.
  if (raw >= (uint64_t{1} << 62)) {
    return -1;
  }
  return static_cast<int64_t>(raw);
}

Status validate_limits(const ResourceLimits& limits, const LimitContext& context) {
  int64_t period = limits.cpu_period_us.value_or(context.current_period_us);
  if (limits.cpu_period_us &&
      (*limits.cpu_period_us < kMinPeriodUs || *limits.cpu_period_us > kMaxPeriodUs)) {
    return make_error(ErrorCode::kInvalidArgument, "cpu_period_us {} is outside {}..{}",
                      *limits.cpu_period_us, kMinPeriodUs, kMaxPeriodUs);
  }
  if (limits.cpu_quota_us && *limits.cpu_quota_us != -1) {
    int64_t max_quota = period * std::max(context.ncpus, 1);
    if (*limits.cpu_quota_us < kMinQuotaUs || *limits.cpu_quota_us > max_quota) {
      return make_error(ErrorCode::kInvalidArgument,
                        "cpu_quota_us {} is outside {}..{} (period {} us x {} CPUs) and not -1",
                        *limits.cpu_quota_us, kMinQuotaUs, max_quota, period, context.ncpus);
    }
  }
  if (limits.cpu_shares && (*limits.cpu_shares < kMinShares || *limits.cpu_shares > kMaxShares)) {
    return make_error(ErrorCode::kInvalidArgument, "cpu_shares {} is outside {}..{}",
                      *limits.cpu_shares, kMinShares, kMaxShares);
  }
  if (limits.cpuset_cpus) {
    CL_ASSIGN_OR_RETURN(std::vector<int> cpus, parse_cpu_list(*limits.cpuset_cpus));
    if (cpus.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "cpuset_cpus is empty");
    }
    for (int c : cpus) {
      if (!std::binary_search(context.parent_cpus.begin(), context.parent_cpus.end(), c)) {
        return make_error(ErrorCode::kInvalidArgument,
                          "cpuset_cpus '{}': CPU {} is not allowed by the parent group ('{}')",
                          *limits.cpuset_cpus, c, format_cpu_list(context.parent_cpus));
      }
    }
  }
  if (limits.memory_bytes && *limits.memory_bytes != -1 && *limits.memory_bytes < kMinMemoryBytes) {
    return make_error(ErrorCode::kInvalidArgument, "memory_bytes {} is below {} (4 MiB) and not -1",
                      *limits.memory_bytes, kMinMemoryBytes);
  }
  return ok_status();
}

bool write_period_first(int64_t old_period_us, int64_t new_period_us, int64_t new_quota_us) {
  // Quota first gives q1/p0, period first q0/p1. When the period grows, q0/p1 <= q0/p0; when it
  // shrinks, q1/p0 < q1/p1. Unlimited quota is always accepted, so it goes first.
  return new_quota_us != -1 && new_period_us >= old_period_us;
}

}  // namespace chainlab::substrate::cgroup_internal
