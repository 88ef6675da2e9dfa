// Image records and configs: JSON in and out, validated field by field (no exceptions).
#include <map>

#include "common/json_bounded.h"
#include "runtime/image_store_internal.h"

namespace chainlab::runtime {
namespace detail {
namespace {

using nlohmann::json;

// A string field; "" when absent or null. InvalidArgument when present with another type.
Result<std::string> get_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return std::string();
  }
  if (!it->is_string()) {
    return make_error(ErrorCode::kInvalidArgument, "'{}' must be a string", key);
  }
  return it->get<std::string>();
}

Result<std::vector<std::string>> get_string_list(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return out;
  }
  if (!it->is_array()) {
    return make_error(ErrorCode::kInvalidArgument, "'{}' must be a list of strings", key);
  }
  for (const json& v : *it) {
    if (!v.is_string()) {
      return make_error(ErrorCode::kInvalidArgument, "'{}' must be a list of strings", key);
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

json config_to_json(const ImageConfig& c) {
  return json{{"entrypoint", c.entrypoint},   {"cmd", c.cmd},   {"env", c.env},
              {"working_dir", c.working_dir}, {"user", c.user}, {"exposed_ports", c.exposed_ports}};
}

}  // namespace

json record_to_json(const ImageRecord& r) {
  return json{{"id", r.id_hex},
              {"tags", r.tags},
              {"layers", r.layers},
              {"layer_sizes", r.layer_sizes},
              {"config", config_to_json(r.config)},
              {"created", r.created}};
}

Result<ImageRecord> record_from_json(const json& j) {
  if (!j.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "image record is not an object");
  }
  ImageRecord r;
  CL_ASSIGN_OR_RETURN(r.id_hex, get_string(j, "id"));
  if (!is_hex_digest(r.id_hex)) {
    return make_error(ErrorCode::kInvalidArgument, "image record has a malformed id");
  }
  CL_ASSIGN_OR_RETURN(r.tags, get_string_list(j, "tags"));
  CL_ASSIGN_OR_RETURN(r.layers, get_string_list(j, "layers"));
  for (const std::string& l : r.layers) {
    if (!is_hex_digest(l)) {
      return make_error(ErrorCode::kInvalidArgument, "image record has a malformed layer id");
    }
  }
  auto sizes = j.find("layer_sizes");
  if (sizes != j.end() && sizes->is_array()) {
    for (const json& s : *sizes) {
      r.layer_sizes.push_back(s.is_number_unsigned() ? s.get<uint64_t>() : 0);
    }
  }
  r.layer_sizes.resize(r.layers.size(), 0);
  CL_ASSIGN_OR_RETURN(r.created, get_string(j, "created"));
  auto c = j.find("config");
  if (c != j.end() && c->is_object()) {
    CL_ASSIGN_OR_RETURN(r.config.entrypoint, get_string_list(*c, "entrypoint"));
    CL_ASSIGN_OR_RETURN(r.config.cmd, get_string_list(*c, "cmd"));
    CL_ASSIGN_OR_RETURN(r.config.env, get_string_list(*c, "env"));
    CL_ASSIGN_OR_RETURN(r.config.working_dir, get_string(*c, "working_dir"));
    CL_ASSIGN_OR_RETURN(r.config.user, get_string(*c, "user"));
    CL_ASSIGN_OR_RETURN(r.config.exposed_ports, get_string_list(*c, "exposed_ports"));
  }
  return r;
}

ImageInfo record_to_info(const std::string& root, const ImageRecord& r) {
  ImageInfo info;
  info.id = "sha256:" + r.id_hex;
  info.tags = r.tags;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    info.layer_dirs.push_back(layer_dir(root, r.layers[i]));
    info.size_bytes += i < r.layer_sizes.size() ? r.layer_sizes[i] : 0;
  }
  info.config = r.config;
  info.created = r.created;
  return info;
}

Result<ParsedConfig> parse_config_blob(std::string_view blob) {
  json j = parse_json(blob, "image config").value_or(json());
  if (!j.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "image config is not a JSON object");
  }
  ParsedConfig out;
  CL_ASSIGN_OR_RETURN(out.created, get_string(j, "created"));
  // Docker writes "config"; very old images only "container_config".
  auto c = j.find("config");
  if (c != j.end() && c->is_object()) {
    auto field = [&](const char* what) { return fmt::format("image config {}", what); };
    auto list = [&](const char* key, std::vector<std::string>& dst) -> Status {
      auto r = get_string_list(*c, key);
      if (!r.ok()) {
        return std::move(r).error().context(field(key));
      }
      dst = std::move(r).value();
      return ok_status();
    };
    CL_RETURN_IF_ERROR(list("Entrypoint", out.config.entrypoint));
    CL_RETURN_IF_ERROR(list("Cmd", out.config.cmd));
    CL_RETURN_IF_ERROR(list("Env", out.config.env));
    CL_ASSIGN_OR_RETURN(out.config.working_dir, get_string(*c, "WorkingDir"));
    CL_ASSIGN_OR_RETURN(out.config.user, get_string(*c, "User"));
    auto ports = c->find("ExposedPorts");
    if (ports != c->end() && ports->is_object()) {
      for (const auto& [port, unused] : ports->items()) {
        out.config.exposed_ports.push_back(port);
      }
    }
  } else if (c != j.end() && !c->is_null()) {
    return make_error(ErrorCode::kInvalidArgument, "image config 'config' must be an object");
  }
  auto rootfs = j.find("rootfs");
  if (rootfs == j.end() || !rootfs->is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "image config has no rootfs");
  }
  CL_ASSIGN_OR_RETURN(std::vector<std::string> ids, get_string_list(*rootfs, "diff_ids"));
  for (const std::string& id : ids) {
    auto hex = digest_hex(id);
    if (!hex.ok()) {
      return std::move(hex).error().context("image config rootfs.diff_ids");
    }
    out.diff_ids.push_back(*hex);
  }
  return out;
}

}  // namespace detail

std::string normalize_tag(const std::string& ref) {
  std::string r = ref;
  // Every Docker Hub host prefix goes, so that a normalised tag normalises to itself (a stored tag
  // is found by its own name).
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (std::string_view host : {"docker.io/", "index.docker.io/", "registry-1.docker.io/"}) {
      if (r.starts_with(host)) {
        r = r.substr(host.size());
        stripped = true;
        break;
      }
    }
  }
  size_t slash = r.rfind('/');
  if (r.starts_with("library/") && slash == std::string("library/").size() - 1) {
    r = r.substr(std::string("library/").size());
    slash = std::string::npos;
  }
  if (r.find('@') != std::string::npos) {
    return r;  // pinned by digest: no tag implied
  }
  size_t colon = r.rfind(':');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  if (!has_tag && !r.empty()) {
    r += ":latest";
  }
  return r;
}

}  // namespace chainlab::runtime
