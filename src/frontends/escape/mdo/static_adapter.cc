#include "frontends/escape/mdo/static_adapter.h"

#include <utility>

#include "common/field_reader.h"
#include "common/files.h"

namespace chainlab::escape {

Result<std::unique_ptr<StaticAdapter>> StaticAdapter::from_file(std::string name,
                                                                const std::string& path) {
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path, kMaxNffgBytes + 1));
  auto view = read_nffg(text);
  if (!view.ok()) {
    return make_error(view.error().code, "{}: {}", path, view.error().message);
  }
  return std::make_unique<StaticAdapter>(std::move(name), std::move(*view));
}

Status StaticAdapter::deploy(const std::string& service_id, const Nffg& part) {
  std::lock_guard lock(mu_);
  parts_[service_id] = part;
  return ok_status();
}

Status StaticAdapter::remove(const std::string& service_id) {
  std::lock_guard lock(mu_);
  parts_.erase(service_id);
  return ok_status();
}

std::map<std::string, Nffg> StaticAdapter::parts() const {
  std::lock_guard lock(mu_);
  return parts_;
}

Status register_static_adapter(AdapterRegistry& registry) {
  return registry.add(
      "static", [](const AdapterSpec& spec) -> Result<std::unique_ptr<DomainAdapter>> {
        FieldReader settings(spec.settings, "domains." + spec.name);
        CL_ASSIGN_OR_RETURN(std::string file, settings.string("file"));
        if (!file.empty() && file[0] != '/' && !spec.base_dir.empty()) {
          file = spec.base_dir + "/" + file;
        }
        CL_ASSIGN_OR_RETURN(auto adapter, StaticAdapter::from_file(spec.name, file));
        return std::unique_ptr<DomainAdapter>(std::move(adapter));
      });
}

}  // namespace chainlab::escape
