// Topology <-> YAML. Every yaml-cpp call stays inside this file; YAML::Exception is caught here
// and becomes an Error naming the source, the entry and the field.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>

#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "common/field_path.h"
#include "common/units.h"
#include "common/yaml_load.h"
#include "emulator/topology.h"

namespace chainlab::emulator {

namespace {

// Nodes once aliases are expanded: room for 100,000 PoPs and 1,000,000 links written out.
constexpr size_t kMaxYamlNodes = 16'000'000;

// Reads one YAML document into a Topology. Errors (common/field_path.h): "<source>: <path>:
// <message>".
class YamlReader {
 public:
  YamlReader(std::string source, const Cancel& cancel)
      : source_(std::move(source)), cancel_(cancel) {}

  Error error(std::string_view path, std::string_view message) const {
    return field_error(source_, path, message);
  }

  // An Error from Topology::insert_* (message "field: text") placed under `path`.
  Error entry_error(std::string_view path, Error e) const {
    e.message = fmt::format("{}: {}.{}", source_, path, e.message);
    return e;
  }

  // A mapping whose keys are all in `allowed`, each at most once.
  Status check_map(const YAML::Node& node, std::string_view path,
                   std::initializer_list<std::string_view> allowed) const {
    if (!node.IsMap()) {
      return error(path, fmt::format("expected a mapping with keys {}", fmt::join(allowed, ", ")));
    }
    std::set<std::string, std::less<>> seen;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        return error(path, "keys must be plain strings");
      }
      const std::string& key = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return error(path, fmt::format("unknown key '{}' (expected one of: {})", key,
                                       fmt::join(allowed, ", ")));
      }
      if (!seen.insert(key).second) {
        return error(path, fmt::format("duplicate key '{}'", key));
      }
    }
    return ok_status();
  }

  Result<std::string> get_string(const YAML::Node& node, std::string_view path) const {
    if (!node.IsScalar()) {
      return error(path, "expected a string");
    }
    return node.Scalar();
  }

  // The string at `key` of the mapping `node` (at `path`).
  Result<std::string> string_at(const YAML::Node& node, std::string_view path,
                                const char* key) const {
    return get_string(node[key], field_join(path, key));
  }

  // "missing key 'k'" for the first of `keys` that the mapping `node` (at `path`) lacks.
  Status require_keys(const YAML::Node& node, std::string_view path,
                      std::initializer_list<const char*> keys) const {
    for (const char* key : keys) {
      if (!node[key]) {
        return error(path, fmt::format("missing key '{}'", key));
      }
    }
    return ok_status();
  }

  // A scalar read by parse(text) (a common/units.h parser or alike, its message without a field)
  // and its error placed under `path`; `expected` says what a non-scalar should have been.
  template <typename Parse>
  auto get_parsed(const YAML::Node& node, std::string_view path, std::string_view expected,
                  Parse parse) const -> decltype(parse(std::string_view())) {
    if (!node.IsScalar()) {
      return error(path, expected);
    }
    auto v = parse(std::string_view(node.Scalar()));
    if (!v.ok()) {
      return error(path, v.error().message);
    }
    return v;
  }

  Result<double> get_double(const YAML::Node& node, std::string_view path) const {
    return get_parsed(node, path, "expected a number",
                      [](std::string_view text) { return parse_number(text, ""); });
  }

  Result<int> get_int_in(const YAML::Node& node, std::string_view path, int64_t lo,
                         int64_t hi) const {
    CL_ASSIGN_OR_RETURN(
        int64_t v, get_parsed(node, path, "expected an integer", [lo, hi](std::string_view text) {
          return parse_int(text, "", lo, hi);
        }));
    return static_cast<int>(v);
  }

  // Mbit/s: a number, or one with a unit (kbit, mbit, gbit).
  Result<double> get_rate(const YAML::Node& node, std::string_view path) const {
    return get_parsed(node, path, "expected a rate in Mbit/s",
                      [](std::string_view text) { return parse_rate_mbps(text, ""); });
  }

  Result<uint64_t> get_duration(const YAML::Node& node, std::string_view path) const {
    return get_parsed(node, path, "expected a duration such as 10ms",
                      [](std::string_view text) { return parse_duration(text, ""); });
  }

  // Bytes: a number, or one with a unit (k, m, g: binary).
  Result<uint64_t> get_size(const YAML::Node& node, std::string_view path) const {
    return get_parsed(node, path, "expected a size in bytes such as 10m",
                      [](std::string_view text) { return parse_size(text, ""); });
  }

  Result<Connectivity> get_connectivity(const YAML::Node& node, std::string_view path) const {
    return get_parsed(node, path, "expected none or learning", parse_connectivity);
  }

  // When the mapping `node` (at `path`) has `key`: out = (this->*get)(its value, "<path>.<key>").
  template <typename Out, typename T>
  Status read_optional(const YAML::Node& node, std::string_view path, const char* key, Out& out,
                       Result<T> (YamlReader::*get)(const YAML::Node&, std::string_view)
                           const) const {
    if (const YAML::Node value = node[key]) {
      CL_ASSIGN_OR_RETURN(out, (this->*get)(value, field_join(path, key)));
    }
    return ok_status();
  }

  // The mapping at `key` of `node` (if there is one) into `out`: string keys, each value read by
  // get(value, "<path>.<key>.<k>"); `expected` is the error for anything but a mapping.
  template <typename Map, typename Get>
  Status read_map(const YAML::Node& node, std::string_view path, const char* key,
                  std::string_view expected, Map& out, Get get) const {
    const YAML::Node map = node[key];
    if (!map) {
      return ok_status();
    }
    std::string map_path = field_join(path, key);
    if (!map.IsMap()) {
      return error(map_path, expected);
    }
    for (const auto& kv : map) {
      CL_ASSIGN_OR_RETURN(std::string k, get_string(kv.first, map_path));
      CL_ASSIGN_OR_RETURN(typename Map::mapped_type value, get(kv.second, field_join(map_path, k)));
      if (!out.emplace(k, value).second) {
        return error(map_path, fmt::format("duplicate key '{}'", k));
      }
    }
    return ok_status();
  }

  Result<GatekeeperApi> get_gatekeeper_api(const YAML::Node& node, std::string_view path) const {
    return get_parsed(node, path, "expected tango or sonata", parse_gatekeeper_api);
  }

  // YAML 1.2 core booleans only: true or false.
  Result<bool> get_bool(const YAML::Node& node, std::string_view path) const {
    if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
      return node.Scalar() == "true";
    }
    return error(path, node.IsScalar()
                           ? fmt::format("'{}' is not a boolean; use true or false", node.Scalar())
                           : std::string("expected true or false"));
  }

  Status read_emulator(const YAML::Node& node, EmulatorSpec& out) const {
    CL_RETURN_IF_ERROR(check_map(
        node, "emulator",
        {"e_cpu", "e_mem", "rest_port", "gatekeeper_port", "keystone", "instance_log_bytes",
         "connectivity", "gatekeeper_api", "gatekeeper_sap", "alarms"}));
    constexpr std::string_view kPath = "emulator";
    CL_RETURN_IF_ERROR(read_optional(node, kPath, "gatekeeper_api", out.gatekeeper_api,
                                     &YamlReader::get_gatekeeper_api));
    CL_RETURN_IF_ERROR(
        read_optional(node, kPath, "gatekeeper_sap", out.gatekeeper_sap, &YamlReader::get_bool));
    CL_RETURN_IF_ERROR(read_optional(node, kPath, "e_cpu", out.e_cpu, &YamlReader::get_double));
    CL_RETURN_IF_ERROR(read_optional(node, kPath, "e_mem", out.e_mem_mb, &YamlReader::get_double));
    if (node["rest_port"]) {
      CL_ASSIGN_OR_RETURN(out.rest_port,
                          get_int_in(node["rest_port"], "emulator.rest_port", -1, 65535));
    }
    if (node["gatekeeper_port"]) {
      CL_ASSIGN_OR_RETURN(out.gatekeeper_port, get_int_in(node["gatekeeper_port"],
                                                          "emulator.gatekeeper_port", -1, 65535));
    }
    if (node["keystone"]) {
      CL_RETURN_IF_ERROR(read_keystone(node["keystone"], out.keystone));
    }
    if (node["alarms"]) {
      CL_RETURN_IF_ERROR(read_alarms(node["alarms"], out.alarms));
    }
    CL_RETURN_IF_ERROR(read_optional(node, kPath, "instance_log_bytes", out.instance_log_bytes,
                                     &YamlReader::get_size));
    CL_RETURN_IF_ERROR(read_optional(node, kPath, "connectivity", out.connectivity,
                                     &YamlReader::get_connectivity));
    if (auto s = validate_emulator(out); !s.ok()) {
      return entry_error("emulator", std::move(s).error());
    }
    return ok_status();
  }

  // alarms: [{name: busy, metric: cpu, selector: instance/*, op: ">", value: 0.5, for: 2s,
  // hysteresis: 0.05}] (monitor::parse_alarm_rule reads each, from its scalars as text).
  Status read_alarms(const YAML::Node& node, std::vector<monitor::AlarmRule>& out) const {
    constexpr std::string_view kPath = "emulator.alarms";
    if (!node.IsSequence() || node.size() > monitor::kMaxAlarmRules) {
      return error(
          kPath, fmt::format("expected a list of at most {} alarm rules", monitor::kMaxAlarmRules));
    }
    for (size_t i = 0; i < node.size(); ++i) {
      std::string path = field_item(kPath, i);
      CL_RETURN_IF_ERROR(check_map(
          node[i], path, {"name", "metric", "selector", "op", "value", "for", "hysteresis"}));
      nlohmann::json spec = nlohmann::json::object();
      for (const auto& kv : node[i]) {
        CL_ASSIGN_OR_RETURN(spec[kv.first.Scalar()], get_string(kv.second, path));
      }
      auto rule = monitor::parse_alarm_rule(spec);
      if (!rule.ok()) {
        return entry_error(path, std::move(rule).error());
      }
      for (const auto& other : out) {
        if (other.name == rule->name) {
          return error(path, fmt::format("duplicate alarm name '{}'", rule->name));
        }
      }
      out.push_back(std::move(rule).value());
    }
    return ok_status();
  }

  // keystone: {users: [{name: admin, password: s3cret}], token_lifetime: 3600}
  Status read_keystone(const YAML::Node& node, KeystoneSpec& out) const {
    constexpr std::string_view kPath = "emulator.keystone";
    CL_RETURN_IF_ERROR(check_map(node, kPath, {"users", "token_lifetime"}));
    if (node["token_lifetime"]) {
      CL_ASSIGN_OR_RETURN(int lifetime,
                          get_int_in(node["token_lifetime"], "emulator.keystone.token_lifetime", 60,
                                     30 * 24 * 3600));
      out.token_lifetime_s = static_cast<uint64_t>(lifetime);
    }
    const YAML::Node users = node["users"];
    if (!users) {
      return ok_status();
    }
    if (!users.IsSequence() || users.size() == 0 || users.size() > 100) {
      return error("emulator.keystone.users", "expected a list of 1..100 {name, password}");
    }
    for (size_t i = 0; i < users.size(); ++i) {
      std::string path = field_item("emulator.keystone.users", i);
      CL_RETURN_IF_ERROR(check_map(users[i], path, {"name", "password"}));
      KeystoneUserSpec user;
      CL_ASSIGN_OR_RETURN(user.name, string_at(users[i], path, "name"));
      CL_ASSIGN_OR_RETURN(user.password, string_at(users[i], path, "password"));
      if (user.name.empty() || user.password.empty() || user.name.size() > 255 ||
          user.password.size() > 4096) {
        return error(path, "name (1..255 bytes) and password (1..4096 bytes) are required");
      }
      out.users.push_back(std::move(user));
    }
    return ok_status();
  }

  Result<PopSpec> read_pop(const YAML::Node& node, const std::string& path) const {
    PopSpec pop;
    if (node.IsScalar()) {  // shorthand: "pops: [dc1, dc2]"
      pop.name = node.Scalar();
      return pop;
    }
    CL_RETURN_IF_ERROR(
        check_map(node, path, {"name", "resources", "metadata", "endpoints", "connectivity"}));
    CL_RETURN_IF_ERROR(require_keys(node, path, {"name"}));
    CL_ASSIGN_OR_RETURN(pop.name, string_at(node, path, "name"));
    CL_RETURN_IF_ERROR(
        read_optional(node, path, "connectivity", pop.connectivity, &YamlReader::get_connectivity));
    if (const YAML::Node r = node["resources"]) {
      std::string rpath = field_join(path, "resources");
      CL_RETURN_IF_ERROR(check_map(r, rpath, {"model", "max_cu", "max_mu"}));
      ResourceModelSpec& out = pop.resources;
      CL_RETURN_IF_ERROR(read_optional(r, rpath, "model", out.model, &YamlReader::get_string));
      CL_RETURN_IF_ERROR(read_optional(r, rpath, "max_cu", out.max_cu, &YamlReader::get_double));
      CL_RETURN_IF_ERROR(read_optional(r, rpath, "max_mu", out.max_mu, &YamlReader::get_double));
    }
    CL_RETURN_IF_ERROR(
        read_map(node, path, "metadata", "expected a mapping of strings", pop.metadata,
                 [this](const YAML::Node& v, std::string_view p) { return get_string(v, p); }));
    CL_RETURN_IF_ERROR(read_map(
        node, path, "endpoints", "expected a mapping of endpoint kind to port", pop.endpoints,
        [this](const YAML::Node& v, std::string_view p) { return get_int_in(v, p, 0, 65535); }));
    return pop;
  }

  Result<SwitchSpec> read_switch(const YAML::Node& node, const std::string& path) const {
    SwitchSpec sw;
    if (node.IsScalar()) {  // shorthand: "switches: [s1, s2]"
      sw.name = node.Scalar();
      return sw;
    }
    CL_RETURN_IF_ERROR(check_map(node, path, {"name"}));
    CL_RETURN_IF_ERROR(require_keys(node, path, {"name"}));
    CL_ASSIGN_OR_RETURN(sw.name, string_at(node, path, "name"));
    return sw;
  }

  Result<LinkSpec> read_link(const YAML::Node& node, const std::string& path) const {
    LinkSpec link;
    CL_RETURN_IF_ERROR(check_map(node, path, {"a", "b", "delay", "jitter", "bw", "loss", "queue"}));
    CL_RETURN_IF_ERROR(require_keys(node, path, {"a", "b"}));
    CL_ASSIGN_OR_RETURN(link.a, string_at(node, path, "a"));
    CL_ASSIGN_OR_RETURN(link.b, string_at(node, path, "b"));
    CL_RETURN_IF_ERROR(
        read_optional(node, path, "delay", link.delay_ns, &YamlReader::get_duration));
    CL_RETURN_IF_ERROR(
        read_optional(node, path, "jitter", link.jitter_ns, &YamlReader::get_duration));
    CL_RETURN_IF_ERROR(read_optional(node, path, "bw", link.bw_mbps, &YamlReader::get_rate));
    CL_RETURN_IF_ERROR(
        read_optional(node, path, "loss", link.loss_percent, &YamlReader::get_double));
    if (node["queue"]) {
      CL_ASSIGN_OR_RETURN(int q,
                          get_int_in(node["queue"], field_join(path, "queue"), 1, 1'000'000));
      link.queue_packets = static_cast<uint32_t>(q);
    }
    return link;
  }

  Result<SapSpec> read_sap(const YAML::Node& node, const std::string& path) const {
    SapSpec sap;
    CL_RETURN_IF_ERROR(check_map(node, path, {"name", "pop", "ip"}));
    CL_RETURN_IF_ERROR(require_keys(node, path, {"name", "pop"}));
    CL_ASSIGN_OR_RETURN(sap.name, string_at(node, path, "name"));
    CL_ASSIGN_OR_RETURN(sap.pop, string_at(node, path, "pop"));
    CL_RETURN_IF_ERROR(read_optional(node, path, "ip", sap.ip, &YamlReader::get_string));
    return sap;
  }

  // Calls `read(entry, "key[i]")` then `(t.*insert)(value)` for every entry of the sequence `key`.
  template <typename Spec>
  Status read_list(const YAML::Node& root, const char* key,
                   Result<Spec> (YamlReader::*read)(const YAML::Node&, const std::string&) const,
                   Topology& t, Status (Topology::*insert)(Spec)) const {
    const YAML::Node list = root[key];
    if (!list || list.IsNull()) {
      return ok_status();
    }
    if (!list.IsSequence()) {
      return error(key, "expected a list");
    }
    size_t i = 0;
    for (const YAML::Node& item : list) {
      if (i % 64 == 0) {
        CL_RETURN_IF_ERROR(cancel_.check(source_));
      }
      std::string path = field_item(key, i++);
      auto value = (this->*read)(item, path);
      if (!value.ok()) {
        return std::move(value).error();
      }
      if (auto s = (t.*insert)(std::move(value).value()); !s.ok()) {
        return entry_error(path, std::move(s).error());
      }
    }
    return ok_status();
  }

 private:
  std::string source_;
  const Cancel& cancel_;
};

std::string number(double v) {
  return fmt::format("{}", v);
}

}  // namespace

Result<Topology> Topology::from_yaml(const std::string& text, const std::string& source,
                                     const Cancel& cancel) {
  YamlReader reader(source, cancel);
  YamlLimits limits;
  limits.max_nodes = kMaxYamlNodes;
  limits.cancel = &cancel;
  CL_ASSIGN_OR_RETURN(YAML::Node root, load_yaml(text, source, limits));
  try {
    if (!root || root.IsNull()) {
      return reader.error("", "empty document; expected a mapping with pops, switches and links");
    }
    CL_RETURN_IF_ERROR(
        reader.check_map(root, "", {"name", "emulator", "pops", "switches", "links", "saps"}));
    Topology t;
    if (root["name"]) {
      CL_ASSIGN_OR_RETURN(t.name, reader.get_string(root["name"], "name"));
      if (t.name.empty()) {
        return reader.error("name", "is empty");
      }
      // A control character would not survive to_yaml (fuzzing found "\r").
      if (std::any_of(t.name.begin(), t.name.end(),
                      [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
        return reader.error("name", "contains a control character");
      }
    }
    if (root["emulator"]) {
      CL_RETURN_IF_ERROR(reader.read_emulator(root["emulator"], t.emulator));
    }
    CL_RETURN_IF_ERROR(
        reader.read_list(root, "pops", &YamlReader::read_pop, t, &Topology::insert_pop));
    CL_RETURN_IF_ERROR(
        reader.read_list(root, "switches", &YamlReader::read_switch, t, &Topology::insert_switch));
    CL_RETURN_IF_ERROR(
        reader.read_list(root, "links", &YamlReader::read_link, t, &Topology::insert_link));
    CL_RETURN_IF_ERROR(
        reader.read_list(root, "saps", &YamlReader::read_sap, t, &Topology::insert_sap));
    return t;
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: {}", source, e.msg);
    }
    return make_error(ErrorCode::kInvalidArgument, "{}: line {}, column {}: {}", source,
                      e.mark.line + 1, e.mark.column + 1, e.msg);
  }
}

std::string Topology::to_yaml() const {
  try {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << name;
    out << YAML::Key << "emulator" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "e_cpu" << YAML::Value << number(emulator.e_cpu);
    out << YAML::Key << "e_mem" << YAML::Value << number(emulator.e_mem_mb);
    out << YAML::Key << "rest_port" << YAML::Value << emulator.rest_port;
    if (emulator.gatekeeper_port != -1) {
      out << YAML::Key << "gatekeeper_port" << YAML::Value << emulator.gatekeeper_port;
    }
    if (emulator.keystone != KeystoneSpec{}) {
      out << YAML::Key << "keystone" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "token_lifetime" << YAML::Value << emulator.keystone.token_lifetime_s;
      if (!emulator.keystone.users.empty()) {
        out << YAML::Key << "users" << YAML::Value << YAML::BeginSeq;
        for (const auto& u : emulator.keystone.users) {
          out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << u.name << YAML::Key
              << "password" << YAML::Value << YAML::DoubleQuoted << u.password << YAML::EndMap;
        }
        out << YAML::EndSeq;
      }
      out << YAML::EndMap;
    }
    if (emulator.instance_log_bytes != EmulatorSpec{}.instance_log_bytes) {
      out << YAML::Key << "instance_log_bytes" << YAML::Value << emulator.instance_log_bytes;
    }
    if (emulator.connectivity != Connectivity::kNone) {
      out << YAML::Key << "connectivity" << YAML::Value
          << std::string(to_string(emulator.connectivity));
    }
    if (emulator.gatekeeper_api != GatekeeperApi::kTango) {
      out << YAML::Key << "gatekeeper_api" << YAML::Value
          << std::string(to_string(emulator.gatekeeper_api));
    }
    if (emulator.gatekeeper_sap) {
      out << YAML::Key << "gatekeeper_sap" << YAML::Value << true;
    }
    if (!emulator.alarms.empty()) {
      out << YAML::Key << "alarms" << YAML::Value << YAML::BeginSeq;
      for (const auto& rule : emulator.alarms) {
        out << YAML::BeginMap;
        const nlohmann::json fields = monitor::alarm_rule_json(rule);
        for (const auto& [key, value] : fields.items()) {
          out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted
              << (value.is_string() ? value.get<std::string>() : value.dump());
        }
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;

    out << YAML::Key << "pops" << YAML::Value << YAML::BeginSeq;
    for (const PopSpec& pop : pops_) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << pop.name;
      if (pop.connectivity) {
        out << YAML::Key << "connectivity" << YAML::Value
            << std::string(to_string(*pop.connectivity));
      }
      if (pop.resources != ResourceModelSpec{}) {
        out << YAML::Key << "resources" << YAML::Value << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "model" << YAML::Value << pop.resources.model;
        out << YAML::Key << "max_cu" << YAML::Value << number(pop.resources.max_cu);
        out << YAML::Key << "max_mu" << YAML::Value << number(pop.resources.max_mu);
        out << YAML::EndMap;
      }
      if (!pop.metadata.empty()) {
        out << YAML::Key << "metadata" << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [key, value] : pop.metadata) {
          out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
        }
        out << YAML::EndMap;
      }
      if (!pop.endpoints.empty()) {
        out << YAML::Key << "endpoints" << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [kind, port] : pop.endpoints) {
          out << YAML::Key << kind << YAML::Value << port;
        }
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    if (!switches_.empty()) {
      out << YAML::Key << "switches" << YAML::Value << YAML::BeginSeq;
      for (const SwitchSpec& sw : switches_) {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << sw.name
            << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }

    const LinkSpec defaults;
    out << YAML::Key << "links" << YAML::Value << YAML::BeginSeq;
    for (const LinkSpec& link : links_) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "a" << YAML::Value << link.a;
      out << YAML::Key << "b" << YAML::Value << link.b;
      out << YAML::Key << "delay" << YAML::Value << format_duration(link.delay_ns);
      if (link.jitter_ns != defaults.jitter_ns) {
        out << YAML::Key << "jitter" << YAML::Value << format_duration(link.jitter_ns);
      }
      if (link.bw_mbps != defaults.bw_mbps) {
        out << YAML::Key << "bw" << YAML::Value << number(link.bw_mbps);
      }
      if (link.loss_percent != defaults.loss_percent) {
        out << YAML::Key << "loss" << YAML::Value << number(link.loss_percent);
      }
      if (link.queue_packets != defaults.queue_packets) {
        out << YAML::Key << "queue" << YAML::Value << link.queue_packets;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    if (!saps_.empty()) {
      out << YAML::Key << "saps" << YAML::Value << YAML::BeginSeq;
      for (const SapSpec& sap : saps_) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << sap.name;
        out << YAML::Key << "pop" << YAML::Value << sap.pop;
        if (!sap.ip.empty()) {
          out << YAML::Key << "ip" << YAML::Value << sap.ip;
        }
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
  } catch (const YAML::Exception& e) {
    // The emitter reports misuse through its state, not exceptions; this is belt and braces.
    return fmt::format("# to_yaml failed: {}\n", e.what());
  }
}

}  // namespace chainlab::emulator
