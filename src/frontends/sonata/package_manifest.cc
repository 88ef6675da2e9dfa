// The two package manifests: SONATA's META-INF/MANIFEST.MF (YAML despite its name; package_content
// entries {name, content-type, md5}) and 5GTANGO's TOSCA-Metadata/NAPD.yaml (package_content
// entries {source, content-type, algorithm, hash}). Both become one Manifest listing which files
// are the NSD and the VNFDs and which digest each must have.
//
// Older son-cli manifests (the SONATA demo "sonata-demo-docker.son") name the package with
// package_group / package_name / package_version and use the singular content type
// "application/sonata.service_descriptor"; both spellings are accepted.
#include <algorithm>
#include <cctype>
#include <functional>
#include <vector>

#include "frontends/sonata/package_internal.h"

namespace chainlab::sonata::detail {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// The first non-empty of several alternative keys.
Result<std::string> first_of(const YamlFields& f, const YAML::Node& root,
                             std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    CL_ASSIGN_OR_RETURN(std::string v, f.optional_string(root, "", key));
    if (!v.empty()) {
      return v;
    }
  }
  return f.error("", fmt::format("missing key '{}'", *keys.begin()));
}

Result<std::string> entry_path(const YamlFields& f, const std::string& field,
                               std::string_view raw) {
  auto p = normalise_package_path(raw);
  if (!p.ok()) {
    return f.error(field, p.error().message);
  }
  return std::move(p).value();
}

// Sets e's digest from the entry's `hash_key` (none when absent or empty); `algorithm` ("md5" or
// "sha256") is asked only when there is one.
Status read_digest(const YamlFields& f, const YAML::Node& n, const std::string& p,
                   std::string_view hash_key, const std::function<Result<std::string>()>& algorithm,
                   ContentEntry& e) {
  CL_ASSIGN_OR_RETURN(std::string hash, f.optional_string(n, p, hash_key));
  if (hash.empty()) {
    return ok_status();
  }
  CL_ASSIGN_OR_RETURN(e.algorithm, algorithm());
  e.hash = lower(hash);
  size_t want = e.algorithm == "md5" ? 32 : 64;
  if (e.hash.size() != want || !is_hex(e.hash)) {
    return f.error(field_join(p, hash_key),
                   fmt::format("'{}' is not a hex {} digest", e.hash, e.algorithm));
  }
  return ok_status();
}

// NAPD's algorithm name: SHA-256 when none is given.
Result<std::string> napd_algorithm(const YamlFields& f, const YAML::Node& n, const std::string& p) {
  CL_ASSIGN_OR_RETURN(std::string algorithm, f.optional_string(n, p, "algorithm"));
  std::string a = lower(algorithm);
  if (a.empty() || a == "sha-256" || a == "sha256") {
    return std::string("sha256");
  }
  if (a == "md5") {
    return a;
  }
  return f.error(field_join(p, "algorithm"),
                 fmt::format("unsupported algorithm '{}' (SHA-256 or MD5)", algorithm));
}

// How one manifest format writes a package_content entry.
struct EntryFormat {
  std::string_view path_key;  // the key naming the file
  std::string_view expect;    // "expected a mapping with ..." when the entry is no mapping
  std::vector<std::string_view> nsd_types;
  std::vector<std::string_view> vnfd_types;
  std::string_view hash_key;
  std::function<Result<std::string>(const YamlFields&, const YAML::Node&, const std::string&)>
      algorithm;
};

Result<ContentEntry> read_entry(const YamlFields& f, const EntryFormat& format, const YAML::Node& n,
                                const std::string& p) {
  if (!n.IsMap()) {
    return f.error(p, fmt::format("expected a mapping with {}", format.expect));
  }
  ContentEntry e;
  e.field = p;
  CL_ASSIGN_OR_RETURN(std::string file, f.required_string(n, p, format.path_key));
  CL_ASSIGN_OR_RETURN(e.path, entry_path(f, field_join(p, format.path_key), file));
  CL_ASSIGN_OR_RETURN(std::string type, f.optional_string(n, p, "content-type"));
  auto is_one_of = [&](const std::vector<std::string_view>& types) {
    return std::find(types.begin(), types.end(), type) != types.end();
  };
  e.kind = is_one_of(format.nsd_types)    ? ContentKind::kNsd
           : is_one_of(format.vnfd_types) ? ContentKind::kVnfd
                                          : ContentKind::kOther;
  auto algorithm = [&] { return format.algorithm(f, n, p); };
  CL_RETURN_IF_ERROR(read_digest(f, n, p, format.hash_key, algorithm, e));
  return e;
}

Status read_entries(const YamlFields& f, const EntryFormat& format, const YAML::Node& root,
                    Manifest& m) {
  return f.append_each(
      root, "", "package_content", m.content,
      [&](const YAML::Node& n, const std::string& p) { return read_entry(f, format, n, p); });
}

// A manifest: `header` reads the top-level fields, `format` the package_content entries.
template <class Header>
Result<Manifest> read_manifest(std::string_view file, std::string_view text, Header&& header,
                               const EntryFormat& format) {
  YamlFields f{std::string(file)};
  return catch_yaml(file, [&]() -> Result<Manifest> {
    CL_ASSIGN_OR_RETURN(YAML::Node root, f.load(text));
    Manifest m;
    m.file = std::string(file);
    CL_RETURN_IF_ERROR(header(f, root, m));
    CL_RETURN_IF_ERROR(read_entries(f, format, root, m));
    return m;
  });
}

Status sonata_header(const YamlFields& f, const YAML::Node& root, Manifest& m) {
  CL_ASSIGN_OR_RETURN(m.vendor, first_of(f, root, {"vendor", "package_group"}));
  CL_ASSIGN_OR_RETURN(m.name, first_of(f, root, {"name", "package_name"}));
  CL_ASSIGN_OR_RETURN(m.version, first_of(f, root, {"version", "package_version"}));
  CL_ASSIGN_OR_RETURN(std::string entry, f.optional_string(root, "", "entry_service_template"));
  if (!entry.empty()) {
    CL_ASSIGN_OR_RETURN(m.nsd_path, entry_path(f, "entry_service_template", entry));
  }
  return ok_status();
}

}  // namespace

Result<Manifest> parse_sonata_manifest(std::string_view text) {
  EntryFormat format{
      "name",
      "name and content-type",
      {"application/sonata.service_descriptors", "application/sonata.service_descriptor"},
      {"application/sonata.function_descriptor", "application/sonata.function_descriptors"},
      "md5",
      [](const YamlFields&, const YAML::Node&, const std::string&) -> Result<std::string> {
        return std::string("md5");
      }};
  return read_manifest(kSonataManifest, text, sonata_header, format);
}

Result<Manifest> parse_tango_napd(std::string_view text) {
  EntryFormat format{"source",
                     "source and content-type",
                     {"application/vnd.5gtango.nsd"},
                     {"application/vnd.5gtango.vnfd"},
                     "hash",
                     napd_algorithm};
  auto header = [](const YamlFields& f, const YAML::Node& root, Manifest& m) {
    return f.identity(root, m);
  };
  return read_manifest(kTangoNapd, text, header, format);
}

}  // namespace chainlab::sonata::detail
