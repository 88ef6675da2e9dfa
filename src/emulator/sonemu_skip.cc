// Blocks the son-emu importer's evaluator cannot decide (sonemu_eval.h): an `if` on an unknown
// condition, a `for` over an unknown value, a `while` loop, an `except` handler that may run.
// They are skipped with a warning and what they assign becomes unknown; a block holding son-emu
// topology calls (directly or through the script's own functions) is refused instead.
#include <array>
#include <string>

#include "emulator/sonemu_eval.h"

namespace chainlab::emulator::sonemu {

namespace {

// Calls that make or change a topology: a block holding one cannot be skipped.
constexpr std::array<std::string_view, 26> kTopologyCalls = {"DCNetwork",
                                                             "addDatacenter",
                                                             "addSwitch",
                                                             "addLink",
                                                             "addDocker",
                                                             "addHost",
                                                             "addExtSAP",
                                                             "removeLink",
                                                             "removeDocker",
                                                             "removeHost",
                                                             "removeSwitch",
                                                             "assignResourceModel",
                                                             "attachExternalSAP",
                                                             "connectDatacenter",
                                                             "connect_datacenter",
                                                             "connectDCNetwork",
                                                             "connect_dc_network",
                                                             "RestApiEndpoint",
                                                             "OpenstackApiEndpoint",
                                                             "SonataDummyGatekeeperEndpoint",
                                                             "TangoLLCMEndpoint",
                                                             "UpbSimpleCloudDcRM",
                                                             "UpbOverprovisioningCloudDcRM",
                                                             "UpbDummyRM",
                                                             "PreConfiguredOSM",
                                                             "OSM"};

constexpr std::array<std::string_view, 10> kMutators = {"append", "extend", "insert", "pop",
                                                        "remove", "clear",  "update", "setdefault",
                                                        "sort",   "reverse"};

bool is_topology_call(std::string_view name) {
  for (std::string_view n : kTopologyCalls) {
    if (n == name) {
      return true;
    }
  }
  return false;
}

// The name a call expression calls: "f" for f(...) and x.f(...); "" otherwise.
std::string callee_name(const Expr& call) {
  const Expr& f = *call.items[0];
  return f.kind == ExprKind::kName || f.kind == ExprKind::kAttribute ? f.text : "";
}

}  // namespace

Status Interpreter::skip(const std::vector<const Block*>& blocks, Frame& frame, int line,
                         const std::string& what, bool warn) {
  for (const Block* b : blocks) {
    if (relevant(*b)) {
      return error(line, fmt::format("unsupported construct: this {} holds son-emu topology calls, "
                                     "and the translation cannot decide it without running the "
                                     "script",
                                     what));
    }
  }
  std::string reason = fmt::format("the {} at line {}, which the translation does not run",
                                   what.substr(0, what.find(' ')), line);
  for (const Block* b : blocks) {
    havoc_block(*b, frame, reason);
  }
  if (warn) {
    model_.warn(line, fmt::format("{}: not run by the translation", what));
  }
  return ok_status();
}

const Value* Interpreter::peek(const Expr& e, const Frame& frame) const {
  if (e.kind == ExprKind::kName) {
    return find_name(e.text, frame);
  }
  if (e.kind != ExprKind::kAttribute) {
    return nullptr;
  }
  const Value* base = peek(*e.items[0], frame);
  if (base == nullptr || base->kind != Kind::kInstance) {
    return nullptr;
  }
  auto it = base->inst->attrs.find(e.text);
  return it == base->inst->attrs.end() ? nullptr : &it->second;
}

void Interpreter::taint(const Value& container, const std::string& reason) {
  if (container.kind == Kind::kList || container.kind == Kind::kTuple) {
    container.list->tainted = reason;
  } else if (container.kind == Kind::kDict) {
    container.dict->tainted = reason;
  }
}

void Interpreter::havoc_target(const Expr& target, Frame& frame, const std::string& reason) {
  switch (target.kind) {
    case ExprKind::kName:
      bind_name(target.text, Value::opaque(reason), frame);
      return;
    case ExprKind::kTuple:
    case ExprKind::kList:
      for (const auto& item : target.items) {
        havoc_target(*item, frame, reason);
      }
      return;
    case ExprKind::kAttribute:
    case ExprKind::kSubscript: {
      const Value* b = peek(*target.items[0], frame);
      if (b == nullptr) {
        return;
      }
      if (target.kind == ExprKind::kAttribute && b->kind == Kind::kInstance) {
        b->inst->attrs[target.text] = Value::opaque(reason);
      } else if (target.kind == ExprKind::kSubscript) {
        taint(*b, reason);
      }
      return;
    }
    default:
      return;
  }
}

void Interpreter::havoc_block(const Block& block, Frame& frame, const std::string& reason) {
  for (const auto& s : block) {
    for (const auto& t : s->targets) {
      if (s->kind != StmtKind::kPrint) {
        havoc_target(*t, frame, reason);
      }
    }
    for (const auto& item : s->items) {
      if (item.target) {
        havoc_target(*item.target, frame, reason);
      }
    }
    if (s->kind == StmtKind::kDef || s->kind == StmtKind::kClass) {
      bind_name(s->text, Value::opaque(reason), frame);
    }
    if (s->kind == StmtKind::kImport || s->kind == StmtKind::kFromImport) {
      for (const auto& n : s->names) {
        std::string name = !n.as.empty() ? n.as : n.name.substr(0, n.name.find('.'));
        if (name != "*") {
          bind_name(name, Value::opaque(reason), frame);
        }
      }
    }
    if (s->kind == StmtKind::kExpr && s->value->kind == ExprKind::kCall &&
        s->value->items[0]->kind == ExprKind::kAttribute) {
      const Expr& method = *s->value->items[0];
      for (std::string_view m : kMutators) {
        const Value* container = m == method.text ? peek(*method.items[0], frame) : nullptr;
        if (container != nullptr) {
          taint(*container, reason);
        }
      }
    }
    for (const auto& h : s->handlers) {
      havoc_block(h.body, frame, reason);
    }
    havoc_block(s->body, frame, reason);
    havoc_block(s->orelse, frame, reason);
    havoc_block(s->finalbody, frame, reason);
  }
}

// ---- which blocks build topology ----

void Interpreter::collect_defs(const Block& block) {
  for (const auto& s : block) {
    if (s->kind == StmtKind::kDef) {
      defs_[s->text].push_back(s.get());
    }
    if (s->kind == StmtKind::kClass) {
      for (const auto& member : s->body) {
        if (member->kind == StmtKind::kDef && member->text == "__init__") {
          defs_[s->text].push_back(member.get());  // calling the class runs __init__
        }
      }
    }
    for (const auto& h : s->handlers) {
      collect_defs(h.body);
    }
    collect_defs(s->body);
    collect_defs(s->orelse);
    collect_defs(s->finalbody);
  }
}

bool Interpreter::relevant_expr(const Expr& e) {
  if (e.kind == ExprKind::kCall) {
    std::string name = callee_name(e);
    if (is_topology_call(name)) {
      return true;
    }
    auto it = defs_.find(name);
    if (it != defs_.end()) {
      for (const Stmt* def : it->second) {
        auto memo = relevance_.find(def);
        if (memo == relevance_.end()) {
          relevance_[def] = 3;
          bool r = relevant(def->body);
          relevance_[def] = r ? 1 : 2;
          if (r) {
            return true;
          }
        } else if (memo->second == 1) {
          return true;
        }
      }
    }
  }
  for (const auto& item : e.items) {
    if (item && relevant_expr(*item)) {
      return true;
    }
  }
  for (const auto& k : e.keywords) {
    if (relevant_expr(*k.value)) {
      return true;
    }
  }
  return false;
}

bool Interpreter::relevant_stmt(const Stmt& s) {
  if (s.kind == StmtKind::kDef || s.kind == StmtKind::kClass) {
    return false;  // defining is not running; a call of it is checked where it happens
  }
  if (s.value && relevant_expr(*s.value)) {
    return true;
  }
  for (const auto& t : s.targets) {
    if (relevant_expr(*t)) {
      return true;
    }
  }
  for (const auto& item : s.items) {
    if (relevant_expr(*item.context)) {
      return true;
    }
  }
  for (const auto& h : s.handlers) {
    if (relevant(h.body)) {
      return true;
    }
  }
  return relevant(s.body) || relevant(s.orelse) || relevant(s.finalbody);
}

bool Interpreter::relevant(const Block& block) {
  for (const auto& s : block) {
    if (relevant_stmt(*s)) {
      return true;
    }
  }
  return false;
}

}  // namespace chainlab::emulator::sonemu
