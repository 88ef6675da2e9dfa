#include "frontends/escape/mdo/cloud_adapter.h"

#include <set>
#include <thread>

#include <fmt/format.h>

#include "common/field_reader.h"
#include "common/files.h"
#include "common/json_at.h"
#include "common/json_bounded.h"
#include "frontends/escape/mdo/bisbis_view.h"
#include "frontends/escape/mdo/cloud_translate.h"
#include "frontends/escape/mdo/settings_fields.h"

namespace chainlab::escape {
namespace {

using json = nlohmann::json;

Result<std::map<std::string, CloudSap>> read_saps(const json& j, const std::string& path) {
  std::map<std::string, CloudSap> out;
  if (!j.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: not a mapping", path);
  }
  for (const auto& [id, sap] : j.items()) {
    std::string p = path + "." + id;
    CL_RETURN_IF_ERROR(only_keys(sap, p, {"network", "delay"}));
    CL_ASSIGN_OR_RETURN(out[id].network, FieldReader(sap, p).string("network"));
    CL_ASSIGN_OR_RETURN(out[id].delay, read_ms(sap, p));
  }
  return out;
}

Status read_names(const FieldReader& r, const json& j, CloudSettings& s) {
  CL_ASSIGN_OR_RETURN(s.auth_url, r.string("auth_url"));
  CL_ASSIGN_OR_RETURN(auto user, r.opt_string("user"));
  CL_ASSIGN_OR_RETURN(auto project, r.opt_string("project"));
  CL_ASSIGN_OR_RETURN(auto infra, r.opt_string("infra"));
  CL_ASSIGN_OR_RETURN(auto flavor, r.opt_string("flavor"));
  CL_ASSIGN_OR_RETURN(s.supported, r.opt_string_list("supported"));
  s.user = user.value_or(s.user);
  s.project = project.value_or(s.project);
  s.infra = infra.value_or(s.infra);
  s.flavor = flavor.value_or(s.flavor);
  const json images = j.value("images", json::object());
  for (const auto& [type, image] : images.items()) {
    if (!image.is_string()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: expected an image name",
                        r.path("images") + "." + type);
    }
    s.images[type] = image.get<std::string>();
  }
  return ok_status();
}

Resources resources_of(const CloudSettings& s, const json& limits) {
  Resources r = s.resources.value_or(Resources{});
  auto number = [&](const char* key) -> std::optional<double> {
    const json& v = json_at(limits, {"limits", "absolute", key});
    return v.is_number() && v.get<double>() >= 0 ? std::optional(v.get<double>()) : std::nullopt;
  };
  r.cpu = r.cpu ? r.cpu : number("maxTotalCores");
  r.mem = r.mem ? r.mem : number("maxTotalRAMSize");
  r.delay = s.delay;
  return r;
}

}  // namespace

Result<CloudSettings> read_cloud_settings(const AdapterSpec& spec) {
  std::string path = "domains." + spec.name;
  CL_RETURN_IF_ERROR(only_keys(spec.settings, path,
                               {"auth_url", "user", "password", "password_file", "project", "infra",
                                "delay", "resources", "supported", "images", "flavor", "saps"}));
  FieldReader r(spec.settings, path);
  CloudSettings s;
  s.infra = spec.name;
  CL_RETURN_IF_ERROR(read_names(r, spec.settings, s));
  CL_ASSIGN_OR_RETURN(s.password, read_password(r, spec));
  CL_ASSIGN_OR_RETURN(s.delay, read_ms(spec.settings, path));
  CL_ASSIGN_OR_RETURN(s.saps,
                      read_saps(spec.settings.value("saps", json::object()), path + ".saps"));
  if (spec.settings.contains("resources")) {
    const json& res = spec.settings["resources"];
    CL_RETURN_IF_ERROR(only_keys(res, path + ".resources", {"cpu", "mem", "storage"}));
    Resources out;
    for (auto [key, field] :
         {std::pair{"cpu", &out.cpu}, {"mem", &out.mem}, {"storage", &out.storage}}) {
      if (res.contains(key) && (!res[key].is_number() || res[key].get<double>() < 0)) {
        return make_error(ErrorCode::kInvalidArgument, "{}.resources.{}: expected a number >= 0",
                          path, key);
      }
      *field = res.contains(key) ? std::optional(res[key].get<double>()) : std::nullopt;
    }
    s.resources = out;
  }
  return s;
}

CloudAdapter::CloudAdapter(std::string name, CloudSettings settings, std::unique_ptr<CloudApi> api)
    : name_(std::move(name)), settings_(std::move(settings)), api_(std::move(api)) {}

Result<Nffg> CloudAdapter::view() {
  CL_ASSIGN_OR_RETURN(json limits, api_->limits());
  BisbisSpec b{settings_.infra, resources_of(settings_, limits), {}, {}};
  if (settings_.supported) {
    b.supported = *settings_.supported;
  } else {
    CL_ASSIGN_OR_RETURN(b.supported, api_->images());
    for (const auto& entry : settings_.images) {
      b.supported.push_back(entry.first);
    }
  }
  for (const auto& [sap, s] : settings_.saps) {
    b.saps[sap] = s.delay;
  }
  return bisbis_view(b);
}

Status CloudAdapter::wait_stack(const std::string& name, const std::string& id,
                                const std::string& op) {
  auto deadline = std::chrono::steady_clock::now() + settings_.stack_timeout;
  for (;;) {
    CL_ASSIGN_OR_RETURN(auto status, api_->stack_status(name, id));
    if (status.first == op + "_COMPLETE") {
      return ok_status();
    }
    // Another operation's COMPLETE: Heat has not started ours yet. A ROLLBACK is a failure.
    bool pending = status.first.ends_with("_IN_PROGRESS") ||
                   (status.first.ends_with("_COMPLETE") && !status.first.starts_with("ROLLBACK"));
    if (!pending) {
      return make_error(ErrorCode::kFailedPrecondition, "stack {}: {}: {}", name, status.first,
                        status.second);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return make_error(ErrorCode::kUnavailable, "stack {} still {} after {} s", name, status.first,
                        settings_.stack_timeout.count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Status CloudAdapter::wait_gone(const std::string& name, const std::string& id) {
  auto deadline = std::chrono::steady_clock::now() + settings_.stack_timeout;
  for (;;) {
    auto status = api_->stack_status(name, id);
    if (!status.ok()) {
      return status.error().code == ErrorCode::kNotFound ? ok_status() : Status(status.error());
    }
    if (status->first == "DELETE_COMPLETE") {
      return ok_status();
    }
    if (!status->first.ends_with("_IN_PROGRESS") || std::chrono::steady_clock::now() > deadline) {
      return make_error(ErrorCode::kUnavailable, "deleting stack {}: {}: {}", name, status->first,
                        status->second);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Status CloudAdapter::deploy(const std::string& service_id, const Nffg& part) {
  std::string stack = "mdo-" + service_id;
  CL_ASSIGN_OR_RETURN(json tmpl, part_to_hot(part, stack, settings_));
  std::lock_guard lock(mu_);
  if (auto it = stacks_.find(service_id); it != stacks_.end()) {
    return update(stack, it->second, std::move(tmpl));
  }
  CL_ASSIGN_OR_RETURN(std::string id, api_->create_stack(stack, tmpl));
  if (Status s = wait_stack(stack, id, "CREATE"); !s.ok()) {
    (void)api_->delete_stack(stack, id);  // a failed create leaves nothing
    return s;
  }
  stacks_[service_id] = Stack{id, std::move(tmpl)};
  return ok_status();
}

// A failed update is taken back to the template that ran before (best effort: the error that
// counts is the update's).
Status CloudAdapter::update(const std::string& stack, Stack& running, nlohmann::json tmpl) {
  Status s = api_->update_stack(stack, running.id, tmpl);
  if (s.ok()) {
    s = wait_stack(stack, running.id, "UPDATE");
  }
  if (!s.ok()) {
    if (api_->update_stack(stack, running.id, running.tmpl).ok()) {
      (void)wait_stack(stack, running.id, "UPDATE");
    }
    return s;
  }
  running.tmpl = std::move(tmpl);
  return ok_status();
}

Status CloudAdapter::remove(const std::string& service_id) {
  std::lock_guard lock(mu_);
  auto it = stacks_.find(service_id);
  if (it == stacks_.end()) {
    return ok_status();
  }
  std::string stack = "mdo-" + service_id;
  Status s = api_->delete_stack(stack, it->second.id);
  if (s.ok()) {
    s = wait_gone(stack, it->second.id);
  }
  if (!s.ok() && s.error().code != ErrorCode::kNotFound) {
    return s;
  }
  stacks_.erase(it);
  return ok_status();
}

}  // namespace chainlab::escape
