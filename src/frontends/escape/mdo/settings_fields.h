// What the MdO's config readers share (mdo_config.cc, and each domain kind's settings): the one
// "unknown key" check, a password given inline or in a file, a delay in ms, and the hash that
// turns a name into a small number the same way on every side (tag_vlan, a service's subnet).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/field_reader.h"
#include "common/result.h"
#include "frontends/escape/mdo/domain_adapter.h"

namespace chainlab::escape {

// InvalidArgument "<path>: not a mapping" or "<path>.<key>: unknown key" (at the top, path "":
// "<key>: unknown key").
Status only_keys(const nlohmann::json& object, const std::string& path,
                 const std::set<std::string>& keys);

// `password`, or the first line of the file `password_file` names (relative to the config's
// folder, at most 4 KiB): exactly one of them.
Result<std::string> read_password(const FieldReader& r, const AdapterSpec& spec);

// `key` of `j` in ms within [0, 1e6]; 0 when absent.
Result<double> read_ms(const nlohmann::json& j, const std::string& path, const char* key = "delay");

// FNV-1a of `text`.
uint32_t name_hash(std::string_view text);

}  // namespace chainlab::escape
