// The Universal Node's NF templates and the resolver that picks one for a VNF of an NF-FG.
// A template (the frog4 datastore's JSON) names a functional capability, an execution environment
// (vnf-type: native, docker, dpdk, virtual-machine-kvm), an image or bundle (uri and uri-type, or
// the node's later spelling uri-image and uri-image-type), resources and port ranges ("0-0",
// "1-1", "0-N"). The repository is a directory with one template per file, the file name (without
// .json) its id, served as the datastore served it (GET /v2/nf_template/<id>/,
// /v2/nf_capability/<capability>/). The resolver takes the VNF's vnf_template, else its
// functional-capability, else its name as the capability (the reference looks names up so, and
// graphs rely on it), and picks the best candidate: enough ports, an environment this node runs
// (native before container before VM, as the seed says), and room in the free resources.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "frontends/unode/nffg.h"

namespace chainlab::unode {

enum class VnfType { kNative, kDocker, kDpdk, kVm };  // in the order the resolver prefers them
std::string_view vnf_type_name(VnfType type);

struct PortRange {
  int64_t first = 0;
  std::optional<int64_t> last;  // none: "N", unbounded
  std::string label;
};

struct NfTemplate {
  std::string id;
  std::string name;
  std::string capability;
  VnfType type = VnfType::kNative;
  std::string uri;
  std::string uri_type;  // remote-file, local-file, docker-registry
  bool expandable = false;
  uint64_t memory_mb = 0;
  int64_t cores = 0;
  std::vector<PortRange> ports;
  // A native function's dependencies (COMPOSER §6.1): programs that must be installed on the node,
  // each a name looked up on the standard PATH or an absolute path. The resolver passes over a
  // template whose dependencies are missing.
  std::vector<std::string> dependencies;
  nlohmann::json source;  // as loaded, for the repository's GET

  // How many ports the ranges give (none: unbounded).
  std::optional<int64_t> port_capacity() const;
};

// InvalidArgument naming the field for a template the node cannot use.
Result<NfTemplate> parse_template(const nlohmann::json& document, std::string id);

class TemplateRepository {
 public:
  // Every *.json of `dir` (at most 1000, 64 KiB each); a file that does not parse is skipped
  // with a warning naming it.
  static Result<TemplateRepository> load(const std::string& dir,
                                         std::vector<std::string>* warnings);
  Status add(NfTemplate t);  // AlreadyExists for a second template with its id
  const NfTemplate* find(const std::string& id) const;
  std::vector<const NfTemplate*> implementing(const std::string& capability) const;
  // The capabilities the templates implement (the domain description lists them).
  std::vector<std::string> capabilities() const;
  size_t size() const { return templates_.size(); }

  // GET /v2/nf_template/<id>/ and /v2/nf_capability/<capability>/ (NotFound when none).
  Result<nlohmann::json> template_json(const std::string& id) const;
  Result<nlohmann::json> capability_json(const std::string& capability) const;

 private:
  std::map<std::string, NfTemplate> templates_;  // by id
};

// What the node can run now, for the resolver.
struct NodeOffer {
  // Why this node cannot run `t` (an environment it lacks, an image it does not have), or none.
  std::function<std::optional<std::string>(const NfTemplate& t)> unsupported;
  std::optional<uint64_t> free_memory_mb;  // none: not limited
  std::optional<int64_t> free_cores;
};

// The template for `vnf`: NotFound when no template has its id or capability, FailedPrecondition
// listing why each candidate does not fit.
Result<const NfTemplate*> resolve(const TemplateRepository& repo, const Vnf& vnf,
                                  const NodeOffer& offer);

}  // namespace chainlab::unode
