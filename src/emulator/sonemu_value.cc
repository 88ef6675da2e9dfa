// Values of the son-emu importer (sonemu_value.h): constructors, the heap, type names, str() and
// repr(), truth. Operators are in sonemu_ops.cc, `%` and str.format in sonemu_format.cc.
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "emulator/sonemu_value.h"

namespace chainlab::emulator::sonemu {

Value Value::of_bool(bool b) {
  return Value{.kind = Kind::kBool, .boolean = b};
}
Value Value::of_int(int64_t i) {
  return Value{.kind = Kind::kInt, .integer = i};
}
Value Value::of_float(double d) {
  return Value{.kind = Kind::kFloat, .number = d};
}
Value Value::of_str(std::string s) {
  return Value{.kind = Kind::kStr, .text = std::move(s)};
}
Value Value::external(std::string dotted) {
  return Value{.kind = Kind::kExternal, .text = std::move(dotted)};
}
Value Value::of_api(ApiRef ref) {
  return Value{.kind = Kind::kApi, .api = ref};
}
Value Value::opaque(std::string origin) {
  return Value{.kind = Kind::kOpaque, .text = std::move(origin)};
}

Status Heap::count() {
  if (++objects_ > kMaxObjects) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: the script builds more than {} objects; not a topology script", source_,
                      kMaxObjects);
  }
  return ok_status();
}

template <typename T>
static T* keep(std::vector<std::unique_ptr<T>>& store) {
  store.push_back(std::make_unique<T>());
  return store.back().get();
}

Status Heap::charge(size_t bytes) {
  bytes_ += bytes;
  if (bytes_ > kMaxBytes) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: the script builds more than {} MiB of strings and lists; not a "
                      "topology script",
                      source_, kMaxBytes >> 20);
  }
  return ok_status();
}

Result<ListObj*> Heap::new_list(std::vector<Value> items) {
  CL_RETURN_IF_ERROR(count());
  CL_RETURN_IF_ERROR(charge(items.size() * sizeof(Value)));
  ListObj* l = keep(lists_);
  l->items = std::move(items);
  return l;
}
Result<DictObj*> Heap::new_dict() {
  CL_RETURN_IF_ERROR(count());
  return keep(dicts_);
}
Result<FunctionObj*> Heap::new_function() {
  CL_RETURN_IF_ERROR(count());
  return keep(functions_);
}
Result<ClassObj*> Heap::new_class() {
  CL_RETURN_IF_ERROR(count());
  return keep(classes_);
}
Result<InstanceObj*> Heap::new_instance(ClassObj* cls) {
  CL_RETURN_IF_ERROR(count());
  InstanceObj* i = keep(instances_);
  i->cls = cls;
  return i;
}
Result<BoundObj*> Heap::new_bound(Value self, std::string name) {
  CL_RETURN_IF_ERROR(count());
  BoundObj* b = keep(bounds_);
  b->self = std::move(self);
  b->name = std::move(name);
  return b;
}
Result<Scope*> Heap::new_scope(Scope* parent) {
  CL_RETURN_IF_ERROR(count());
  Scope* s = keep(scopes_);
  s->parent = parent;
  return s;
}

namespace {

// The Python type names of the son-emu API objects, in ApiKind order.
constexpr std::array<const char*, 7> kApiTypes = {
    "DCNetwork", "Datacenter", "switch", "host", "API endpoint", "resource model", "OSM"};
static_assert(kApiTypes.size() == static_cast<size_t>(ApiKind::kOsm) + 1);

const char* api_type(ApiKind k) {
  auto i = static_cast<size_t>(k);
  return i < kApiTypes.size() ? kApiTypes[i] : "object";
}

std::string float_repr(double d) {
  if (std::isnan(d)) {
    return "nan";
  }
  if (std::isinf(d)) {
    return d < 0 ? "-inf" : "inf";
  }
  std::string s = fmt::format("{}", d);
  if (s.find_first_of(".e") == std::string::npos) {
    s += ".0";
  }
  return s;
}

std::string str_repr(const std::string& s) {
  char quote = s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == quote) {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

std::string join_repr(const std::vector<Value>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "" : ", ") + py_repr(items[i]);
  }
  return out;
}

}  // namespace

std::string type_name(const Value& v) {
  switch (v.kind) {
    case Kind::kNone:
      return "NoneType";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float";
    case Kind::kStr:
      return "str";
    case Kind::kList:
      return "list";
    case Kind::kTuple:
      return "tuple";
    case Kind::kDict:
      return "dict";
    case Kind::kRange:
      return "range";
    case Kind::kFunction:
      return "function";
    case Kind::kMethod:
      return "method";
    case Kind::kClass:
      return "type";
    case Kind::kInstance:
      return v.inst->cls->name;
    case Kind::kBuiltin:
    case Kind::kBound:
      return "builtin_function_or_method";
    case Kind::kExternal:
      return v.text;
    case Kind::kApi:
      return api_type(v.api.kind);
    case Kind::kApiMethod:
      return "method";
    case Kind::kOpaque:
      return "unknown";
  }
  return "object";
}

std::string py_str(const Value& v) {
  switch (v.kind) {
    case Kind::kStr:
      return v.text;
    case Kind::kNone:
      return "None";
    case Kind::kBool:
      return v.boolean ? "True" : "False";
    case Kind::kInt:
      return std::to_string(v.integer);
    case Kind::kFloat:
      return float_repr(v.number);
    default:
      return py_repr(v);
  }
}

std::string py_repr(const Value& v) {
  switch (v.kind) {
    case Kind::kStr:
      return str_repr(v.text);
    case Kind::kList:
      return "[" + join_repr(v.list->items) + "]";
    case Kind::kTuple:
      return "(" + join_repr(v.list->items) + (v.list->items.size() == 1 ? ",)" : ")");
    case Kind::kDict: {
      std::string out = "{";
      for (size_t i = 0; i < v.dict->items.size(); ++i) {
        out += (i == 0 ? "" : ", ") + py_repr(v.dict->items[i].first) + ": " +
               py_repr(v.dict->items[i].second);
      }
      return out + "}";
    }
    case Kind::kRange:
      return v.step == 1 ? fmt::format("range({}, {})", v.integer, v.stop)
                         : fmt::format("range({}, {}, {})", v.integer, v.stop, v.step);
    case Kind::kFunction:
    case Kind::kMethod:
      return fmt::format("<function {}>", v.fn->def->text);
    case Kind::kClass:
      return fmt::format("<class '{}'>", v.cls->name);
    case Kind::kInstance:
      return fmt::format("<{} object>", v.inst->cls->name);
    case Kind::kBuiltin:
      return fmt::format("<built-in function {}>", v.text);
    case Kind::kBound:
      return fmt::format("<built-in method {}>", v.bound->name);
    case Kind::kExternal:
      return fmt::format("<{}>", v.text);
    case Kind::kApi:
    case Kind::kApiMethod:
      return fmt::format("<{}>", api_type(v.api.kind));
    case Kind::kOpaque:
      return fmt::format("<unknown: {}>", v.text);
    default:
      return py_str(v);
  }
}

Value as_opaque(const Value& v) {
  return v.is_opaque() ? v : Value::opaque(describe(v));
}

std::string describe(const Value& v) {
  switch (v.kind) {
    case Kind::kOpaque:
    case Kind::kExternal:
      return fmt::format("unknown until the script runs (it comes from {})", v.text);
    case Kind::kStr:
      return py_repr(v);
    case Kind::kNone:
      return "None";
    case Kind::kBool:
    case Kind::kInt:
    case Kind::kFloat:
      return fmt::format("{} {}", type_name(v), py_repr(v));
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kDict:
      if (v.kind == Kind::kDict ? !v.dict->tainted.empty() : !v.list->tainted.empty()) {
        return fmt::format("unknown until the script runs (changed in {})",
                           v.kind == Kind::kDict ? v.dict->tainted : v.list->tainted);
      }
      return fmt::format("{} {}", type_name(v), py_repr(v));
    default:
      return fmt::format("a {}", type_name(v));
  }
}

std::optional<bool> truth(const Value& v) {
  switch (v.kind) {
    case Kind::kNone:
      return false;
    case Kind::kBool:
      return v.boolean;
    case Kind::kInt:
      return v.integer != 0;
    case Kind::kFloat:
      return v.number != 0;
    case Kind::kStr:
      return !v.text.empty();
    case Kind::kList:
    case Kind::kTuple:
      if (!v.list->tainted.empty()) {
        return std::nullopt;
      }
      return !v.list->items.empty();
    case Kind::kDict:
      if (!v.dict->tainted.empty()) {
        return std::nullopt;
      }
      return !v.dict->items.empty();
    case Kind::kRange:
      return v.step > 0 ? v.integer < v.stop : v.integer > v.stop;
    case Kind::kOpaque:
    case Kind::kExternal:
      return std::nullopt;
    default:
      return true;
  }
}

}  // namespace chainlab::emulator::sonemu
