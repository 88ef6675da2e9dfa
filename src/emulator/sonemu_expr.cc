// Expressions of the son-emu importer's evaluator (sonemu_eval.h): names and scopes, attributes
// of the script's instances and classes, subscripts, assignment targets, and calls (the script's
// functions, its classes, builtins, and the son-emu API through the Model).
#include <algorithm>
#include <limits>
#include <string>

#include "emulator/sonemu_eval.h"

namespace chainlab::emulator::sonemu {

const Value* Interpreter::find_name(const std::string& name, const Frame& frame) const {
  for (const Scope* s = frame.scope; s != nullptr; s = s->parent) {
    auto it = s->vars.find(name);
    if (it != s->vars.end()) {
      return &it->second;
    }
  }
  auto it = module_->vars.find(name);
  return it == module_->vars.end() ? nullptr : &it->second;
}

Result<Value> Interpreter::lookup(const std::string& name, const Frame& frame, int line) {
  if (const Value* v = find_name(name, frame)) {
    return *v;
  }
  if (is_builtin(name)) {
    Value v;
    v.kind = Kind::kBuiltin;
    v.text = name;
    return v;
  }
  static constexpr std::string_view kExceptions[] = {"Exception",
                                                     "BaseException",
                                                     "RuntimeError",
                                                     "ValueError",
                                                     "KeyError",
                                                     "TypeError",
                                                     "OSError",
                                                     "IOError",
                                                     "IndexError",
                                                     "AttributeError",
                                                     "NotImplementedError",
                                                     "KeyboardInterrupt",
                                                     "SystemExit",
                                                     "AssertionError",
                                                     "object"};
  for (std::string_view e : kExceptions) {
    if (e == name) {
      return Value::external("builtins." + name);
    }
  }
  return error(line, fmt::format("name '{}' is not defined", name));
}

void Interpreter::bind_name(const std::string& name, Value v, Frame& frame) {
  for (const std::string& g : frame.scope->globals) {
    if (g == name) {
      module_->vars[name] = std::move(v);
      return;
    }
  }
  frame.scope->vars[name] = std::move(v);
}

Status Interpreter::assign(const Expr& target, const Value& v, Frame& frame) {
  switch (target.kind) {
    case ExprKind::kName:
      bind_name(target.text, v, frame);
      return ok_status();
    case ExprKind::kAttribute: {
      CL_ASSIGN_OR_RETURN(Value base, eval(*target.items[0], frame));
      return set_attr(base, target.text, v, target.line);
    }
    case ExprKind::kSubscript: {
      CL_ASSIGN_OR_RETURN(Value base, eval(*target.items[0], frame));
      CL_ASSIGN_OR_RETURN(Value index, eval(*target.items[1], frame));
      return set_item(base, index, v, target.line);
    }
    default:
      break;
  }
  // Tuple or list target: unpack.
  if (v.is_opaque()) {
    for (const auto& item : target.items) {
      CL_RETURN_IF_ERROR(assign(*item, v, frame));
    }
    return ok_status();
  }
  CL_ASSIGN_OR_RETURN(std::optional<std::vector<Value>> items, items_of(v, target.line));
  if (!items) {
    for (const auto& item : target.items) {
      CL_RETURN_IF_ERROR(assign(*item, Value::opaque(describe(v)), frame));
    }
    return ok_status();
  }
  if (items->size() != target.items.size()) {
    return error(target.line, fmt::format("cannot unpack {} values into {} targets", items->size(),
                                          target.items.size()));
  }
  for (size_t i = 0; i < items->size(); ++i) {
    CL_RETURN_IF_ERROR(assign(*target.items[i], (*items)[i], frame));
  }
  return ok_status();
}

Result<Value> Interpreter::eval(const Expr& e, Frame& frame) {
  Nesting nesting(nesting_);
  CL_RETURN_IF_ERROR(too_deep(e.line));
  switch (e.kind) {
    case ExprKind::kNone:
      return Value::none();
    case ExprKind::kBool:
      return Value::of_bool(e.boolean);
    case ExprKind::kInt:
      return Value::of_int(e.integer);
    case ExprKind::kFloat:
      return Value::of_float(e.number);
    case ExprKind::kStr:
      return Value::of_str(e.text);
    case ExprKind::kName:
      return lookup(e.text, frame, e.line);
    case ExprKind::kAttribute: {
      CL_ASSIGN_OR_RETURN(Value base, eval(*e.items[0], frame));
      return get_attr(base, e.text, e.line);
    }
    case ExprKind::kSubscript: {
      CL_ASSIGN_OR_RETURN(Value base, eval(*e.items[0], frame));
      if (e.items[1]->kind == ExprKind::kSlice) {
        return slice(base, *e.items[1], frame);
      }
      CL_ASSIGN_OR_RETURN(Value index, eval(*e.items[1], frame));
      return subscript(base, index, e.line);
    }
    case ExprKind::kSlice:
      return error(e.line, "a slice outside a subscript");
    case ExprKind::kStarred:
      return error(e.line, "unsupported construct: '*' outside a call");
    case ExprKind::kCall: {
      CL_ASSIGN_OR_RETURN(Value v, eval_call(e, frame));
      if (v.kind == Kind::kStr) {
        CL_RETURN_IF_ERROR(heap_.charge(v.text.size()));
      }
      return v;
    }
    case ExprKind::kUnary: {
      CL_ASSIGN_OR_RETURN(Value v, eval(*e.items[0], frame));
      return at_line(e.line, unary_op(e.text, v));
    }
    case ExprKind::kBinary: {
      CL_ASSIGN_OR_RETURN(Value a, eval(*e.items[0], frame));
      CL_ASSIGN_OR_RETURN(Value b, eval(*e.items[1], frame));
      CL_ASSIGN_OR_RETURN(Value r, at_line(e.line, binary_op(heap_, e.text, a, b)));
      if (r.kind == Kind::kStr) {
        CL_RETURN_IF_ERROR(heap_.charge(r.text.size()));
      }
      return r;
    }
    case ExprKind::kBoolOp: {
      CL_ASSIGN_OR_RETURN(Value a, eval(*e.items[0], frame));
      std::optional<bool> t = truth(a);
      if (!t) {
        return as_opaque(a);
      }
      if ((e.text == "and") != *t) {
        return a;  // `False and x`, `True or x`
      }
      return eval(*e.items[1], frame);
    }
    case ExprKind::kCompare: {
      CL_ASSIGN_OR_RETURN(Value left, eval(*e.items[0], frame));
      Value result = Value::of_bool(true);
      for (size_t i = 0; i < e.ops.size(); ++i) {
        CL_ASSIGN_OR_RETURN(Value right, eval(*e.items[i + 1], frame));
        CL_ASSIGN_OR_RETURN(Value r, at_line(e.line, compare_op(e.ops[i], left, right)));
        std::optional<bool> t = truth(r);
        if (!t) {
          return r;
        }
        if (!*t) {
          return Value::of_bool(false);
        }
        left = std::move(right);
      }
      return result;
    }
    case ExprKind::kIfExp: {
      CL_ASSIGN_OR_RETURN(Value test, eval(*e.items[1], frame));
      std::optional<bool> t = truth(test);
      if (!t) {
        return as_opaque(test);
      }
      return eval(*e.items[*t ? 0 : 2], frame);
    }
    case ExprKind::kList:
    case ExprKind::kTuple: {
      std::vector<Value> items;
      for (const auto& item : e.items) {
        CL_ASSIGN_OR_RETURN(Value v, eval(*item, frame));
        items.push_back(std::move(v));
      }
      Value v;
      v.kind = e.kind == ExprKind::kList ? Kind::kList : Kind::kTuple;
      CL_ASSIGN_OR_RETURN(v.list, heap_.new_list(std::move(items)));
      return v;
    }
    case ExprKind::kDict: {
      Value d;
      d.kind = Kind::kDict;
      CL_ASSIGN_OR_RETURN(d.dict, heap_.new_dict());
      for (size_t i = 0; i + 1 < e.items.size(); i += 2) {
        CL_ASSIGN_OR_RETURN(Value key, eval(*e.items[i], frame));
        CL_ASSIGN_OR_RETURN(Value value, eval(*e.items[i + 1], frame));
        CL_RETURN_IF_ERROR(set_item(d, key, value, e.line));
      }
      return d;
    }
  }
  return error(e.line, "unknown expression");
}

Result<Value> Interpreter::eval_call(const Expr& e, Frame& frame) {
  CL_ASSIGN_OR_RETURN(Value fn, eval(*e.items[0], frame));
  CallArgs args;
  // `*x` / `**x` whose contents are unknown: fine for a call whose result is unknown anyway.
  std::optional<Value> unknown;
  for (size_t i = 1; i < e.items.size(); ++i) {
    const Expr& arg = *e.items[i];
    CL_ASSIGN_OR_RETURN(Value v, eval(arg.kind == ExprKind::kStarred ? *arg.items[0] : arg, frame));
    if (arg.kind != ExprKind::kStarred) {
      args.positional.push_back(std::move(v));
      continue;
    }
    CL_ASSIGN_OR_RETURN(std::optional<std::vector<Value>> items, items_of(v, arg.line));
    if (!items) {
      unknown = as_opaque(v);
      continue;
    }
    args.positional.insert(args.positional.end(), items->begin(), items->end());
  }
  for (const auto& k : e.keywords) {
    CL_ASSIGN_OR_RETURN(Value v, eval(*k.value, frame));
    if (k.name != "**") {
      args.keywords.emplace_back(k.name, std::move(v));
      continue;
    }
    if (v.kind != Kind::kDict || !v.dict->tainted.empty()) {
      if (v.kind != Kind::kDict && !v.is_opaque() && v.kind != Kind::kExternal) {
        return error(e.line,
                     fmt::format("argument after ** must be a mapping, not {}", describe(v)));
      }
      unknown = as_opaque(v);
      continue;
    }
    for (const auto& [key, value] : v.dict->items) {
      if (key.kind != Kind::kStr) {
        return error(e.line, fmt::format("keywords must be strings, not {}", describe(key)));
      }
      args.keywords.emplace_back(key.text, value);
    }
  }
  if (unknown) {
    if (fn.kind == Kind::kExternal || fn.kind == Kind::kOpaque || fn.kind == Kind::kBuiltin) {
      ++uncertain_;
      return *unknown;
    }
    return error(e.line, fmt::format("unsupported construct: arguments unpacked from a value that "
                                     "is {}",
                                     describe(*unknown)));
  }
  for (size_t i = 0; i < args.keywords.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (args.keywords[i].first == args.keywords[j].first) {
        return error(e.line, fmt::format("got multiple values for keyword argument '{}'",
                                         args.keywords[i].first));
      }
    }
  }
  return call(fn, args, e.line);
}

const Value* Interpreter::class_attr(const ClassObj* cls, std::string_view name, int depth) const {
  if (depth > 32) {
    return nullptr;
  }
  auto it = cls->attrs.find(name);
  if (it != cls->attrs.end()) {
    return &it->second;
  }
  for (const ClassObj* base : cls->bases) {
    if (const Value* v = class_attr(base, name, depth + 1)) {
      return v;
    }
  }
  return nullptr;
}

Result<Value> Interpreter::get_attr(const Value& base, const std::string& name, int line) {
  switch (base.kind) {
    case Kind::kInstance: {
      auto it = base.inst->attrs.find(name);
      if (it != base.inst->attrs.end()) {
        return it->second;
      }
      const Value* v = class_attr(base.inst->cls, name);
      if (v == nullptr && base.inst->cls == argparse_class_) {
        Value b;
        b.kind = Kind::kBound;
        CL_ASSIGN_OR_RETURN(b.bound, heap_.new_bound(base, name));
        return b;
      }
      if (v == nullptr) {
        return error(line,
                     fmt::format("'{}' object has no attribute '{}'", base.inst->cls->name, name));
      }
      if (v->kind == Kind::kFunction) {
        Value m = *v;
        m.kind = Kind::kMethod;
        m.inst = base.inst;
        return m;
      }
      return *v;
    }
    case Kind::kClass: {
      const Value* v = class_attr(base.cls, name);
      if (v == nullptr) {
        return error(line, fmt::format("class '{}' has no attribute '{}'", base.cls->name, name));
      }
      return *v;
    }
    case Kind::kExternal:
      return Value::external(base.text + "." + name);
    case Kind::kOpaque:
      return base;
    case Kind::kApi:
      return model_.attribute(base.api, name, line);
    case Kind::kStr:
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kDict: {
      Value b;
      b.kind = Kind::kBound;
      CL_ASSIGN_OR_RETURN(b.bound, heap_.new_bound(base, name));
      return b;
    }
    default:
      return error(line, fmt::format("{} has no attribute '{}'", describe(base), name));
  }
}

Status Interpreter::set_attr(const Value& base, const std::string& name, const Value& v, int line) {
  switch (base.kind) {
    case Kind::kInstance:
      base.inst->attrs[name] = v;
      return ok_status();
    case Kind::kClass:
      base.cls->attrs[name] = v;
      return ok_status();
    case Kind::kExternal:
      if (base.text.rfind("emuvim", 0) == 0 || base.text.rfind("mininet", 0) == 0) {
        model_.warn(line, fmt::format("setting {}.{} has no chainlab equivalent; ignored",
                                      base.text, name));
      }
      return ok_status();
    case Kind::kOpaque:
    case Kind::kApi:
      return ok_status();
    default:
      return error(line, fmt::format("cannot set attribute '{}' of {}", name, describe(base)));
  }
}

Result<Value> Interpreter::subscript(const Value& base, const Value& index, int line) {
  if (base.is_opaque() || index.is_opaque() || base.kind == Kind::kExternal) {
    ++uncertain_;
  }
  if (base.is_opaque() || index.is_opaque()) {
    return base.is_opaque() ? base : index;
  }
  if (base.kind == Kind::kExternal || base.kind == Kind::kApi) {
    return Value::opaque(fmt::format("a subscript at line {}", line));
  }
  if (base.kind == Kind::kDict) {
    if (!base.dict->tainted.empty()) {
      return Value::opaque(base.dict->tainted);
    }
    for (const auto& [k, v] : base.dict->items) {
      auto e = equal(k, index);
      if (!e) {
        return Value::opaque(describe(k));
      }
      if (*e) {
        return v;
      }
    }
    return error(line, fmt::format("key {} is not in the dict (KeyError)", py_repr(index)));
  }
  if (index.kind != Kind::kInt && index.kind != Kind::kBool) {
    return error(line, fmt::format("{} indices must be integers, not {}", type_name(base),
                                   type_name(index)));
  }
  int64_t i = index.kind == Kind::kBool ? (index.boolean ? 1 : 0) : index.integer;
  if (base.kind == Kind::kStr || base.kind == Kind::kList || base.kind == Kind::kTuple) {
    if (base.kind != Kind::kStr && !base.list->tainted.empty()) {
      return Value::opaque(base.list->tainted);
    }
    auto size =
        static_cast<int64_t>(base.kind == Kind::kStr ? base.text.size() : base.list->items.size());
    if (i < 0) {
      i += size;
    }
    if (i < 0 || i >= size) {
      return error(line, fmt::format("{} index out of range (IndexError)", type_name(base)));
    }
    if (base.kind == Kind::kStr) {
      return Value::of_str(std::string(1, base.text[static_cast<size_t>(i)]));
    }
    return base.list->items[static_cast<size_t>(i)];
  }
  return error(line, fmt::format("{} is not subscriptable", describe(base)));
}

Result<Value> Interpreter::slice(const Value& base, const Expr& e, Frame& frame) {
  int64_t parts[3] = {0, 0, 1};
  bool given[3] = {false, false, false};
  for (size_t i = 0; i < 3; ++i) {
    if (!e.items[i]) {
      continue;
    }
    CL_ASSIGN_OR_RETURN(Value v, eval(*e.items[i], frame));
    if (v.is_opaque()) {
      return v;
    }
    if (v.kind == Kind::kNone) {
      continue;
    }
    if (v.kind != Kind::kInt) {
      return error(e.line, fmt::format("slice indices must be integers, not {}", describe(v)));
    }
    parts[i] = v.integer;
    given[i] = true;
  }
  if (base.is_opaque()) {
    return base;
  }
  if (base.kind == Kind::kExternal || base.kind == Kind::kApi) {
    return Value::opaque(fmt::format("a slice of {} at line {}", base.text, e.line));
  }
  if (base.kind != Kind::kStr && base.kind != Kind::kList && base.kind != Kind::kTuple) {
    return error(e.line, fmt::format("{} cannot be sliced", describe(base)));
  }
  if (base.kind != Kind::kStr && !base.list->tainted.empty()) {
    return Value::opaque(base.list->tainted);
  }
  int64_t step = parts[2];
  if (step == 0 || step == std::numeric_limits<int64_t>::min()) {
    return error(e.line, "slice step must not be zero");
  }
  auto size =
      static_cast<int64_t>(base.kind == Kind::kStr ? base.text.size() : base.list->items.size());
  // Python's slice.indices(): clamp to [0, size] going forward, [-1, size - 1] going back.
  auto clamp = [&](int64_t v, bool is_given, int64_t fallback) {
    if (!is_given) {
      return fallback;
    }
    if (v < 0) {
      v = std::max<int64_t>(v + size, step > 0 ? 0 : -1);
    }
    return std::min<int64_t>(v, step > 0 ? size : size - 1);
  };
  int64_t start = clamp(parts[0], given[0], step > 0 ? 0 : size - 1);
  int64_t stop = clamp(parts[1], given[1], step > 0 ? size : -1);
  std::vector<Value> items;
  std::string text;
  for (int64_t i = start; step > 0 ? i < stop : i > stop;) {
    if (base.kind == Kind::kStr) {
      text += base.text[static_cast<size_t>(i)];
    } else {
      items.push_back(base.list->items[static_cast<size_t>(i)]);
    }
    if (__builtin_add_overflow(i, step, &i)) {
      break;
    }
  }
  if (base.kind == Kind::kStr) {
    return Value::of_str(std::move(text));
  }
  Value v;
  v.kind = base.kind;
  CL_ASSIGN_OR_RETURN(v.list, heap_.new_list(std::move(items)));
  return v;
}

Status Interpreter::set_item(const Value& base, const Value& index, const Value& v, int line) {
  if (base.kind == Kind::kDict) {
    if (index.is_opaque()) {
      base.dict->tainted = fmt::format("an assignment with an unknown key at line {}", line);
      return ok_status();
    }
    if (index.kind == Kind::kList || index.kind == Kind::kDict) {
      return error(line, fmt::format("unhashable type: '{}'", type_name(index)));
    }
    for (auto& [k, old] : base.dict->items) {
      if (equal(k, index).value_or(false)) {
        old = v;
        return ok_status();
      }
    }
    if (base.dict->items.size() >= kMaxListItems) {
      return error(line, "dict too large");
    }
    CL_RETURN_IF_ERROR(heap_.charge(2 * sizeof(Value)));
    base.dict->items.emplace_back(index, v);
    return ok_status();
  }
  if (base.kind == Kind::kList) {
    if (index.is_opaque()) {
      base.list->tainted = fmt::format("an assignment with an unknown index at line {}", line);
      return ok_status();
    }
    if (index.kind != Kind::kInt) {
      return error(line, "list indices must be integers");
    }
    auto size = static_cast<int64_t>(base.list->items.size());
    int64_t i = index.integer < 0 ? index.integer + size : index.integer;
    if (i < 0 || i >= size) {
      return error(line, "list assignment index out of range (IndexError)");
    }
    base.list->items[static_cast<size_t>(i)] = v;
    return ok_status();
  }
  if (base.is_opaque() || base.kind == Kind::kExternal || base.kind == Kind::kApi) {
    return ok_status();
  }
  return error(line, fmt::format("{} does not support item assignment", describe(base)));
}

Result<std::optional<std::vector<Value>>> Interpreter::items_of(const Value& v, int line) {
  switch (v.kind) {
    case Kind::kOpaque:
    case Kind::kExternal:
    case Kind::kApi:
      return std::optional<std::vector<Value>>();
    case Kind::kList:
    case Kind::kTuple:
      if (!v.list->tainted.empty()) {
        return std::optional<std::vector<Value>>();
      }
      return std::optional<std::vector<Value>>(v.list->items);
    case Kind::kDict: {
      if (!v.dict->tainted.empty()) {
        return std::optional<std::vector<Value>>();
      }
      std::vector<Value> keys;
      for (const auto& kv : v.dict->items) {
        keys.push_back(kv.first);
      }
      return std::optional<std::vector<Value>>(std::move(keys));
    }
    case Kind::kStr: {
      std::vector<Value> chars;
      for (size_t i = 0; i < v.text.size();) {
        size_t len = 1;
        while (i + len < v.text.size() &&
               (static_cast<unsigned char>(v.text[i + len]) & 0xC0) == 0x80) {
          ++len;
        }
        chars.push_back(Value::of_str(v.text.substr(i, len)));
        i += len;
      }
      return std::optional<std::vector<Value>>(std::move(chars));
    }
    case Kind::kRange: {
      std::vector<Value> out;
      for (int64_t i = v.integer; v.step > 0 ? i < v.stop : i > v.stop;) {
        if (out.size() >= kMaxListItems) {
          return error(line, fmt::format("range longer than {} items", kMaxListItems));
        }
        out.push_back(Value::of_int(i));
        if (__builtin_add_overflow(i, v.step, &i)) {
          break;
        }
      }
      return std::optional<std::vector<Value>>(std::move(out));
    }
    default:
      return error(line, fmt::format("{} is not iterable", describe(v)));
  }
}

}  // namespace chainlab::emulator::sonemu
