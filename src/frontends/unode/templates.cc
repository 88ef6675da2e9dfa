#include "frontends/unode/templates.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/field_path.h"
#include "common/field_reader.h"
#include "common/files.h"
#include "common/json_bounded.h"
#include "common/units.h"

namespace chainlab::unode {
namespace {

using nlohmann::json;

constexpr std::string_view kTypes[] = {"native", "docker", "dpdk", "virtual-machine-kvm"};
constexpr size_t kMaxTemplates = 1000;
constexpr size_t kMaxTemplateBytes = 64 * 1024;

Result<VnfType> parse_type(const std::string& text, const std::string& path) {
  for (size_t i = 0; i < std::size(kTypes); ++i) {
    if (text == kTypes[i]) {
      return static_cast<VnfType>(i);
    }
  }
  return field_error(
      "", path,
      fmt::format("unknown vnf-type '{}' (native, docker, dpdk, virtual-machine-kvm)",
                  text.substr(0, 80)));
}

// "0-0", "1-3", "0-N".
Result<PortRange> parse_range(const json& port, const std::string& path) {
  FieldReader r(port, path);
  CL_ASSIGN_OR_RETURN(std::string position, r.string("position"));
  size_t dash = position.find('-');
  PortRange out;
  CL_ASSIGN_OR_RETURN(auto label, r.opt_string("label"));
  out.label = label.value_or("");
  auto first = parse_int(position.substr(0, dash), "position", 0, 1024);
  if (dash == std::string::npos || !first.ok()) {
    return field_error("", r.path("position"), "expected FIRST-LAST or FIRST-N such as 0-0");
  }
  out.first = *first;
  std::string last = position.substr(dash + 1);
  if (last != "N") {
    auto n = parse_int(last, "position", out.first, 1024);
    if (!n.ok()) {
      return field_error("", r.path("position"), "expected FIRST-LAST or FIRST-N such as 0-0");
    }
    out.last = *n;
  }
  return out;
}

// coreNumbers of CPUrequirements.socket[0], a number or a string of digits.
Result<int64_t> cores_of(const json& doc) {
  auto cpu = doc.find("CPUrequirements");
  if (cpu == doc.end() || !cpu->is_object() || !cpu->contains("socket")) {
    return 0;
  }
  const json& sockets = (*cpu)["socket"];
  if (!sockets.is_array() || sockets.empty()) {
    return field_error("", "CPUrequirements.socket", "expected a list of one socket");
  }
  CL_ASSIGN_OR_RETURN(
      auto n, FieldReader(sockets[0], "CPUrequirements.socket[0]").opt_int("coreNumbers", 0, 1024));
  return n.value_or(0);
}

Status read_ports(const json& doc, NfTemplate& t) {
  auto ports = doc.find("ports");
  if (ports == doc.end() || !ports->is_array() || ports->empty()) {
    return field_error("", "ports", "expected a list of port ranges");
  }
  for (size_t i = 0; i < ports->size() && i < 64; ++i) {
    CL_ASSIGN_OR_RETURN(PortRange p, parse_range((*ports)[i], field_item("ports", i)));
    t.ports.push_back(std::move(p));
  }
  return ok_status();
}

}  // namespace

std::string_view vnf_type_name(VnfType type) {
  return kTypes[static_cast<size_t>(type)];
}

std::optional<int64_t> NfTemplate::port_capacity() const {
  int64_t total = 0;
  for (const PortRange& p : ports) {
    if (!p.last) {
      return std::nullopt;
    }
    total += *p.last - p.first + 1;
  }
  return total;
}

// "dependencies": ["iptables", "/usr/sbin/tc"]: at most 64 names of programs, no "..".
Result<std::vector<std::string>> read_dependencies(const json& doc) {
  std::vector<std::string> out;
  auto deps = doc.find("dependencies");
  if (deps == doc.end()) {
    return out;
  }
  if (!deps->is_array() || deps->size() > 64) {
    return field_error("", "dependencies", "expected a list of at most 64 program names");
  }
  for (size_t i = 0; i < deps->size(); ++i) {
    const json& d = (*deps)[i];
    std::string text = d.is_string() ? d.get<std::string>() : "";
    bool ok = !text.empty() && text.size() <= 255 && text.find("..") == std::string::npos &&
              text.find_first_not_of(
                  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789._+-/") == std::string::npos &&
              (text.find('/') == std::string::npos || text.front() == '/');
    if (!ok) {
      return field_error("", field_item("dependencies", i),
                         "expected a program name or an absolute path");
    }
    out.push_back(std::move(text));
  }
  return out;
}

Result<NfTemplate> parse_template(const json& doc, std::string id) {
  if (!doc.is_object()) {
    return field_error("", "", "expected a template object");
  }
  FieldReader r(doc);
  NfTemplate t;
  t.id = std::move(id);
  CL_ASSIGN_OR_RETURN(auto name, r.opt_string("name"));
  t.name = name.value_or("");
  CL_ASSIGN_OR_RETURN(t.capability, r.string("functional-capability"));
  CL_ASSIGN_OR_RETURN(std::string type, r.string("vnf-type"));
  CL_ASSIGN_OR_RETURN(t.type, parse_type(type, "vnf-type"));
  // The node's later spelling first (uri-image), the datastore's (uri) else.
  const char* uri_key = doc.contains("uri-image") ? "uri-image" : "uri";
  CL_ASSIGN_OR_RETURN(t.uri, r.string(uri_key));
  CL_ASSIGN_OR_RETURN(auto uri_type,
                      r.opt_string(doc.contains("uri-image-type") ? "uri-image-type" : "uri-type"));
  t.uri_type = uri_type.value_or("");
  CL_ASSIGN_OR_RETURN(auto expandable, r.opt_bool("expandable"));
  t.expandable = expandable.value_or(false);
  CL_ASSIGN_OR_RETURN(auto memory, r.opt_int("memory-size", 0, 1 << 24));
  t.memory_mb = static_cast<uint64_t>(memory.value_or(0));
  CL_ASSIGN_OR_RETURN(t.cores, cores_of(doc));
  CL_RETURN_IF_ERROR(read_ports(doc, t));
  CL_ASSIGN_OR_RETURN(t.dependencies, read_dependencies(doc));
  t.source = doc;
  return t;
}

Result<TemplateRepository> TemplateRepository::load(const std::string& dir,
                                                    std::vector<std::string>* warnings) {
  CL_ASSIGN_OR_RETURN(std::vector<std::string> names, list_dir(dir));
  std::sort(names.begin(), names.end());
  TemplateRepository repo;
  for (const std::string& file : names) {
    if (file.size() <= 5 || file.substr(file.size() - 5) != ".json") {
      continue;
    }
    if (repo.size() >= kMaxTemplates) {
      return make_error(ErrorCode::kResourceExhausted, "{}: more than {} templates", dir,
                        kMaxTemplates);
    }
    auto text = read_file(dir + "/" + file, kMaxTemplateBytes);
    auto doc = text.ok() ? parse_json(*text, file) : Result<json>(text.error());
    auto t = doc.ok() ? parse_template(*doc, file.substr(0, file.size() - 5))
                      : Result<NfTemplate>(doc.error());
    Status added = t.ok() ? repo.add(std::move(t).value()) : Status(t.error());
    if (!added.ok() && warnings != nullptr) {
      warnings->push_back(
          fmt::format("template {}/{} skipped: {}", dir, file, added.error().message));
    }
  }
  return repo;
}

Status TemplateRepository::add(NfTemplate t) {
  std::string id = t.id;
  if (!templates_.try_emplace(id, std::move(t)).second) {
    return make_error(ErrorCode::kAlreadyExists, "a template with the id '{}' exists", id);
  }
  return ok_status();
}

const NfTemplate* TemplateRepository::find(const std::string& id) const {
  auto it = templates_.find(id);
  return it == templates_.end() ? nullptr : &it->second;
}

std::vector<const NfTemplate*> TemplateRepository::implementing(
    const std::string& capability) const {
  std::vector<const NfTemplate*> out;
  for (const auto& [_, t] : templates_) {
    if (t.capability == capability) {
      out.push_back(&t);
    }
  }
  return out;
}

std::vector<std::string> TemplateRepository::capabilities() const {
  std::set<std::string> caps;
  for (const auto& [_, t] : templates_) {
    caps.insert(t.capability);
  }
  return {caps.begin(), caps.end()};
}

Result<json> TemplateRepository::template_json(const std::string& id) const {
  const NfTemplate* t = find(id);
  if (t == nullptr) {
    return make_error(ErrorCode::kNotFound, "no template '{}'", id);
  }
  return t->source;
}

Result<json> TemplateRepository::capability_json(const std::string& capability) const {
  json list = json::array();
  for (const NfTemplate* t : implementing(capability)) {
    list.push_back({{"id", t->id}, {"template", t->source}, {"image-upload-status", "completed"}});
  }
  if (list.empty()) {
    return make_error(ErrorCode::kNotFound, "no template implements '{}'", capability);
  }
  return json{{"list", std::move(list)}};
}

}  // namespace chainlab::unode
