// Catalogue: onboarded packages on disk, one `<uuid>.pkg` (the original archive) and one
// `<uuid>.json` ({uuid, created_at, sha1, size, name}) each. The .json is written last and
// removed first, so it marks a complete entry: a .pkg without one is the leftover of an
// interrupted add/remove and is deleted on open(). Files are written to a hidden temporary name,
// fsync'ed and renamed into place.
#include "frontends/sonata/catalogue.h"
#include "common/json_bounded.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/fd.h"
#include "common/files.h"

namespace chainlab::sonata {
namespace {

using nlohmann::json;

constexpr std::string_view kTempPrefix = ".tmp-";

Result<std::string> new_uuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    return make_error(ErrorCode::kInternal, "no random bytes for a uuid (RAND_bytes failed)");
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      s.push_back('-');
    }
    s += fmt::format("{:02x}", b[i]);
  }
  return s;
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : std::isxdigit(static_cast<unsigned char>(s[i])) == 0) {
      return false;
    }
  }
  return true;
}

// ISO 8601 UTC with microseconds, so that entries of one second keep their order on reload.
std::string now_iso8601() {
  return iso8601(SystemClock::instance().now());
}

Status fsync_dir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) {
    return errno_error(errno, fmt::format("syncing {}", dir));
  }
  return ok_status();
}

// Writes `data` to dir/name via a temporary file and rename(2).
Status write_atomically(const std::string& dir, const std::string& name, std::string_view data) {
  std::string tmp = fmt::format("{}/{}{}", dir, kTempPrefix, name);
  std::string path = fmt::format("{}/{}", dir, name);
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640));
  if (!fd.valid()) {
    return errno_error(errno, fmt::format("creating {}", tmp));
  }
  auto fail = [&](std::string_view what) {
    int err = errno;
    ::unlink(tmp.c_str());
    return errno_error(err, fmt::format("{} {}", what, tmp));
  };
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return fail("writing");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) {
    return fail("syncing");
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail("renaming");
  }
  return fsync_dir(dir);
}

Status make_dirs(const std::string& dir) {
  std::string cur = dir.starts_with("/") ? "" : ".";
  for (std::string_view part : split(dir, '/')) {
    if (part.empty()) {
      continue;
    }
    cur += "/" + std::string(part);
    if (::mkdir(cur.c_str(), 0750) != 0 && errno != EEXIST) {
      return errno_error(errno, fmt::format("creating catalogue directory {}", cur));
    }
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return make_error(ErrorCode::kInvalidArgument, "catalogue {} is not a directory", dir);
  }
  return ok_status();
}

// One stored entry, parsed again. Errors say why it cannot be used.
Result<std::unique_ptr<CatalogueEntry>> load_entry(const std::string& dir, const std::string& uuid,
                                                   const PackageLimits& limits) {
  CL_ASSIGN_OR_RETURN(std::string meta_text, read_file(fmt::format("{}/{}.json", dir, uuid)));
  json meta = parse_json(meta_text, "catalogue metadata").value_or(json());
  if (!meta.is_object() || meta.value("uuid", json()) != uuid || !meta.contains("created_at") ||
      !meta["created_at"].is_string()) {
    return make_error(ErrorCode::kInvalidArgument, "{}.json is not valid catalogue metadata", uuid);
  }
  CL_ASSIGN_OR_RETURN(std::string archive,
                      read_file(fmt::format("{}/{}.pkg", dir, uuid), limits.max_archive_bytes));
  CL_ASSIGN_OR_RETURN(Package package, parse_package(archive, limits));
  if (meta.value("sha1", json()) != package.sha1) {
    return make_error(ErrorCode::kInvalidArgument, "{}.pkg does not have the sha1 {}.json records",
                      uuid, uuid);
  }
  auto entry = std::make_unique<CatalogueEntry>();
  entry->uuid = uuid;
  entry->created_at = meta["created_at"].get<std::string>();
  entry->package = std::move(package);
  return entry;
}

}  // namespace

Result<std::unique_ptr<Catalogue>> Catalogue::open(const std::string& dir,
                                                   std::vector<std::string>* warnings,
                                                   PackageLimits limits) {
  CL_RETURN_IF_ERROR(make_dirs(dir));
  std::unique_ptr<Catalogue> c(new Catalogue());
  c->dir_ = dir;
  c->limits_ = limits;
  CL_ASSIGN_OR_RETURN(std::vector<std::string> names, list_dir(dir));
  std::set<std::string> complete;
  for (const std::string& name : names) {
    if (name.ends_with(".json") && is_uuid(std::string_view(name).substr(0, name.size() - 5))) {
      complete.insert(name.substr(0, name.size() - 5));
    }
  }
  for (const std::string& name : names) {
    bool orphan = name.ends_with(".pkg") && complete.count(name.substr(0, name.size() - 4)) == 0 &&
                  is_uuid(std::string_view(name).substr(0, name.size() - 4));
    if (name.starts_with(kTempPrefix) || orphan) {
      ::unlink(fmt::format("{}/{}", dir, name).c_str());  // an interrupted add or remove
    }
  }
  for (const std::string& uuid : complete) {
    auto entry = load_entry(dir, uuid, limits);
    if (!entry.ok()) {
      if (warnings != nullptr) {
        warnings->push_back(
            fmt::format("catalogue {}: skipping package {}: {}", dir, uuid, entry.error().message));
      }
      continue;
    }
    c->entries_.push_back(std::move(entry).value());
  }
  std::sort(c->entries_.begin(), c->entries_.end(), [](const auto& a, const auto& b) {
    return std::tie(a->created_at, a->uuid) < std::tie(b->created_at, b->uuid);
  });
  return c;
}

Result<const CatalogueEntry*> Catalogue::add(std::string_view archive) {
  CL_ASSIGN_OR_RETURN(Package package, parse_package(archive, limits_));
  auto entry = std::make_unique<CatalogueEntry>();
  CL_ASSIGN_OR_RETURN(entry->uuid, new_uuid());
  entry->created_at = now_iso8601();
  json meta = {{"uuid", entry->uuid},
               {"created_at", entry->created_at},
               {"sha1", package.sha1},
               {"size", package.size},
               {"name", package.nsd.name}};
  entry->package = std::move(package);
  std::string pkg_name = entry->uuid + ".pkg";
  CL_RETURN_IF_ERROR(write_atomically(dir_, pkg_name, archive));
  Status s = write_atomically(dir_, entry->uuid + ".json", meta.dump(2) + "\n");
  if (!s.ok()) {
    ::unlink(fmt::format("{}/{}", dir_, pkg_name).c_str());
    return std::move(s).error();
  }
  entries_.push_back(std::move(entry));
  return entries_.back().get();
}

Status Catalogue::remove(const std::string& uuid) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const auto& e) { return e->uuid == uuid; });
  if (it == entries_.end()) {
    return make_error(ErrorCode::kNotFound, "no package with uuid '{}'", uuid);
  }
  for (const char* ext : {".json", ".pkg"}) {
    std::string path = fmt::format("{}/{}{}", dir_, uuid, ext);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return errno_error(errno, fmt::format("removing {}", path));
    }
  }
  entries_.erase(it);
  return ok_status();
}

std::vector<const CatalogueEntry*> Catalogue::list() const {
  std::vector<const CatalogueEntry*> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) {
    out.push_back(e.get());
  }
  return out;
}

const CatalogueEntry* Catalogue::find(const std::string& uuid) const {
  for (const auto& e : entries_) {
    if (e->uuid == uuid) {
      return e.get();
    }
  }
  return nullptr;
}

const CatalogueEntry* Catalogue::find_by_service_name(const std::string& name) const {
  if (name == "latest") {
    return entries_.empty() ? nullptr : entries_.back().get();
  }
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if ((*it)->package.nsd.name == name) {
      return it->get();
    }
  }
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if ((*it)->package.name == name) {  // the 5GTANGO LLCM matches the package name
      return it->get();
    }
  }
  return nullptr;
}

}  // namespace chainlab::sonata
