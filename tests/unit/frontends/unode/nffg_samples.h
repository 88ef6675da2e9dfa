// NF-FGs the unode unit tests share, written here so the tests run without the fixtures.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace chainlab::unode::samples {

// The reference's passthrough_with_vnf example: eth0 <-> VNF 00000001 (ports inout:0, inout:1,
// capability "example" by its name) <-> eth1, rules "1".."4".
inline nlohmann::json passthrough() {
  using nlohmann::json;
  auto rule = [](const std::string& id, const std::string& in, const std::string& out) {
    return json{{"id", id},
                {"priority", 1},
                {"match", {{"port_in", in}}},
                {"actions", {{{"output_to_port", out}}}}};
  };
  return {
      {"forwarding-graph",
       {{"name", "passthrough"},
        {"VNFs",
         {{{"id", "00000001"},
           {"name", "example"},
           {"ports", {{{"id", "inout:0"}, {"name", "a"}}, {{"id", "inout:1"}, {"name", "b"}}}}}}},
        {"end-points",
         {{{"id", "00000002"}, {"type", "interface"}, {"interface", {{"if-name", "eth0"}}}},
          {{"id", "00000003"}, {"type", "interface"}, {"interface", {{"if-name", "eth1"}}}}}},
        {"big-switch",
         {{"flow-rules",
           {rule("1", "endpoint:00000002", "vnf:00000001:inout:0"),
            rule("2", "vnf:00000001:inout:1", "endpoint:00000003"),
            rule("3", "vnf:00000001:inout:0", "endpoint:00000002"),
            rule("4", "endpoint:00000003", "vnf:00000001:inout:1")}}}}}}};
}

}  // namespace chainlab::unode::samples
