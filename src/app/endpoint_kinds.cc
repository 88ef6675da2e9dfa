#include "app/endpoint_kinds.h"

#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/files.h"
#include "common/json_bounded.h"
#include "endpoints/emulator/emulator_endpoint.h"
#include "endpoints/gatekeeper/gatekeeper_endpoint.h"
#include "endpoints/openstack/openstack.h"
#include "endpoints/unode/nffg_endpoint.h"

namespace chainlab::app {
namespace {

std::string label_of(const EndpointEntry& entry, const std::string& what) {
  return entry.pop.empty() ? what : entry.pop + " " + what;
}

// The son-emu REST API (/restapi/..., emulator/emulator_endpoint.h).
class EmulatorKind final : public EndpointKind {
 public:
  std::vector<std::pair<int, std::string>> ports(const EndpointEntry& e) const override {
    return {{e.port, "emulator REST"}};
  }
  Result<MadeEndpoints> make(AppContext& c, const EndpointEntry& e) const override {
    MadeEndpoints out;
    out.endpoints.push_back({"emulator REST (son-emu)", e.port,
                             std::make_unique<endpoints::EmulatorEndpoint>(
                                 c.emulation, c.request_exit,
                                 endpoints::MonitorParts{c.monitor, c.events, c.alarms,
                                                         c.pushgateway, c.monitor_period, c.warn},
                                 endpoints::RunParts{c.served, c.clouds})});
    return out;
  }
};

// The SONATA dummy gatekeeper or the 5GTANGO LLCM (emulator.gatekeeper_api).
class GatekeeperKind final : public EndpointKind {
 public:
  std::vector<std::pair<int, std::string>> ports(const EndpointEntry& e) const override {
    return {{e.port, "gatekeeper"}};
  }
  Result<MadeEndpoints> make(AppContext& c, const EndpointEntry& e) const override {
    const emulator::EmulatorSpec& spec = c.emulation.topology().emulator;
    sonata::GatekeeperOptions options;
    options.reject_unknown_images = c.reject_unknown_images;
    options.deploy_saps = spec.gatekeeper_sap;
    options.image_is_local = image_is_local_in(c.images);
    options.events = c.events;
    std::vector<std::string> warnings;
    auto gk = open_gatekeeper_services(c.emulation, c.catalogue_dir, std::move(options), &warnings,
                                       endpoints::gatekeeper_package_limits());
    for (const auto& w : warnings) {
      c.warn(w);
    }
    if (!gk.ok()) {
      return std::move(gk).error().context("gatekeeper catalogue");
    }
    MadeEndpoints out;
    out.endpoints.push_back({spec.gatekeeper_api == emulator::GatekeeperApi::kSonata
                                 ? "gatekeeper (SONATA dummy gatekeeper)"
                                 : "gatekeeper (5GTANGO LLCM)",
                             e.port,
                             std::make_unique<endpoints::GatekeeperEndpoint>(
                                 *(*gk)->gatekeeper, c.request_exit, spec.gatekeeper_api)});
    out.services = std::move(gk).value();
    return out;
  }
};

// A PoP's OpenStack control plane: one Cloud, Sfc and StackEngine (app/services.h) under its
// endpoints (endpoints/openstack).
class OpenStackKind final : public EndpointKind {
 public:
  std::vector<std::pair<int, std::string>> ports(const EndpointEntry& e) const override {
    auto p = endpoints::OpenStackPorts::from_base(e.port);
    return {{p.keystone, label_of(e, "keystone")},
            {p.nova, label_of(e, "nova")},
            {p.neutron, label_of(e, "neutron")},
            {p.heat, label_of(e, "heat")},
            {p.glance, label_of(e, "glance")}};
  }
  Result<MadeEndpoints> make(AppContext& c, const EndpointEntry& e) const override {
    // Signal URLs name an address the host reaches (loopback when listening everywhere).
    std::string host = c.listen == "0.0.0.0" || c.listen == "::" ? "127.0.0.1" : c.listen;
    std::string heat_url =
        fmt::format("http://{}:{}", host.find(':') == std::string::npos ? host : "[" + host + "]",
                    endpoints::OpenStackPorts::from_base(e.port).heat);
    auto services = make_openstack_services(c.emulation, e.pop, c.images, heat_url);
    if (c.clouds != nullptr) {
      c.clouds->add({e.pop, services->cloud.get(), services->stacks.get()});
    }
    MadeEndpoints out;
    for (auto& service : endpoints::make_openstack_endpoints(*services->cloud, *services->sfc,
                                                             *services->stacks, e.port)) {
      out.endpoints.push_back(
          {label_of(e, service.label), service.port, std::move(service.endpoint)});
    }
    out.services = std::move(services);
    return out;
  }
};

// A PoP as a Universal Node (frontends/unode/node.h): the NF-FG API on the entry's port, its
// description on a ZeroMQ bus at port + 1000 (any free port when the entry's is 0), its users in
// <node_dir>/<pop>.db.
class NffgKind final : public EndpointKind {
 public:
  static int bus_port(const EndpointEntry& e) { return e.port == 0 ? 0 : e.port + 1000; }
  std::vector<std::pair<int, std::string>> ports(const EndpointEntry& e) const override {
    return {{e.port, label_of(e, "NF-FG")}, {bus_port(e), label_of(e, "NF-FG bus")}};
  }
  Result<MadeEndpoints> make(AppContext& c, const EndpointEntry& e) const override {
    std::error_code ec;
    std::filesystem::create_directories(c.node_dir, ec);
    unode::NodeOptions options;
    options.pop = e.pop;
    options.templates_dir = c.nffg_templates;
    options.db_path = fmt::format("{}/{}.db", c.node_dir, e.pop);
    options.admin_password = c.nffg_admin_password;
    options.management_address = options_address(c, e);
    std::vector<std::string> warnings;
    std::string bus = bus_port(e) == 0 ? fmt::format("tcp://{}:*", c.listen)
                                       : fmt::format("tcp://{}:{}", c.listen, bus_port(e));
    auto node = open_node_services(c.emulation, std::move(options), bus, &warnings);
    for (const auto& w : warnings) {
      c.warn(w);
    }
    if (!node.ok()) {
      return std::move(node).error().context(e.pop + " NF-FG node");
    }
    announce(c, e, **node);
    if (auto it = c.nffg_initial_graphs.find(e.pop); it != c.nffg_initial_graphs.end()) {
      CL_RETURN_IF_ERROR(deploy_initial(c, *(*node)->node, it->second));
    }
    MadeEndpoints out;
    out.endpoints.push_back(
        {label_of(e, "NF-FG (Universal Node)"), e.port,
         std::make_unique<endpoints::NffgEndpoint>(*(*node)->node, options_address(c, e))});
    out.services = std::move(node).value();
    return out;
  }

 private:
  static std::string options_address(const AppContext& c, const EndpointEntry& e) {
    return fmt::format("{}:{}", c.listen, e.port);
  }
  // The config's initial graphs, owned by the admin (as the reference deploys them at boot).
  static Status deploy_initial(AppContext& c, unode::Node& node,
                               const std::vector<std::pair<std::string, std::string>>& graphs) {
    CL_ASSIGN_OR_RETURN(unode::UserInfo admin, node.users().user("admin"));
    for (const auto& [id, file] : graphs) {
      auto text = read_file(file, size_t{16} << 20);
      auto doc = text.ok() ? parse_json(*text, file) : Result<nlohmann::json>(text.error());
      auto made = doc.ok() ? node.create_graph(admin, *doc, id) : Result<std::string>(doc.error());
      if (!made.ok()) {
        return Error(made.error()).context(fmt::format("initial graph {} ({})", id, file));
      }
      if (c.say) {
        c.say(fmt::format("{}: graph {} deployed from {}", node.pop(), id, file));
      }
    }
    return ok_status();
  }
  // The node's interfaces (what graphs name in their interface end-points), and the admin's
  // password when it was just generated.
  static void announce(AppContext& c, const EndpointEntry& e, NodeServices& node) {
    std::vector<std::string> names;
    if (auto ifs = c.emulation.pop_interfaces(e.pop); ifs.ok()) {
      for (const auto& [name, port] : *ifs) {
        names.push_back(name);
      }
    }
    if (c.say) {
      c.say(fmt::format("{} NF-FG interfaces: {}", e.pop, fmt::join(names, ", ")));
      if (node.bus) {
        c.say(fmt::format("{} NF-FG description bus: {} (topic {})", e.pop, node.bus->endpoint(),
                          unode::kDescriptionTopic));
      }
      if (node.generated_password) {
        c.say(fmt::format("{} NF-FG user admin, password {} (generated; shown once)", e.pop,
                          *node.generated_password));
      }
    }
  }
};

template <typename Kind>
EndpointRegistry::Factory factory() {
  return []() -> Result<std::unique_ptr<EndpointKind>> {
    return std::unique_ptr<EndpointKind>(std::make_unique<Kind>());
  };
}

}  // namespace

Status register_builtin_endpoint_kinds(EndpointRegistry& registry) {
  CL_RETURN_IF_ERROR(registry.add("emulator", factory<EmulatorKind>()));
  CL_RETURN_IF_ERROR(registry.add("gatekeeper", factory<GatekeeperKind>()));
  CL_RETURN_IF_ERROR(registry.add("nffg", factory<NffgKind>()));
  return registry.add("openstack", factory<OpenStackKind>());
}

std::vector<EndpointEntry> endpoint_entries(const emulator::Topology& topology, int rest_port) {
  std::vector<EndpointEntry> out;
  int emulator_port = rest_port >= 0 ? rest_port : topology.emulator.rest_port;
  if (emulator_port >= 0) {  // < 0: no son-emu REST API (`chainlab node`)
    out.push_back({"emulator", "", emulator_port});
  }
  if (topology.emulator.gatekeeper_port >= 0) {
    out.push_back({"gatekeeper", "", topology.emulator.gatekeeper_port});
  }
  for (const auto& pop : topology.pops()) {
    for (const auto& [kind, port] : pop.endpoints) {
      out.push_back({kind, pop.name, port});
    }
  }
  return out;
}

}  // namespace chainlab::app
