#include "frontends/escape/mdo/mdo_config.h"

#include <filesystem>
#include <set>

#include "common/field_reader.h"
#include "common/files.h"
#include "frontends/escape/mdo/settings_fields.h"
#include "frontends/openstack/hot_template.h"

namespace chainlab::escape {
namespace {

using nlohmann::json;

Status read_api(const json& api, MdoConfig& c) {
  CL_RETURN_IF_ERROR(only_keys(api, "api", {"listen", "port", "prefix"}));
  FieldReader r(api, "api");
  CL_ASSIGN_OR_RETURN(auto listen, r.opt_string("listen"));
  CL_ASSIGN_OR_RETURN(auto port, r.opt_int("port", 1, 65535));
  CL_ASSIGN_OR_RETURN(auto prefix, r.opt_string("prefix"));
  c.listen = listen.value_or(c.listen);
  c.port = static_cast<int>(port.value_or(c.port));
  c.prefix = prefix.value_or(c.prefix);
  if (c.prefix.empty() ||
      c.prefix.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument, "api.prefix: letters, digits, - and _ only");
  }
  return ok_status();
}

Status read_mapping(const json& m, OrchestratorOptions& o) {
  CL_RETURN_IF_ERROR(
      only_keys(m, "mapping", {"algorithm", "backtrack_depth", "branching", "seed", "time_limit"}));
  FieldReader r(m, "mapping");
  CL_ASSIGN_OR_RETURN(auto algorithm, r.opt_string("algorithm"));
  CL_ASSIGN_OR_RETURN(auto depth, r.opt_int("backtrack_depth", 0, 1000));
  CL_ASSIGN_OR_RETURN(auto branching, r.opt_int("branching", 1, 1000));
  CL_ASSIGN_OR_RETURN(auto seed, r.opt_int("seed", 0));
  CL_ASSIGN_OR_RETURN(auto limit, r.opt_int("time_limit", 1, 86400));
  o.algorithm = algorithm.value_or(o.algorithm);
  o.embedding.backtrack_depth = static_cast<int>(depth.value_or(o.embedding.backtrack_depth));
  o.embedding.branching = static_cast<int>(branching.value_or(o.embedding.branching));
  o.embedding.seed = static_cast<uint64_t>(seed.value_or(1));
  o.embedding.time_limit_s = static_cast<double>(limit.value_or(60));
  return ok_status();
}

Result<AdapterSpec> read_domain(const json& d, size_t i, const std::string& base_dir) {
  std::string path = fmt::format("domains[{}]", i);
  if (!d.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: not a mapping", path);
  }
  FieldReader r(d, path);
  AdapterSpec spec;
  CL_ASSIGN_OR_RETURN(spec.name, r.string("name"));
  CL_ASSIGN_OR_RETURN(spec.kind, r.string("kind"));
  spec.settings = d;
  spec.settings.erase("name");
  spec.settings.erase("kind");
  spec.base_dir = base_dir;
  return spec;
}

}  // namespace

Result<MdoConfig> parse_mdo_config(const json& doc, const std::string& base_dir) {
  MdoConfig c;
  if (doc.is_null()) {
    return c;
  }
  CL_RETURN_IF_ERROR(only_keys(doc, "", {"api", "mapping", "view", "domains"}));
  if (doc.contains("api")) {
    CL_RETURN_IF_ERROR(read_api(doc["api"], c));
  }
  if (doc.contains("mapping")) {
    CL_RETURN_IF_ERROR(read_mapping(doc["mapping"], c.mapping));
  }
  CL_ASSIGN_OR_RETURN(auto view, FieldReader(doc).opt_string("view"));
  if (view && *view != "global" && *view != "single") {
    return make_error(ErrorCode::kInvalidArgument, "view: '{}' is not global or single", *view);
  }
  c.view = view == "single" ? ViewMode::kSingle : ViewMode::kGlobal;
  if (doc.contains("domains")) {
    if (!doc["domains"].is_array()) {
      return make_error(ErrorCode::kInvalidArgument, "domains: not a list");
    }
    for (size_t i = 0; i < doc["domains"].size(); ++i) {
      CL_ASSIGN_OR_RETURN(AdapterSpec spec, read_domain(doc["domains"][i], i, base_dir));
      c.domains.push_back(std::move(spec));
    }
  }
  return c;
}

Result<MdoConfig> read_mdo_config(const std::string& path) {
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path, size_t{1} << 20));
  CL_ASSIGN_OR_RETURN(json doc, openstack::yaml_to_json(text, path));
  std::string dir = std::filesystem::path(path).parent_path().string();
  auto c = parse_mdo_config(doc, dir.empty() ? "." : dir);
  if (!c.ok()) {
    return make_error(c.error().code, "{}: {}", path, c.error().message);
  }
  return c;
}

}  // namespace chainlab::escape
