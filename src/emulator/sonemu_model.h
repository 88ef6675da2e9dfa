// Internal to the son-emu importer (sonemu_import.h): the son-emu API a topology script calls,
// recorded instead of run. The evaluator (sonemu_eval.h) hands it every call of an imported
// son-emu name and every method call on the objects it returned; finish() turns the record into a
// chainlab Topology. The mapping is documented in docs/sonemu-import.md.
//
// Modelled: DCNetwork(...), addDatacenter, addSwitch, addLink, addDocker/addHost (warned, not
// translated), the resource models and assignResourceModel, RestApiEndpoint,
// OpenstackApiEndpoint, SonataDummyGatekeeperEndpoint, TangoLLCMEndpoint (connect*, start),
// PreConfiguredOSM and the OSM components (warned; their PoP and OpenStack APIs are translated).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "emulator/sonemu_value.h"
#include "emulator/topology.h"

namespace chainlab::emulator::sonemu {

struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keywords;
};

struct Diagnostic {
  int line = 0;
  std::string message;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

// What finish() produces.
struct Translation {
  Topology topology;
  bool learning = false;  // enable_learning=True (or a learning controller)
};

class Model {
 public:
  explicit Model(std::string source) : source_(std::move(source)) {}

  // Names a star import of `module` binds ("from emuvim.api.tango import *"); empty when the
  // module is not one the importer knows.
  static std::vector<std::string> module_names(std::string_view module);
  // Calls of imported names: son-emu classes become API objects; anything else from emuvim or
  // mininet is warned about; other modules (time, logging, ...) give opaque results.
  Result<Value> call_external(const std::string& dotted, const CallArgs& args, int line);
  Result<Value> call_method(ApiRef obj, const std::string& method, const CallArgs& args, int line);
  Result<Value> attribute(ApiRef obj, const std::string& name, int line);
  // `with obj as x:` -> the value bound to x.
  Result<Value> enter(ApiRef obj, int line);
  void note_import(std::string_view dotted);

  void warn(int line, std::string message);
  const std::vector<Diagnostic>& warnings() const { return warnings_; }
  Result<Translation> finish(const std::string& topology_name);

 private:
  struct NetRec {
    int line = 0;
    bool learning = false;
    double e_cpu = 1.0;
    double e_mem = 512;
  };
  struct DcRec {
    size_t net = 0;
    int line = 0;
    std::string label;
    std::map<std::string, std::string> metadata;
    std::optional<size_t> rm;
  };
  struct NodeRec {  // switches and hosts
    std::optional<size_t> net;
    int line = 0;
    std::string name;
    std::string what;  // hosts: "addDocker('d1')", "Zookeeper()"
  };
  struct LinkRec {
    size_t net = 0;
    int line = 0;
    ApiRef a;
    ApiRef b;
    LinkSpec spec;
  };
  enum class EndpointType { kRest, kOpenstack, kGatekeeper, kOther };
  struct EndpointRec {
    EndpointType type = EndpointType::kOther;
    std::string cls;
    int line = 0;
    std::string ip;
    int port = 0;
    std::vector<size_t> dcs;
    std::optional<size_t> net;
    bool started = false;
    GatekeeperApi api = GatekeeperApi::kTango;  // a gatekeeper: TangoLLCM or SonataDummy
    bool deploy_sap = false;                    // a SonataDummyGatekeeperEndpoint's deploy_sap
  };
  struct RmRec {
    std::string cls;
    std::string model;  // "fixed", "overprovision", "none"
    int line = 0;
    double max_cu = 32;
    double max_mu = 1024;
    std::optional<size_t> dc;
  };
  struct OsmRec {
    int line = 0;
    std::optional<size_t> net;
    std::optional<size_t> endpoint;  // PreConfiguredOSM's OpenStack endpoint
  };

  Error error(int line, std::string_view message) const;

  Result<Value> new_net(const CallArgs& args, int line);
  Result<Value> new_endpoint(const std::string& cls, const CallArgs& args, int line);
  Result<Value> new_resource_model(const std::string& cls, const CallArgs& args, int line);
  Result<Value> new_preconfigured_osm(const CallArgs& args, int line);
  Result<Value> new_osm_part(const std::string& cls, const CallArgs& args, int line);

  Result<Value> net_method(size_t net, const std::string& method, const CallArgs& args, int line);
  Result<Value> add_datacenter(size_t net, const CallArgs& args, int line);
  Result<Value> add_switch(size_t net, const CallArgs& args, int line);
  Result<Value> add_host(size_t net, const std::string& method, const CallArgs& args, int line);
  Result<Value> add_link(size_t net, const CallArgs& args, int line);
  Result<LinkSpec> link_params(const std::vector<std::pair<std::string, Value>>& params, int line);
  Result<ApiRef> link_end(size_t net, const Value& v, std::string_view which, int line);
  Result<Value> dc_method(size_t dc, const std::string& method, const CallArgs& args, int line);
  Result<Value> endpoint_method(size_t ep, const std::string& method, const CallArgs& args,
                                int line);
  Status connect_dc(EndpointRec& ep, size_t dc, int line);
  std::string node_name(ApiRef ref) const;
  std::optional<size_t> net_of(ApiRef ref) const;

  Result<Translation> build(size_t net);
  Status build_nodes(size_t net, Topology& t);
  Status build_endpoints(size_t net, Topology& t);
  void check_subset(const EndpointRec& ep, size_t net, const std::string& what);

  std::string source_;
  bool imports_emuvim_ = false;
  std::vector<Diagnostic> warnings_;
  std::vector<NetRec> nets_;
  std::vector<DcRec> dcs_;
  std::vector<NodeRec> switches_;
  std::vector<NodeRec> hosts_;
  std::vector<LinkRec> links_;
  std::vector<EndpointRec> endpoints_;
  std::vector<RmRec> rms_;
  std::vector<OsmRec> osms_;
};

}  // namespace chainlab::emulator::sonemu
