// The son-emu API as the importer models it (sonemu_model.h): what the methods of the objects a
// script creates record (DCNetwork, Datacenter, endpoints), which arguments must be constants,
// and what is warned about. The objects themselves are made in sonemu_objects.cc; the record
// becomes a Topology in sonemu_finish.cc.
#include <algorithm>
#include <array>
#include <string>

#include "emulator/sonemu_args.h"
#include "emulator/sonemu_model.h"

namespace chainlab::emulator::sonemu {
namespace {

// DCNetwork and Datacenter methods that only act on a running emulation: nothing to translate.
bool runtime_method(std::string_view m) {
  static constexpr std::array<std::string_view, 17> kRuntime = {
      "start",       "stop",      "CLI",       "ping",          "pingAll",         "pingFull",
      "pingPair",    "iperf",     "build",     "waitConnected", "getNodeByName",   "get",
      "listCompute", "getStatus", "staticArp", "configHosts",   "getAllContainers"};
  for (std::string_view r : kRuntime) {
    if (r == m) {
      return true;
    }
  }
  return false;
}

}  // namespace

Error Model::error(int line, std::string_view message) const {
  return pyscript::script_error(source_, line, message);
}

void Model::warn(int line, std::string message) {
  // One line each, whatever the script's strings hold (the YAML header quotes warnings as
  // comments).
  std::string clean;
  for (char c : message) {
    if (c == '\n' || c == '\r' || c == '\t') {
      clean += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      clean += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      clean += c;
    }
  }
  Diagnostic d{line, std::move(clean)};
  for (const Diagnostic& w : warnings_) {
    if (w == d) {
      return;
    }
  }
  warnings_.push_back(std::move(d));
}

void Model::note_import(std::string_view dotted) {
  imports_emuvim_ = imports_emuvim_ || starts_with(dotted, "emuvim");
}

std::optional<size_t> Model::net_of(ApiRef ref) const {
  switch (ref.kind) {
    case ApiKind::kNet:
      return ref.index;
    case ApiKind::kDc:
      return dcs_[ref.index].net;
    case ApiKind::kSwitch:
      return switches_[ref.index].net;
    case ApiKind::kHost:
      return hosts_[ref.index].net;
    default:
      return std::nullopt;
  }
}

std::string Model::node_name(ApiRef ref) const {
  switch (ref.kind) {
    case ApiKind::kDc:
      return dcs_[ref.index].label;
    case ApiKind::kSwitch:
      return switches_[ref.index].name;
    case ApiKind::kHost:
      return hosts_[ref.index].name;
    default:
      return "?";
  }
}

Result<Value> Model::attribute(ApiRef obj, const std::string& name, int line) {
  std::string origin = fmt::format("the attribute .{} at line {}", name, line);
  switch (obj.kind) {
    case ApiKind::kDc:
      if (name == "label") {
        return Value::of_str(dcs_[obj.index].label);
      }
      if (name == "switch") {  // links to dc.switch are links to the PoP
        return Value::of_api(obj);
      }
      if (name == "net") {
        return Value::of_api({ApiKind::kNet, dcs_[obj.index].net});
      }
      break;
    case ApiKind::kSwitch:
    case ApiKind::kHost:
      if (name == "name") {
        return Value::of_str(node_name(obj));
      }
      if (name == "instance" && obj.kind == ApiKind::kHost) {  // OSM components
        return Value::of_api(obj);
      }
      break;
    case ApiKind::kEndpoint:
      if (name == "port") {
        return Value::of_int(endpoints_[obj.index].port);
      }
      if (name == "ip") {
        return Value::of_str(endpoints_[obj.index].ip);
      }
      break;
    case ApiKind::kOsm:
      if (name == "api" && osms_[obj.index].endpoint) {
        return Value::of_api({ApiKind::kEndpoint, *osms_[obj.index].endpoint});
      }
      if (name == "net" && osms_[obj.index].net) {
        return Value::of_api({ApiKind::kNet, *osms_[obj.index].net});
      }
      break;
    default:
      break;
  }
  if (!name.empty() && (name[0] == '_' || name == "dcs" || name == "compute" || name == "manage" ||
                        name == "metadata" || name == "name" || name == "DCNetwork_graph")) {
    return Value::opaque(origin);
  }
  Value m = Value::of_api(obj);
  m.kind = Kind::kApiMethod;
  m.text = name;
  return m;
}

Result<Value> Model::enter(ApiRef obj, int line) {
  if (obj.kind == ApiKind::kOsm) {
    return call_method(obj, "start", {}, line);
  }
  return Value::of_api(obj);
}

Result<Value> Model::call_method(ApiRef obj, const std::string& method, const CallArgs& args,
                                 int line) {
  switch (obj.kind) {
    case ApiKind::kNet:
      return net_method(obj.index, method, args, line);
    case ApiKind::kDc:
      return dc_method(obj.index, method, args, line);
    case ApiKind::kEndpoint:
      return endpoint_method(obj.index, method, args, line);
    case ApiKind::kOsm:
      if (method == "start" && osms_[obj.index].endpoint) {
        endpoints_[*osms_[obj.index].endpoint].started = true;
        return Value::of_api(obj);
      }
      break;
    case ApiKind::kResourceModel:
      if (method == "addFlavour") {
        warn(line,
             "addFlavour(): custom flavors are not translated (chainlab has tiny, small, "
             "medium, large, xlarge)");
      }
      break;
    default:
      break;
  }
  return Value::opaque(fmt::format("{}() at line {}", method, line));
}

Result<Value> Model::net_method(size_t net, const std::string& method, const CallArgs& args,
                                int line) {
  if (method == "addDatacenter") {
    return add_datacenter(net, args, line);
  }
  if (method == "addSwitch") {
    return add_switch(net, args, line);
  }
  if (method == "addLink") {
    return add_link(net, args, line);
  }
  if (method == "addDocker" || method == "addHost" || method == "addExtSAP") {
    return add_host(net, method, args, line);
  }
  if (starts_with(method, "remove") || starts_with(method, "del")) {
    return error(line, fmt::format("unsupported construct: {}() takes part of the topology away "
                                   "while it is built; write the topology without it",
                                   method));
  }
  if (method == "setChain" || method == "setLAN") {
    warn(line, fmt::format("{}(): chains are run-time state, not topology; after `chainlab run` "
                           "use `chainlab {}`",
                           method, method == "setChain" ? "network add" : "elan add"));
  } else if (!runtime_method(method)) {
    warn(line, fmt::format("DCNetwork.{}() has no chainlab equivalent; ignored", method));
  }
  return Value::opaque(fmt::format("{}() at line {}", method, line));
}

Result<Value> Model::add_datacenter(size_t net, const CallArgs& args, int line) {
  ArgReader r(source_, line, "addDatacenter()");
  CL_ASSIGN_OR_RETURN(Bound b, r.bind(args, {"label", "metadata", "resource_log_path"}, 1, false));
  DcRec dc;
  dc.net = net;
  dc.line = line;
  CL_ASSIGN_OR_RETURN(dc.label, r.str(*b.get("label"), "label"));
  for (const DcRec& other : dcs_) {
    if (other.net == net && other.label == dc.label) {
      return r.fail(
          fmt::format("label '{}' is already used by the datacenter at line {} (son-emu "
                      "raises 'Data center label already exists')",
                      dc.label, other.line));
    }
  }
  if (const Value* m = b.get("metadata")) {
    std::vector<std::string> notes;
    CL_ASSIGN_OR_RETURN(dc.metadata, r.string_map(*m, "metadata", notes));
    for (std::string& note : notes) {
      warn(line, std::move(note));
    }
  }
  if (const Value* p = b.get("resource_log_path"); p != nullptr && p->kind != Kind::kNone) {
    warn(line,
         "resource_log_path is not translated: chainlab logs every allocation to "
         "/run/chainlab/runs/<run>/allocations.jsonl");
  }
  dcs_.push_back(std::move(dc));
  return Value::of_api({ApiKind::kDc, dcs_.size() - 1});
}

Result<Value> Model::add_switch(size_t net, const CallArgs& args, int line) {
  ArgReader r(source_, line, "addSwitch()");
  CL_ASSIGN_OR_RETURN(Bound b, r.bind(args, {"name", "add_to_graph"}, 1, true));
  NodeRec sw;
  sw.net = net;
  sw.line = line;
  CL_ASSIGN_OR_RETURN(sw.name, r.str(*b.get("name"), "name"));
  if (const Value* v = b.get("add_to_graph")) {
    CL_ASSIGN_OR_RETURN(bool in_graph, r.flag(*v, "add_to_graph"));
    if (!in_graph) {
      return r.fail(
          "add_to_graph=False (a switch chains cannot route through) has no chainlab "
          "equivalent");
    }
  }
  for (const auto& [key, value] : b.extra) {
    warn(line, fmt::format("addSwitch({}=...): a Mininet option chainlab does not translate; "
                           "ignored",
                           key));
  }
  switches_.push_back(std::move(sw));
  return Value::of_api({ApiKind::kSwitch, switches_.size() - 1});
}

Result<Value> Model::add_host(size_t net, const std::string& method, const CallArgs& args,
                              int line) {
  std::string name = "?";
  if (!args.positional.empty() && args.positional[0].kind == Kind::kStr) {
    name = args.positional[0].text;
  }
  std::string what = fmt::format("{}('{}')", method, name);
  warn(line, fmt::format("{}: a {} attached to a switch outside any PoP has no chainlab "
                         "equivalent; not translated (start instances in a PoP with `chainlab "
                         "compute start -d POP`)",
                         what, method == "addExtSAP" ? "SAP" : "host"));
  hosts_.push_back(NodeRec{net, line, name, what});
  return Value::of_api({ApiKind::kHost, hosts_.size() - 1});
}

Result<ApiRef> Model::link_end(size_t net, const Value& v, std::string_view which, int line) {
  ArgReader r(source_, line, "addLink()");
  ApiRef ref;
  if (v.kind == Kind::kApi && (v.api.kind == ApiKind::kDc || v.api.kind == ApiKind::kSwitch ||
                               v.api.kind == ApiKind::kHost)) {
    ref = v.api;
  } else if (v.kind == Kind::kStr) {
    bool found = false;
    for (size_t i = 0; i < dcs_.size() && !found; ++i) {
      if (dcs_[i].net == net && dcs_[i].label == v.text) {
        ref = {ApiKind::kDc, i};
        found = true;
      }
    }
    for (size_t i = 0; i < switches_.size() && !found; ++i) {
      if (switches_[i].net == net && switches_[i].name == v.text) {
        ref = {ApiKind::kSwitch, i};
        found = true;
      }
    }
    for (size_t i = 0; i < hosts_.size() && !found; ++i) {
      if (hosts_[i].net == net && hosts_[i].name == v.text) {
        ref = {ApiKind::kHost, i};
        found = true;
      }
    }
    if (!found) {
      return r.fail(fmt::format("{}: no datacenter, switch or host named '{}' in this DCNetwork",
                                which, v.text));
    }
  } else {
    CL_RETURN_IF_ERROR(r.known(v, which));
    return r.fail(fmt::format("{} must be a datacenter, a switch or a node name, not {}", which,
                              describe(v)));
  }
  std::optional<size_t> other = net_of(ref);
  if (other && *other != net) {
    return r.fail(fmt::format("{} '{}' belongs to another DCNetwork (line {})", which,
                              node_name(ref), nets_[*other].line));
  }
  return ref;
}

Result<Value> Model::add_link(size_t net, const CallArgs& args, int line) {
  ArgReader r(source_, line, "addLink()");
  CL_ASSIGN_OR_RETURN(Bound b, r.bind(args, {"node1", "node2"}, 2, true));
  CL_ASSIGN_OR_RETURN(ApiRef a, link_end(net, *b.get("node1"), "node1", line));
  CL_ASSIGN_OR_RETURN(ApiRef z, link_end(net, *b.get("node2"), "node2", line));
  for (ApiRef end : {a, z}) {
    if (end.kind == ApiKind::kHost) {
      warn(line, fmt::format("link to {} (line {}) is not translated: it has no chainlab "
                             "equivalent",
                             hosts_[end.index].what, hosts_[end.index].line));
      return Value::opaque(fmt::format("addLink() at line {}", line));
    }
  }
  CL_ASSIGN_OR_RETURN(LinkSpec spec, link_params(b.extra, line));
  spec.a = node_name(a);
  spec.b = node_name(z);
  links_.push_back(LinkRec{net, line, a, z, std::move(spec)});
  return Value::opaque(fmt::format("addLink() at line {}", line));
}

Result<Value> Model::dc_method(size_t dc, const std::string& method, const CallArgs& args,
                               int line) {
  ArgReader r(source_, line, method + "()");
  if (method == "assignResourceModel") {
    CL_ASSIGN_OR_RETURN(Bound b, r.bind(args, {"rm"}, 1, false));
    const Value& v = *b.get("rm");
    if (v.kind != Kind::kApi || v.api.kind != ApiKind::kResourceModel) {
      CL_RETURN_IF_ERROR(r.known(v, "rm"));
      return r.fail(fmt::format("rm must be a resource model, not {}", describe(v)));
    }
    RmRec& rm = rms_[v.api.index];
    if (dcs_[dc].rm) {
      return r.fail(
          fmt::format("datacenter '{}' already has a resource model (line {}); son-emu "
                      "raises 'There is already an resource model assigned'",
                      dcs_[dc].label, rms_[*dcs_[dc].rm].line));
    }
    if (rm.dc) {
      return r.fail(
          fmt::format("the {} of line {} is already assigned to '{}': son-emu would share "
                      "one budget between two PoPs, chainlab has one per PoP",
                      rm.cls, rm.line, dcs_[*rm.dc].label));
    }
    rm.dc = dc;
    dcs_[dc].rm = v.api.index;
    return Value::none();
  }
  if (method == "startCompute" || method == "stopCompute") {
    std::string name = !args.positional.empty() && args.positional[0].kind == Kind::kStr
                           ? args.positional[0].text
                           : "NAME";
    warn(line, fmt::format("{}('{}'): instances are not part of a chainlab topology; once "
                           "`chainlab run` is up use `chainlab compute {} -d {} -n {}`",
                           method, name, method == "startCompute" ? "start" : "stop",
                           dcs_[dc].label, name));
  } else if (method == "attachExternalSAP" || method == "removeExternalSAP") {
    warn(line, fmt::format("{}(): son-emu's NAT-ed external SAP is not translated; chainlab SAPs "
                           "are declared in the YAML `saps` list",
                           method));
  } else if (!runtime_method(method)) {
    warn(line, fmt::format("Datacenter.{}() has no chainlab equivalent; ignored", method));
  }
  return Value::opaque(fmt::format("{}() at line {}", method, line));
}

Status Model::connect_dc(EndpointRec& ep, size_t dc, int line) {
  size_t net = dcs_[dc].net;
  if (ep.net && *ep.net != net) {
    return error(line, fmt::format("{} (line {}) is connected to two different DCNetworks (lines "
                                   "{} and {})",
                                   ep.cls, ep.line, nets_[*ep.net].line, nets_[net].line));
  }
  ep.net = net;
  if (ep.type == EndpointType::kOpenstack) {
    if (!ep.dcs.empty() && ep.dcs.back() != dc) {
      warn(line, fmt::format("{} (line {}) connects a second datacenter; it serves only the last "
                             "one, '{}' (son-emu: one datacenter per OpenStack endpoint)",
                             ep.cls, ep.line, dcs_[dc].label));
    }
    ep.dcs.assign(1, dc);
    return ok_status();
  }
  if (std::find(ep.dcs.begin(), ep.dcs.end(), dc) == ep.dcs.end()) {
    ep.dcs.push_back(dc);
  }
  return ok_status();
}

Result<Value> Model::endpoint_method(size_t index, const std::string& method, const CallArgs& args,
                                     int line) {
  EndpointRec& ep = endpoints_[index];
  ArgReader r(source_, line, method + "()");
  if (method == "connectDatacenter" || method == "connect_datacenter") {
    CL_ASSIGN_OR_RETURN(Bound b, r.bind(args, {"dc"}, 1, false));
    const Value& v = *b.get("dc");
    if (v.kind != Kind::kApi || v.api.kind != ApiKind::kDc) {
      CL_RETURN_IF_ERROR(r.known(v, "dc"));
      return r.fail(fmt::format("dc must be a datacenter, not {}", describe(v)));
    }
    if (ep.type != EndpointType::kOther) {
      CL_RETURN_IF_ERROR(connect_dc(ep, v.api.index, line));
    }
    return Value::none();
  }
  if (method == "connectDCNetwork" || method == "connect_dc_network") {
    CL_ASSIGN_OR_RETURN(Bound b, r.bind(args, {"net"}, 1, false));
    const Value& v = *b.get("net");
    if (v.kind != Kind::kApi || v.api.kind != ApiKind::kNet) {
      CL_RETURN_IF_ERROR(r.known(v, "net"));
      return r.fail(fmt::format("net must be a DCNetwork, not {}", describe(v)));
    }
    if (ep.net && *ep.net != v.api.index) {
      return r.fail(
          fmt::format("{} (line {}) is connected to two different DCNetworks", ep.cls, ep.line));
    }
    if (ep.type != EndpointType::kOther) {
      ep.net = v.api.index;
    }
    return Value::none();
  }
  if (method == "start") {
    ep.started = true;
  }
  return Value::opaque(fmt::format("{}() at line {}", method, line));
}

}  // namespace chainlab::emulator::sonemu
