#include "runtime/instance_net.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/files.h"
#include "common/rollback.h"
#include "substrate/netns.h"
#include "substrate/rtnl.h"

namespace chainlab::runtime {

using substrate::ObjectKind;

Status validate_instance_spec(const InstanceSpec& spec) {
  CL_RETURN_IF_ERROR(substrate::validate_object_name(spec.name, "instance name"));
  if (spec.hostname.size() > 64) {
    return make_error(ErrorCode::kInvalidArgument, "hostname longer than 64 bytes: '{}'",
                      spec.hostname);
  }
  for (const auto& [key, value] : spec.env) {
    if (key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, "invalid environment variable name '{}'", key);
    }
  }
  return ok_status();
}

Status ensure_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return errno_error(errno, fmt::format("mkdir {}", path));
  }
  return ok_status();
}

Result<std::unique_ptr<InstanceNet>> InstanceNet::create(substrate::Run& run, std::string instance,
                                                         const std::string& hostname,
                                                         const std::string& hosts_file) {
  std::unique_ptr<InstanceNet> net(new InstanceNet(run, std::move(instance)));
  auto fail = [&net](Error e) -> Error {
    (void)net->release();
    return e;
  };
  net->netns_ = run.names().next('n');
  if (auto s = run.journal().record(ObjectKind::kNetns, net->netns_); !s.ok()) {
    return fail(std::move(s).error());
  }
  auto ns = substrate::Netns::create(net->netns_);
  if (!ns.ok()) {
    return fail(std::move(ns).error());
  }
  auto lo = ns->run_in([] { return substrate::Rtnl::open(); });
  if (!lo.ok()) {
    return fail(std::move(lo).error());
  }
  if (auto s = lo->set_up("lo", true); !s.ok()) {
    return fail(std::move(s).error());
  }
  if (!hosts_file.empty()) {
    net->hosts_path_ = hosts_file;
    return net;
  }
  if (auto s = ensure_dir(run.dir() + "/hosts"); !s.ok()) {
    return fail(std::move(s).error());
  }
  net->hosts_path_ = fmt::format("{}/hosts/{}", run.dir(), net->netns_);
  net->own_hosts_ = true;
  std::string hosts = fmt::format(
      "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n"
      "127.0.1.1\t{}\n",
      hostname);
  if (auto s = write_file(net->hosts_path_, hosts, true); !s.ok()) {
    return fail(std::move(s).error());
  }
  return net;
}

std::string InstanceNet::netns_path() const {
  return fmt::format("{}/{}", substrate::kNetnsDir, netns_);
}

namespace {

// The default route via intf.gateway, unless there is one already (or no gateway).
Status add_default_route(substrate::Rtnl& rtnl, const InterfaceSpec& intf) {
  if (!intf.gateway) {
    return ok_status();
  }
  CL_ASSIGN_OR_RETURN(auto routes, rtnl.list_routes(intf.gateway->family));
  for (const auto& r : routes) {
    if (r.destination.prefix_len == 0) {
      return ok_status();
    }
  }
  return rtnl.set_default_gateway(*intf.gateway, intf.name);
}

}  // namespace

Result<InterfaceStatus> InstanceNet::add_interface(const InterfaceSpec& intf) {
  CL_RETURN_IF_ERROR(substrate::validate_ifname(intf.name));
  auto same = [&](const InterfaceStatus& i) { return i.name == intf.name; };
  if (std::any_of(interfaces_.begin(), interfaces_.end(), same) || intf.name == "lo") {
    return make_error(ErrorCode::kAlreadyExists, "instance '{}' already has interface '{}'",
                      instance_, intf.name);
  }
  CL_ASSIGN_OR_RETURN(substrate::Netns ns, substrate::Netns::open(netns_));
  InterfaceStatus out;
  out.name = intf.name;
  out.host_ifname = run_.names().next('v');
  out.ip = intf.ip;
  out.mac = intf.mac.value_or(substrate::MacAddress::random());
  out.mtu = intf.mtu.value_or(1500);

  CL_RETURN_IF_ERROR(run_.journal().record(ObjectKind::kLink, out.host_ifname));
  auto undo = [&](Error e) -> Error {
    if (auto root = substrate::Rtnl::open(); root.ok()) {
      (void)root->delete_link(out.host_ifname);
    }
    (void)run_.journal().forget(ObjectKind::kLink, out.host_ifname);
    return std::move(e).context(fmt::format("adding interface '{}' to '{}'", intf.name, instance_));
  };
  auto root = substrate::Rtnl::open();
  if (!root.ok()) {
    return undo(std::move(root).error());
  }
  substrate::VethSpec veth{out.host_ifname, intf.name, ns.fd(), std::nullopt, out.mac, out.mtu};
  if (auto s = root->create_veth(veth); !s.ok()) {
    return undo(std::move(s).error());
  }
  if (auto s = root->set_up(out.host_ifname, true); !s.ok()) {
    return undo(std::move(s).error());
  }
  auto inside = ns.run_in([] { return substrate::Rtnl::open(); });
  if (!inside.ok()) {
    return undo(std::move(inside).error());
  }
  if (intf.ip) {
    if (auto s = inside->add_address(intf.name, *intf.ip); !s.ok()) {
      return undo(std::move(s).error());
    }
  }
  if (auto s = inside->set_up(intf.name, true); !s.ok()) {
    return undo(std::move(s).error());
  }
  if (auto s = add_default_route(*inside, intf); !s.ok()) {
    return undo(std::move(s).error());
  }
  interfaces_.push_back(out);
  return out;
}

Status InstanceNet::remove_interface(std::string_view intf) {
  auto it = std::find_if(interfaces_.begin(), interfaces_.end(),
                         [&](const InterfaceStatus& i) { return i.name == intf; });
  if (it == interfaces_.end()) {
    return make_error(ErrorCode::kNotFound, "instance '{}' has no interface '{}'", instance_, intf);
  }
  CL_ASSIGN_OR_RETURN(substrate::Rtnl root, substrate::Rtnl::open());
  Status s = root.delete_link(it->host_ifname);
  if (!s.ok() && s.error().code != ErrorCode::kNotFound) {
    return s;
  }
  CL_RETURN_IF_ERROR(run_.journal().forget(ObjectKind::kLink, it->host_ifname));
  interfaces_.erase(it);
  return ok_status();
}

Status InstanceNet::release() {
  auto& journal = run_.journal();
  Status first;
  auto note = [&first](Status s) { keep_first_error(first, std::move(s)); };
  for (const auto& intf : interfaces_) {
    note(journal.forget(ObjectKind::kLink, intf.host_ifname));  // goes with the namespace
  }
  interfaces_.clear();
  if (!netns_.empty()) {
    Status s = substrate::Netns::remove(netns_);
    if (!s.ok() && s.error().code != ErrorCode::kNotFound) {
      note(std::move(s));
    }
    note(journal.forget(ObjectKind::kNetns, netns_));
    netns_.clear();
  }
  if (own_hosts_) {
    ::unlink(hosts_path_.c_str());
    own_hosts_ = false;
  }
  return first;
}

}  // namespace chainlab::runtime
