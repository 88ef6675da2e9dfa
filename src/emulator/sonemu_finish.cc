// From the recorded son-emu calls to a chainlab Topology (sonemu_model.h): one DCNetwork becomes
// the topology; PoPs, switches and links in script order; resource models on their PoPs; the
// started endpoints become rest_port, per-PoP `openstack` ports and gatekeeper_port (with
// gatekeeper_api tango for a TangoLLCMEndpoint, sonata and its deploy_sap for a
// SonataDummyGatekeeperEndpoint). A script
// that builds its DCNetwork several times (in a loop) must build the same one each time.
#include <algorithm>
#include <string>

#include "emulator/sonemu_model.h"

namespace chainlab::emulator::sonemu {

Result<Translation> Model::finish(const std::string& topology_name) {
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    const EndpointRec& ep = endpoints_[i];
    if (ep.type != EndpointType::kOther && !ep.net) {
      warn(ep.line, fmt::format("{} is connected to no datacenter; ignored", ep.cls));
    }
  }
  if (nets_.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: no DCNetwork() is created: not a son-emu topology script{}", source_,
                      imports_emuvim_ ? "" : " (it imports nothing from emuvim)");
  }
  std::optional<Translation> first;
  for (size_t n = 0; n < nets_.size(); ++n) {
    CL_ASSIGN_OR_RETURN(Translation t, build(n));
    t.topology.name = topology_name;
    if (!first) {
      first = std::move(t);
      continue;
    }
    if (!(t.topology == first->topology) || t.learning != first->learning) {
      return error(nets_[n].line,
                   fmt::format("a second DCNetwork that differs from the first one (line {}); "
                               "chainlab runs one topology per file",
                               nets_[0].line));
    }
  }
  if (nets_.size() > 1) {
    warn(nets_[0].line, fmt::format("the script builds this DCNetwork {} times (a loop); "
                                    "translated once",
                                    nets_.size()));
  }
  return std::move(*first);
}

Result<Translation> Model::build(size_t net) {
  Translation t;
  const NetRec& rec = nets_[net];
  t.learning = rec.learning;
  t.topology.emulator.e_cpu = rec.e_cpu;
  t.topology.emulator.e_mem_mb = rec.e_mem;
  t.topology.emulator.gatekeeper_port = -1;
  if (auto s = validate_emulator(t.topology.emulator); !s.ok()) {
    std::string message = s.error().message;
    // validate_emulator names the YAML fields; say which DCNetwork arguments they come from.
    if (message.rfind("e_cpu", 0) == 0) {
      message = "dc_emulation_max_cpu" + message.substr(5);
    } else if (message.rfind("e_mem", 0) == 0) {
      message = "dc_emulation_max_mem" + message.substr(5);
    }
    return error(rec.line, fmt::format("DCNetwork(): {}", message));
  }
  CL_RETURN_IF_ERROR(build_nodes(net, t.topology));
  CL_RETURN_IF_ERROR(build_endpoints(net, t.topology));
  return t;
}

Status Model::build_nodes(size_t net, Topology& t) {
  bool limiting = false;
  for (const DcRec& dc : dcs_) {
    limiting = limiting || (dc.net == net && dc.rm && rms_[*dc.rm].model != "none");
  }
  for (const DcRec& dc : dcs_) {
    if (dc.net != net) {
      continue;
    }
    PopSpec pop;
    pop.name = dc.label;
    pop.metadata = dc.metadata;
    if (dc.rm) {
      const RmRec& rm = rms_[*dc.rm];
      if (rm.model == "none" && limiting) {
        return error(rm.line,
                     fmt::format("{} next to limiting resource models: son-emu counts its max_cu "
                                 "in every PoP's CPU share, chainlab's model `none` does not; use "
                                 "one kind of model per topology or UpbSimpleCloudDcRM",
                                 rm.cls));
      }
      pop.resources.model = rm.model;
      pop.resources.max_cu = rm.max_cu;
      pop.resources.max_mu = rm.max_mu;
    }
    for (const EndpointRec& ep : endpoints_) {
      if (ep.type != EndpointType::kOpenstack || !ep.started || ep.dcs.empty() ||
          ep.dcs.back() != static_cast<size_t>(&dc - dcs_.data())) {
        continue;
      }
      if (!pop.endpoints.emplace("openstack", ep.port).second) {
        return error(ep.line, fmt::format("a second OpenstackApiEndpoint for datacenter '{}'; "
                                          "chainlab serves one set of OpenStack APIs per PoP",
                                          dc.label));
      }
    }
    if (auto s = t.add_pop(std::move(pop)); !s.ok()) {
      return error(dc.line, s.error().message);
    }
  }
  for (const NodeRec& sw : switches_) {
    if (sw.net == net) {
      if (auto s = t.add_switch(SwitchSpec{sw.name}); !s.ok()) {
        return error(sw.line, s.error().message);
      }
    }
  }
  for (const LinkRec& link : links_) {
    if (link.net == net) {
      if (auto s = t.add_link(link.spec); !s.ok()) {
        return error(link.line, s.error().message);
      }
    }
  }
  return ok_status();
}

void Model::check_subset(const EndpointRec& ep, size_t net, const std::string& what) {
  std::string missing;
  for (size_t i = 0; i < dcs_.size(); ++i) {
    if (dcs_[i].net == net && std::find(ep.dcs.begin(), ep.dcs.end(), i) == ep.dcs.end()) {
      missing += (missing.empty() ? "" : ", ") + dcs_[i].label;
    }
  }
  if (!missing.empty()) {
    warn(ep.line, fmt::format("{} is not connected to {}; chainlab's {} covers every PoP", ep.cls,
                              missing, what));
  }
}

Status Model::build_endpoints(size_t net, Topology& t) {
  const EndpointRec* rest = nullptr;
  const EndpointRec* gatekeeper = nullptr;
  for (const EndpointRec& ep : endpoints_) {
    if (ep.net != net || ep.type == EndpointType::kOther) {
      continue;
    }
    if (!ep.started) {
      warn(ep.line,
           fmt::format("{} is never started (no .start()); {}", ep.cls,
                       ep.type == EndpointType::kRest ? "chainlab serves its REST API anyway"
                                                      : "not translated"));
      continue;
    }
    if (ep.type == EndpointType::kOpenstack) {
      continue;  // per PoP, in build_nodes
    }
    const EndpointRec*& slot = ep.type == EndpointType::kRest ? rest : gatekeeper;
    if (slot != nullptr && slot->port != ep.port) {
      return error(ep.line, fmt::format("a second {} on port {} (the first, line {}, is on {}); "
                                        "chainlab serves one on one port",
                                        ep.cls, ep.port, slot->line, slot->port));
    }
    if (slot == nullptr) {
      slot = &ep;
      check_subset(ep, net, ep.type == EndpointType::kRest ? "REST API" : "gatekeeper");
    }
  }
  if (rest != nullptr) {
    t.emulator.rest_port = rest->port;
  }
  if (gatekeeper != nullptr) {
    t.emulator.gatekeeper_port = gatekeeper->port;
    t.emulator.gatekeeper_api = gatekeeper->api;
    t.emulator.gatekeeper_sap = gatekeeper->deploy_sap;
  }
  return ok_status();
}

}  // namespace chainlab::emulator::sonemu
