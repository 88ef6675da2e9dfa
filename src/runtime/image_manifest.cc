// What an image import reads before it touches a blob: `docker save` manifest.json, OCI index.json,
// image manifests, nested indexes and content descriptors, checked field by field on parsed JSON
// (no file access, no exceptions; image_import.cc fetches and verifies what they name).
#include <string>
#include <vector>

#include "runtime/image_store.h"
#include "runtime/image_store_internal.h"

namespace chainlab::runtime::detail {
namespace {

using nlohmann::json;

// A string member, "" when absent or of another type (optional, informative fields).
std::string text_member(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<std::vector<DockerImageEntry>> parse_docker_manifest(const json& manifest) {
  if (!manifest.is_array() || manifest.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "manifest.json must be a non-empty list");
  }
  std::vector<DockerImageEntry> out;
  for (const json& m : manifest) {
    if (!m.is_object() || !m.contains("Config") || !m["Config"].is_string() ||
        !m.contains("Layers") || !m["Layers"].is_array()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "manifest.json entries need a Config string and a Layers list");
    }
    DockerImageEntry e;
    e.config = m["Config"].get<std::string>();
    // "<hex>.json" (classic) or "blobs/sha256/<hex>" (Docker >= 25).
    e.config_hex = e.config.substr(e.config.rfind('/') + 1);
    if (e.config_hex.ends_with(".json")) {
      e.config_hex.resize(e.config_hex.size() - 5);
    }
    if (!is_hex_digest(e.config_hex)) {
      return make_error(ErrorCode::kInvalidArgument, "config '{}' is not named by its digest",
                        e.config);
    }
    for (const json& l : m["Layers"]) {
      if (!l.is_string()) {
        return make_error(ErrorCode::kInvalidArgument, "manifest.json Layers must be strings");
      }
      e.layers.push_back(l.get<std::string>());
    }
    if (auto tags = m.find("RepoTags"); tags != m.end() && tags->is_array()) {
      for (const json& t : *tags) {
        if (t.is_string()) {
          e.tags.push_back(normalize_tag(t.get<std::string>()));
        }
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<OciDescriptor> parse_descriptor(const json& d) {
  if (!d.is_object() || !d.contains("digest") || !d["digest"].is_string()) {
    return make_error(ErrorCode::kInvalidArgument, "descriptor without a digest");
  }
  OciDescriptor out;
  out.digest = d["digest"].get<std::string>();
  CL_ASSIGN_OR_RETURN(out.hex, digest_hex(out.digest));
  out.media_type = text_member(d, "mediaType");
  if (auto size = d.find("size"); size != d.end() && size->is_number_unsigned()) {
    out.size = size->get<uint64_t>();
  }
  if (auto p = d.find("platform"); p != d.end() && p->is_object()) {
    out.has_platform = true;
    out.os = text_member(*p, "os");
    out.architecture = text_member(*p, "architecture");
  }
  if (auto ann = d.find("annotations"); ann != d.end() && ann->is_object()) {
    // containerd and Docker write the full name; skopeo and buildah "name:tag" or a bare tag.
    std::string name = text_member(*ann, "io.containerd.image.name");
    std::string ref = text_member(*ann, "org.opencontainers.image.ref.name");
    if (!name.empty()) {
      out.tags.push_back(normalize_tag(name));
    } else if (!ref.empty()) {
      out.tags.push_back(normalize_tag(ref));
    }
  }
  return out;
}

Result<std::vector<OciDescriptor>> parse_oci_index(const json& index) {
  auto list = index.is_object() ? index.find("manifests") : index.end();
  if (!index.is_object() || list == index.end() || !list->is_array() || list->empty()) {
    return make_error(ErrorCode::kInvalidArgument, "index.json lists no manifests");
  }
  std::vector<OciDescriptor> out;
  for (const json& d : *list) {
    CL_ASSIGN_OR_RETURN(OciDescriptor desc, parse_descriptor(d));
    out.push_back(std::move(desc));
  }
  return out;
}

Result<OciManifest> parse_oci_manifest(const json& m, const OciDescriptor& from) {
  if (!m.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "blob {} is not a JSON object", from.digest);
  }
  OciManifest out;
  bool index_type = from.media_type == "application/vnd.oci.image.index.v1+json" ||
                    from.media_type == "application/vnd.docker.distribution.manifest.list.v2+json";
  if (index_type || (m.contains("manifests") && !m.contains("config"))) {
    out.is_index = true;
    if (auto list = m.find("manifests"); list != m.end() && list->is_array()) {
      for (const json& d : *list) {
        auto desc = parse_descriptor(d);
        if (desc.ok()) {  // entries without a usable digest are never picked
          out.manifests.push_back(std::move(desc).value());
        }
      }
    }
    return out;
  }
  auto config = m.find("config");
  auto layers = m.find("layers");
  if (config == m.end() || layers == m.end() || !layers->is_array()) {
    return make_error(ErrorCode::kInvalidArgument, "image manifest needs config and layers");
  }
  CL_ASSIGN_OR_RETURN(out.config, parse_descriptor(*config));
  for (const json& l : *layers) {
    CL_ASSIGN_OR_RETURN(OciDescriptor layer, parse_descriptor(l));
    out.layers.push_back(std::move(layer));
  }
  return out;
}

const OciDescriptor* pick_platform(const std::vector<OciDescriptor>& manifests) {
#if defined(__aarch64__)
  constexpr std::string_view kArch = "arm64";
#else
  constexpr std::string_view kArch = "amd64";
#endif
  const OciDescriptor* fallback = nullptr;
  for (const OciDescriptor& d : manifests) {
    if (!d.has_platform) {
      fallback = fallback != nullptr ? fallback : &d;
      continue;
    }
    if (d.os == "linux" && d.architecture == kArch) {
      return &d;
    }
    if (fallback == nullptr && d.os != "unknown") {
      fallback = &d;
    }
  }
  return fallback;
}

}  // namespace chainlab::runtime::detail
