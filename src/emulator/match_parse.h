// Parses son-emu / ovs-ofctl style match strings, as `network add -m` and the REST `match`
// parameter carry them: "dl_type=0x0800,nw_proto=6,tp_dst=80", shorthands "ip", "tcp", "udp",
// "icmp", "arp", and fields dl_src, dl_dst, dl_type, dl_vlan, nw_src, nw_dst (with /prefix),
// nw_proto, tp_src, tp_dst. Unknown fields and bad values are errors naming them.
#pragma once

#include <string_view>

#include "common/result.h"
#include "dataplane/flow.h"

namespace chainlab::emulator {

Result<dataplane::Match> parse_match(std::string_view text);

}  // namespace chainlab::emulator
