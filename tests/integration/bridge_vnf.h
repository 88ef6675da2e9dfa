// The native VNF the node scenarios run: a start script that bridges the VNF's ports (what
// arrives on one leaves on the others), and its hot-plug update.
#pragma once

namespace chainlab::testing {

constexpr const char* kBridgeStart =
    "#!/bin/sh\n"
    "set -e\n"
    "shift 3\n"
    "ip link add br0 type bridge\n"
    "for p in \"$@\"; do ip link set \"$p\" master br0; done\n"
    "ip link set br0 up\n";
// Ports plugged into the running VNF join the bridge too (the reference's hot-plug `update`).
constexpr const char* kBridgeUpdate =
    "#!/bin/sh\n"
    "set -e\n"
    "shift 3\n"
    "for p in \"$@\"; do ip link set \"$p\" master br0; done\n";

}  // namespace chainlab::testing
