#include "frontends/escape/mdo/node_translate.h"

#include <algorithm>
#include <charconv>
#include <tuple>

#include <fmt/format.h>

#include "frontends/escape/mdo/settings_fields.h"
#include "frontends/escape/nffg_embedding_internal.h"

namespace chainlab::escape {
namespace {

using json = nlohmann::json;

// What an infra port attaches to, as a big-switch port.
struct Attachment {
  std::string ref;  // "vnf:<nf>:inout:<k>" or "endpoint:<sap>"
  bool border = false;
};

// The index of `port` among `nf`'s ports.
size_t port_index(const NodeNf& nf, const Id& port) {
  for (size_t i = 0; i < nf.ports.size(); ++i) {
    if (nf.ports[i].id == port) {
      return i;
    }
  }
  return 0;
}

// Infra port id -> what it attaches to, from the part's links.
Result<std::map<std::string, Attachment>> attachments(
    const Nffg& part, const NodeInfra& infra, const std::map<std::string, NodeSapLink>& saps) {
  std::map<std::string, Attachment> out;
  for (const EdgeLink& l : part.edge_links) {
    bool from = l.src_node == infra.id;
    if (!from && l.dst_node != infra.id) {
      continue;
    }
    const Id& node = from ? l.dst_node : l.src_node;
    const Id& node_port = from ? l.dst_port : l.src_port;
    const Id& port = from ? l.src_port : l.dst_port;
    if (const NodeNf* nf = part.nf(node)) {
      out[port.str()] = {fmt::format("vnf:{}:inout:{}", nf->id.str(), port_index(*nf, node_port))};
    } else if (part.sap(node) != nullptr) {
      auto s = saps.find(node.str());
      if (s == saps.end()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "SAP {}: this node's settings do not say where it is (saps.{})",
                          node.str(), node.str());
      }
      out[port.str()] = {"endpoint:" + node.str(), s->second.border};
    }
  }
  return out;
}

json vnf_json(const NodeNf& nf) {
  json ports = json::array();
  for (size_t i = 0; i < nf.ports.size(); ++i) {
    ports.push_back({{"id", fmt::format("inout:{}", i)}, {"name", "port-" + nf.ports[i].id.str()}});
  }
  return {{"id", nf.id.str()},
          {"name", nf.name.value_or(nf.id.str())},
          {"functional-capability", nf.functional_type.value_or(nf.id.str())},
          {"ports", ports}};
}

json endpoint_json(const std::string& id, const NodeSapLink& s) {
  if (!s.local_ip.empty()) {
    return {
        {"id", id},
        {"name", id},
        {"type", "gre-tunnel"},
        {"gre-tunnel", {{"local-ip", s.local_ip}, {"remote-ip", s.remote_ip}, {"gre-key", s.key}}}};
  }
  return {{"id", id}, {"name", id}, {"type", "interface"}, {"interface", {{"if-name", s.if_name}}}};
}

// ESCAPE's flowclass ("dl_type=0x0800,nw_dst=10.0.0.1") as NF-FG match fields.
Status add_flowclass(std::string_view flowclass, json& match) {
  static const std::map<std::string, std::string> kFields = {
      {"dl_type", "ether_type"}, {"nw_src", "source_ip"},   {"nw_dst", "dest_ip"},
      {"nw_proto", "protocol"},  {"tp_src", "source_port"}, {"tp_dst", "dest_port"},
      {"dl_src", "source_mac"},  {"dl_dst", "dest_mac"}};
  while (!flowclass.empty()) {
    std::string_view item = flowclass.substr(0, flowclass.find(','));
    flowclass.remove_prefix(std::min(flowclass.size(), item.size() + 1));
    auto eq = item.find('=');
    auto field = kFields.find(std::string(item.substr(0, eq)));
    if (eq == std::string_view::npos || field == kFields.end()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "flowclass field '{}' has no NF-FG match (known: dl_type, dl_src, dl_dst, "
                        "nw_src, nw_dst, nw_proto, tp_src, tp_dst)",
                        item.substr(0, 60));
    }
    match[field->second] = std::string(item.substr(eq + 1));
  }
  return ok_status();
}

// One flow rule of `port` as a big-switch rule; `tagged_in`: the traffic arrives with the
// match's VLAN (a border end-point).
Result<json> rule_json(const Flowrule& r, const Attachment& in,
                       const std::map<std::string, Attachment>& at, size_t n) {
  std::string m = r.match.value_or("");
  std::string a = r.action.value_or("");
  auto out_port = detail::rule_field(a, "output");
  auto out = out_port ? at.find(*out_port) : at.end();
  if (out == at.end()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "flow rule {}: its output port '{}' attaches "
                      "to nothing of this node",
                      r.id.str(), out_port.value_or(""));
  }
  json match = {{"port_in", in.ref}};
  auto in_tag = detail::rule_field(m, "TAG");
  bool tagged_in = in.border && in_tag;
  if (tagged_in) {
    match["vlan_id"] = tag_vlan(*in_tag);
  }
  auto flowclass = detail::rule_field(m, "flowclass");
  if (flowclass) {
    CL_RETURN_IF_ERROR(add_flowclass(*flowclass, match));
  }
  json actions = json::array();
  auto out_tag = detail::rule_field(a, "TAG");
  std::optional<std::string> want =
      out->second.border ? (out_tag ? out_tag : in_tag) : std::nullopt;
  if (tagged_in && !want) {
    actions.push_back({{"pop_vlan", true}});
  } else if (want && !tagged_in) {
    actions.push_back({{"push_vlan", tag_vlan(*want)}});
  } else if (want && tag_vlan(*want) != tag_vlan(*in_tag)) {
    actions.push_back({{"set_vlan_id", tag_vlan(*want)}});
  }
  actions.push_back({{"output_to_port", out->second.ref}});
  int priority = 10 + (tagged_in ? 1 : 0) + (flowclass ? 5 : 0);
  return json{{"id", fmt::format("{}-{}", r.hop().str(), n)},
              {"priority", priority},
              {"match", match},
              {"actions", actions}};
}

// Two tags of one direction on one border end-point must not share a VLAN id (tag_vlan hashes
// tags that are not small numbers): InvalidArgument naming both.
Status check_vlans(const NodeInfra& infra, const std::map<std::string, Attachment>& at) {
  std::map<std::tuple<bool, std::string, uint16_t>, std::string> seen;  // (out?, ref, vid) -> tag
  auto claim = [&](bool out, const std::string& ref, const std::string& tag) -> Status {
    auto [it, fresh] = seen.emplace(std::tuple{out, ref, tag_vlan(tag)}, tag);
    if (!fresh && it->second != tag) {
      return make_error(ErrorCode::kInvalidArgument,
                        "tags {} and {} would share VLAN {} on {}: give the hops other ids",
                        it->second, tag, tag_vlan(tag), ref);
    }
    return ok_status();
  };
  for (const Port& p : infra.ports) {
    auto in = at.find(p.id.str());
    for (const Flowrule& r : p.flowrules) {
      auto in_tag = detail::rule_field(r.match.value_or(""), "TAG");
      auto out_tag = detail::rule_field(r.action.value_or(""), "TAG");
      auto out_port = detail::rule_field(r.action.value_or(""), "output");
      auto out = out_port ? at.find(*out_port) : at.end();
      if (in != at.end() && in->second.border && in_tag) {
        CL_RETURN_IF_ERROR(claim(false, in->second.ref, *in_tag));
      }
      if (out != at.end() && out->second.border && (out_tag || in_tag)) {
        CL_RETURN_IF_ERROR(claim(true, out->second.ref, out_tag ? *out_tag : *in_tag));
      }
    }
  }
  return ok_status();
}

}  // namespace

uint16_t tag_vlan(std::string_view tag) {
  std::string_view hop =
      tag.substr(tag.rfind('|') == std::string_view::npos ? 0 : tag.rfind('|') + 1);
  unsigned n = 0;
  auto [end, ec] = std::from_chars(hop.data(), hop.data() + hop.size(), n);
  if (ec == std::errc() && end == hop.data() + hop.size() && n >= 1 && n <= 4094) {
    return static_cast<uint16_t>(n);
  }
  uint32_t h = name_hash(tag);
  return static_cast<uint16_t>(h % 4094 + 1);
}

Result<json> part_to_nffg(const Nffg& part, const std::string& service_id,
                          const std::map<std::string, NodeSapLink>& saps) {
  if (part.node_infras.size() != 1) {
    return make_error(ErrorCode::kInvalidArgument,
                      "a node's part has one infra (its big switch), not {}",
                      part.node_infras.size());
  }
  const NodeInfra& infra = part.node_infras.front();
  CL_ASSIGN_OR_RETURN(auto at, attachments(part, infra, saps));
  CL_RETURN_IF_ERROR(check_vlans(infra, at));
  json vnfs = json::array(), endpoints = json::array(), rules = json::array();
  for (const NodeNf& nf : part.node_nfs) {
    vnfs.push_back(vnf_json(nf));
  }
  for (const NodeSap& sap : part.node_saps) {
    if (auto s = saps.find(sap.id.str()); s != saps.end()) {
      endpoints.push_back(endpoint_json(sap.id.str(), s->second));
    }
  }
  for (const Port& p : infra.ports) {
    for (const Flowrule& r : p.flowrules) {
      auto in = at.find(p.id.str());
      if (in == at.end()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "flow rule {}: its port {} attaches to nothing of this node", r.id.str(),
                          p.id.str());
      }
      CL_ASSIGN_OR_RETURN(json rule, rule_json(r, in->second, at, rules.size() + 1));
      rules.push_back(std::move(rule));
    }
  }
  return json{{"forwarding-graph",
               {{"name", service_id},
                {"VNFs", vnfs},
                {"end-points", endpoints},
                {"big-switch", {{"flow-rules", rules}}}}}};
}

}  // namespace chainlab::escape
