// Pieces of parse_nffg (internal to src/frontends/unode/nffg_*.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/field_reader.h"
#include "common/result.h"
#include "frontends/unode/nffg.h"

namespace chainlab::unode {

// InvalidArgument "<path>.<key>: unknown key" for the first key of `object` not in `allowed`
// (the reference refuses unknown keys).
Status only_keys(const nlohmann::json& object, std::string_view path,
                 const std::vector<std::string_view>& allowed);
// Calls `item` for each element of the optional list `key` of `parent` (at most `max`).
Status each_item(const nlohmann::json& parent, std::string_view path, std::string_view key,
                 size_t max,
                 const std::function<Status(const nlohmann::json&, const std::string&)>& item);

// Hex digits (without 0x) up to 32 bits.
std::optional<uint64_t> parse_hex_uint(std::string_view text);
// aa:bb:cc:dd:ee:ff (also with '-'); normalised to lower case with ':' by the readers.
bool valid_mac(std::string_view text);
bool multicast_mac(std::string_view text);  // the low bit of the first octet
std::string normal_mac(std::string_view text);
bool valid_ipv4(std::string_view text);  // an address, or an address with a /prefix

Result<PortRef> port_ref(std::string_view text, std::string_view path);
Result<EndpointType> parse_endpoint_type(std::string_view text, std::string_view path);
// The type's object (interface, vlan, gre-tunnel, internal, host-stack) into `e`.
Status read_endpoint_body(const FieldReader& body, size_t max_text, Endpoint& e);
// Every match field but port_in.
Status read_match_fields(const FieldReader& r, Match& m);
// One object of actions (each key one action) appended to `out`.
Status read_action_object(const nlohmann::json& object, const std::string& path,
                          const NffgLimits& limits, std::vector<Action>& out);
Status read_control(const nlohmann::json& vnf, std::string_view path,
                    std::vector<ControlPort>& out);
Status read_env(const nlohmann::json& vnf, std::string_view path, size_t max_text,
                std::vector<std::string>& out);
Status read_groups(const nlohmann::json& vnf, std::string_view path, size_t max_text,
                   std::vector<std::string>& out);

// Unique ids; every port a rule names exists; each rule outputs somewhere or drops.
Result<Nffg> check_references(Nffg graph, std::string_view rules_path, std::string_view rules_key);

}  // namespace chainlab::unode
