// Python's operators for the son-emu importer's values (sonemu_value.h): equality, arithmetic
// with Python's division and modulo (64-bit integers; overflow is an error), comparisons and
// membership. An unknown operand makes the result unknown.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "emulator/sonemu_value.h"

namespace chainlab::emulator::sonemu {
namespace {

// The first operand whose value is unknown (opaque, a tainted container, or an imported name
// such as `sys.maxsize`), as the opaque result of an operation on it.
std::optional<Value> opaque_operand(const Value& a, const Value& b) {
  for (const Value* v : {&a, &b}) {
    if (v->is_opaque()) {
      return *v;
    }
    if (v->kind == Kind::kExternal) {
      return Value::opaque(v->text);
    }
    if ((v->kind == Kind::kList || v->kind == Kind::kTuple) && !v->list->tainted.empty()) {
      return Value::opaque(v->list->tainted);
    }
    if (v->kind == Kind::kDict && !v->dict->tainted.empty()) {
      return Value::opaque(v->dict->tainted);
    }
  }
  return std::nullopt;
}

Error type_error(std::string_view op, const Value& a, const Value& b) {
  return make_error(ErrorCode::kInvalidArgument, "unsupported operand types for {}: '{}' and '{}'",
                    op, type_name(a), type_name(b));
}

Error overflow() {
  return Error{ErrorCode::kInvalidArgument,
               "integer overflow (the translation computes with 64-bit integers)"};
}

bool int_like(const Value& v) {
  return v.kind == Kind::kInt || v.kind == Kind::kBool;
}
int64_t as_int(const Value& v) {
  return v.kind == Kind::kBool ? (v.boolean ? 1 : 0) : v.integer;
}
double as_double(const Value& v) {
  return v.kind == Kind::kFloat ? v.number : static_cast<double>(as_int(v));
}

Result<Value> int_power(int64_t base, int64_t exp) {
  if (exp < 0) {
    if (base == 0) {
      return Error{ErrorCode::kInvalidArgument, "division by zero (0 to a negative power)"};
    }
    return Value::of_float(std::pow(static_cast<double>(base), static_cast<double>(exp)));
  }
  int64_t result = 1;
  for (int64_t i = 0; i < exp; ++i) {
    if (__builtin_mul_overflow(result, base, &result)) {
      return overflow();
    }
    if (result == 0 || result == 1) {
      break;  // 0**n and 1**n; (-1)**n needs the parity
    }
    if (result == -1 && base == -1) {
      return Value::of_int((exp % 2) == 0 ? 1 : -1);
    }
  }
  return Value::of_int(result);
}

Result<Value> int_op(std::string_view op, int64_t x, int64_t y) {
  int64_t r = 0;
  if (op == "+") {
    if (__builtin_add_overflow(x, y, &r)) {
      return overflow();
    }
  } else if (op == "-") {
    if (__builtin_sub_overflow(x, y, &r)) {
      return overflow();
    }
  } else if (op == "*") {
    if (__builtin_mul_overflow(x, y, &r)) {
      return overflow();
    }
  } else if (op == "/") {
    if (y == 0) {
      return Error{ErrorCode::kInvalidArgument, "division by zero"};
    }
    return Value::of_float(static_cast<double>(x) / static_cast<double>(y));
  } else if (op == "//" || op == "%") {
    if (y == 0) {
      return Error{ErrorCode::kInvalidArgument, "division by zero"};
    }
    if (x == std::numeric_limits<int64_t>::min() && y == -1) {
      return op == "%" ? Value::of_int(0) : Result<Value>(overflow());
    }
    int64_t q = x / y;
    int64_t m = x % y;
    if (m != 0 && ((m < 0) != (y < 0))) {
      --q;
      m += y;
    }
    r = op == "//" ? q : m;
  } else if (op == "**") {
    return int_power(x, y);
  } else if (op == "&") {
    r = x & y;
  } else if (op == "|") {
    r = x | y;
  } else if (op == "^") {
    r = x ^ y;
  } else if (op == "<<" || op == ">>") {
    if (y < 0) {
      return Error{ErrorCode::kInvalidArgument, "negative shift count"};
    }
    if (op == ">>") {
      r = y >= 63 ? (x < 0 ? -1 : 0) : x >> y;
    } else {
      if (x != 0 && (y >= 63 || (x > 0 ? x > (std::numeric_limits<int64_t>::max() >> y)
                                       : x < (std::numeric_limits<int64_t>::min() >> y)))) {
        return overflow();
      }
      r = y >= 63 ? 0 : static_cast<int64_t>(static_cast<uint64_t>(x) << y);
    }
  } else {
    return make_error(ErrorCode::kInvalidArgument, "unknown operator {}", op);
  }
  return Value::of_int(r);
}

Result<Value> float_op(std::string_view op, double x, double y) {
  double r = 0;
  if (op == "+") {
    r = x + y;
  } else if (op == "-") {
    r = x - y;
  } else if (op == "*") {
    r = x * y;
  } else if (op == "/" || op == "//" || op == "%") {
    if (y == 0) {
      return Error{ErrorCode::kInvalidArgument, "float division by zero"};
    }
    if (op == "/") {
      r = x / y;
    } else {
      double m = std::fmod(x, y);
      if (m != 0 && ((m < 0) != (y < 0))) {
        m += y;
      }
      r = op == "%" ? m : std::floor(x / y);
    }
  } else if (op == "**") {
    r = std::pow(x, y);
  } else {
    return make_error(ErrorCode::kInvalidArgument, "unsupported operand types for {}: 'float'", op);
  }
  if (!std::isfinite(r)) {
    return Error{ErrorCode::kInvalidArgument, "float result out of range"};
  }
  return Value::of_float(r);
}

Result<Value> repeat(Heap& heap, const Value& seq, int64_t n) {
  n = std::max<int64_t>(n, 0);
  if (seq.kind == Kind::kStr) {
    if (!seq.text.empty() && static_cast<uint64_t>(n) > kMaxStringBytes / seq.text.size()) {
      return make_error(ErrorCode::kInvalidArgument, "string longer than {} bytes",
                        kMaxStringBytes);
    }
    std::string out;
    for (int64_t i = 0; i < n; ++i) {
      out += seq.text;
    }
    return Value::of_str(std::move(out));
  }
  const auto& items = seq.list->items;
  if (!items.empty() && static_cast<uint64_t>(n) > kMaxListItems / items.size()) {
    return make_error(ErrorCode::kInvalidArgument, "list longer than {} items", kMaxListItems);
  }
  std::vector<Value> out;
  for (int64_t i = 0; i < n; ++i) {
    out.insert(out.end(), items.begin(), items.end());
  }
  Value v;
  v.kind = seq.kind;
  CL_ASSIGN_OR_RETURN(v.list, heap.new_list(std::move(out)));
  return v;
}

}  // namespace

std::optional<bool> equal(const Value& a, const Value& b) {
  if (opaque_operand(a, b)) {
    return std::nullopt;
  }
  if ((a.is_number() || a.kind == Kind::kBool) && (b.is_number() || b.kind == Kind::kBool)) {
    if (int_like(a) && int_like(b)) {
      return as_int(a) == as_int(b);
    }
    return as_double(a) == as_double(b);
  }
  if (a.kind != b.kind) {
    return false;
  }
  switch (a.kind) {
    case Kind::kNone:
      return true;
    case Kind::kStr:
    case Kind::kExternal:
    case Kind::kBuiltin:
      return a.text == b.text;
    case Kind::kList:
    case Kind::kTuple: {
      if (a.list->items.size() != b.list->items.size()) {
        return false;
      }
      for (size_t i = 0; i < a.list->items.size(); ++i) {
        auto e = equal(a.list->items[i], b.list->items[i]);
        if (!e || !*e) {
          return e;
        }
      }
      return true;
    }
    case Kind::kDict: {
      if (a.dict->items.size() != b.dict->items.size()) {
        return false;
      }
      for (const auto& [key, value] : a.dict->items) {
        bool found = false;
        for (const auto& [k2, v2] : b.dict->items) {
          auto ke = equal(key, k2);
          if (!ke) {
            return std::nullopt;
          }
          if (*ke) {
            auto ve = equal(value, v2);
            if (!ve || !*ve) {
              return ve;
            }
            found = true;
            break;
          }
        }
        if (!found) {
          return false;
        }
      }
      return true;
    }
    case Kind::kRange:
      return a.integer == b.integer && a.stop == b.stop && a.step == b.step;
    case Kind::kFunction:
    case Kind::kMethod:
      return a.fn == b.fn && a.inst == b.inst;
    case Kind::kClass:
      return a.cls == b.cls;
    case Kind::kInstance:
      return a.inst == b.inst;
    case Kind::kBound:
      return a.bound == b.bound;
    case Kind::kApi:
    case Kind::kApiMethod:
      return a.api == b.api && a.text == b.text;
    default:
      return false;
  }
}

Result<Value> binary_op(Heap& heap, std::string_view op, const Value& a, const Value& b) {
  if (auto o = opaque_operand(a, b)) {
    return *o;
  }
  if (op == "%" && a.kind == Kind::kStr) {
    return percent_format(a.text, b);
  }
  if ((int_like(a) || a.kind == Kind::kFloat) && (int_like(b) || b.kind == Kind::kFloat)) {
    if (int_like(a) && int_like(b)) {
      return int_op(op, as_int(a), as_int(b));
    }
    if (op == "&" || op == "|" || op == "^" || op == "<<" || op == ">>") {
      return type_error(op, a, b);
    }
    return float_op(op, as_double(a), as_double(b));
  }
  if (op == "+" && a.kind == b.kind && a.kind == Kind::kStr) {
    if (a.text.size() + b.text.size() > kMaxStringBytes) {
      return make_error(ErrorCode::kInvalidArgument, "string longer than {} bytes",
                        kMaxStringBytes);
    }
    return Value::of_str(a.text + b.text);
  }
  if (op == "+" && a.kind == b.kind && (a.kind == Kind::kList || a.kind == Kind::kTuple)) {
    if (a.list->items.size() + b.list->items.size() > kMaxListItems) {
      return make_error(ErrorCode::kInvalidArgument, "list longer than {} items", kMaxListItems);
    }
    std::vector<Value> items = a.list->items;
    items.insert(items.end(), b.list->items.begin(), b.list->items.end());
    Value v;
    v.kind = a.kind;
    CL_ASSIGN_OR_RETURN(v.list, heap.new_list(std::move(items)));
    return v;
  }
  if (op == "*") {
    bool a_seq = a.kind == Kind::kStr || a.kind == Kind::kList || a.kind == Kind::kTuple;
    bool b_seq = b.kind == Kind::kStr || b.kind == Kind::kList || b.kind == Kind::kTuple;
    if (a_seq && int_like(b)) {
      return repeat(heap, a, as_int(b));
    }
    if (b_seq && int_like(a)) {
      return repeat(heap, b, as_int(a));
    }
  }
  return type_error(op, a, b);
}

Result<Value> compare_op(std::string_view op, const Value& a, const Value& b) {
  if (op == "==" || op == "!=") {
    auto e = equal(a, b);
    if (!e) {
      return *opaque_operand(a, b);
    }
    return Value::of_bool(op == "==" ? *e : !*e);
  }
  if (op == "is" || op == "is not") {
    if (auto o = opaque_operand(a, b)) {
      return *o;
    }
    bool same = false;
    if (a.kind == Kind::kNone || b.kind == Kind::kNone || a.kind == Kind::kBool ||
        b.kind == Kind::kBool) {
      same = a.kind == b.kind && a.boolean == b.boolean;
    } else {
      same = equal(a, b).value_or(false);
    }
    return Value::of_bool(op == "is" ? same : !same);
  }
  if (op == "in" || op == "not in") {
    if (auto o = opaque_operand(a, b)) {
      return *o;
    }
    std::optional<bool> found = false;
    if (b.kind == Kind::kStr) {
      if (a.kind != Kind::kStr) {
        return make_error(ErrorCode::kInvalidArgument,
                          "'in <string>' requires a string as left operand, not {}", type_name(a));
      }
      found = b.text.find(a.text) != std::string::npos;
    } else if (b.kind == Kind::kList || b.kind == Kind::kTuple || b.kind == Kind::kDict) {
      size_t n = b.kind == Kind::kDict ? b.dict->items.size() : b.list->items.size();
      for (size_t i = 0; i < n && found && !*found; ++i) {
        found = equal(a, b.kind == Kind::kDict ? b.dict->items[i].first : b.list->items[i]);
      }
      if (!found) {
        return Value::opaque("a membership test on an unknown value");
      }
    } else if (b.kind == Kind::kRange && int_like(a)) {
      int64_t x = as_int(a);
      bool inside = b.step > 0 ? (x >= b.integer && x < b.stop) : (x <= b.integer && x > b.stop);
      found = inside && (x - b.integer) % b.step == 0;
    } else {
      return make_error(ErrorCode::kInvalidArgument, "argument of type '{}' is not iterable",
                        type_name(b));
    }
    return Value::of_bool(op == "in" ? *found : !*found);
  }
  if (auto o = opaque_operand(a, b)) {
    return *o;
  }
  int c = 0;
  if ((int_like(a) || a.kind == Kind::kFloat) && (int_like(b) || b.kind == Kind::kFloat)) {
    if (int_like(a) && int_like(b)) {
      c = as_int(a) < as_int(b) ? -1 : as_int(a) > as_int(b) ? 1 : 0;
    } else {
      double x = as_double(a);
      double y = as_double(b);
      c = x < y ? -1 : x > y ? 1 : 0;
    }
  } else if (a.kind == Kind::kStr && b.kind == Kind::kStr) {
    c = a.text.compare(b.text);
  } else {
    return make_error(ErrorCode::kInvalidArgument,
                      "'{}' not supported between instances of '{}' and '{}'", op, type_name(a),
                      type_name(b));
  }
  bool r = op == "<" ? c < 0 : op == ">" ? c > 0 : op == "<=" ? c <= 0 : c >= 0;
  return Value::of_bool(r);
}

Result<Value> unary_op(std::string_view op, const Value& v) {
  if (v.is_opaque()) {
    return v;
  }
  if (op == "not") {
    auto t = truth(v);
    if (!t) {
      return Value::opaque(describe(v));
    }
    return Value::of_bool(!*t);
  }
  if (int_like(v)) {
    int64_t x = as_int(v);
    if (op == "-") {
      if (x == std::numeric_limits<int64_t>::min()) {
        return overflow();
      }
      return Value::of_int(-x);
    }
    if (op == "~") {
      return Value::of_int(~x);
    }
    return Value::of_int(x);
  }
  if (v.kind == Kind::kFloat && op != "~") {
    return Value::of_float(op == "-" ? -v.number : v.number);
  }
  return make_error(ErrorCode::kInvalidArgument, "bad operand type for unary {}: '{}'", op,
                    type_name(v));
}

}  // namespace chainlab::emulator::sonemu
