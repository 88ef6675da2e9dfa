// A topology as a plain value (Mininet-style): PoPs, extra switches, links with emulation
// parameters, and service access points. Built in code (add_pop/add_switch/add_link), from YAML
// (examples/topologies/*.yaml), from generators (line, star, ring, tree), or imported from Internet
// Topology Zoo files (GraphML, GML) with link delays from geographic distance. The live emulation
// is built from it (emulation.h); the value itself touches nothing.
//
// YAML shape (every key but `pops[].name` and `links[].a/b` optional):
//   name: two-pops
//   emulator: {e_cpu: 1.0, e_mem: 512, rest_port: 5001, gatekeeper_port: 5000,
//              connectivity: none,                        # none | learning
//              gatekeeper_api: tango, gatekeeper_sap: false}   # tango | sonata
//   pops:
//     - name: dc1
//       connectivity: learning                             # overrides emulator.connectivity
//       resources: {model: fixed, max_cu: 32, max_mu: 1024}   # none | fixed | overprovision
//       metadata: {city: Paderborn}
//       endpoints: {openstack: 6001}     # kind -> port; `chainlab run` refuses a kind it
//                                          # does not serve (src/app/endpoint_kinds.h)
//   switches: [{name: s1}]
//   links:
//     - {a: dc1, b: s1, delay: 10ms, jitter: 1ms, bw: 100, loss: 0.5, queue: 1000}
//   saps: [{name: internet, pop: dc1, ip: 10.255.0.1/24}]
// Durations accept "10ms", "500us", "1.5s", "0"; bw is Mbit/s (0: unlimited); loss is percent.
// connectivity: `none` (default, son-emu without learning): instances reach nothing until a chain
// or an E-LAN connects them. `learning` (son-emu's DCNetwork(enable_learning=True)): every instance
// and SAP interface of a learning PoP is in one L2 learning segment spanning all learning PoPs, so
// they reach each other without a chain; chains and E-LANs keep priority (docs/design/emulator.md).
// gatekeeper_api: the answer shapes of the gatekeeper (docs/api/gatekeeper.md): `tango` (default,
// son-emu's current 5GTANGO LLCM: GET /packages and /instantiations answer lists) or `sonata`
// (son-emu's older SONATA dummy gatekeeper: dicts). gatekeeper_sap (son-emu's deploy_sap, default
// false): whether a service instance gets one SAP instance per NSD connection point; son-emu
// starts only the VNFs, so the PoPs' instance lists and counts hold the VNFs alone. A request may
// still ask for SAPs (POST /instantiations `deploy_sap: true`, `chainlab service start --saps`).
// `pops` and `switches` entries may also be bare names ("pops: [dc1, dc2]"). Unknown and duplicate
// keys are errors.
//
// Imports: a node becomes a PoP named from its label (characters outside [A-Za-z0-9_.:-] become
// '-', one per UTF-8 character; a leading non-alphanumeric gets an "n" prefix; repeats get "-2",
// "-3"; nodes without a label are "n<id>"); metadata keeps the original label when the name
// differs, plus latitude/longitude. Self-loops and parallel edges are skipped. Limits: 64 MiB,
// 100000 nodes, 1000000 edges.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/cancel.h"
#include "common/result.h"
#include "common/units.h"  // parse_duration, format_duration
#include "monitor/alarms.h"

namespace chainlab::emulator {

// How instances are connected before any chain or E-LAN (see the YAML notes above).
enum class Connectivity { kNone, kLearning };

std::string_view to_string(Connectivity c);  // "none", "learning"
Result<Connectivity> parse_connectivity(std::string_view text);

// Which gatekeeper generation's answer shapes the gatekeeper speaks (see the YAML notes above).
enum class GatekeeperApi { kTango, kSonata };

std::string_view to_string(GatekeeperApi api);  // "tango", "sonata"
Result<GatekeeperApi> parse_gatekeeper_api(std::string_view text);

struct ResourceModelSpec {
  std::string model = "none";  // "none", "fixed" (model A), "overprovision" (model B)
  double max_cu = 32;          // compute units this PoP offers
  double max_mu = 1024;        // memory units (MB) this PoP offers
  friend bool operator==(const ResourceModelSpec&, const ResourceModelSpec&) = default;
};

struct PopSpec {
  std::string name;  // validate_object_name rules, unique among PoPs and switches
  ResourceModelSpec resources;
  std::map<std::string, std::string> metadata;
  std::map<std::string, int> endpoints;  // endpoint kind -> port (e.g. "openstack": 6001)
  std::optional<Connectivity> connectivity = std::nullopt;  // unset: the emulator-wide setting
  friend bool operator==(const PopSpec&, const PopSpec&) = default;
};

struct SwitchSpec {
  std::string name;
  friend bool operator==(const SwitchSpec&, const SwitchSpec&) = default;
};

struct LinkSpec {
  std::string a;  // PoP or switch names
  std::string b;
  uint64_t delay_ns = 0;
  uint64_t jitter_ns = 0;   // <= delay_ns
  double bw_mbps = 0;       // 0: unlimited; else 0.001 .. 400000
  double loss_percent = 0;  // 0..100
  uint32_t queue_packets = 1000;
  friend bool operator==(const LinkSpec&, const LinkSpec&) = default;
};

struct SapSpec {
  std::string name;
  std::string pop;  // the PoP whose switch it attaches to
  std::string ip;   // CIDR of the SAP's own address ("" = from the pool)
  friend bool operator==(const SapSpec&, const SapSpec&) = default;
};

// Keystone of every PoP's OpenStack APIs (docs/api/openstack.md, docs/security.md).
struct KeystoneUserSpec {
  std::string name;
  std::string password;
  friend bool operator==(const KeystoneUserSpec&, const KeystoneUserSpec&) = default;
};
struct KeystoneSpec {
  std::vector<KeystoneUserSpec> users;    // empty: admin/admin, allowed only when on loopback
  uint64_t token_lifetime_s = 24 * 3600;  // 60 s .. 30 days
  friend bool operator==(const KeystoneSpec&, const KeystoneSpec&) = default;
};

struct EmulatorSpec {
  double e_cpu = 1.0;        // fraction of the machine's CPU all instances together may use
  double e_mem_mb = 512;     // MB all instances together may use
  int rest_port = 5001;      // son-emu REST API (0: an ephemeral port, -1: none)
  int gatekeeper_port = -1;  // SONATA/5GTANGO gatekeeper (-1: off, 0: an ephemeral port)
  KeystoneSpec keystone;
  // Bytes of stdout/stderr kept per instance (current file + one rotated, half each); 64 KiB..1
  // GiB.
  uint64_t instance_log_bytes = 10ull << 20;
  Connectivity connectivity = Connectivity::kNone;  // PoPs without their own setting
  GatekeeperApi gatekeeper_api = GatekeeperApi::kTango;
  bool gatekeeper_sap = false;  // SAP instances per service instance (son-emu's deploy_sap)
  // Alarm rules the run starts with (monitor/alarms.h; at most kMaxAlarmRules, names unique).
  std::vector<monitor::AlarmRule> alarms;
  friend bool operator==(const EmulatorSpec&, const EmulatorSpec&) = default;
};

enum class Shape { kLine, kStar, kRing, kTree };

struct GeneratorOptions {
  Shape shape = Shape::kLine;
  int pops = 2;               // 1..100000 (star: the hub is an extra switch "hub")
  int fanout = 2;             // tree: children per switch (2..64); see generate()
  LinkSpec link;              // template for every link (a/b ignored)
  std::string prefix = "dc";  // PoPs named dc1, dc2, ...
};

struct ImportOptions {
  double km_per_ms = 200;                 // signal speed in fibre: 200 km per ms (2/3 c)
  uint64_t default_delay_ns = 1'000'000;  // links whose ends have no coordinates
  double bw_mbps = 0;  // for every link (0: the file's LinkSpeed if any, else unlimited)
};

class Topology {
 public:
  std::string name = "topology";
  EmulatorSpec emulator;

  // Each add_* validates its argument and the names it refers to; on error nothing changes.
  Status add_pop(PopSpec pop);
  Status add_switch(SwitchSpec sw);
  Status add_link(LinkSpec link);  // both ends must exist; no self-links; duplicates allowed
  Status add_sap(SapSpec sap);

  const std::vector<PopSpec>& pops() const { return pops_; }
  const std::vector<SwitchSpec>& switches() const { return switches_; }
  const std::vector<LinkSpec>& links() const { return links_; }
  const std::vector<SapSpec>& saps() const { return saps_; }
  const PopSpec* find_pop(std::string_view name) const;
  // The PoP's own setting, else the emulator-wide one.
  Connectivity connectivity_of(const PopSpec& pop) const {
    return pop.connectivity.value_or(emulator.connectivity);
  }
  bool has_node(std::string_view name) const;  // PoP or switch

  // Errors name the file, the entry and the field: "two.yaml: links[2].delay: '10 parsecs' is not
  // a duration".
  // The readers poll `cancel` as they go (kUnavailable "<source>: interrupted"); YAML is loaded
  // with bounded alias expansion (common/yaml_load.h).
  static Result<Topology> from_yaml(const std::string& text, const std::string& source = "yaml",
                                    const Cancel& cancel = Cancel());
  // .yaml/.yml, .graphml, .gml; at most 64 MiB.
  static Result<Topology> load_file(const std::string& path, const Cancel& cancel = Cancel());
  static Result<Topology> from_graphml(const std::string& text, const ImportOptions& options,
                                       const std::string& source = "graphml",
                                       const Cancel& cancel = Cancel());
  static Result<Topology> from_gml(const std::string& text, const ImportOptions& options,
                                   const std::string& source = "gml",
                                   const Cancel& cancel = Cancel());
  // line: dc1-dc2-...-dcN. star: switch "hub" linked to every PoP. ring: line plus dcN-dc1
  // (N >= 3). tree: a balanced tree of switches with up to `fanout` children each, PoPs as the
  // leaves: switch "t<depth>-<i>" is the i-th (1-based) switch at that depth, the root "t0-1";
  // PoP dcK hangs off leaf switch (K-1)/fanout + 1. Links are added top-down, level by level.
  static Result<Topology> generate(const GeneratorOptions& options);
  // Two PoPs dc1 and dc2 joined by a 10 ms link, OpenStack APIs on base ports 6001 and 6002,
  // the gatekeeper on 5000; used when `chainlab run` gets no file.
  static Topology default_topology();
  std::string to_yaml() const;

  friend bool operator==(const Topology&, const Topology&) = default;

 private:
  struct NodeRef {
    bool is_pop = false;
    size_t index = 0;  // into pops_ or switches_
    friend bool operator==(const NodeRef&, const NodeRef&) = default;
  };

  // The add_* bodies: errors start with the offending field ("delay: ..."), so that callers can
  // prefix either the object ("link dc1-s1: ") or the YAML path ("two.yaml: links[2].").
  Status insert_pop(PopSpec pop);
  Status insert_switch(SwitchSpec sw);
  Status insert_link(LinkSpec link);
  Status insert_sap(SapSpec sap);

  std::vector<PopSpec> pops_;
  std::vector<SwitchSpec> switches_;
  std::vector<LinkSpec> links_;
  std::vector<SapSpec> saps_;
  std::map<std::string, NodeRef, std::less<>> nodes_;  // PoPs and switches by name
  std::set<std::string, std::less<>> sap_names_;
};

// The checks add_link and generate() apply to a link's parameters (not its ends); errors start with
// the field name ("jitter: 5ms exceeds delay 1ms").
Status validate_link_params(const LinkSpec& link);
// e_cpu in (0, 1], e_mem_mb > 0, rest_port 0..65535; errors start with the field name.
Status validate_emulator(const EmulatorSpec& emulator);

// Great-circle distance in km (haversine, mean Earth radius 6371 km).
double distance_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace chainlab::emulator
