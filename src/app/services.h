// The service objects behind a run's endpoints, made and owned by the composition root: a PoP's
// OpenStack control plane (Cloud, networking-sfc, Heat's stack engine) and the gatekeeper (its
// catalogue and sonata::Gatekeeper). The endpoints (src/endpoints/) are thin adapters holding
// references; the run keeps these alive until its endpoints are gone and tears them down before
// the emulation (app/run.h).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "emulator/control.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/heat_stacks.h"
#include "frontends/openstack/sfc.h"
#include "frontends/sonata/catalogue.h"
#include "frontends/sonata/service_deployer.h"
#include "frontends/unode/description_bus.h"
#include "frontends/unode/node.h"
#include "runtime/image_store.h"

namespace chainlab::app {

// What an endpoint kind made for its endpoints; owned by the run (RunningEmulation::services).
class Services {
 public:
  virtual ~Services() = default;
};

// One PoP's OpenStack control plane. Members go in reverse order: the engine and Sfc before the
// Cloud they work on.
struct OpenStackServices final : Services {
  std::unique_ptr<openstack::PortFirewall> firewall;  // the Cloud's security groups
  std::unique_ptr<openstack::Cloud> cloud;
  std::unique_ptr<openstack::Sfc> sfc;
  std::unique_ptr<openstack::StackEngine> stacks;
};

// The Cloud of `pop` with the topology's Keystone users and token lifetime
// (emulator.keystone), its security groups enforced in the servers' namespaces, over the run's
// image store (`images` may be null: Glance-only records;
// it and `control` must outlive the services), with its Sfc and StackEngine (`heat_url`: where
// its Heat API listens, for the scaling policies' signal URLs).
std::unique_ptr<OpenStackServices> make_openstack_services(emulator::Control& control,
                                                           const std::string& pop,
                                                           runtime::ImageStore* images,
                                                           const std::string& heat_url = "");

// The gatekeeper: the catalogue opened (created) in `catalogue_dir`, damaged entries skipped with
// a line in `warnings`, and the Gatekeeper over `control` with `options` (image_is_local set by
// the caller).
struct GatekeeperServices final : Services {
  std::unique_ptr<sonata::Catalogue> catalogue;
  std::unique_ptr<sonata::Gatekeeper> gatekeeper;  // goes before the catalogue it reads
};

Result<std::unique_ptr<GatekeeperServices>> open_gatekeeper_services(
    emulator::Control& control, const std::string& catalogue_dir, sonata::GatekeeperOptions options,
    std::vector<std::string>* warnings = nullptr, sonata::PackageLimits limits = {});

// A Universal Node on one PoP: its Node and the bus it publishes its description on. The node
// goes first (it removes its graphs and stops publishing).
struct NodeServices final : Services {
  std::unique_ptr<unode::DescriptionBus> bus;
  std::unique_ptr<unode::Node> node;
  std::optional<std::string> generated_password;  // the admin's, on first start
};

// The node of `options.pop`, its description published on `bus_endpoint` ("" = no bus).
Result<std::unique_ptr<NodeServices>> open_node_services(emulator::Control& control,
                                                         unode::NodeOptions options,
                                                         const std::string& bus_endpoint,
                                                         std::vector<std::string>* warnings);

// Whether `image` is in `store` (null: no store, nothing is local): the gatekeeper's
// GatekeeperOptions::image_is_local for the run's store.
std::function<bool(const std::string& image)> image_is_local_in(runtime::ImageStore* store);

}  // namespace chainlab::app
