// The Universal Node's INI configuration file (the reference's config/default-config.ini,
// docs/design/un-orchestrator-facts.md §7.3) as `chainlab node --config` reads it: the sections a
// chainlab node honours, warnings for the ones it does not need (the datastore, DoubleDecker, the
// IPsec certificate...), errors naming the line for malformed values.
//   [physical ports]       ports_name = [eth0 eth1]      attached to LSI-0
//   [rest server]          server_port = 8080
//   [initial graphs]       nffgs = [id1=path1 id2=path2]  deployed at start, owned by admin
//   [user authentication]  admin_password = ...          chainlab's: the admin on first start
//   [chainlab]             templates = DIR, listen = ADDR
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace chainlab::unode {

struct NodeConfig {
  std::vector<std::string> interfaces;
  int port = 8080;
  std::vector<std::pair<std::string, std::string>> initial_graphs;  // id, file
  std::string admin_password;
  std::string templates_dir;
  std::string listen;
};

// InvalidArgument "FILE:LINE: ..." for a bad value; keys it ignores go to `warnings`.
Result<NodeConfig> read_node_config(const std::string& path, std::vector<std::string>* warnings);
// The same from text (`source` names it in messages).
Result<NodeConfig> parse_node_config(const std::string& text, const std::string& source,
                                     std::vector<std::string>* warnings);

}  // namespace chainlab::unode
