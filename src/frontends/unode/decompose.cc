#include "frontends/unode/decompose.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/files.h"
#include "common/json_bounded.h"

namespace chainlab::unode {
namespace {

constexpr size_t kMaxSubgraphBytes = 1 << 20;
constexpr int kMaxWireSteps = 64;

// Matches only its input port and only outputs: a rule on a function's port (a wire).
bool wire_rule(const FlowRule& r) {
  Match only_port;
  only_port.port_in = r.match.port_in;
  return r.match == only_port &&
         std::all_of(r.actions.begin(), r.actions.end(),
                     [](const Action& a) { return a.kind == Action::Kind::kOutput; });
}

Result<Nffg> load_subgraph(const NfTemplate& t, const DecomposeContext& ctx) {
  std::string path = t.uri.rfind("file://", 0) == 0 ? t.uri.substr(7) : t.uri;
  if (!path.empty() && path.front() != '/') {
    path = ctx.template_dir + "/" + path;
  }
  auto fail = [&](const Error& e) {
    return make_error(ErrorCode::kFailedPrecondition, "template '{}': sub-graph '{}': {}", t.id,
                      path, e.message);
  };
  auto text = read_file(path, kMaxSubgraphBytes);
  if (!text.ok()) {
    return fail(text.error());
  }
  auto doc = parse_json(*text, path);
  if (!doc.ok()) {
    return fail(doc.error());
  }
  auto graph = parse_nffg(*doc, ctx.limits);
  if (!graph.ok()) {
    return fail(graph.error());
  }
  return graph;
}

// One function being replaced by its (already decomposed) sub-graph inside its parent graph.
class Expansion {
 public:
  Expansion(const Vnf& function, const Nffg& sub) : f_(function), sub_(sub) {}

  Result<Nffg> apply(const Nffg& outer) {
    CL_RETURN_IF_ERROR(read_boundary());
    CL_RETURN_IF_ERROR(read_wires(outer.rules, true));
    CL_RETURN_IF_ERROR(read_wires(sub_.rules, false));
    Nffg out = outer;
    std::erase_if(out.vnfs, [&](const Vnf& v) { return v.id == f_.id; });
    for (Vnf v : sub_.vnfs) {
      v.id = inner_id(v.id);
      if (outer.vnf(v.id) != nullptr) {
        return error("its VNF '{}' clashes with a VNF of the graph", v.id);
      }
      out.vnfs.push_back(std::move(v));
    }
    out.rules.clear();
    CL_RETURN_IF_ERROR(keep_rules(outer.rules, true, out.rules));
    CL_RETURN_IF_ERROR(keep_rules(sub_.rules, false, out.rules));
    return out;
  }

 private:
  // A port reference of either graph: `inner` for the sub-graph's.
  struct Ref {
    PortRef port;
    bool inner = false;
  };

  template <typename... Args>
  Error error(fmt::format_string<Args...> format, Args&&... args) const {
    return Error{ErrorCode::kInvalidArgument,
                 fmt::format("function {} (expandable): {}", f_.id,
                             fmt::format(format, std::forward<Args>(args)...))};
  }

  std::string inner_id(const std::string& id) const { return f_.id + "." + id; }

  // Every end-point of the sub-graph is a port of the function: interface, if-name its port id.
  Status read_boundary() {
    for (const Endpoint& e : sub_.endpoints) {
      if (e.type != EndpointType::kInterface) {
        return error(
            "sub-graph end-point '{}' is of type {}; only interface end-points naming the "
            "function's ports are allowed",
            e.id, endpoint_type_name(e.type));
      }
      port_of_endpoint_[e.id] = e.if_name;
    }
    return ok_status();
  }

  // The wires: the outer rules from the function's ports, the sub-graph's rules from its
  // end-points.
  Status read_wires(const std::vector<FlowRule>& rules, bool outer) {
    for (const FlowRule& r : rules) {
      const PortRef& in = r.match.port_in;
      bool wire = outer ? in.is_vnf() && in.id == f_.id : !in.is_vnf();
      if (!wire) {
        continue;
      }
      std::string port = outer ? in.port : port_of_endpoint_.at(in.id);
      if (!wire_rule(r)) {
        return error(
            "rule {} takes traffic from its port {} and so may only match port_in and "
            "output",
            r.id, port);
      }
      auto& table = outer ? out_of_ : into_;
      if (!table.emplace(port, r.outputs()).second) {
        return error("two rules take traffic from its port {} {}", port,
                     outer ? "outside" : "inside");
      }
    }
    return ok_status();
  }

  // Where traffic sent to `ref` ends up once the wires are followed.
  Status follow(const Ref& ref, int steps, std::vector<PortRef>& out) const {
    if (steps > kMaxWireSteps) {
      return error("its wires form a loop");
    }
    const PortRef& p = ref.port;
    bool into = !ref.inner && p.is_vnf() && p.id == f_.id;
    bool out_of = ref.inner && !p.is_vnf();
    if (!into && !out_of) {
      PortRef final = p;
      if (ref.inner) {
        final.id = inner_id(p.id);
      }
      if (std::find(out.begin(), out.end(), final) == out.end()) {
        out.push_back(final);
      }
      return ok_status();
    }
    std::string port = into ? p.port : port_of_endpoint_.at(p.id);
    const auto& table = into ? into_ : out_of_;
    auto it = table.find(port);
    if (it == table.end()) {
      return error("traffic to its port {} {} goes nowhere (no rule takes it {})", port,
                   into ? "from outside" : "from inside", into ? "inside" : "outside");
    }
    for (const PortRef& next : it->second) {
      CL_RETURN_IF_ERROR(follow(Ref{next, into}, steps + 1, out));
    }
    return ok_status();
  }

  // The rules that are not wires, their outputs followed; the sub-graph's renamed.
  Status keep_rules(const std::vector<FlowRule>& rules, bool outer, std::vector<FlowRule>& out) {
    for (FlowRule r : rules) {
      const PortRef& in = r.match.port_in;
      if (outer ? in.is_vnf() && in.id == f_.id : !in.is_vnf()) {
        continue;  // a wire
      }
      if (!outer) {
        r.id = inner_id(r.id);
        r.match.port_in.id = inner_id(in.id);
      }
      std::vector<Action> actions;
      for (const Action& a : r.actions) {
        if (a.kind != Action::Kind::kOutput) {
          actions.push_back(a);
          continue;
        }
        std::vector<PortRef> ends;
        CL_RETURN_IF_ERROR(follow(Ref{a.port, !outer}, 0, ends));
        for (const PortRef& end : ends) {
          actions.push_back(Action{Action::Kind::kOutput, end, ""});
        }
      }
      r.actions = std::move(actions);
      if (!outer &&
          std::any_of(out.begin(), out.end(), [&](const FlowRule& o) { return o.id == r.id; })) {
        return error("its rule '{}' clashes with a rule of the graph", r.id);
      }
      out.push_back(std::move(r));
    }
    return ok_status();
  }

  const Vnf& f_;
  const Nffg& sub_;
  std::map<std::string, std::string> port_of_endpoint_;  // sub-graph end-point -> port id
  std::map<std::string, std::vector<PortRef>> into_;     // port id -> sub-graph outputs
  std::map<std::string, std::vector<PortRef>> out_of_;   // port id -> outer outputs
};

Result<Nffg> decompose_at(const Nffg& graph, const DecomposeContext& ctx, int depth) {
  Nffg out = graph;
  for (const Vnf& v : graph.vnfs) {
    auto t = resolve(ctx.templates, v, ctx.offer);
    if (!t.ok() || !(*t)->expandable) {
      continue;  // an ordinary function (or one the deployment will say it cannot place)
    }
    if (depth >= ctx.max_depth) {
      return make_error(ErrorCode::kInvalidArgument,
                        "function {} (template '{}'): functions nested deeper than {} levels (a "
                        "template that contains itself?)",
                        v.id, (*t)->id, ctx.max_depth);
    }
    CL_ASSIGN_OR_RETURN(Nffg sub, load_subgraph(**t, ctx));
    CL_ASSIGN_OR_RETURN(sub, decompose_at(sub, ctx, depth + 1));
    CL_ASSIGN_OR_RETURN(out, Expansion(v, sub).apply(out));
  }
  if (out.vnfs.size() > ctx.limits.vnfs || out.rules.size() > ctx.limits.rules) {
    return make_error(ErrorCode::kInvalidArgument,
                      "the decomposed graph has {} VNFs and {} rules (at most {} and {})",
                      out.vnfs.size(), out.rules.size(), ctx.limits.vnfs, ctx.limits.rules);
  }
  return out;
}

}  // namespace

Result<Nffg> decompose(const Nffg& graph, const DecomposeContext& context) {
  return decompose_at(graph, context, 0);
}

}  // namespace chainlab::unode
