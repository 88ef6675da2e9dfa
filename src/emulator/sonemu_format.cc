// Python string formatting for the son-emu importer (sonemu_value.h): `"dc%d" % i`,
// `"%s-%02d" % (a, b)`, `"%(name)s" % d` and `"{}:{:d}".format(a, b)`. An opaque argument makes
// the whole result opaque; a mistake Python would raise on is an error.
#include <cmath>
#include <string>

#include "emulator/sonemu_value.h"

namespace chainlab::emulator::sonemu {
namespace {

Error format_error(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

std::optional<Value> opaque_in(const std::vector<Value>& values) {
  for (const Value& v : values) {
    if (v.is_opaque()) {
      return v;
    }
  }
  return std::nullopt;
}

// fmt with a spec built at run time; fmt::format_error becomes an Error.
template <typename T>
Result<std::string> fmt_spec(const std::string& spec, const T& value) {
  size_t run = 0;
  for (char c : spec) {
    run = c >= '0' && c <= '9' ? run + 1 : 0;
    if (run > 4) {
      return format_error(fmt::format("format spec '{}': width or precision over 9999", spec));
    }
  }
  try {
    return fmt::format(fmt::runtime("{:" + spec + "}"), value);
  } catch (const fmt::format_error& e) {
    return format_error(fmt::format("format spec '{}' is not supported: {}", spec, e.what()));
  }
}

struct PercentSpec {
  std::string flags;
  std::string width;
  std::string precision;  // without the dot; "" when absent
  char conversion = 's';
};

// One `%` conversion of `v` (a known value).
Result<std::string> convert_one(const PercentSpec& p, const Value& v) {
  bool left = p.flags.find('-') != std::string::npos;
  bool zero = p.flags.find('0') != std::string::npos && !left;
  std::string sign = p.flags.find('+') != std::string::npos   ? "+"
                     : p.flags.find(' ') != std::string::npos ? " "
                                                              : "";
  std::string alt = p.flags.find('#') != std::string::npos ? "#" : "";
  char c = p.conversion;
  if (c == 's' || c == 'r' || c == 'a') {
    std::string s = c == 's' ? py_str(v) : py_repr(v);
    if (!p.precision.empty()) {
      s = s.substr(0, static_cast<size_t>(std::stoul(p.precision)));
    }
    return fmt_spec((left ? "<" : ">") + p.width, s);
  }
  if (c == 'c') {
    if (v.kind == Kind::kStr && v.text.size() == 1) {
      return fmt_spec((left ? "<" : ">") + p.width, v.text);
    }
    if (v.kind == Kind::kInt && v.integer >= 0 && v.integer < 128) {
      return fmt_spec((left ? "<" : ">") + p.width, std::string(1, static_cast<char>(v.integer)));
    }
    return format_error("%c requires an ASCII code or a single character");
  }
  bool numeric = v.kind == Kind::kInt || v.kind == Kind::kFloat || v.kind == Kind::kBool;
  if (!numeric) {
    return format_error(fmt::format("%{} format: a number is required, not {}", c, type_name(v)));
  }
  // fmt's order: [align][sign][#][0][width][.precision][type]
  std::string head = (left ? "<" : "") + sign + alt + (zero ? "0" : "");
  if (c == 'd' || c == 'i' || c == 'u' || c == 'x' || c == 'X' || c == 'o') {
    if (v.kind == Kind::kFloat && c != 'd' && c != 'i' && c != 'u') {
      return format_error(fmt::format("%{} format: an integer is required, not float", c));
    }
    int64_t n = v.kind == Kind::kInt    ? v.integer
                : v.kind == Kind::kBool ? (v.boolean ? 1 : 0)
                                        : static_cast<int64_t>(std::trunc(v.number));
    if (v.kind == Kind::kFloat && !std::isfinite(v.number)) {
      return format_error("cannot convert an infinite float to an integer");
    }
    std::string type = c == 'x' || c == 'X' || c == 'o' ? std::string(1, c) : "d";
    if (!p.precision.empty()) {  // minimum number of digits
      CL_ASSIGN_OR_RETURN(std::string digits, fmt_spec(type, n < 0 ? -n : n));
      size_t want = static_cast<size_t>(std::stoul(p.precision));
      if (digits.size() < want) {
        digits.insert(0, want - digits.size(), '0');
      }
      std::string body = (n < 0 ? "-" : sign) + digits;
      return fmt_spec((left ? "<" : ">") + p.width, body);
    }
    return fmt_spec(head + p.width + type, n);
  }
  if (std::string_view("eEfFgG").find(c) != std::string_view::npos) {
    double d = v.kind == Kind::kFloat ? v.number
               : v.kind == Kind::kInt ? static_cast<double>(v.integer)
                                      : (v.boolean ? 1.0 : 0.0);
    std::string precision = "." + (p.precision.empty() ? std::string("6") : p.precision);
    return fmt_spec(head + p.width + precision + c, d);
  }
  return format_error(fmt::format("unsupported format character '{}'", c));
}

}  // namespace

Result<Value> percent_format(const std::string& f, const Value& args) {
  if (args.is_opaque()) {
    return args;
  }
  std::vector<Value> list;
  const DictObj* mapping = nullptr;
  if (args.kind == Kind::kTuple) {
    if (!args.list->tainted.empty()) {
      return Value::opaque(args.list->tainted);
    }
    list = args.list->items;
  } else {
    if (args.kind == Kind::kDict) {
      mapping = args.dict;
    }
    list.push_back(args);
  }
  if (auto o = opaque_in(list)) {
    return *o;
  }
  std::string out;
  size_t next = 0;
  bool used_mapping = false;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out += f[i];
      continue;
    }
    if (++i >= f.size()) {
      return format_error("incomplete format");
    }
    const Value* value = nullptr;
    if (f[i] == '(') {
      size_t close = f.find(')', i);
      if (close == std::string::npos) {
        return format_error("incomplete format key");
      }
      if (mapping == nullptr) {
        return format_error("format requires a mapping");
      }
      std::string key = f.substr(i + 1, close - i - 1);
      for (const auto& [k, v] : mapping->items) {
        if (k.kind == Kind::kStr && k.text == key) {
          value = &v;
        }
      }
      if (value == nullptr) {
        return format_error(fmt::format("format key '{}' is missing", key));
      }
      used_mapping = true;
      i = close + 1;
    }
    PercentSpec p;
    while (i < f.size() && std::string_view("-+ #0").find(f[i]) != std::string_view::npos) {
      p.flags += f[i++];
    }
    while (i < f.size() && f[i] >= '0' && f[i] <= '9' && p.width.size() < 4) {
      p.width += f[i++];
    }
    if (i < f.size() && f[i] == '.') {
      ++i;
      while (i < f.size() && f[i] >= '0' && f[i] <= '9' && p.precision.size() < 4) {
        p.precision += f[i++];
      }
      if (p.precision.empty()) {
        p.precision = "0";
      }
    }
    while (i < f.size() && (f[i] == 'h' || f[i] == 'l' || f[i] == 'L')) {
      ++i;
    }
    if (i >= f.size()) {
      return format_error("incomplete format");
    }
    if (f[i] == '*') {
      return format_error("'*' width or precision in a format is not supported");
    }
    p.conversion = f[i];
    if (p.conversion == '%') {
      out += '%';
      continue;
    }
    if (value == nullptr) {
      if (next >= list.size()) {
        return format_error("not enough arguments for format string");
      }
      value = &list[next++];
    }
    CL_ASSIGN_OR_RETURN(std::string piece, convert_one(p, *value));
    out += piece;
    if (out.size() > kMaxStringBytes) {
      return format_error("formatted string too long");
    }
  }
  if (!used_mapping && next < list.size() && mapping == nullptr) {
    return format_error("not all arguments converted during string formatting");
  }
  return Value::of_str(std::move(out));
}

namespace {

// A `{...}` field's spec applied to `v`, as Python's format(v, spec) would.
Result<std::string> apply_spec(const Value& v, const std::string& spec) {
  if (spec.empty()) {
    return py_str(v);
  }
  char type = spec.back();
  switch (v.kind) {
    case Kind::kStr:
      return fmt_spec(spec, v.text);
    case Kind::kBool:
    case Kind::kInt: {
      int64_t n = v.kind == Kind::kBool ? (v.boolean ? 1 : 0) : v.integer;
      if (std::string_view("eEfFgG").find(type) != std::string_view::npos) {
        return fmt_spec(spec, static_cast<double>(n));
      }
      return fmt_spec(type == 'n' ? spec.substr(0, spec.size() - 1) + "d" : spec, n);
    }
    case Kind::kFloat:
      if (type == '%') {
        CL_ASSIGN_OR_RETURN(std::string s,
                            fmt_spec(spec.substr(0, spec.size() - 1) + "f", v.number * 100));
        return s + "%";
      }
      return fmt_spec(spec, v.number);
    default:
      return format_error(fmt::format("format spec '{}' does not apply to {}", spec, type_name(v)));
  }
}

}  // namespace

Result<Value> str_format(const std::string& f, const std::vector<Value>& positional,
                         const std::vector<std::pair<std::string, Value>>& keywords) {
  std::string out;
  size_t auto_index = 0;
  bool manual = false;
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if (c == '}') {
      if (i + 1 < f.size() && f[i + 1] == '}') {
        out += '}';
        ++i;
        continue;
      }
      return format_error("single '}' encountered in format string");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < f.size() && f[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    size_t close = f.find('}', i);
    if (close == std::string::npos) {
      return format_error("single '{' encountered in format string");
    }
    std::string field = f.substr(i + 1, close - i - 1);
    i = close;
    if (field.find('{') != std::string::npos) {
      return format_error("nested replacement fields in str.format are not supported");
    }
    std::string spec;
    if (size_t colon = field.find(':'); colon != std::string::npos) {
      spec = field.substr(colon + 1);
      field.resize(colon);
    }
    char conversion = 0;
    if (size_t bang = field.find('!'); bang != std::string::npos) {
      if (bang + 2 != field.size()) {
        return format_error("expected ':' after a conversion specifier");
      }
      conversion = field[bang + 1];
      field.resize(bang);
    }
    if (field.find_first_of(".[") != std::string::npos) {
      return format_error(
          fmt::format("format field '{}': attribute and index access are not supported", field));
    }
    const Value* value = nullptr;
    if (field.empty() || (field.find_first_not_of("0123456789") == std::string::npos)) {
      size_t index = 0;
      if (field.empty()) {
        if (manual) {
          return format_error("cannot switch from manual field numbering to automatic");
        }
        index = auto_index++;
      } else {
        manual = true;
        if (field.size() > 6) {
          return format_error("format field index too large");
        }
        index = std::stoul(field);
      }
      if (index >= positional.size()) {
        return format_error(
            fmt::format("format field {} has no argument ({} given)", index, positional.size()));
      }
      value = &positional[index];
    } else {
      for (const auto& [name, v] : keywords) {
        if (name == field) {
          value = &v;
        }
      }
      if (value == nullptr) {
        return format_error(fmt::format("format field '{}' has no keyword argument", field));
      }
    }
    if (value->is_opaque()) {
      return *value;
    }
    Value shown = *value;
    if (conversion == 'r' || conversion == 'a') {
      shown = Value::of_str(py_repr(*value));
    } else if (conversion == 's') {
      shown = Value::of_str(py_str(*value));
    } else if (conversion != 0) {
      return format_error(fmt::format("unknown conversion specifier '{}'", conversion));
    }
    CL_ASSIGN_OR_RETURN(std::string piece, apply_spec(shown, spec));
    out += piece;
    if (out.size() > kMaxStringBytes) {
      return format_error("formatted string too long");
    }
  }
  return Value::of_str(std::move(out));
}

}  // namespace chainlab::emulator::sonemu
