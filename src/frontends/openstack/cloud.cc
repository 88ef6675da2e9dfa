// Cloud: construction, identity, usage and the pure helpers (see cloud.h).
#include <arpa/inet.h>

#include <cassert>
#include <ctime>

#include <fmt/format.h>

#include "common/names.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/cloud_internal.h"

namespace chainlab::openstack {

bool is_uuid(std::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') {
        return false;
      }
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

std::string sanitize_server_name(std::string_view name) {
  static constexpr NameRule kRule{.max_bytes = 48, .drop_leading = true, .fallback = "server"};
  return sanitize_name(name, kRule);
}

std::string interface_name_for(std::string_view port_name, size_t index,
                               const std::set<std::string>& used) {
  bool valid = !port_name.empty() && port_name.size() <= 15 &&
               std::isalpha(static_cast<unsigned char>(port_name[0]));
  for (char c : port_name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
      valid = false;
    }
  }
  if (valid && used.count(std::string(port_name)) == 0) {
    return std::string(port_name);
  }
  for (size_t i = index;; ++i) {
    std::string candidate = fmt::format("port{}", i);
    if (used.count(candidate) == 0) {
      return candidate;
    }
  }
}

std::string image_uuid_for_store_id(std::string_view store_id) {
  std::string_view hex = store_id;
  if (hex.starts_with("sha256:")) {
    hex.remove_prefix(7);
  }
  std::string h(hex.substr(0, std::min<size_t>(32, hex.size())));
  h.resize(32, '0');
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

uint32_t ipv4_host_order(const substrate::IpAddress& a) {
  return (uint32_t{a.bytes[0]} << 24) | (uint32_t{a.bytes[1]} << 16) | (uint32_t{a.bytes[2]} << 8) |
         uint32_t{a.bytes[3]};
}

std::string ipv4_string(uint32_t host_order) {
  return fmt::format("{}.{}.{}.{}", host_order >> 24, (host_order >> 16) & 0xff,
                     (host_order >> 8) & 0xff, host_order & 0xff);
}

Result<uint32_t> parse_ipv4(std::string_view text, std::string_view what) {
  auto a = substrate::IpAddress::parse(text);
  if (!a.ok() || a->family != AF_INET) {
    return make_error(ErrorCode::kInvalidArgument, "{} '{}' is not a valid IPv4 address", what,
                      text);
  }
  return ipv4_host_order(*a);
}

Result<SubnetPlan> plan_subnet(const std::string& cidr, const std::optional<std::string>& gateway,
                               const std::vector<AllocationRange>& pools) {
  auto parsed = substrate::Cidr::parse(cidr);
  if (!parsed.ok() || cidr.find('/') == std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for cidr: '{}' is not a valid "
                      "IP subnet",
                      cidr);
  }
  if (parsed->address.family != AF_INET) {
    return make_error(ErrorCode::kInvalidArgument, "only IPv4 subnets are supported, not '{}'",
                      cidr);
  }
  if (parsed->prefix_len > 30 || parsed->prefix_len < 8) {
    return make_error(ErrorCode::kInvalidArgument,
                      "cidr '{}': the prefix length must be between 8 and 30", cidr);
  }
  SubnetPlan plan;
  plan.network = parsed->network();
  uint32_t net = ipv4_host_order(plan.network.address);
  uint32_t mask = ~uint32_t{0} << (32 - plan.network.prefix_len);
  uint32_t broadcast = net | ~mask;
  auto inside = [&](uint32_t h) { return h > net && h < broadcast; };
  std::optional<uint32_t> gw;
  if (!gateway.has_value()) {
    gw = net + 1;
  } else if (!gateway->empty()) {
    CL_ASSIGN_OR_RETURN(uint32_t g, parse_ipv4(*gateway, "gateway_ip"));
    if (!inside(g)) {
      return make_error(ErrorCode::kInvalidArgument, "Gateway ip {} conflicts with subnet {}",
                        *gateway, plan.network.to_string());
    }
    gw = g;
  }
  plan.gateway_ip = gw ? ipv4_string(*gw) : "";
  if (pools.empty()) {
    uint32_t first = net + 1;
    uint32_t last = broadcast - 1;
    if (gw && *gw > first) {
      plan.pools.push_back({ipv4_string(first), ipv4_string(*gw - 1)});
    }
    if (gw && *gw < last) {
      plan.pools.push_back({ipv4_string(std::max(first, *gw + 1)), ipv4_string(last)});
    }
    if (!gw) {
      plan.pools.push_back({ipv4_string(first), ipv4_string(last)});
    }
    return plan;
  }
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  for (const auto& p : pools) {
    CL_ASSIGN_OR_RETURN(uint32_t s, parse_ipv4(p.start, "allocation pool start"));
    CL_ASSIGN_OR_RETURN(uint32_t e, parse_ipv4(p.end, "allocation pool end"));
    if (!inside(s) || !inside(e) || s > e) {
      return make_error(ErrorCode::kInvalidArgument,
                        "The allocation pool {}-{} spans beyond the subnet cidr {}.", p.start,
                        p.end, plan.network.to_string());
    }
    if (gw && s <= *gw && *gw <= e) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Gateway ip {} conflicts with allocation pool {}-{}", plan.gateway_ip,
                        p.start, p.end);
    }
    ranges.emplace_back(s, e);
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first <= ranges[i - 1].second) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Found overlapping allocation pools: {}-{} "
                        "and {}-{}",
                        ipv4_string(ranges[i - 1].first), ipv4_string(ranges[i - 1].second),
                        ipv4_string(ranges[i].first), ipv4_string(ranges[i].second));
    }
  }
  for (const auto& [s, e] : ranges) {
    plan.pools.push_back({ipv4_string(s), ipv4_string(e)});
  }
  return plan;
}

// ---- Cloud
// ---------------------------------------------------------------------------------------

namespace {

Flavor seeded(std::string id, std::string name, int64_t ram, int vcpus, int64_t disk) {
  Flavor f;
  f.id = std::move(id);
  f.name = std::move(name);
  f.ram_mb = ram;
  f.vcpus = vcpus;
  f.disk_gb = disk;
  return f;
}

}  // namespace

Cloud::Cloud(emulator::Control& emulation, CloudConfig config, runtime::ImageStore* images,
             PortFirewall* firewall, const Clock& clock, const IdSource& ids)
    : emulation_(emulation),
      config_(std::move(config)),
      images_(images),
      firewall_(firewall),
      clock_(clock),
      ids_(ids),
      identity_(config_.identity, clock, ids) {
  for (auto f : {seeded("1", "m1.tiny", 512, 1, 1), seeded("2", "m1.small", 1024, 1, 20),
                 seeded("3", "m1.medium", 4096, 2, 40), seeded("4", "m1.large", 8192, 4, 80),
                 seeded("5", "m1.xlarge", 16384, 8, 160), seeded("42", "m1.nano", 64, 1, 0),
                 seeded("84", "m1.micro", 128, 1, 0)}) {
    flavors_.put(f);
  }
  if (firewall_ != nullptr) {
    applier_ = std::make_unique<FirewallApplier>(*firewall_);
  }
  create_default_security_group();
  if (config_.default_network) {
    create_default_network();
  }
  if (!config_.external_cidr.empty()) {
    create_external_network();
  }
  if (!config_.default_image.empty()) {
    create_default_image();
  }
  Writing publish(*this);  // the first view
}

void Cloud::publish_locked() {
  auto v = std::make_shared<const ReadView>(ReadView{
      flavors_, servers_, networks_, subnets_, ports_, floating_ips_, routers_, security_groups_});
  std::lock_guard lock(view_mu_);
  view_ = std::move(v);
}

std::shared_ptr<const Cloud::ReadView> Cloud::view() const {
  std::lock_guard lock(view_mu_);
  return view_;
}

Result<std::string> Cloud::create_seeded_network(const NetworkCreate& network,
                                                 const std::string& subnet_name,
                                                 const std::string& cidr) {
  CL_ASSIGN_OR_RETURN(Network n, create_network(network));
  SubnetCreate sc;
  sc.network_id = n.id;
  sc.name = subnet_name;
  sc.cidr = cidr;
  if (auto s = create_subnet(sc); !s.ok()) {
    (void)delete_network(n.id);
    return std::move(s).error();
  }
  return n.id;
}

void Cloud::create_default_network() {
  NetworkCreate nc;
  nc.name = kDefaultNetworkName;
  [[maybe_unused]] auto made = create_seeded_network(nc, kDefaultSubnetName, kDefaultSubnetCidr);
  assert(made.ok());
}

void Cloud::create_external_network() {
  NetworkCreate nc;
  nc.name = kExternalNetworkName;
  nc.external = true;
  // A bad prefix in the configuration: no external network.
  external_network_id_ =
      create_seeded_network(nc, kExternalSubnetName, config_.external_cidr).value_or("");
}

emulator::HostBridgeRequest Cloud::external_bridge_locked() const {
  const Network* net = networks_.find(external_network_id_);
  const Subnet* sub =
      net == nullptr || net->subnet_ids.empty() ? nullptr : subnets_.find(net->subnet_ids.front());
  std::string address;
  if (sub != nullptr) {
    auto cidr = substrate::Cidr::parse(sub->cidr);
    address = fmt::format("{}/{}", sub->gateway_ip, cidr.ok() ? cidr->prefix_len : 32);
  }
  return {"ext-" + config_.pop.substr(0, 56), address};
}

Cloud::~Cloud() = default;

std::string Cloud::new_uuid() {
  return ids_.uuid();
}

CloudUsage Cloud::usage() const {
  std::lock_guard lock(mu_);
  CloudUsage u;
  u.servers = servers_.size();
  for (const auto& [id, s] : servers_) {
    if (const Flavor* f = flavors_.find(s.flavor_id)) {
      u.vcpus += f->vcpus;
      u.ram_mb += f->ram_mb;
    }
  }
  u.networks = networks_.size();
  u.subnets = subnets_.size();
  u.ports = ports_.size();
  u.floating_ips = floating_ips_.size();
  u.routers = routers_.size();
  u.security_groups = security_groups_.size();
  for (const auto& [id, g] : security_groups_) {
    u.security_group_rules += g.rules.size();
  }
  return u;
}

}  // namespace chainlab::openstack
