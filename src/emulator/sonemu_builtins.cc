// Python builtins and the str/list/dict methods the son-emu importer evaluates (sonemu_eval.h).
// Builtins that only make sense at run time (open, input, isinstance, ...) give opaque values;
// methods the translation does not evaluate give opaque values too, never a guess.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "emulator/sonemu_eval.h"

namespace chainlab::emulator::sonemu {
namespace {

constexpr std::array<std::string_view, 19> kEvaluated = {
    "print", "range", "len", "str",   "int",    "float",     "bool", "list", "tuple", "dict",
    "min",   "max",   "abs", "round", "sorted", "enumerate", "zip",  "repr", "vars"};
constexpr std::array<std::string_view, 15> kOpaque = {
    "open",    "input", "isinstance", "issubclass", "globals", "locals", "getattr", "setattr",
    "hasattr", "super", "type",       "id",         "hash",    "iter",   "next"};

Value opaque_call(std::string_view name, int line) {
  return Value::opaque(fmt::format("{}() at line {}", name, line));
}

std::string strip_chars(const std::string& s, const std::string& chars, bool left, bool right) {
  size_t b = 0;
  size_t e = s.size();
  while (left && b < e && chars.find(s[b]) != std::string::npos) {
    ++b;
  }
  while (right && e > b && chars.find(s[e - 1]) != std::string::npos) {
    --e;
  }
  return s.substr(b, e - b);
}

}  // namespace

bool Interpreter::is_builtin(std::string_view name) {
  return std::find(kEvaluated.begin(), kEvaluated.end(), name) != kEvaluated.end() ||
         std::find(kOpaque.begin(), kOpaque.end(), name) != kOpaque.end();
}

Result<Value> Interpreter::call_builtin(const std::string& name, const CallArgs& args, int line) {
  const auto& a = args.positional;
  auto want = [&](size_t lo, size_t hi) -> Status {
    if (a.size() < lo || a.size() > hi ||
        (!args.keywords.empty() && name != "print" && name != "dict" && name != "sorted")) {
      return error(line, fmt::format("{}() got the wrong number of arguments", name));
    }
    return ok_status();
  };
  if (std::find(kOpaque.begin(), kOpaque.end(), name) != kOpaque.end()) {
    return opaque_call(name, line);
  }
  if (name == "print") {
    return Value::none();
  }
  for (const Value& v : a) {
    if (v.is_opaque()) {
      return v;
    }
  }
  if (name == "range") {
    CL_RETURN_IF_ERROR(want(1, 3));
    int64_t r[3] = {0, 0, 1};
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].kind != Kind::kInt) {
        return error(line, fmt::format("range() needs integers, not {}", describe(a[i])));
      }
      r[a.size() == 1 ? 1 : i] = a[i].integer;
    }
    if (r[2] == 0) {
      return error(line, "range() step must not be zero");
    }
    Value v;
    v.kind = Kind::kRange;
    v.integer = r[0];
    v.stop = r[1];
    v.step = r[2];
    return v;
  }
  if (name == "len") {
    CL_RETURN_IF_ERROR(want(1, 1));
    CL_ASSIGN_OR_RETURN(std::optional<std::vector<Value>> items, items_of(a[0], line));
    if (!items) {
      return opaque_call("len", line);
    }
    return Value::of_int(static_cast<int64_t>(items->size()));
  }
  if (name == "str" || name == "repr") {
    CL_RETURN_IF_ERROR(want(0, 1));
    return Value::of_str(a.empty() ? "" : name == "str" ? py_str(a[0]) : py_repr(a[0]));
  }
  if (name == "vars") {  // of an instance (an argparse Namespace): its attributes
    if (a.size() != 1 || a[0].kind != Kind::kInstance) {
      return opaque_call("vars", line);
    }
    Value d;
    d.kind = Kind::kDict;
    CL_ASSIGN_OR_RETURN(d.dict, heap_.new_dict());
    for (const auto& [key, value] : a[0].inst->attrs) {
      d.dict->items.emplace_back(Value::of_str(key), value);
    }
    return d;
  }
  if (name == "bool") {
    CL_RETURN_IF_ERROR(want(0, 1));
    std::optional<bool> t = a.empty() ? std::optional<bool>(false) : truth(a[0]);
    return t ? Value::of_bool(*t) : opaque_call("bool", line);
  }
  if (name == "int" || name == "float" || name == "abs" || name == "round") {
    CL_RETURN_IF_ERROR(name == "abs" ? want(1, 1) : name == "round" ? want(1, 2) : want(0, 1));
    return number_builtin(name, a, line);
  }
  if (name == "dict") {
    CL_RETURN_IF_ERROR(want(0, 1));
    Value d;
    d.kind = Kind::kDict;
    CL_ASSIGN_OR_RETURN(d.dict, heap_.new_dict());
    if (!a.empty()) {
      if (a[0].kind != Kind::kDict) {
        return opaque_call("dict", line);
      }
      d.dict->items = a[0].dict->items;
      d.dict->tainted = a[0].dict->tainted;
    }
    for (const auto& [key, value] : args.keywords) {
      CL_RETURN_IF_ERROR(set_item(d, Value::of_str(key), value, line));
    }
    return d;
  }
  return sequence_builtin(name, a, line);
}

// int, float, abs, round (arity already checked).
Result<Value> Interpreter::number_builtin(const std::string& name, const std::vector<Value>& a,
                                          int line) {
  if (name == "int" || name == "float") {
    if (a.empty()) {
      return name == "int" ? Value::of_int(0) : Value::of_float(0);
    }
    const Value& v = a[0];
    double d = 0;
    if (v.kind == Kind::kInt || v.kind == Kind::kBool) {
      d = static_cast<double>(v.kind == Kind::kInt ? v.integer : v.boolean);
      if (name == "int") {
        return Value::of_int(v.kind == Kind::kInt ? v.integer : v.boolean);
      }
    } else if (v.kind == Kind::kFloat) {
      d = v.number;
    } else if (v.kind == Kind::kStr) {
      std::string s = strip_chars(v.text, " \t\n", true, true);
      char* end = nullptr;
      if (name == "int") {
        errno = 0;
        long long n = std::strtoll(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0' || errno != 0) {
          return error(line, fmt::format("int({}) is not a decimal integer", py_repr(v)));
        }
        return Value::of_int(n);
      }
      d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0') {
        return error(line, fmt::format("float({}) is not a number", py_repr(v)));
      }
    } else {
      return error(line, fmt::format("{}() of {}", name, describe(v)));
    }
    if (name == "float") {
      return Value::of_float(d);
    }
    if (!std::isfinite(d) || std::fabs(d) > 9.2e18) {
      return error(line, "int() of a float out of range");
    }
    return Value::of_int(static_cast<int64_t>(std::trunc(d)));
  }
  if (name == "abs") {
    if (a[0].kind == Kind::kFloat) {
      return Value::of_float(std::fabs(a[0].number));
    }
    auto neg = unary_op("-", a[0]);
    if (!neg.ok()) {
      return error(line, neg.error().message);
    }
    return a[0].kind == Kind::kInt && a[0].integer < 0 ? *neg : a[0];
  }
  if (name == "round") {
    if (a[0].kind != Kind::kFloat && a[0].kind != Kind::kInt) {
      return error(line, fmt::format("round() of {}", describe(a[0])));
    }
    double d = a[0].kind == Kind::kFloat ? a[0].number : static_cast<double>(a[0].integer);
    if (a.size() == 2 && a[1].kind == Kind::kInt && a[1].integer >= 0 && a[1].integer < 16) {
      double scale = std::pow(10.0, static_cast<double>(a[1].integer));
      return Value::of_float(std::nearbyint(d * scale) / scale);
    }
    if (!std::isfinite(d) || std::fabs(d) > 9.2e18) {
      return error(line, "round() out of range");
    }
    return Value::of_int(static_cast<int64_t>(std::nearbyint(d)));
  }
  return error(line, fmt::format("{}() is not a number builtin", name));
}

// list, tuple, sorted, min, max, enumerate, zip: over one iterable (or several for min/max/zip).
Result<Value> Interpreter::sequence_builtin(const std::string& name, const std::vector<Value>& a,
                                            int line) {
  // The rest take one iterable (or several, for min/max/zip).
  if (a.empty()) {
    if (name == "list" || name == "tuple") {
      Value v;
      v.kind = name == "list" ? Kind::kList : Kind::kTuple;
      CL_ASSIGN_OR_RETURN(v.list, heap_.new_list());
      return v;
    }
    return error(line, fmt::format("{}() needs an argument", name));
  }
  std::vector<std::vector<Value>> seqs;
  bool spread = (name == "min" || name == "max") && a.size() > 1;
  for (const Value& arg : spread ? std::vector<Value>{} : a) {
    CL_ASSIGN_OR_RETURN(std::optional<std::vector<Value>> items, items_of(arg, line));
    if (!items) {
      return opaque_call(name, line);
    }
    seqs.push_back(std::move(*items));
  }
  if (spread) {
    seqs.push_back(a);
  }
  std::vector<Value> out;
  if (name == "list" || name == "tuple" || name == "sorted") {
    out = seqs[0];
    if (name == "sorted") {
      Status bad = ok_status();
      std::stable_sort(out.begin(), out.end(), [&](const Value& x, const Value& y) {
        auto r = compare_op("<", x, y);
        if (!r.ok()) {
          bad = r.error();
          return false;
        }
        return truth(*r).value_or(false);
      });
      if (!bad.ok()) {
        return error(line, bad.error().message);
      }
    }
  } else if (name == "min" || name == "max") {
    if (seqs[0].empty()) {
      return error(line, fmt::format("{}() of an empty sequence", name));
    }
    Value best = seqs[0][0];
    for (const Value& v : seqs[0]) {
      auto r = compare_op(name == "min" ? "<" : ">", v, best);
      if (!r.ok()) {
        return error(line, r.error().message);
      }
      if (!truth(*r)) {
        return opaque_call(name, line);
      }
      if (*truth(*r)) {
        best = v;
      }
    }
    return best;
  } else if (name == "enumerate" || name == "zip") {
    size_t n = seqs[0].size();
    for (const auto& s : seqs) {
      n = std::min(n, s.size());
    }
    for (size_t i = 0; i < n; ++i) {
      std::vector<Value> tuple;
      if (name == "enumerate") {
        tuple = {Value::of_int(static_cast<int64_t>(i)), seqs[0][i]};
      } else {
        for (const auto& s : seqs) {
          tuple.push_back(s[i]);
        }
      }
      Value t;
      t.kind = Kind::kTuple;
      CL_ASSIGN_OR_RETURN(t.list, heap_.new_list(std::move(tuple)));
      out.push_back(t);
    }
  }
  Value v;
  v.kind = name == "tuple" ? Kind::kTuple : Kind::kList;
  CL_ASSIGN_OR_RETURN(v.list, heap_.new_list(std::move(out)));
  return v;
}

Result<Value> Interpreter::call_bound(const BoundObj& bound, const CallArgs& args, int line) {
  const Value& self = bound.self;
  if (self.kind == Kind::kInstance) {  // only argparse objects have bound builtin methods
    return argparse_method(self, bound.name, args, line);
  }
  if (self.kind == Kind::kStr) {
    return str_method(self.text, bound.name, args, line);
  }
  if (self.kind == Kind::kList || self.kind == Kind::kTuple) {
    if (!self.list->tainted.empty()) {
      return Value::opaque(self.list->tainted);
    }
    if (self.kind == Kind::kTuple && bound.name != "index" && bound.name != "count") {
      return error(line, fmt::format("'tuple' object has no attribute '{}'", bound.name));
    }
    return list_method(*self.list, bound.name, args, line);
  }
  if (!self.dict->tainted.empty()) {
    return Value::opaque(self.dict->tainted);
  }
  return dict_method(*self.dict, bound.name, args, line);
}

Result<Value> Interpreter::str_method(const std::string& self, const std::string& name,
                                      const CallArgs& args, int line) {
  const auto& a = args.positional;
  if (name == "format") {
    return at_line(line, str_format(self, a, args.keywords));
  }
  for (const Value& v : a) {
    if (v.is_opaque()) {
      return v;
    }
  }
  auto str_arg = [&](size_t i) -> Result<std::string> {
    if (i >= a.size() || a[i].kind != Kind::kStr) {
      return error(line, fmt::format("str.{}() needs a string argument", name));
    }
    return a[i].text;
  };
  if (name == "lower" || name == "upper") {
    std::string out = self;
    for (char& c : out) {
      if (name == "lower" && c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      } else if (name == "upper" && c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 'a' + 'A');
      }
    }
    return Value::of_str(out);
  }
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    std::string chars = " \t\n\r\f\v";
    if (!a.empty() && a[0].kind == Kind::kStr) {
      chars = a[0].text;
    }
    return Value::of_str(strip_chars(self, chars, name != "rstrip", name != "lstrip"));
  }
  if (name == "startswith" || name == "endswith") {
    CL_ASSIGN_OR_RETURN(std::string x, str_arg(0));
    bool r = x.size() <= self.size() &&
             (name == "startswith" ? self.compare(0, x.size(), x) == 0
                                   : self.compare(self.size() - x.size(), x.size(), x) == 0);
    return Value::of_bool(r);
  }
  if (name == "replace") {
    CL_ASSIGN_OR_RETURN(std::string from, str_arg(0));
    CL_ASSIGN_OR_RETURN(std::string to, str_arg(1));
    if (from.empty()) {
      return opaque_call("str.replace", line);
    }
    std::string out;
    for (size_t i = 0; i < self.size();) {
      if (self.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
      } else {
        out += self[i++];
      }
      if (out.size() > kMaxStringBytes) {
        return error(line, "string too long");
      }
    }
    return Value::of_str(out);
  }
  if (name == "join") {
    if (a.size() != 1) {
      return error(line, "str.join() takes one iterable");
    }
    CL_ASSIGN_OR_RETURN(std::optional<std::vector<Value>> items, items_of(a[0], line));
    if (!items) {
      return opaque_call("str.join", line);
    }
    std::string out;
    for (size_t i = 0; i < items->size(); ++i) {
      if ((*items)[i].is_opaque()) {
        return (*items)[i];
      }
      if ((*items)[i].kind != Kind::kStr) {
        return error(
            line, fmt::format("str.join(): item {} is {}, not a string", i, describe((*items)[i])));
      }
      out += (i == 0 ? "" : self) + (*items)[i].text;
      if (out.size() > kMaxStringBytes) {
        return error(line, "string too long");
      }
    }
    return Value::of_str(out);
  }
  if (name == "split") {
    std::string sep = a.empty() || a[0].kind == Kind::kNone ? "" : a[0].text;
    std::vector<Value> parts;
    size_t i = 0;
    while (i <= self.size()) {
      size_t j = sep.empty() ? self.find_first_of(" \t\n", i) : self.find(sep, i);
      if (j == std::string::npos) {
        j = self.size();
      }
      if (!sep.empty() || j > i) {
        parts.push_back(Value::of_str(self.substr(i, j - i)));
      }
      i = j + std::max<size_t>(sep.size(), 1);
    }
    Value v;
    v.kind = Kind::kList;
    CL_ASSIGN_OR_RETURN(v.list, heap_.new_list(std::move(parts)));
    return v;
  }
  if (name == "encode" || name == "decode") {
    return Value::of_str(self);
  }
  return Value::opaque(
      fmt::format("str.{}() at line {} (not evaluated by the translation)", name, line));
}

Result<Value> Interpreter::list_method(ListObj& list, const std::string& name, const CallArgs& args,
                                       int line) {
  const auto& a = args.positional;
  if (name == "append" && a.size() == 1) {
    if (list.items.size() >= kMaxListItems) {
      return error(line, "list too long");
    }
    CL_RETURN_IF_ERROR(heap_.charge(sizeof(Value)));
    list.items.push_back(a[0]);
    return Value::none();
  }
  if (name == "extend" && a.size() == 1) {
    CL_ASSIGN_OR_RETURN(std::optional<std::vector<Value>> items, items_of(a[0], line));
    if (!items) {
      list.tainted = fmt::format("extend() with an unknown value at line {}", line);
      return Value::none();
    }
    if (list.items.size() + items->size() > kMaxListItems) {
      return error(line, "list too long");
    }
    CL_RETURN_IF_ERROR(heap_.charge(items->size() * sizeof(Value)));
    list.items.insert(list.items.end(), items->begin(), items->end());
    return Value::none();
  }
  if (name == "insert" && a.size() == 2 && a[0].kind == Kind::kInt) {
    auto size = static_cast<int64_t>(list.items.size());
    if (list.items.size() >= kMaxListItems) {
      return error(line, "list too long");
    }
    CL_RETURN_IF_ERROR(heap_.charge(sizeof(Value)));
    int64_t i = std::clamp(a[0].integer < 0 ? a[0].integer + size : a[0].integer,
                           static_cast<int64_t>(0), size);
    list.items.insert(list.items.begin() + i, a[1]);
    return Value::none();
  }
  if (name == "pop" && a.empty()) {
    if (list.items.empty()) {
      return error(line, "pop from an empty list (IndexError)");
    }
    Value v = list.items.back();
    list.items.pop_back();
    return v;
  }
  std::string why =
      fmt::format("list.{}() at line {}, which the translation does not evaluate", name, line);
  if (name != "index" && name != "count" && name != "copy") {
    list.tainted = why;  // it may have changed the list
  }
  return Value::opaque(why);
}

Result<Value> Interpreter::dict_method(DictObj& dict, const std::string& name, const CallArgs& args,
                                       int line) {
  const auto& a = args.positional;
  Value self;
  self.kind = Kind::kDict;
  self.dict = &dict;
  if (name == "get" && (a.size() == 1 || a.size() == 2)) {
    if (a[0].is_opaque()) {
      return a[0];
    }
    for (const auto& [k, v] : dict.items) {
      auto e = equal(k, a[0]);
      if (!e) {
        return Value::opaque(describe(k));
      }
      if (*e) {
        return v;
      }
    }
    return a.size() == 2 ? a[1] : Value::none();
  }
  if ((name == "keys" || name == "values" || name == "items") && a.empty()) {
    std::vector<Value> out;
    for (const auto& [k, v] : dict.items) {
      if (name == "items") {
        Value t;
        t.kind = Kind::kTuple;
        CL_ASSIGN_OR_RETURN(t.list, heap_.new_list({k, v}));
        out.push_back(t);
      } else {
        out.push_back(name == "keys" ? k : v);
      }
    }
    Value l;
    l.kind = Kind::kList;
    CL_ASSIGN_OR_RETURN(l.list, heap_.new_list(std::move(out)));
    return l;
  }
  if (name == "update" && a.size() <= 1) {
    if (!a.empty()) {
      if (a[0].kind != Kind::kDict || !a[0].dict->tainted.empty()) {
        dict.tainted = fmt::format("update() with an unknown value at line {}", line);
        return Value::none();
      }
      for (const auto& [k, v] : a[0].dict->items) {
        CL_RETURN_IF_ERROR(set_item(self, k, v, line));
      }
    }
    for (const auto& [k, v] : args.keywords) {
      CL_RETURN_IF_ERROR(set_item(self, Value::of_str(k), v, line));
    }
    return Value::none();
  }
  std::string why =
      fmt::format("dict.{}() at line {}, which the translation does not evaluate", name, line);
  if (name != "copy") {
    dict.tainted = why;  // it may have changed the dict
  }
  return Value::opaque(why);
}

}  // namespace chainlab::emulator::sonemu
