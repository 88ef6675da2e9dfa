// Flow classifiers: validation and their translation into the emulator's match syntax.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "common/files.h"
#include "frontends/openstack/ip_protocol.h"
#include "frontends/openstack/sfc.h"
#include "substrate/addr.h"

namespace chainlab::openstack {
namespace {

Status check_range(const char* what, const std::optional<int>& min, const std::optional<int>& max) {
  for (const auto& v : {min, max}) {
    if (v && (*v < 0 || *v > 65535)) {
      return make_error(ErrorCode::kInvalidArgument, "{} port {} is out of range 0..65535", what,
                        *v);
    }
  }
  if (min && max && *min > *max) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{} port range minimum {} is greater than the maximum {}", what, *min, *max);
  }
  return ok_status();
}

// The single port a range stands for, or nullopt when it matches every port.
std::optional<int> single_port(const std::optional<int>& min, const std::optional<int>& max) {
  int lo = min.value_or(0);
  int hi = max.value_or(65535);
  if (lo == hi) {
    return lo;
  }
  return std::nullopt;
}

bool whole_range(const std::optional<int>& min, const std::optional<int>& max) {
  return min.value_or(0) <= 1 && max.value_or(65535) == 65535;
}

Result<std::string> normalise_prefix(const char* what, const std::string& text) {
  if (text.empty()) {
    return std::string();
  }
  auto cidr = substrate::Cidr::parse(text);
  if (!cidr.ok()) {
    return make_error(ErrorCode::kInvalidArgument, "{} '{}' is not an IP prefix", what, text);
  }
  return cidr->network().to_string();
}

}  // namespace

Result<FlowClassifier> normalise_classifier(const FlowClassifierCreate& request) {
  FlowClassifier fc = request;
  if (fc.ethertype.empty()) {
    fc.ethertype = "IPv4";
  }
  if (fc.ethertype != "IPv4" && fc.ethertype != "IPv6") {
    return make_error(ErrorCode::kInvalidArgument, "ethertype must be IPv4 or IPv6, not '{}'",
                      request.ethertype);
  }
  const bool v6 = fc.ethertype == "IPv6";
  fc.protocol = ascii_lower(fc.protocol);
  CL_ASSIGN_OR_RETURN(int proto, ip_protocol_number(fc.protocol));
  const bool has_ports = fc.source_port_range_min || fc.source_port_range_max ||
                         fc.destination_port_range_min || fc.destination_port_range_max;
  CL_RETURN_IF_ERROR(check_range("source", fc.source_port_range_min, fc.source_port_range_max));
  CL_RETURN_IF_ERROR(
      check_range("destination", fc.destination_port_range_min, fc.destination_port_range_max));
  if (has_ports) {
    if (proto != 6 && proto != 17 && proto != 132) {
      return make_error(ErrorCode::kInvalidArgument,
                        "port ranges need protocol tcp, udp or sctp (protocol is '{}')",
                        fc.protocol.empty() ? "any" : fc.protocol);
    }
    if (v6) {
      return make_error(ErrorCode::kInvalidArgument,
                        "IPv6 classifiers cannot match L4 ports in the emulator");
    }
    for (const auto& [what, min, max] :
         {std::tuple{"source", fc.source_port_range_min, fc.source_port_range_max},
          std::tuple{"destination", fc.destination_port_range_min,
                     fc.destination_port_range_max}}) {
      if (!single_port(min, max) && !whole_range(min, max)) {
        return make_error(ErrorCode::kInvalidArgument,
                          "{} port range {}:{} is not supported: the emulator matches one port "
                          "or all of them",
                          what, min.value_or(0), max.value_or(65535));
      }
    }
  }
  CL_ASSIGN_OR_RETURN(fc.source_ip_prefix,
                      normalise_prefix("source_ip_prefix", request.source_ip_prefix));
  CL_ASSIGN_OR_RETURN(fc.destination_ip_prefix,
                      normalise_prefix("destination_ip_prefix", request.destination_ip_prefix));
  for (const auto& p : {fc.source_ip_prefix, fc.destination_ip_prefix}) {
    if (p.empty()) {
      continue;
    }
    bool is_v6 = p.find(':') != std::string::npos;
    if (is_v6 != v6) {
      return make_error(ErrorCode::kInvalidArgument, "prefix {} does not match ethertype {}", p,
                        fc.ethertype);
    }
    if (v6) {
      return make_error(ErrorCode::kInvalidArgument,
                        "IPv6 classifiers cannot match prefixes in the emulator");
    }
  }
  if (!fc.l7_parameters.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "l7_parameters are not supported (networking-sfc defines none)");
  }
  if (!fc.logical_source_port.empty() && fc.logical_source_port == fc.logical_destination_port) {
    return make_error(ErrorCode::kInvalidArgument,
                      "logical_source_port and logical_destination_port are the same port");
  }
  return fc;
}

std::string classifier_match(const FlowClassifier& fc, bool reverse) {
  const bool v6 = fc.ethertype == "IPv6";
  std::string m = v6 ? "dl_type=0x86dd" : "dl_type=0x0800";
  auto proto = ip_protocol_number(fc.protocol);
  if (proto.ok() && *proto >= 0) {
    m += fmt::format(",nw_proto={}", *proto);
  }
  std::string src = fc.source_ip_prefix;
  std::string dst = fc.destination_ip_prefix;
  auto sport = single_port(fc.source_port_range_min, fc.source_port_range_max);
  auto dport = single_port(fc.destination_port_range_min, fc.destination_port_range_max);
  if (reverse) {
    std::swap(src, dst);
    std::swap(sport, dport);
  }
  if (!src.empty()) {
    m += ",nw_src=" + src;
  }
  if (!dst.empty()) {
    m += ",nw_dst=" + dst;
  }
  if (sport) {
    m += fmt::format(",tp_src={}", *sport);
  }
  if (dport) {
    m += fmt::format(",tp_dst={}", *dport);
  }
  return m;
}

}  // namespace chainlab::openstack
