#include "frontends/escape/mdo/settings_fields.h"

#include "common/files.h"

namespace chainlab::escape {

Status only_keys(const nlohmann::json& object, const std::string& path,
                 const std::set<std::string>& keys) {
  if (!object.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: not a mapping",
                      path.empty() ? "config" : path);
  }
  for (const auto& item : object.items()) {
    if (keys.count(item.key()) == 0) {
      return make_error(ErrorCode::kInvalidArgument, "{}{}{}: unknown key", path,
                        path.empty() ? "" : ".", item.key());
    }
  }
  return ok_status();
}

Result<std::string> read_password(const FieldReader& r, const AdapterSpec& spec) {
  CL_ASSIGN_OR_RETURN(auto password, r.opt_string("password"));
  CL_ASSIGN_OR_RETURN(auto file, r.opt_string("password_file"));
  if (password.has_value() == file.has_value()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: give one of password or password_file",
                      r.path());
  }
  if (password) {
    return *password;
  }
  std::string path = !file->empty() && (*file)[0] != '/' ? spec.base_dir + "/" + *file : *file;
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path, 4096));
  return text.substr(0, text.find_first_of("\r\n"));
}

Result<double> read_ms(const nlohmann::json& j, const std::string& path, const char* key) {
  const nlohmann::json& v = j.is_object() && j.contains(key) ? j[key] : nlohmann::json(0);
  if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1e6) {
    return make_error(ErrorCode::kInvalidArgument, "{}.{}: expected ms in [0, 1e6]", path, key);
  }
  return v.get<double>();
}

uint32_t name_hash(std::string_view text) {
  uint32_t h = 2166136261u;
  for (char c : text) {
    h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  return h;
}

}  // namespace chainlab::escape
