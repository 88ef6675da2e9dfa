// Private helpers of the package reader (package*.cc only): hex digests of in-memory bytes and a
// YAML field reader that turns every problem into "file: field.path[i].sub: problem". yaml-cpp
// types appear only here and in the package*.cc files; the public API is package.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/field_path.h"
#include "common/result.h"

namespace chainlab::sonata::detail {

// Lower-case hex digests (OpenSSL EVP).
std::string md5_hex(std::string_view data);
std::string sha1_hex(std::string_view data);
std::string sha256_hex(std::string_view data);

// A package path as written in a manifest ("/a/b.yml", "file:///a/b.yml", "./a/b.yml") in the
// form read_archive() uses ("a/b.yml"). InvalidArgument for "..", backslashes or an empty path.
Result<std::string> normalise_package_path(std::string_view raw);

// A package's own manifest (SONATA META-INF/MANIFEST.MF or 5GTANGO TOSCA-Metadata/NAPD.yaml).
enum class ContentKind { kNsd, kVnfd, kOther };
struct ContentEntry {
  std::string path;  // normalised (normalise_package_path)
  ContentKind kind = ContentKind::kOther;
  std::string algorithm;  // "md5", "sha256", or "" when no hash is given
  std::string hash;       // lower-case hex
  std::string field;      // "package_content[2]", for errors
};
struct Manifest {
  std::string file;  // the manifest's own path, for errors
  std::string vendor;
  std::string name;
  std::string version;
  std::string nsd_path;  // normalised; "" when the manifest names none (one kNsd entry then)
  std::vector<ContentEntry> content;
};
Result<Manifest> parse_sonata_manifest(std::string_view text);
Result<Manifest> parse_tango_napd(std::string_view text);

inline constexpr std::string_view kSonataManifest = "META-INF/MANIFEST.MF";
inline constexpr std::string_view kTangoNapd = "TOSCA-Metadata/NAPD.yaml";

// Reads the fields of one YAML file. Not thread-safe (counts the list items it visits, so that
// aliases cannot make a small file expand into a huge amount of work).
class YamlFields {
 public:
  static constexpr size_t kMaxListItems = 100'000;

  explicit YamlFields(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

  // common/field_path.h field_error: "source: path: message" (or "source: message" for an
  // empty path). Paths are built with field_join and field_item.
  Error error(std::string_view path, std::string_view message) const;

  // Parses `text`; the document must be a mapping. Parse errors carry line and column.
  Result<YAML::Node> load(std::string_view text) const;

  // Required / optional scalar members of mapping `map` (at `path`), trimmed.
  Result<std::string> required_string(const YAML::Node& map, std::string_view path,
                                      std::string_view key) const;
  Result<std::string> optional_string(const YAML::Node& map, std::string_view path,
                                      std::string_view key) const;
  Result<std::optional<double>> optional_number(const YAML::Node& map, std::string_view path,
                                                std::string_view key) const;
  Result<double> number(const YAML::Node& node, std::string_view path) const;
  Result<int64_t> integer(const YAML::Node& node, std::string_view path) const;
  // A mapping member, or nullopt when absent or null; InvalidArgument when it is no mapping.
  Result<std::optional<YAML::Node>> optional_map(const YAML::Node& map, std::string_view path,
                                                 std::string_view key) const;

  // Calls `fn(item, "path.key[i]")` for every item of the list `map[key]`; an absent or null key
  // is an empty list. ResourceExhausted beyond kMaxListItems items in this file.
  Status for_each(const YAML::Node& map, std::string_view path, std::string_view key,
                  const std::function<Status(const YAML::Node&, const std::string&)>& fn) const;
  // for_each that appends what `read(item, "path.key[i]")` (a Result<T>) gives to `out`.
  template <class T, class Read>
  Status append_each(const YAML::Node& map, std::string_view path, std::string_view key,
                     std::vector<T>& out, Read&& read) const {
    return for_each(map, path, key, [&](const YAML::Node& n, const std::string& p) -> Status {
      CL_ASSIGN_OR_RETURN(T value, read(n, p));
      out.push_back(std::move(value));
      return ok_status();
    });
  }
  // The required top-level vendor, name and version of a descriptor or manifest.
  template <class Doc>
  Status identity(const YAML::Node& root, Doc& doc) const {
    CL_ASSIGN_OR_RETURN(doc.vendor, required_string(root, "", "vendor"));
    CL_ASSIGN_OR_RETURN(doc.name, required_string(root, "", "name"));
    CL_ASSIGN_OR_RETURN(doc.version, required_string(root, "", "version"));
    return ok_status();
  }

 private:
  template <class T, class Parse>
  Result<T> scalar(const YAML::Node& node, std::string_view path, std::string_view what,
                   Parse parse) const;

  std::string source_;
  mutable size_t items_ = 0;
};

// Runs a reader, turning what yaml-cpp may still throw while walking nodes (it also throws on bad
// access) into InvalidArgument "source: what".
template <class Fn>
auto catch_yaml(std::string_view source, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {}", source, e.what());
  }
}

}  // namespace chainlab::sonata::detail
