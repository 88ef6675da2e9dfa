// Loading an nftables script into a network namespace with libnftables (no `nft` process): the
// calling thread switches into the namespace, opens its netlink socket there, runs the script in
// one transaction and switches back.
#pragma once

#include <string>

#include "common/result.h"

namespace chainlab::substrate {

// Runs `script` (nft syntax) in the persisted namespace /run/netns/<netns>. NotFound when the
// namespace does not exist; kInternal with nft's message when the script fails (nothing of it is
// applied).
Status load_nftables(const std::string& netns, const std::string& script);

}  // namespace chainlab::substrate
