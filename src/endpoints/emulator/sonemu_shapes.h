// The JSON and text shapes of son-emu's REST API (src/emuvim/api/rest/*.py and the getStatus /
// setChain code of src/emuvim/dcemulator/{node,net}.py), built from the emulator's typed views.
// Only the emulator endpoint uses them; docs/api/emulator-rest.md lists every key and what
// differs deliberately.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "emulator/emulation.h"
#include "endpoints/http/router.h"

namespace chainlab::endpoints {

// son-emu's names for the emulator's switches: the i-th PoP of the topology (0-based) is the
// data center "dc<i+1>" whose big switch is "dc<i+1>.s1"; other switches keep their own names.
class SonemuNames {
 public:
  explicit SonemuNames(const emulator::Topology& topology);
  // "dc1" for the first PoP; the name itself for anything else.
  std::string internal_name(std::string_view pop) const;
  // "dc1.s1" for the first PoP's switch; the name itself for a plain switch.
  std::string switch_name(std::string_view node) const;

 private:
  std::map<std::string, size_t, std::less<>> pop_index_;
};

// One entry of an instance's "network" list (node.py getNetworkStatus): intf_name, ip with its
// prefix ("10.0.10.1/24", "" without an address), netmask as the prefix length (24; null without
// an address), mac, up, status ("OK"), dc_portname ("dc1.s1-eth2"), plus chainlab's host_ifname.
nlohmann::json interface_status_json(const emulator::InterfaceInfo& intf, std::string_view pop,
                                     const SonemuNames& names);

// An instance's status (node.py EmulatorCompute.getStatus) plus chainlab's extra keys (command,
// driver, netns, usage counters).
nlohmann::json compute_status_json(const emulator::ComputeInfo& info, const SonemuNames& names);

// A PoP's status (node.py Datacenter.getStatus: label, internalname, switch,
// n_running_containers, metadata, vnf_list, "ext SAP list") plus chainlab's lsi, resource_model
// and resource_state.
nlohmann::json pop_status_json(const emulator::PopInfo& pop, const emulator::Topology& topology,
                               const SonemuNames& names);

// The text son-emu's PUT / DELETE /restapi/network answers (net.py setChain/_chainAddFlow):
// "success: <cmd> between <src> and <dst> with options: <json.dumps(options, indent=1)>" with
// options priority, cookie, match_input as the request gave them (null when absent) and vlan and
// path (son-emu switch names) of the chain; a second line for the reverse direction when the
// request is bidirectional. `cmd` is "add-flow" or "del-flows" (whose vlan is null).
std::string chain_answer(std::string_view cmd, const emulator::ChainInfo& chain,
                         const nlohmann::json& params, const SonemuNames& names);

// A JSON string as flask-restful writes it: the JSON document and a newline, with CORS (son-emu's
// CLI prints the raw body of its network and monitor calls).
Reply sonemu_text_answer(const std::string& text);

}  // namespace chainlab::endpoints
