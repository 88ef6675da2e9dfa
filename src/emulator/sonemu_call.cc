// Calls in the son-emu importer's evaluator (sonemu_eval.h): the script's functions (Python's
// argument binding with defaults, *args and **kwargs) and classes (__init__), builtins, and the
// son-emu API through the Model.
#include <string>
#include <vector>

#include "emulator/sonemu_eval.h"

namespace chainlab::emulator::sonemu {

Result<Value> Interpreter::call(const Value& fn, const CallArgs& args, int line) {
  CL_RETURN_IF_ERROR(step(line));
  if (fn.kind == Kind::kExternal || fn.kind == Kind::kApiMethod || fn.kind == Kind::kOpaque) {
    ++uncertain_;
  }
  switch (fn.kind) {
    case Kind::kFunction:
      return call_function(fn.fn, nullptr, args, line);
    case Kind::kMethod:
      return call_function(fn.fn, fn.inst, args, line);
    case Kind::kClass:
      return instantiate(fn.cls, args, line);
    case Kind::kBuiltin:
      return call_builtin(fn.text, args, line);
    case Kind::kBound:
      return call_bound(*fn.bound, args, line);
    case Kind::kExternal:
      if (fn.text == "argparse.ArgumentParser") {
        return new_argument_parser(args, line);
      }
      return model_.call_external(fn.text, args, line);
    case Kind::kApiMethod:
      return model_.call_method(fn.api, fn.text, args, line);
    case Kind::kOpaque:
      return fn;
    default:
      return error(line, fmt::format("{} is not callable", describe(fn)));
  }
}

Result<Value> Interpreter::call_function(FunctionObj* fn, InstanceObj* self, const CallArgs& args,
                                         int line) {
  const pyscript::Stmt& def = *fn->def;
  if (depth_ >= kMaxCallDepth) {
    return error(line, fmt::format("calls nested more than {} deep (recursion?) in {}()",
                                   kMaxCallDepth, def.text));
  }
  CL_ASSIGN_OR_RETURN(Scope * local, heap_.new_scope(fn->closure));
  std::vector<Value> positional;
  if (self != nullptr) {
    Value s;
    s.kind = Kind::kInstance;
    s.inst = self;
    positional.push_back(s);
  }
  positional.insert(positional.end(), args.positional.begin(), args.positional.end());
  size_t next = 0;
  const pyscript::Param* star = nullptr;
  const pyscript::Param* star2 = nullptr;
  for (size_t i = 0; i < def.params.size(); ++i) {
    const pyscript::Param& p = def.params[i];
    if (p.star == 1) {
      star = &p;
      continue;
    }
    if (p.star == 2) {
      star2 = &p;
      continue;
    }
    if (star == nullptr && next < positional.size()) {
      local->vars[p.name] = positional[next++];
    }
  }
  if (next < positional.size()) {
    if (star == nullptr) {
      return error(line, fmt::format("{}() takes {} positional arguments but {} were given",
                                     def.text, next, positional.size()));
    }
    Value rest;
    rest.kind = Kind::kTuple;
    CL_ASSIGN_OR_RETURN(
        rest.list, heap_.new_list(std::vector<Value>(positional.begin() + static_cast<long>(next),
                                                     positional.end())));
    local->vars[star->name] = rest;
  } else if (star != nullptr) {
    Value empty;
    empty.kind = Kind::kTuple;
    CL_ASSIGN_OR_RETURN(empty.list, heap_.new_list());
    local->vars[star->name] = empty;
  }
  Value kwargs;
  kwargs.kind = Kind::kDict;
  if (star2 != nullptr) {
    CL_ASSIGN_OR_RETURN(kwargs.dict, heap_.new_dict());
  }
  for (const auto& [name, value] : args.keywords) {
    bool is_param = false;
    for (const auto& p : def.params) {
      is_param = is_param || (p.star == 0 && p.name == name);
    }
    if (!is_param) {
      if (star2 == nullptr) {
        return error(line,
                     fmt::format("{}() got an unexpected keyword argument '{}'", def.text, name));
      }
      kwargs.dict->items.emplace_back(Value::of_str(name), value);
      continue;
    }
    if (!local->vars.emplace(name, value).second) {
      return error(line, fmt::format("{}() got multiple values for argument '{}'", def.text, name));
    }
  }
  if (star2 != nullptr) {
    local->vars[star2->name] = kwargs;
  }
  for (size_t i = 0; i < def.params.size(); ++i) {
    const pyscript::Param& p = def.params[i];
    if (p.star == 0 && !local->vars.contains(p.name)) {
      if (!fn->defaults[i]) {
        return error(line, fmt::format("{}() is missing the argument '{}'", def.text, p.name));
      }
      local->vars[p.name] = *fn->defaults[i];
    }
  }
  Frame frame;
  frame.scope = local;
  frame.closure = local;
  frame.function = true;
  ++depth_;
  auto flow = exec_block(def.body, frame);
  --depth_;
  if (!flow.ok()) {
    return std::move(flow).error();
  }
  return frame.result;
}

Result<Value> Interpreter::instantiate(ClassObj* cls, const CallArgs& args, int line) {
  CL_ASSIGN_OR_RETURN(InstanceObj * inst, heap_.new_instance(cls));
  Value self;
  self.kind = Kind::kInstance;
  self.inst = inst;
  const Value* init = class_attr(cls, "__init__");
  if (init != nullptr && init->kind == Kind::kFunction) {
    CL_ASSIGN_OR_RETURN(Value ignored, call_function(init->fn, inst, args, line));
    (void)ignored;
  }
  return self;
}

}  // namespace chainlab::emulator::sonemu
