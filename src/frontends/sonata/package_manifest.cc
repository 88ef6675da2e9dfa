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

Status check_digest(const YamlFields& f, const std::string& field, const ContentEntry& e) {
  size_t want = e.algorithm == "md5" ? 32 : 64;
  if (e.hash.size() != want || !is_hex(e.hash)) {
    return f.error(field, fmt::format("'{}' is not a hex {} digest", e.hash, e.algorithm));
  }
  return ok_status();
}

}  // namespace

Result<Manifest> parse_sonata_manifest(std::string_view text) {
  YamlFields f{std::string(kSonataManifest)};
  try {
    CL_ASSIGN_OR_RETURN(YAML::Node root, f.load(text));
    Manifest m;
    m.file = std::string(kSonataManifest);
    CL_ASSIGN_OR_RETURN(m.vendor, first_of(f, root, {"vendor", "package_group"}));
    CL_ASSIGN_OR_RETURN(m.name, first_of(f, root, {"name", "package_name"}));
    CL_ASSIGN_OR_RETURN(m.version, first_of(f, root, {"version", "package_version"}));
    CL_ASSIGN_OR_RETURN(std::string entry, f.optional_string(root, "", "entry_service_template"));
    if (!entry.empty()) {
      CL_ASSIGN_OR_RETURN(m.nsd_path, entry_path(f, "entry_service_template", entry));
    }
    auto read_entry = [&](const YAML::Node& n, const std::string& p) -> Status {
      if (!n.IsMap()) {
        return f.error(p, "expected a mapping with name and content-type");
      }
      ContentEntry e;
      e.field = p;
      CL_ASSIGN_OR_RETURN(std::string name, f.required_string(n, p, "name"));
      CL_ASSIGN_OR_RETURN(e.path, entry_path(f, YamlFields::join(p, "name"), name));
      CL_ASSIGN_OR_RETURN(std::string type, f.optional_string(n, p, "content-type"));
      if (type == "application/sonata.service_descriptors" ||
          type == "application/sonata.service_descriptor") {
        e.kind = ContentKind::kNsd;
      } else if (type == "application/sonata.function_descriptor" ||
                 type == "application/sonata.function_descriptors") {
        e.kind = ContentKind::kVnfd;
      }
      CL_ASSIGN_OR_RETURN(std::string md5, f.optional_string(n, p, "md5"));
      if (!md5.empty()) {
        e.algorithm = "md5";
        e.hash = lower(md5);
        CL_RETURN_IF_ERROR(check_digest(f, YamlFields::join(p, "md5"), e));
      }
      m.content.push_back(std::move(e));
      return ok_status();
    };
    CL_RETURN_IF_ERROR(f.for_each(root, "", "package_content", read_entry));
    return m;
  } catch (const YAML::Exception& e) {
    return f.error("", e.what());
  }
}

Result<Manifest> parse_tango_napd(std::string_view text) {
  YamlFields f{std::string(kTangoNapd)};
  try {
    CL_ASSIGN_OR_RETURN(YAML::Node root, f.load(text));
    Manifest m;
    m.file = std::string(kTangoNapd);
    CL_ASSIGN_OR_RETURN(m.vendor, f.required_string(root, "", "vendor"));
    CL_ASSIGN_OR_RETURN(m.name, f.required_string(root, "", "name"));
    CL_ASSIGN_OR_RETURN(m.version, f.required_string(root, "", "version"));
    auto read_entry = [&](const YAML::Node& n, const std::string& p) -> Status {
      if (!n.IsMap()) {
        return f.error(p, "expected a mapping with source and content-type");
      }
      ContentEntry e;
      e.field = p;
      CL_ASSIGN_OR_RETURN(std::string source, f.required_string(n, p, "source"));
      CL_ASSIGN_OR_RETURN(e.path, entry_path(f, YamlFields::join(p, "source"), source));
      CL_ASSIGN_OR_RETURN(std::string type, f.optional_string(n, p, "content-type"));
      if (type == "application/vnd.5gtango.nsd") {
        e.kind = ContentKind::kNsd;
      } else if (type == "application/vnd.5gtango.vnfd") {
        e.kind = ContentKind::kVnfd;
      }
      CL_ASSIGN_OR_RETURN(std::string hash, f.optional_string(n, p, "hash"));
      CL_ASSIGN_OR_RETURN(std::string algorithm, f.optional_string(n, p, "algorithm"));
      if (!hash.empty()) {
        std::string a = lower(algorithm);
        if (a.empty() || a == "sha-256" || a == "sha256") {
          e.algorithm = "sha256";
        } else if (a == "md5") {
          e.algorithm = "md5";
        } else {
          return f.error(YamlFields::join(p, "algorithm"),
                         fmt::format("unsupported algorithm '{}' (SHA-256 or MD5)", algorithm));
        }
        e.hash = lower(hash);
        CL_RETURN_IF_ERROR(check_digest(f, YamlFields::join(p, "hash"), e));
      }
      m.content.push_back(std::move(e));
      return ok_status();
    };
    CL_RETURN_IF_ERROR(f.for_each(root, "", "package_content", read_entry));
    return m;
  } catch (const YAML::Exception& e) {
    return f.error("", e.what());
  }
}

}  // namespace chainlab::sonata::detail
