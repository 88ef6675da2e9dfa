// Cloud: the OpenStack state of one PoP, as a typed C++ API (docs/api/openstack.md). The Keystone,
// Nova, Neutron, Glance (and Heat, networking-sfc) endpoints of a PoP share one Cloud; they parse
// JSON at the edge and call it. It holds networks, subnets, ports, servers, flavors, images,
// floating IPs, routers and tokens, and realises them in the live emulation:
//   - a server IS a compute instance of this PoP (instance name: the server name sanitised, with a
//     "-<n>" suffix when taken); its ports are its interfaces, with Neutron's IP and MAC. The
//     interface is named after the port when the port name is a valid short name, else "port<i>".
//   - a network IS an E-LAN ("os-<pop>-<8 hex of the network id>") over the interfaces of every
//     bound port of the network, once there are at least two; so servers on one network reach
//     each other and nothing else.
//   - images come from the local image store (read-only records, id derived from the store id)
//     plus Glance-only records created through the API (their data can be uploaded; a docker-save
//     or OCI archive is imported into the store).
// Every id is a UUID (tokens: 32 hex). A failed call undoes what it did and leaves nothing.
// Thread-safe: every public call takes the one mutex. The emulation must outlive the Cloud; the
// Cloud does not stop its servers on destruction (the emulation's teardown does).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/random.h"
#include "common/result.h"
#include "common/serial_worker.h"
#include "emulator/control.h"
#include "frontends/openstack/firewall_applier.h"
#include "frontends/openstack/identity.h"
#include "frontends/openstack/port_firewall.h"
#include "frontends/openstack/resource_table.h"
#include "frontends/openstack/security_group.h"
#include "orchestration/deploy/subnet_pool.h"
#include "runtime/image_store.h"

namespace chainlab::openstack {

// ---- configuration and identity ---------------------------------------------------------------

// son-emu's floating network, which every PoP starts with: a network "default" (neither shared
// nor external) with the subnet "default-sub" over 192.168.100.0/24 that scripts build ports on.
inline constexpr const char* kDefaultNetworkName = "default";
inline constexpr const char* kDefaultSubnetName = "default-sub";
inline constexpr const char* kDefaultSubnetCidr = "192.168.100.0/24";

// DevStack's default image, which every PoP also starts with (active, Glance-only): a server booted
// from it is a native instance (the host's programs in the server's namespaces), so that
// `openstack server create --image cirros-0.6.2-x86_64-disk` works with no upload.
inline constexpr const char* kDefaultImageName = "cirros-0.6.2-x86_64-disk";

// DevStack's external network, which a PoP starts with when CloudConfig::external_cidr is set: a
// network "public" (router:external) with the subnet "public-subnet" over that prefix, realised as
// a bridge on the host side holding the subnet's gateway (the first address). A router's gateway
// and a server's port on it are plugged into that bridge: floating IPs and SNAT reach the host.
inline constexpr const char* kExternalNetworkName = "public";
inline constexpr const char* kExternalSubnetName = "public-subnet";

struct CloudConfig {
  std::string pop;  // the emulated PoP the servers run in
  std::string region = "RegionOne";
  IdentityConfig identity;      // Keystone users, project, token lifetime
  bool default_network = true;  // start with the network kDefaultNetworkName and its subnet
  std::string default_image = kDefaultImageName;  // "": start with no image
  std::string external_cidr;  // "172.24.4.0/24": start with kExternalNetworkName; "": none
};

// ---- Nova -----------------------------------------------------------------------------------

// What a flavor is: the fields a request gives and the record keeps.
struct FlavorAttributes {
  std::string name;
  int64_t ram_mb = 0;
  int vcpus = 1;
  int64_t disk_gb = 0;
  int64_t ephemeral_gb = 0;
  int64_t swap_mb = 0;
  double rxtx_factor = 1.0;
  bool is_public = true;
  std::string description;
};

struct Flavor : FlavorAttributes {
  std::string id;
  std::map<std::string, std::string> extra_specs;
};

// Upper bound of every integer flavor field, as in Nova (db.MAX_INT).
inline constexpr int64_t kMaxFlavorValue = 2'147'483'647;

struct FlavorCreate : FlavorAttributes {
  std::string id;  // "" or "auto": a new UUID
};

// One requested NIC of a server: an existing port, or a new port on a network (optionally with a
// fixed IP).
struct ServerNic {
  std::string port_id;
  std::string network_id;
  std::string fixed_ip;
};

struct ServerCreate {
  std::string name;
  std::string flavor;  // id or name
  std::string image;   // id or name; "" allowed (boot from volume is not emulated)
  std::vector<ServerNic> nics;
  std::map<std::string, std::string> metadata;
  std::string key_name;
  std::string user_data;  // base64 as sent; kept, not run
  std::string availability_zone;
  // The instance's command ("" = the image's entrypoint for a stored image, else sleep).
  std::string command;
  std::map<std::string, std::string> env;
  // Security groups (names or ids) of the ports the server creates; empty: "default". Ports
  // given by id keep theirs (as Nova does).
  std::vector<std::string> security_groups;
};

// Why a server is ERROR (Nova's `fault`).
struct ServerFault {
  int code = 500;
  std::string message;
  std::string created;  // ISO 8601 UTC
};

struct Server {
  std::string id;
  std::string name;
  std::string instance;  // the emulator's compute instance name; "" until it runs
  std::string flavor_id;
  std::string image_id;               // "" when none
  std::string status = "ACTIVE";      // BUILD, ACTIVE, ERROR
  std::string task_state;             // "spawning" while BUILD, else ""
  std::optional<ServerFault> fault;   // ERROR: why
  std::vector<std::string> port_ids;  // in interface order
  std::map<std::string, std::string> metadata;
  std::string key_name;
  std::string user_data;
  std::string availability_zone = "nova";
  std::string created;  // ISO 8601 UTC
  std::string updated;
  std::string project_id;
  std::string user_id;
};

// ---- Neutron ----------------------------------------------------------------------------------

struct Network {
  std::string id;
  std::string name;
  std::string project_id;
  bool admin_state_up = true;
  bool shared = false;
  bool external = false;  // router:external
  int mtu = 1500;
  std::string status = "ACTIVE";
  std::vector<std::string> subnet_ids;
  std::string elan;  // the E-LAN realising it, "" while fewer than two ports are bound
  std::string created_at;
  std::string updated_at;
};

struct NetworkCreate {
  std::string name;
  bool admin_state_up = true;
  bool shared = false;
  bool external = false;
  std::optional<int> mtu;
};

struct NetworkUpdate {
  std::optional<std::string> name;
  std::optional<bool> admin_state_up;
  std::optional<bool> shared;
  std::optional<bool> external;
};

struct AllocationRange {
  std::string start;
  std::string end;
  friend bool operator==(const AllocationRange&, const AllocationRange&) = default;
};

struct Subnet {
  std::string id;
  std::string name;
  std::string network_id;
  std::string project_id;
  std::string cidr;        // network form, "10.0.0.0/24"
  std::string gateway_ip;  // "" = none
  std::vector<AllocationRange> allocation_pools;
  int ip_version = 4;
  bool enable_dhcp = true;
  std::vector<std::string> dns_nameservers;
  std::string created_at;
  std::string updated_at;
};

struct SubnetCreate {
  std::string network_id;
  std::string name;
  std::string cidr;
  // unset: the first host; set to "": no gateway
  std::optional<std::string> gateway_ip;
  std::vector<AllocationRange> allocation_pools;  // empty: every host but the gateway
  int ip_version = 4;                             // only 4 is supported
  bool enable_dhcp = true;
  std::vector<std::string> dns_nameservers;
};

struct SubnetUpdate {
  std::optional<std::string> name;
  std::optional<bool> enable_dhcp;
  std::optional<std::vector<std::string>> dns_nameservers;
};

struct FixedIp {
  std::string subnet_id;
  std::string ip_address;  // bare address, "10.0.0.5"
  friend bool operator==(const FixedIp&, const FixedIp&) = default;
};

// Where a port is plugged in the emulation (the sfc plugin steers traffic between these).
struct PortBinding {
  std::string server_id;
  std::string instance;   // emulator compute instance
  std::string interface;  // interface name inside the instance
};

struct Port {
  std::string id;
  std::string name;
  std::string network_id;
  std::string project_id;
  std::string mac_address;
  std::vector<FixedIp> fixed_ips;
  std::string device_id;     // the server id when bound, or what the client set
  std::string device_owner;  // "compute:nova" when bound to a server
  bool admin_state_up = true;
  bool port_security_enabled = true;
  std::vector<std::string> security_groups;  // ids; enforced while bound (security_group.h)
  std::string status = "DOWN";               // ACTIVE while bound
  std::optional<PortBinding> binding;
  bool created_by_server = false;  // deleted with its server (Nova's behaviour)
  std::string created_at;
  std::string updated_at;
};

// A server with what Nova's views of it show, read under one lock: a consistent snapshot, and
// one wait for the PoP's lock instead of one per port, network and flavor.
struct ServerView {
  Server server;
  std::vector<Port> ports;                           // in interface order
  std::map<std::string, std::string> network_names;  // of the ports' networks, by id
  std::optional<Flavor> flavor;                      // none if deleted since
  std::map<std::string, std::string> floating;       // fixed address -> its floating IP
  std::vector<std::string> security_groups;          // names, of its ports, once each
};

struct FixedIpRequest {
  std::string subnet_id;   // "" = the address's subnet or the network's first subnet
  std::string ip_address;  // "" = the next free address of the subnet
};

struct PortCreate {
  std::string network_id;
  std::string name;
  std::string mac_address;  // "" = random
  // unset: one address from the network's first subnet (none if the network has no subnet)
  std::optional<std::vector<FixedIpRequest>> fixed_ips;
  std::string device_id;
  std::string device_owner;
  bool admin_state_up = true;
  bool port_security_enabled = true;
  // Ids or names; unset: the default group (none when port security is off or for a router's
  // port).
  std::optional<std::vector<std::string>> security_groups;
};

struct PortUpdate {
  std::optional<std::string> name;
  std::optional<bool> admin_state_up;
  std::optional<std::string> device_id;     // only while unbound
  std::optional<std::string> device_owner;  // only while unbound
  std::optional<bool> port_security_enabled;
  std::optional<std::vector<std::string>> security_groups;  // ids or names
};

struct FloatingIp {
  std::string id;
  std::string floating_ip_address;
  std::string floating_network_id;
  std::string port_id;  // "" = not associated
  std::string fixed_ip_address;
  std::string router_id;
  std::string project_id;
  std::string description;
  std::string status = "DOWN";  // ACTIVE while associated
  std::string created_at;
};

struct FloatingIpCreate {
  std::string floating_network_id;  // must have a subnet
  std::string floating_ip_address;  // "" = next free
  std::string port_id;
  std::string fixed_ip_address;
  std::string description;
};

// A router with ports is a namespace forwarding between their subnets (cloud_router.cc).
struct RouterInterface {
  std::string subnet_id;
  std::string port_id;
};

struct Router {
  std::string id;
  std::string name;
  std::string project_id;
  bool admin_state_up = true;
  std::string status = "ACTIVE";
  std::string external_network_id;  // "" = no gateway
  std::vector<RouterInterface> interfaces;
  std::string gateway_port_id;  // its port on external_network_id ("" = none)
  std::vector<FixedIp> gateway_ips;
  std::string instance;  // the emulated instance that routes, while the router has ports
  std::set<std::string> nat_addresses;  // floating addresses held on its gateway interface
  bool nat_loaded = false;              // its NAT table is in the namespace
  std::string created_at;
  std::string updated_at;
};

struct RouterCreate {
  std::string name;
  bool admin_state_up = true;
  std::string external_network_id;
};

struct RouterUpdate {
  std::optional<std::string> name;
  std::optional<bool> admin_state_up;
  std::optional<std::string> external_network_id;  // "" clears it
};

// ---- Glance -------------------------------------------------------------------------------------

// What an image is described by: the fields a request gives and the record keeps.
struct ImageAttributes {
  std::string name;
  std::string container_format;  // "bare", "docker", ...
  std::string disk_format;       // "raw", "qcow2", ...
  std::string visibility = "public";
  bool is_protected = false;
  int64_t min_disk = 0;
  int64_t min_ram = 0;
  std::vector<std::string> tags;
  std::map<std::string, std::string> properties;  // any other attribute
};

struct Image : ImageAttributes {
  std::string id;
  std::string status = "queued";  // queued (no data), active, deleted
  int64_t size = -1;              // bytes, -1 = unknown
  std::string checksum;           // md5 hex of uploaded data
  std::string store_ref;          // the image store reference ("sha256:..."), "" for Glance-only
  std::string created_at;
  std::string updated_at;
};

struct ImageCreate : ImageAttributes {
  std::string id;  // "" = a new UUID
};

// A partial image change (a JSON patch resolved at the edge). A property mapped to nullopt is
// removed.
struct ImageUpdate {
  std::optional<std::string> name;
  std::optional<std::string> container_format;
  std::optional<std::string> disk_format;
  std::optional<std::string> visibility;
  std::optional<bool> is_protected;
  std::optional<int64_t> min_disk;
  std::optional<int64_t> min_ram;
  std::optional<std::vector<std::string>> tags;
  std::map<std::string, std::optional<std::string>> properties;
};

// ---- quotas / limits ---------------------------------------------------------------------------

struct CloudUsage {
  size_t servers = 0;
  int vcpus = 0;
  int64_t ram_mb = 0;
  size_t networks = 0;
  size_t subnets = 0;
  size_t ports = 0;
  size_t floating_ips = 0;
  size_t routers = 0;
  size_t security_groups = 0;
  size_t security_group_rules = 0;
};

// ---- the Cloud
// -----------------------------------------------------------------------------------

class Cloud {
 public:
  // `images` may be null (no image store: Glance-only records). Both must outlive the Cloud.
  // `clock` stamps and expires tokens; `ids` names every record (and the Sfc's and Heat's).
  // `firewall` enforces security groups (null: they are kept but not enforced); it must outlive
  // the Cloud too.
  Cloud(emulator::Control& emulation, CloudConfig config, runtime::ImageStore* images = nullptr,
        PortFirewall* firewall = nullptr, const Clock& clock = SystemClock::instance(),
        const IdSource& ids = RandomIds::instance());
  ~Cloud();
  Cloud(const Cloud&) = delete;
  Cloud& operator=(const Cloud&) = delete;

  const CloudConfig& config() const { return config_; }
  const std::string& pop() const { return config_.pop; }
  const std::string& project_id() const { return identity_.project_id(); }
  // The first configured user (owner of the servers).
  const std::string& user_id() const { return identity_.users().front().id; }
  Identity& identity() { return identity_; }
  const Identity& identity() const { return identity_; }
  const IdSource& ids() const { return ids_; }
  // The created/updated stamp of every record: the injected clock's now, ISO 8601 in seconds.
  std::string stamp() const { return iso8601(clock_.now(), true); }
  emulator::Control& emulation() { return emulation_; }

  // Identity (identity.h). `project` is the project name or id, "" = the default project.
  // Bad credentials or an unknown project: kInvalidArgument (the endpoint answers 401).
  Result<Token> issue_token(const std::string& user, const std::string& password,
                            const std::string& project = "") {
    return identity_.authenticate(user, password, project);
  }
  // kNotFound when unknown or expired.
  Result<Token> validate_token(const std::string& id) { return identity_.validate(id); }
  void revoke_token(const std::string& id) { identity_.revoke(id); }

  // Flavors (cloud_compute.cc). get_flavor accepts an id or a name.
  std::vector<Flavor> list_flavors() const;
  Result<Flavor> get_flavor(const std::string& id_or_name) const;
  Result<Flavor> create_flavor(const FlavorCreate& request);
  Status delete_flavor(const std::string& id);
  Result<Flavor> set_flavor_extra_specs(const std::string& id,
                                        const std::map<std::string, std::string>& specs);
  Status unset_flavor_extra_spec(const std::string& id, const std::string& key);

  // Servers (cloud_compute.cc).
  std::vector<Server> list_servers() const;
  Result<Server> get_server(const std::string& id) const { return view()->servers.copy(id); }
  // Starts the instance with one interface per NIC (no NIC: no interface). kNotFound for an
  // unknown flavor, image, network or port; kFailedPrecondition for a port already bound. A port
  // on a network without subnet gets an interface without address.
  Result<Server> create_server(const ServerCreate& request);
  // Nova's create: create_server's checks and ports, then the server is returned BUILD at once
  // (its ports reserved: device_id set, not bound); its instance starts on the PoP's build
  // thread, one after another in the order asked, and it turns ACTIVE, or ERROR with a fault
  // (its ports kept until it is deleted). A server deleted while its build is queued never
  // starts; one deleted while its instance starts has it stopped as soon as it is up.
  Result<Server> start_server(const ServerCreate& request);
  // Waits until every server asked for is built (ACTIVE or ERROR) or deleted.
  void settle_builds() { builds_.drain(); }
  // Stops the instance, unbinds its ports, deletes the ports it created, frees floating IPs'
  // associations with them.
  Status delete_server(const std::string& id);
  Result<Server> update_server(const std::string& id, const std::optional<std::string>& name,
                               const std::optional<std::map<std::string, std::string>>& metadata);
  // Interfaces at runtime (os-interface): an existing port or a new one on a network.
  Result<Port> attach_interface(const std::string& server_id, const ServerNic& nic);
  Status detach_interface(const std::string& server_id, const std::string& port_id);
  Result<std::vector<Port>> server_ports(const std::string& server_id) const;
  // What Nova shows of one server / of every server (newest first), each under one lock.
  Result<ServerView> server_view(const std::string& id) const;
  std::vector<ServerView> list_server_views() const;

  // Networks, subnets, ports, floating IPs, routers (cloud_network.cc, cloud_port.cc).
  std::vector<Network> list_networks() const {
    return view()->networks.list(created_before<Network>);
  }
  Result<Network> get_network(const std::string& id) const { return view()->networks.copy(id); }
  Result<Network> create_network(const NetworkCreate& request);
  Result<Network> update_network(const std::string& id, const NetworkUpdate& update);
  // kFailedPrecondition while any port is on it (Neutron's NetworkInUse: only Neutron's own
  // ports would go with a network, and the emulation has none); its subnets go with it.
  Status delete_network(const std::string& id);

  std::vector<Subnet> list_subnets() const { return view()->subnets.list(created_before<Subnet>); }
  Result<Subnet> get_subnet(const std::string& id) const { return view()->subnets.copy(id); }
  Result<Subnet> create_subnet(const SubnetCreate& request);
  Result<Subnet> update_subnet(const std::string& id, const SubnetUpdate& update);
  // kFailedPrecondition while a port has an address in it.
  Status delete_subnet(const std::string& id);

  std::vector<Port> list_ports() const { return view()->ports.list(created_before<Port>); }
  Result<Port> get_port(const std::string& id) const { return view()->ports.copy(id); }
  Result<Port> create_port(const PortCreate& request);
  Result<Port> update_port(const std::string& id, const PortUpdate& update);
  // A bound port is detached from its server first (as Neutron does).
  Status delete_port(const std::string& id);

  std::vector<FloatingIp> list_floating_ips() const {
    return view()->floating_ips.list(created_before<FloatingIp>);
  }
  Result<FloatingIp> get_floating_ip(const std::string& id) const {
    return view()->floating_ips.copy(id);
  }
  Result<FloatingIp> create_floating_ip(const FloatingIpCreate& request);
  // port_id "" disassociates.
  Result<FloatingIp> associate_floating_ip(const std::string& id, const std::string& port_id,
                                           const std::string& fixed_ip_address = "");
  Status delete_floating_ip(const std::string& id);

  std::vector<Router> list_routers() const { return view()->routers.list(created_before<Router>); }
  Result<Router> get_router(const std::string& id) const { return view()->routers.copy(id); }
  Result<Router> create_router(const RouterCreate& request);
  Result<Router> update_router(const std::string& id, const RouterUpdate& update);
  Status delete_router(const std::string& id);
  // Exactly one of subnet_id / port_id. With a subnet, a port holding the subnet's gateway
  // address is created (device_owner network:router_interface).
  Result<RouterInterface> add_router_interface(const std::string& router_id,
                                               const RouterInterface& request);
  Result<RouterInterface> remove_router_interface(const std::string& router_id,
                                                  const RouterInterface& request);

  // Security groups and their rules (cloud_security_group.cc). Every PoP has the group "default"
  // (Neutron's rules: ingress from its own members, egress anywhere); a new group allows egress.
  // A change is enforced on the servers whose own groups it changes before the call returns; the
  // servers that only see a remote group's members change follow on the firewall's thread.
  std::vector<SecurityGroup> list_security_groups() const;
  // An id or a name (kAlreadyExists when a name is ambiguous, as the client says).
  Result<SecurityGroup> get_security_group(const std::string& id_or_name) const;
  Result<SecurityGroup> create_security_group(const SecurityGroupCreate& request);
  Result<SecurityGroup> update_security_group(const std::string& id,
                                              const SecurityGroupUpdate& update);
  // kFailedPrecondition for "default" or a group a port is in; rules naming it as their remote
  // group go with it.
  Status delete_security_group(const std::string& id);
  std::vector<SecurityGroupRule> list_security_group_rules() const;
  Result<SecurityGroupRule> get_security_group_rule(const std::string& id) const;
  // normalize_rule's checks; kNotFound for an unknown group or remote group; kAlreadyExists for
  // a rule the group has.
  Result<SecurityGroupRule> create_security_group_rule(const SecurityGroupRuleCreate& request);
  Status delete_security_group_rule(const std::string& id);
  // Nova's addSecurityGroup / removeSecurityGroup: the group on every port of the server.
  Status add_server_security_group(const std::string& server_id, const std::string& group);
  Status remove_server_security_group(const std::string& server_id, const std::string& group);
  // The groups of a server's ports, in order, once each.
  Result<std::vector<SecurityGroup>> server_security_groups(const std::string& server_id) const;
  // Waits until every filter queued is loaded (a remote group's new members reach the other
  // servers' filters on the firewall's thread, shortly after the call that changed them).
  void settle_firewalls();

  // Images (cloud_image.cc). get_image accepts an id or a name.
  std::vector<Image> list_images();
  Result<Image> get_image(const std::string& id_or_name);
  Result<Image> create_image(const ImageCreate& request);
  Result<Image> update_image(const std::string& id, const ImageUpdate& update);
  // Stores the data of a Glance-only image (status -> active, size, checksum). When the data is
  // a docker-save or OCI archive and there is an image store, it is imported (tagged with the
  // image name) and the image becomes store-backed. kFailedPrecondition for a store-backed or
  // active image.
  Result<Image> upload_image(const std::string& id, const std::string& data);
  // The uploaded data ("" for store-backed images).
  Result<std::string> image_data(const std::string& id);
  // Store-backed images are removed from the store too.
  Status delete_image(const std::string& id);

  CloudUsage usage() const;

 private:
  // The network "default" and its subnet (constructor; cannot fail on an empty Cloud).
  void create_default_network();
  void create_default_image();
  void create_default_security_group();
  // A new group with Neutron's egress rules (the default group: also ingress from its members),
  // and a rule added to a group with its id, project and times.
  SecurityGroup new_group_locked(const SecurityGroupCreate& request, bool is_default);
  SecurityGroupRule& add_rule_locked(SecurityGroup& g, const SecurityGroupRuleCreate& r);
  // Helpers called with mu_ held (cloud_*.cc).
  std::string new_uuid();
  Result<std::string> allocate_ip(const std::string& subnet_id, const std::string& address);
  void release_ip(const std::string& subnet_id, const std::string& address);
  Result<Port> create_port_locked(const PortCreate& request);
  Status delete_port_locked(const std::string& id);
  // A new port for a server NIC on a network (created_by_server).
  Result<Port> create_nic_port_locked(
      const ServerNic& nic, const std::optional<std::vector<std::string>>& security_groups);
  // Servers' two steps (cloud_server_build.cc): the checks, the ports (reserved) and the BUILD
  // record, under mu_; then build_server: the instance started without mu_ (interfaces from the
  // ports as they are then), and under mu_ again the bindings: ACTIVE. A failed build leaves
  // nothing running and the server BUILD (kNotFound: it was deleted meanwhile).
  struct PendingBuild {
    std::string server_id;
    emulator::ComputeRequest compute;  // without interfaces
  };
  Result<PendingBuild> reserve_server_locked(const ServerCreate& request);
  Status build_server(const PendingBuild& build);
  // The started instance's interfaces bound to the ports (`port_ids`, in order) that are still
  // the server's (the others' interfaces removed); the filter, the networks; ACTIVE.
  Status bind_server_locked(const std::string& server_id, const std::string& instance,
                            const emulator::ComputeRequest& cr,
                            const std::vector<std::string>& port_ids);
  // On the build thread: build_server; ERROR with a fault if it failed and the server is there.
  void finish_build(const PendingBuild& build);
  // A server that never ran goes: the ports it created with it, the others freed.
  void discard_server_locked(const std::string& id);
  void reserve_port_locked(Port& port, const Server& server);
  // kFailedPrecondition with Nova's message unless the server is ACTIVE.
  Status check_running_locked(const Server& s, std::string_view action) const;
  // The interface a port becomes: its first fixed IP with the subnet's prefix, its MAC.
  emulator::InterfaceRequest interface_request_locked(const Port& port,
                                                      const std::string& ifname) const;
  void mark_bound_locked(Port& port, const Server& server, const std::string& ifname);
  void unbind_port_locked(Port& port);
  // Unbound, its network's E-LAN re-synced without it, its interface removed (if bound).
  void unplug_port_locked(Port& port);
  // Interface names in use by a server's bound ports.
  std::set<std::string> interface_names_locked(const Server& server) const;
  Status sync_network_locked(const std::string& network_id);
  // Security groups (cloud_security_group.cc): ids of groups named by id or name (kNotFound),
  // the groups a new port gets, and every server's filter made to match the groups: queued
  // where it changed, loaded and waited for on the instances `wait_for` (the first failure is
  // returned).
  Result<std::vector<std::string>> resolve_security_groups_locked(
      const std::vector<std::string>& ids_or_names) const {
    return resolve_security_groups(security_groups_, ids_or_names);
  }
  static Result<std::vector<std::string>> resolve_security_groups(
      const ResourceTable<SecurityGroup>& groups, const std::vector<std::string>& ids_or_names);
  Result<std::vector<std::string>> port_security_groups_locked(const PortCreate& request) const;
  Status sync_firewalls_locked(const std::set<std::string>& wait_for = {});
  // `change` applied to the groups of every port of `server` (true: it changed them), then
  // enforced; a failure restores them. How many ports changed.
  Result<size_t> change_server_groups_locked(
      const Server& server, const std::function<bool(std::vector<std::string>&)>& change);
  // The instances of the servers with a port in group `group_id`.
  std::set<std::string> instances_in_group_locked(const std::string& group_id) const;
  std::string server_ruleset_locked(const Server& server) const;
  std::vector<std::string> group_addresses_locked(const std::string& group_id) const;
  void sync_images_locked();
  Result<FloatingIp> associate_floating_ip_locked(FloatingIp& f, const std::string& port_id,
                                                  const std::string& fixed_ip_address);
  // Routers (cloud_router.cc): the namespace made to match the record (started with the first
  // port, stopped with the last), new ports plugged and joined to their networks.
  Status realise_router_locked(Router& router);
  Status take_router_down_locked(Router& router);
  Status sync_gateway_port_locked(Router& router);
  // The router's NAT made to match its gateway and floating IPs (router_nat.h).
  Status apply_router_nat_locked(Router& router);
  // apply_router_nat_locked on the router `id`, if there is one.
  Status apply_router_nat_locked(const std::string& id);
  // The router that reaches `port`'s subnets and has its gateway on `network_id`, or null.
  Router* router_reaching_locked(const std::string& network_id, const Port& port);
  // The host bridge the external network's ports are plugged into.
  emulator::HostBridgeRequest external_bridge_locked() const;
  void create_external_network();
  // A network with one subnet over `cidr` (neither half left on failure); its id.
  Result<std::string> create_seeded_network(const NetworkCreate& network,
                                            const std::string& subnet_name,
                                            const std::string& cidr);
  Status plug_router_ports_locked(Router& router, const std::vector<Port*>& ports);
  Result<RouterInterface> new_router_port_locked(const Router& router,
                                                 const std::string& subnet_id);
  Result<RouterInterface> use_router_port_locked(const Router& router, const std::string& port_id);
  Status check_router_subnet_locked(const Router& router, const Subnet& sub) const;
  Status check_gateway_unused_locked(const Router& router) const;

  emulator::Control& emulation_;
  CloudConfig config_;
  runtime::ImageStore* images_;
  PortFirewall* firewall_;
  const Clock& clock_;
  const IdSource& ids_;
  Identity identity_;

  // What reads of servers, ports, networks, subnets, flavors, floating IPs, routers and security
  // groups are answered from: a copy of those tables as the last write left them, published when
  // each write releases mu_ (Writing). A write holds mu_ across its kernel work (a server
  // delete stopping its instance, a router's namespace; a build lets it go while its instance
  // starts); a read waits only for the pointer's copy, never for that (issue 16).
  struct ReadView {
    ResourceTable<Flavor> flavors;
    ResourceTable<Server> servers;
    ResourceTable<Network> networks;
    ResourceTable<Subnet> subnets;
    ResourceTable<Port> ports;
    ResourceTable<FloatingIp> floating_ips;
    ResourceTable<Router> routers;
    ResourceTable<SecurityGroup> security_groups;
  };
  // mu_ for a call that may change the tables; the view is published when it ends.
  class Writing {
   public:
    explicit Writing(Cloud& cloud) : cloud_(cloud), lock_(cloud.mu_) {}
    ~Writing() { cloud_.publish_locked(); }
    Writing(const Writing&) = delete;
    Writing& operator=(const Writing&) = delete;

   private:
    Cloud& cloud_;
    std::lock_guard<std::mutex> lock_;
  };
  void publish_locked();
  std::shared_ptr<const ReadView> view() const;
  std::vector<Server> servers_newest_first(const ReadView& v) const;
  static ServerView server_view_of(const ReadView& v, const Server& s);

  mutable std::mutex mu_;
  mutable std::mutex view_mu_;  // guards view_ (the pointer), never held while mu_ is wanted
  std::shared_ptr<const ReadView> view_;
  ResourceTable<Flavor> flavors_{"Flavor ", " could not be found."};
  ResourceTable<Server> servers_{"Instance ", " could not be found."};
  ResourceTable<Network> networks_{"Network ", " could not be found."};
  ResourceTable<Subnet> subnets_{"Subnet ", " could not be found."};
  std::map<std::string, std::vector<orchestration::HostPool>>
      subnet_pools_;  // subnet id -> allocation pools
  // subnet id -> fixed addresses given explicitly outside the allocation pools
  std::map<std::string, std::set<std::string>> subnet_extra_ips_;
  ResourceTable<Port> ports_{"Port ", " could not be found."};
  ResourceTable<FloatingIp> floating_ips_{"Floating IP ", " could not be found"};
  ResourceTable<Router> routers_{"Router ", " could not be found"};
  ResourceTable<Image> images_by_id_{"No image found with ID ", ""};
  std::map<std::string, std::string> image_data_;  // Glance-only uploaded bytes
  ResourceTable<SecurityGroup> security_groups_{"Security group ", " does not exist"};
  std::string default_security_group_id_;
  std::map<std::string, std::string> firewall_rulesets_;  // instance -> the ruleset it has
  size_t next_instance_ = 0;
  std::string external_network_id_;           // "" = the PoP has none
  std::unique_ptr<FirewallApplier> applier_;  // over firewall_; null without one
  SerialWorker builds_;  // last: its build in progress ends before the rest goes
};

// ---- pure helpers (unit-tested)
// ------------------------------------------------------------------

bool is_uuid(std::string_view text);
// Whether two prefixes ("10.0.0.0/24") share an address (false when either does not parse).
bool cidrs_overlap(const std::string& a, const std::string& b);
// A valid instance name from a server name: characters outside [A-Za-z0-9_.:-] become '-', a
// leading non-alphanumeric is dropped, cut to 48 bytes, "server" when nothing is left.
std::string sanitize_server_name(std::string_view name);
// The interface name of the index-th port of a server: the port name when it is 1..15 bytes of
// [A-Za-z0-9-] starting with a letter and not yet used, else "port<index>".
std::string interface_name_for(std::string_view port_name, size_t index,
                               const std::set<std::string>& used);
// A deterministic UUID for a stored image id ("sha256:<hex>" -> the first 32 hex as a UUID).
std::string image_uuid_for_store_id(std::string_view store_id);
// Validates a subnet request's shape: IPv4 CIDR, gateway inside it and not the network or
// broadcast address, pools inside the subnet, ordered, non-overlapping and not containing the
// gateway. Returns the subnet in network form and the pools to use (default: every host but the
// gateway, split around it).
struct SubnetPlan {
  substrate::Cidr network;
  std::string gateway_ip;
  std::vector<AllocationRange> pools;
};
Result<SubnetPlan> plan_subnet(const std::string& cidr, const std::optional<std::string>& gateway,
                               const std::vector<AllocationRange>& pools);

}  // namespace chainlab::openstack
