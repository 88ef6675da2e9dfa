// The son-emu objects a topology script creates, as the importer models them (sonemu_model.h):
// which imported names are son-emu classes, and what DCNetwork(), the endpoints, the resource
// models and OSM's helpers record.
#include <array>
#include <string>

#include "emulator/sonemu_args.h"
#include "emulator/sonemu_model.h"

namespace chainlab::emulator::sonemu {
namespace {

constexpr std::string_view kNet = "emuvim.dcemulator.net.DCNetwork";
constexpr std::string_view kRest = "emuvim.api.rest.rest_api_endpoint.RestApiEndpoint";
constexpr std::string_view kOpenstack =
    "emuvim.api.openstack.openstack_api_endpoint.OpenstackApiEndpoint";
constexpr std::string_view kSonata = "emuvim.api.sonata.SonataDummyGatekeeperEndpoint";
constexpr std::string_view kTango = "emuvim.api.tango.TangoLLCMEndpoint";
constexpr std::string_view kRmModule = "emuvim.dcemulator.resourcemodel.upb.simple";
constexpr std::string_view kPreOsm = "emuvim.api.osm.pre_configured_osm.PreConfiguredOSM";

constexpr std::array<std::string_view, 15> kKnownNames = {
    kNet,
    kRest,
    kOpenstack,
    kSonata,
    kTango,
    "emuvim.api.zerorpc.compute.ZeroRpcApiEndpoint",
    "emuvim.api.zerorpc.network.ZeroRpcApiEndpointDCNetwork",
    "emuvim.dcemulator.resourcemodel.upb.simple.UpbSimpleCloudDcRM",
    "emuvim.dcemulator.resourcemodel.upb.simple.UpbOverprovisioningCloudDcRM",
    "emuvim.dcemulator.resourcemodel.upb.simple.UpbDummyRM",
    kPreOsm,
    "emuvim.api.osm.osm.OSM",
    "mininet.log.setLogLevel",
    "mininet.link.TCLink",
    "mininet.node.RemoteController",
};

// OSM's components (emuvim.api.osm.<module>.<Class>): containers on a switch of their own.
constexpr std::array<std::string_view, 7> kOsmParts = {"zookeeper.Zookeeper",
                                                       "kafka.Kafka",
                                                       "mongo.Mongo",
                                                       "mysql.Mysql",
                                                       "nbi.NBI",
                                                       "ro.RO",
                                                       "lcm.LCM"};

}  // namespace

std::vector<std::string> Model::module_names(std::string_view module) {
  std::vector<std::string> names;
  for (std::string_view n : kKnownNames) {
    if (starts_with(n, module) && n.size() > module.size() && n[module.size()] == '.' &&
        n.find('.', module.size() + 1) == std::string_view::npos) {
      names.push_back(last_part(n));
    }
  }
  for (std::string_view part : kOsmParts) {
    std::string full = "emuvim.api.osm." + std::string(part);
    if (starts_with(full, module) && full.size() > module.size() && full[module.size()] == '.' &&
        full.find('.', module.size() + 1) == std::string::npos) {
      names.push_back(last_part(full));
    }
  }
  return names;
}

Result<Value> Model::call_external(const std::string& dotted, const CallArgs& args, int line) {
  std::string origin = fmt::format(
      "{}() at line {}", starts_with(dotted, "builtins.") ? last_part(dotted) : dotted, line);
  if (dotted == kNet) {
    return new_net(args, line);
  }
  if (dotted == kRest || dotted == kOpenstack || dotted == kSonata || dotted == kTango ||
      starts_with(dotted, "emuvim.api.zerorpc.")) {
    return new_endpoint(dotted, args, line);
  }
  if (starts_with(dotted, kRmModule) && dotted.size() > kRmModule.size()) {
    return new_resource_model(last_part(dotted), args, line);
  }
  if (dotted == kPreOsm) {
    return new_preconfigured_osm(args, line);
  }
  if (dotted == "emuvim.api.osm.osm.OSM") {
    return new_osm_part("OSM", args, line);
  }
  for (std::string_view part : kOsmParts) {
    if (dotted == "emuvim.api.osm." + std::string(part)) {
      return new_osm_part(last_part(part), args, line);
    }
  }
  if (dotted == "mininet.log.setLogLevel" || dotted == "mininet.clean.cleanup") {
    return Value::none();
  }
  if (starts_with(dotted, "emuvim.") || starts_with(dotted, "mininet.")) {
    warn(line, fmt::format("{}() has no chainlab equivalent; ignored", dotted));
  }
  return Value::opaque(origin);
}

Result<Value> Model::new_net(const CallArgs& args, int line) {
  ArgReader r(source_, line, "DCNetwork()");
  CL_ASSIGN_OR_RETURN(Bound b, r.bind(args,
                                      {"controller", "monitor", "enable_learning",
                                       "dc_emulation_max_cpu", "dc_emulation_max_mem"},
                                      0, true));
  NetRec net;
  net.line = line;
  if (const Value* v = b.get("enable_learning")) {
    CL_ASSIGN_OR_RETURN(net.learning, r.flag(*v, "enable_learning"));
  }
  if (const Value* v = b.get("controller")) {
    std::string c = v->kind == Kind::kExternal ? v->text : "";
    if (c == "mininet.node.Controller" || c == "mininet.node.OVSController" ||
        c == "mininet.node.DefaultController") {
      if (!net.learning) {
        warn(line, fmt::format("controller={}: Mininet's reference controller makes every switch "
                               "a learning switch; translated as connectivity: learning",
                               last_part(c)));
      }
      net.learning = true;
    } else if (c != "mininet.node.RemoteController" && v->kind != Kind::kNone) {
      warn(line, fmt::format("controller={}: not translated (chainlab has its own switch); "
                             "connectivity follows enable_learning",
                             v->kind == Kind::kExternal ? c : describe(*v)));
    }
  }
  if (const Value* v = b.get("monitor")) {
    CL_ASSIGN_OR_RETURN(bool monitor, r.flag(*v, "monitor"));
    if (monitor) {
      warn(line, "monitor=True: chainlab has no Prometheus/cAdvisor monitoring; ignored");
    }
  }
  if (const Value* v = b.get("dc_emulation_max_cpu")) {
    CL_ASSIGN_OR_RETURN(net.e_cpu, r.number(*v, "dc_emulation_max_cpu"));
  }
  if (const Value* v = b.get("dc_emulation_max_mem")) {
    CL_ASSIGN_OR_RETURN(net.e_mem, r.number(*v, "dc_emulation_max_mem"));
  }
  for (const auto& [key, value] : b.extra) {
    warn(line, fmt::format("DCNetwork({}=...): a Mininet option chainlab does not translate; "
                           "ignored",
                           key));
  }
  nets_.push_back(net);
  return Value::of_api({ApiKind::kNet, nets_.size() - 1});
}

Result<Value> Model::new_endpoint(const std::string& cls, const CallArgs& args, int line) {
  std::string name = last_part(cls);
  ArgReader r(source_, line, name + "()");
  EndpointRec ep;
  ep.cls = name;
  ep.line = line;
  if (starts_with(cls, "emuvim.api.zerorpc.")) {
    warn(line, fmt::format("{}: son-emu's old zerorpc API has no chainlab equivalent (use the "
                           "REST API); ignored",
                           name));
    endpoints_.push_back(ep);
    return Value::of_api({ApiKind::kEndpoint, endpoints_.size() - 1});
  }
  std::vector<std::string_view> params = {"listenip", "port"};
  if (cls == kRest) {
    params.push_back("DCnetwork");
    ep.type = EndpointType::kRest;
  } else if (cls == kOpenstack) {
    ep.type = EndpointType::kOpenstack;
  } else {
    ep.type = EndpointType::kGatekeeper;
    ep.api = cls == kSonata ? GatekeeperApi::kSonata : GatekeeperApi::kTango;
    params.insert(params.end(), {"deploy_sap", "docker_management", "auto_deploy", "auto_delete",
                                 "sap_vnfd_path"});
    if (cls == kTango) {
      params.insert(params.end(), {"placement_algorithm_obj", "env_conf_folder"});
    }
  }
  CL_ASSIGN_OR_RETURN(Bound b, r.bind(args, params, 2, false));
  CL_ASSIGN_OR_RETURN(ep.ip, r.str(*b.get("listenip"), "listenip"));
  CL_ASSIGN_OR_RETURN(int64_t port, r.integer(*b.get("port"), "port"));
  int64_t max_port = ep.type == EndpointType::kOpenstack ? 65535 - 4696 : 65535;
  if (port < 0 || port > max_port) {
    return r.fail(fmt::format("port {} is out of range 0..{}{}", port, max_port,
                              max_port < 65535 ? " (its Neutron API listens on port + 4696)" : ""));
  }
  ep.port = static_cast<int>(port);
  if (ep.ip != "0.0.0.0") {
    warn(line, fmt::format("{} listens on {} in son-emu; chainlab's endpoints listen on the "
                           "address given to `chainlab run --listen` (default 0.0.0.0)",
                           name, ep.ip));
  }
  for (std::string_view option : params) {
    const Value* v = b.get(option);
    if (option == "listenip" || option == "port" || v == nullptr) {
      continue;
    }
    if (option == "DCnetwork") {
      if (v->kind == Kind::kApi && v->api.kind == ApiKind::kNet) {
        ep.net = v->api.index;
      } else if (v->kind != Kind::kNone) {
        return r.fail(fmt::format("DCnetwork must be a DCNetwork, not {}", describe(*v)));
      }
      continue;
    }
    if (option == "deploy_sap") {
      CL_ASSIGN_OR_RETURN(bool on, r.flag(*v, "deploy_sap"));
      if (cls == kSonata) {
        ep.deploy_sap = on;  // -> emulator.gatekeeper_sap
        continue;
      }
      if (!on) {
        continue;  // the LLCM's default
      }
      warn(line, fmt::format("{}(deploy_sap=True) is not translated: son-emu's 5GTANGO LLCM "
                             "never deploys SAPs (set emulator.gatekeeper_sap to have them)",
                             name));
      continue;
    }
    warn(line, fmt::format("{}({}={}) is not translated: chainlab's gatekeeper has no such "
                           "setting (docs/api/gatekeeper.md)",
                           name, option, v->is_opaque() ? "..." : py_repr(*v)));
  }
  endpoints_.push_back(ep);
  return Value::of_api({ApiKind::kEndpoint, endpoints_.size() - 1});
}

Result<Value> Model::new_resource_model(const std::string& cls, const CallArgs& args, int line) {
  ArgReader r(source_, line, cls + "()");
  RmRec rm;
  rm.cls = cls;
  rm.line = line;
  if (cls == "UpbSimpleCloudDcRM") {
    rm.model = "fixed";
  } else if (cls == "UpbOverprovisioningCloudDcRM") {
    rm.model = "overprovision";
  } else if (cls == "UpbDummyRM") {
    rm.model = "none";
  } else {
    warn(line, fmt::format("{}() has no chainlab equivalent; ignored", cls));
    return Value::opaque(fmt::format("{}() at line {}", cls, line));
  }
  CL_ASSIGN_OR_RETURN(
      Bound b,
      r.bind(args, {"max_cu", "max_mu", "deactivate_cpu_limit", "deactivate_mem_limit"}, 0, false));
  if (const Value* v = b.get("max_cu")) {
    CL_ASSIGN_OR_RETURN(rm.max_cu, r.number(*v, "max_cu"));
  }
  if (const Value* v = b.get("max_mu")) {
    CL_ASSIGN_OR_RETURN(rm.max_mu, r.number(*v, "max_mu"));
  }
  for (const char* flag : {"deactivate_cpu_limit", "deactivate_mem_limit"}) {
    if (const Value* v = b.get(flag)) {
      CL_ASSIGN_OR_RETURN(bool on, r.flag(*v, flag));
      if (on) {
        return r.fail(
            fmt::format("{}=True has no chainlab equivalent (a PoP's model limits both "
                        "CPU and memory); refusing to change what the topology means",
                        flag));
      }
    }
  }
  rms_.push_back(rm);
  return Value::of_api({ApiKind::kResourceModel, rms_.size() - 1});
}

Result<Value> Model::new_preconfigured_osm(const CallArgs& args, int line) {
  ArgReader r(source_, line, "PreConfiguredOSM()");
  CL_ASSIGN_OR_RETURN(Bound b, r.bind(args, {"vca_host", "vca_secret", "osm_version"}, 0, false));
  (void)b;
  warn(line,
       "PreConfiguredOSM(): OSM itself (zookeeper, kafka, mongo, NBI, RO, LCM containers on "
       "switch s1) is not emulated; translated as its PoP dc1 with OpenStack APIs on port 6001 "
       "and switch s1");
  NetRec net;
  net.line = line;
  net.learning = true;
  nets_.push_back(net);
  size_t n = nets_.size() - 1;
  dcs_.push_back(DcRec{n, line, "dc1", {}, std::nullopt});
  switches_.push_back(NodeRec{n, line, "s1", ""});
  EndpointRec ep;
  ep.type = EndpointType::kOpenstack;
  ep.cls = "OpenstackApiEndpoint";
  ep.line = line;
  ep.ip = "0.0.0.0";
  ep.port = 6001;
  ep.dcs.push_back(dcs_.size() - 1);
  ep.net = n;
  endpoints_.push_back(ep);
  osms_.push_back(OsmRec{line, n, endpoints_.size() - 1});
  return Value::of_api({ApiKind::kOsm, osms_.size() - 1});
}

Result<Value> Model::new_osm_part(const std::string& cls, const CallArgs& args, int line) {
  std::optional<size_t> net;
  if (!args.positional.empty() && args.positional[0].kind == Kind::kApi &&
      args.positional[0].api.kind == ApiKind::kNet) {
    net = args.positional[0].api.index;
  }
  if (cls == "OSM") {
    warn(line, "OSM(): OSM's containers are not emulated; ignored");
    osms_.push_back(OsmRec{line, net, std::nullopt});
    return Value::of_api({ApiKind::kOsm, osms_.size() - 1});
  }
  warn(line, fmt::format("{}(): an OSM component is a container outside any PoP; not emulated "
                         "(its links are dropped)",
                         cls));
  hosts_.push_back(NodeRec{net, line, cls, cls + "()"});
  return Value::of_api({ApiKind::kHost, hosts_.size() - 1});
}

}  // namespace chainlab::emulator::sonemu
