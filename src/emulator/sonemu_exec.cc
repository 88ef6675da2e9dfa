// Statements of the son-emu importer's evaluator (sonemu_eval.h): module code in order, the
// script's functions and classes, decided ifs, unrolled fors, try and with. Blocks the
// translation cannot decide are handled in sonemu_skip.cc.
#include <array>
#include <string>

#include "emulator/sonemu_eval.h"

namespace chainlab::emulator::sonemu {

namespace {

std::string last_name(const std::string& dotted) {
  return dotted.substr(dotted.rfind('.') + 1);
}

}  // namespace

Error Interpreter::error(int line, std::string_view message) const {
  return pyscript::script_error(source_, line, message);
}

Status Interpreter::step(int line) {
  if (++steps_ > kMaxSteps) {
    return error(line, fmt::format("the script takes more than {} steps to read (a long loop?); "
                                   "not a topology script the translation can follow",
                                   kMaxSteps));
  }
  return ok_status();
}

Status Interpreter::run(const pyscript::Module& module) {
  collect_defs(module.body);
  CL_ASSIGN_OR_RETURN(module_, heap_.new_scope(nullptr));
  module_->vars["__name__"] = Value::of_str("__main__");
  module_->vars["__file__"] = Value::of_str(source_);
  module_->vars["__doc__"] = Value::none();
  Frame frame;
  frame.scope = module_;
  CL_ASSIGN_OR_RETURN(Flow flow, exec_block(module.body, frame));
  (void)flow;
  return ok_status();
}

Result<Interpreter::Flow> Interpreter::exec_block(const Block& block, Frame& frame) {
  for (const auto& s : block) {
    CL_ASSIGN_OR_RETURN(Flow flow, exec(*s, frame));
    if (flow != Flow::kNormal) {
      return flow;
    }
  }
  return Flow::kNormal;
}

Status Interpreter::too_deep(int line) const {
  if (nesting_ > kMaxNesting) {
    return error(line, "statements, expressions and calls nested too deeply (recursion?)");
  }
  return ok_status();
}

Result<Interpreter::Flow> Interpreter::exec(const Stmt& s, Frame& frame) {
  Nesting nesting(nesting_);
  CL_RETURN_IF_ERROR(too_deep(s.line));
  CL_RETURN_IF_ERROR(step(s.line));
  switch (s.kind) {
    case StmtKind::kIf:
      return exec_if(s, frame);
    case StmtKind::kFor:
      return exec_for(s, frame);
    case StmtKind::kWhile: {
      CL_ASSIGN_OR_RETURN(Value test, eval(*s.value, frame));
      std::optional<bool> t = truth(test);
      if (t && !*t) {
        return exec_block(s.orelse, frame);
      }
      CL_RETURN_IF_ERROR(
          skip({&s.body, &s.orelse}, frame, s.line,
               t ? "while-loop (it repeats until the running script changes its "
                   "condition)"
                 : fmt::format("while-loop (its condition comes from {})", test.text),
               true));
      return Flow::kNormal;
    }
    case StmtKind::kTry:
      return exec_try(s, frame);
    case StmtKind::kWith:
      return exec_with(s, frame);
    case StmtKind::kReturn:
      if (!frame.function) {
        return error(s.line, "'return' outside a function");
      }
      frame.result = Value::none();
      if (s.value) {
        CL_ASSIGN_OR_RETURN(frame.result, eval(*s.value, frame));
      }
      return Flow::kReturn;
    case StmtKind::kBreak:
    case StmtKind::kContinue:
      if (frame.loops == 0) {
        return error(s.line, fmt::format("'{}' outside a loop",
                                         s.kind == StmtKind::kBreak ? "break" : "continue"));
      }
      return s.kind == StmtKind::kBreak ? Flow::kBreak : Flow::kContinue;
    default:
      CL_RETURN_IF_ERROR(exec_simple(s, frame));
      return Flow::kNormal;
  }
}

Status Interpreter::exec_simple(const Stmt& s, Frame& frame) {
  switch (s.kind) {
    case StmtKind::kExpr: {
      CL_ASSIGN_OR_RETURN(Value v, eval(*s.value, frame));
      (void)v;
      return ok_status();
    }
    case StmtKind::kAssign: {
      CL_ASSIGN_OR_RETURN(Value v, eval(*s.value, frame));
      for (const auto& target : s.targets) {
        CL_RETURN_IF_ERROR(assign(*target, v, frame));
      }
      return ok_status();
    }
    case StmtKind::kAugAssign: {
      CL_ASSIGN_OR_RETURN(Value current, eval(*s.targets[0], frame));
      CL_ASSIGN_OR_RETURN(Value operand, eval(*s.value, frame));
      if (s.text == "+" && current.kind == Kind::kList && operand.kind == Kind::kList &&
          current.list->tainted.empty()) {  // in place, as Python does
        if (current.list->items.size() + operand.list->items.size() > kMaxListItems) {
          return error(s.line, "list too long");
        }
        CL_RETURN_IF_ERROR(heap_.charge(operand.list->items.size() * sizeof(Value)));
        std::vector<Value> added = operand.list->items;
        current.list->items.insert(current.list->items.end(), added.begin(), added.end());
        return ok_status();
      }
      auto v = binary_op(heap_, s.text, current, operand);
      if (!v.ok()) {
        return error(s.line, v.error().message);
      }
      return assign(*s.targets[0], *v, frame);
    }
    case StmtKind::kImport:
    case StmtKind::kFromImport:
      return exec_import(s, frame);
    case StmtKind::kDef:
      return exec_def(s, frame);
    case StmtKind::kClass:
      return exec_class(s, frame);
    case StmtKind::kGlobal:
      for (const auto& n : s.names) {
        frame.scope->globals.push_back(n.name);
      }
      return ok_status();
    case StmtKind::kRaise: {
      std::string what = "an exception";
      if (s.value) {
        CL_ASSIGN_OR_RETURN(Value v, eval(*s.value, frame));
        what = v.kind == Kind::kExternal ? last_name(v.text)
               : v.is_opaque()           ? v.text.substr(0, v.text.find(" at line "))
                                         : describe(v);
      }
      return error(s.line, fmt::format("the script raises {} here, so it would stop; the "
                                       "translation stops too",
                                       what));
    }
    case StmtKind::kDel:
      for (const auto& target : s.targets) {
        if (target->kind == ExprKind::kName) {
          if (frame.scope->vars.erase(target->text) == 0 &&
              module_->vars.erase(target->text) == 0) {
            return error(s.line, fmt::format("name '{}' is not defined", target->text));
          }
        }
      }
      return ok_status();
    case StmtKind::kAssert: {
      CL_ASSIGN_OR_RETURN(Value v, eval(*s.value, frame));
      std::optional<bool> t = truth(v);
      if (t && !*t) {
        return error(s.line, "the assertion fails (AssertionError), so the script would stop");
      }
      return ok_status();
    }
    case StmtKind::kPrint:
      for (const auto& e : s.targets) {
        CL_ASSIGN_OR_RETURN(Value v, eval(*e, frame));
        (void)v;
      }
      return ok_status();
    default:
      return ok_status();  // pass
  }
}

Status Interpreter::exec_import(const Stmt& s, Frame& frame) {
  if (s.kind == StmtKind::kImport) {
    for (const auto& n : s.names) {
      model_.note_import(n.name);
      if (!n.as.empty()) {
        bind_name(n.as, Value::external(n.name), frame);
      } else {
        std::string first = n.name.substr(0, n.name.find('.'));
        bind_name(first, Value::external(first), frame);
      }
    }
    return ok_status();
  }
  model_.note_import(s.text);
  for (const auto& n : s.names) {
    if (n.name == "*") {
      std::vector<std::string> names = Model::module_names(s.text);
      if (names.empty() && s.text.rfind("emuvim", 0) == 0) {
        model_.warn(s.line, fmt::format("from {} import *: the translation does not know which "
                                        "names this binds",
                                        s.text));
      }
      for (const std::string& name : names) {
        bind_name(name, Value::external(s.text + "." + name), frame);
      }
      continue;
    }
    bind_name(n.as.empty() ? n.name : n.as, Value::external(s.text + "." + n.name), frame);
  }
  return ok_status();
}

Status Interpreter::exec_def(const Stmt& s, Frame& frame) {
  CL_ASSIGN_OR_RETURN(FunctionObj * fn, heap_.new_function());
  fn->def = &s;
  fn->closure = frame.closure;
  for (const auto& p : s.params) {
    std::optional<Value> d;
    if (p.default_value) {
      CL_ASSIGN_OR_RETURN(d, eval(*p.default_value, frame));
    }
    fn->defaults.push_back(std::move(d));
  }
  for (const auto& d : s.decorators) {
    CL_ASSIGN_OR_RETURN(Value v, eval(*d, frame));
    (void)v;
  }
  if (!s.decorators.empty()) {
    if (relevant(s.body)) {
      return error(s.line,
                   "unsupported construct: a decorator on a function that builds the "
                   "topology");
    }
    bind_name(s.text,
              Value::opaque(fmt::format("the decorated function '{}' (line {})", s.text, s.line)),
              frame);
    return ok_status();
  }
  Value v;
  v.kind = Kind::kFunction;
  v.fn = fn;
  bind_name(s.text, v, frame);
  return ok_status();
}

Status Interpreter::exec_class(const Stmt& s, Frame& frame) {
  CL_ASSIGN_OR_RETURN(ClassObj * cls, heap_.new_class());
  cls->name = s.text;
  cls->line = s.line;
  for (const auto& b : s.bases) {
    CL_ASSIGN_OR_RETURN(Value base, eval(*b, frame));
    if (base.kind == Kind::kClass) {
      cls->bases.push_back(base.cls);
    } else if (base.kind == Kind::kExternal && base.text.rfind("emuvim", 0) == 0) {
      return error(s.line, fmt::format("unsupported construct: class {} derives from son-emu's {}",
                                       s.text, base.text));
    }
  }
  CL_ASSIGN_OR_RETURN(Scope * body, heap_.new_scope(frame.closure));
  Frame inner;
  inner.scope = body;
  inner.closure = frame.closure;
  CL_ASSIGN_OR_RETURN(Flow flow, exec_block(s.body, inner));
  (void)flow;
  for (auto& [name, value] : body->vars) {
    cls->attrs[name] = value;
  }
  if (!s.decorators.empty()) {
    return error(s.line, "unsupported construct: a class decorator");
  }
  Value v;
  v.kind = Kind::kClass;
  v.cls = cls;
  bind_name(s.text, v, frame);
  return ok_status();
}

Result<Interpreter::Flow> Interpreter::exec_if(const Stmt& s, Frame& frame) {
  CL_ASSIGN_OR_RETURN(Value test, eval(*s.value, frame));
  std::optional<bool> t = truth(test);
  if (t) {
    return exec_block(*t ? s.body : s.orelse, frame);
  }
  CL_RETURN_IF_ERROR(skip({&s.body, &s.orelse}, frame, s.line,
                          fmt::format("if-statement (its condition comes from {})",
                                      test.kind == Kind::kOpaque ? test.text : describe(test)),
                          true));
  return Flow::kNormal;
}

Result<Interpreter::Flow> Interpreter::exec_loop_body(const Stmt& s, Frame& frame,
                                                      const Value& item, bool& stop) {
  CL_RETURN_IF_ERROR(step(s.line));
  CL_RETURN_IF_ERROR(assign(*s.targets[0], item, frame));
  ++frame.loops;
  auto flow = exec_block(s.body, frame);
  --frame.loops;
  if (!flow.ok()) {
    return flow;
  }
  stop = *flow == Flow::kBreak || *flow == Flow::kReturn;
  return *flow == Flow::kContinue ? Flow::kNormal : *flow;
}

Result<Interpreter::Flow> Interpreter::exec_for(const Stmt& s, Frame& frame) {
  CL_ASSIGN_OR_RETURN(Value iterable, eval(*s.value, frame));
  bool stop = false;
  Flow flow = Flow::kNormal;
  if (iterable.kind == Kind::kRange) {
    for (int64_t i = iterable.integer;
         !stop && (iterable.step > 0 ? i < iterable.stop : i > iterable.stop);) {
      CL_ASSIGN_OR_RETURN(flow, exec_loop_body(s, frame, Value::of_int(i), stop));
      if (__builtin_add_overflow(i, iterable.step, &i)) {
        break;
      }
    }
  } else {
    CL_ASSIGN_OR_RETURN(std::optional<std::vector<Value>> items, items_of(iterable, s.line));
    if (!items) {
      CL_RETURN_IF_ERROR(skip({&s.body, &s.orelse}, frame, s.line,
                              fmt::format("for-loop over {}", describe(iterable)), true));
      havoc_target(*s.targets[0], frame, fmt::format("the for-loop at line {}", s.line));
      return Flow::kNormal;
    }
    for (size_t i = 0; i < items->size() && !stop; ++i) {
      CL_ASSIGN_OR_RETURN(flow, exec_loop_body(s, frame, (*items)[i], stop));
    }
  }
  if (flow == Flow::kReturn) {
    return flow;
  }
  if (!stop) {
    return exec_block(s.orelse, frame);
  }
  return Flow::kNormal;
}

Result<Interpreter::Flow> Interpreter::exec_try(const Stmt& s, Frame& frame) {
  size_t uncertain = uncertain_;
  CL_ASSIGN_OR_RETURN(Flow flow, exec_block(s.body, frame));
  // Only what the translation does not know can raise: otherwise no handler runs.
  bool may_raise = uncertain_ != uncertain;
  if (flow == Flow::kNormal) {
    CL_ASSIGN_OR_RETURN(flow, exec_block(s.orelse, frame));
  }
  std::vector<const Block*> handlers;
  for (const auto& h : s.handlers) {
    handlers.push_back(&h.body);
    if (!h.as.empty() && may_raise) {
      bind_name(h.as, Value::opaque(fmt::format("the exception caught at line {}", h.line)), frame);
    }
  }
  if (!handlers.empty() && may_raise) {
    CL_RETURN_IF_ERROR(skip(handlers, frame, s.handlers[0].line, "except-handler", false));
  }
  CL_ASSIGN_OR_RETURN(Flow final_flow, exec_block(s.finalbody, frame));
  return final_flow != Flow::kNormal ? final_flow : flow;
}

Result<Interpreter::Flow> Interpreter::exec_with(const Stmt& s, Frame& frame) {
  std::vector<Value> exits;
  for (const auto& item : s.items) {
    CL_ASSIGN_OR_RETURN(Value ctx, eval(*item.context, frame));
    Value entered;
    if (ctx.kind == Kind::kInstance) {
      CL_ASSIGN_OR_RETURN(Value enter, get_attr(ctx, "__enter__", s.line));
      CL_ASSIGN_OR_RETURN(entered, call(enter, {}, s.line));
      if (class_attr(ctx.inst->cls, "__exit__") != nullptr) {
        exits.push_back(ctx);
      }
    } else if (ctx.kind == Kind::kApi) {
      CL_ASSIGN_OR_RETURN(entered, model_.enter(ctx.api, s.line));
    } else if (ctx.kind == Kind::kExternal || ctx.kind == Kind::kOpaque) {
      entered = Value::opaque(fmt::format("the with-statement at line {}", s.line));
    } else {
      return error(s.line, fmt::format("{} is not a context manager", describe(ctx)));
    }
    if (item.target) {
      CL_RETURN_IF_ERROR(assign(*item.target, entered, frame));
    }
  }
  CL_ASSIGN_OR_RETURN(Flow flow, exec_block(s.body, frame));
  for (auto it = exits.rbegin(); it != exits.rend(); ++it) {
    CL_ASSIGN_OR_RETURN(Value exit, get_attr(*it, "__exit__", s.line));
    CallArgs args;
    args.positional.assign(3, Value::none());
    CL_ASSIGN_OR_RETURN(Value ignored, call(exit, args, s.line));
    (void)ignored;
  }
  return flow;
}

}  // namespace chainlab::emulator::sonemu
