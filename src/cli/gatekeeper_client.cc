#include "cli/gatekeeper_client.h"

#include "cli/table.h"
#include "cli/views.h"

namespace chainlab::cli {

void add_gatekeeper_options(CLI::App& cmd, RemoteOptions& opt, const app::Environment& env) {
  add_endpoint_options(cmd, opt, env, "Gatekeeper endpoint", "CHAINLAB_GATEKEEPER",
                       kDefaultGatekeeper);
}

std::string resolve_gatekeeper(const std::string& flag_value, const std::string& env_value) {
  return first_set(flag_value, env_value, kDefaultGatekeeper);
}

Result<RestClient> connect_gatekeeper(const RemoteOptions& opt) {
  return connect_to(resolve_gatekeeper(opt.endpoint, opt.env.gatekeeper), opt.env);
}

namespace {

// `answer` itself when a list; else its `records` list; else the uuids of `uuids` (a list, or a
// list of lists) as [{uuid}].
nlohmann::json entries(const nlohmann::json& answer, const char* records, const char* uuids) {
  if (answer.is_array()) {
    return answer;
  }
  nlohmann::json out = nlohmann::json::array();
  if (!answer.is_object()) {
    return out;
  }
  if (auto it = answer.find(records); it != answer.end() && it->is_array()) {
    return *it;
  }
  auto it = answer.find(uuids);
  if (it == answer.end() || !it->is_array()) {
    return out;
  }
  for (const auto& item : *it) {
    for (const auto& uuid : item.is_array() ? item : nlohmann::json::array({item})) {
      out.push_back({{"uuid", uuid}});
    }
  }
  return out;
}

}  // namespace

nlohmann::json package_entries(const nlohmann::json& answer) {
  return entries(answer, "packages", "service_uuid_list");
}

nlohmann::json instance_entries(const nlohmann::json& answer) {
  return entries(answer, "instances", "service_instantiations_list");
}

std::string service_instance_text(const nlohmann::json& record) {
  // The reference gatekeepers answer {service_instance_uuid, id} only.
  std::string uuid = field(record, record.contains("uuid") ? "uuid" : "service_instance_uuid");
  std::string out = "instance " + uuid + " of " + field(record, "service_name") + " (" +
                    field(record, "service_uuid") + "), placement " + field(record, "placement") +
                    "\n";
  Table units({"UNIT", "POP", "INSTANCE", "RUNTIME", "INTERFACES"});
  auto add = [&](const nlohmann::json& list, bool sap) {
    if (!list.is_array()) {
      return;
    }
    for (const auto& u : list) {
      std::string ifs;
      if (u.contains("interfaces") && u["interfaces"].is_array()) {
        for (const auto& i : u["interfaces"]) {
          ifs += (ifs.empty() ? "" : ", ") + field(i, "name") + ":" + field(i, "ip");
        }
      }
      std::string unit =
          sap ? "sap " + field(u, "cp") : field(u, "vnf_id") + "/" + field(u, "vdu_id");
      units.add({unit, field(u, "pop"), field(u, "name"),
                 sap ? "native (SAP)" : field(u, "runtime"), ifs});
    }
  };
  add(record.value("vnfs", nlohmann::json::array()), false);
  add(record.value("saps", nlohmann::json::array()), true);
  out += units.render();
  Table links({"LINK", "TYPE", "ENDS"});
  for (const auto& l : record.value("elines", nlohmann::json::array())) {
    links.add({field(l, "id"), "E-Line",
               field(l, "src") + ":" + field(l, "src_intf") + " <-> " + field(l, "dst") + ":" +
                   field(l, "dst_intf")});
  }
  for (const auto& e : record.value("elans", nlohmann::json::array())) {
    std::string members;
    for (const auto& m : e.value("members", nlohmann::json::array())) {
      members += (members.empty() ? "" : ", ") + (m.is_string() ? m.get<std::string>() : m.dump());
    }
    links.add({field(e, "id"), "E-LAN", members});
  }
  if (!links.empty()) {
    out += links.render();
  }
  return out;
}

}  // namespace chainlab::cli
