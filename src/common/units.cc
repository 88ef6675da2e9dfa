#include "common/units.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

namespace chainlab {

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = lower(c);
  }
  return out;
}

// "<field>: <message>", or the message alone for an empty field.
template <typename... Args>
Error bad(std::string_view field, fmt::format_string<Args...> f, Args&&... args) {
  std::string message = fmt::format(f, std::forward<Args>(args)...);
  if (field.empty()) {
    return Error{ErrorCode::kInvalidArgument, std::move(message)};
  }
  return Error{ErrorCode::kInvalidArgument, fmt::format("{}: {}", field, message)};
}

// A decimal "digits[.digits]" at the start of `s`; `rest` is what follows it.
struct Decimal {
  std::string_view whole;
  std::string_view fraction;
  std::string_view rest;
  bool has_point = false;
  bool empty() const { return whole.empty() && fraction.empty(); }
  bool zero() const {
    return whole.find_first_not_of('0') == std::string_view::npos &&
           fraction.find_first_not_of('0') == std::string_view::npos;
  }
};

Decimal split_decimal(std::string_view s) {
  Decimal d;
  size_t i = 0;
  while (i < s.size() && is_digit(s[i])) {
    ++i;
  }
  d.whole = s.substr(0, i);
  if (i < s.size() && s[i] == '.') {
    d.has_point = true;
    size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
    d.fraction = s.substr(start, i - start);
  }
  d.rest = trim_blanks(s.substr(i));
  return d;
}

// The integer part, false on overflow.
bool whole_value(std::string_view digits, uint64_t& out) {
  out = 0;
  for (char c : digits) {
    auto d = static_cast<uint64_t>(c - '0');
    if (out > (kUint64Max - d) / 10) {
      return false;
    }
    out = out * 10 + d;
  }
  return true;
}

struct SizeUnit {
  std::string_view names[3];
  uint64_t bytes;
};

constexpr SizeUnit kSizeUnits[] = {
    {{"b", "", ""}, 1},
    {{"k", "kb", "kib"}, uint64_t{1} << 10},
    {{"m", "mb", "mib"}, uint64_t{1} << 20},
    {{"g", "gb", "gib"}, uint64_t{1} << 30},
    {{"t", "tb", "tib"}, uint64_t{1} << 40},
    {{"p", "pb", "pib"}, uint64_t{1} << 50},
};

struct DurationUnit {
  std::string_view suffix;
  uint64_t ns;
};

constexpr DurationUnit kDurationUnits[] = {
    {"ns", 1}, {"us", 1'000}, {"ms", 1'000'000}, {"s", 1'000'000'000}};

__extension__ typedef unsigned __int128 Wide;

}  // namespace

Result<int64_t> parse_int(std::string_view text, std::string_view field, int64_t min, int64_t max) {
  std::string_view s = trim_blanks(text);
  bool negative = !s.empty() && s.front() == '-';
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    s.remove_prefix(1);
  }
  if (s.empty() || !is_digit(s.front())) {
    return bad(field, "'{}' is not an integer", text);
  }
  uint64_t magnitude = 0;
  for (char c : s) {
    if (!is_digit(c)) {
      return bad(field, "'{}' is not an integer", text);
    }
  }
  bool fits = whole_value(s, magnitude) &&
              magnitude <= (negative ? uint64_t{1} << 63 : static_cast<uint64_t>(kInt64Max));
  int64_t v = 0;
  if (fits) {
    v = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  }
  if (!fits || v < min || v > max) {
    return bad(field, "{} is out of range {}..{}", trim_blanks(text), min, max);
  }
  return v;
}

Result<uint64_t> parse_uint(std::string_view text, std::string_view field, uint64_t max) {
  std::string_view s = trim_blanks(text);
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
  }
  if (!s.empty() && s.front() == '-') {
    return bad(field, "'{}' is negative", text);
  }
  if (s.empty()) {
    return bad(field, "'{}' is not an integer", text);
  }
  for (char c : s) {
    if (!is_digit(c)) {
      return bad(field, "'{}' is not an integer", text);
    }
  }
  uint64_t v = 0;
  if (!whole_value(s, v) || v > max) {
    return bad(field, "{} is out of range 0..{}", trim_blanks(text), max);
  }
  return v;
}

Result<double> check_number(double value, std::string_view field, double min, double max) {
  if (!std::isfinite(value)) {
    return bad(field, "{} is not a finite number", value);
  }
  if (value < min || value > max) {
    return bad(field, "{} is out of range {}..{}", value, min, max);
  }
  return value;
}

Result<double> parse_number(std::string_view text, std::string_view field, double min, double max) {
  std::string_view s = trim_blanks(text);
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
  }
  // Digits, a point or a sign must start it: from_chars would also take "inf" and "nan".
  if (s.empty() || !(is_digit(s.front()) || s.front() == '.' || s.front() == '-')) {
    return bad(field, "'{}' is not a number", text);
  }
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) {
    return bad(field, "'{}' is not a representable number", text);
  }
  if (ec != std::errc() || end != s.data() + s.size()) {
    return bad(field, "'{}' is not a number", text);
  }
  return check_number(v, field, min, max);
}

Result<int64_t> to_int(double value, std::string_view field, int64_t min, int64_t max) {
  if (!std::isfinite(value)) {
    return bad(field, "{} is not a finite number", value);
  }
  if (value != std::trunc(value)) {
    return bad(field, "{} is not a whole number", value);
  }
  // [-2^63, 2^63): exactly the doubles that convert to int64_t.
  constexpr double kTwo63 = 9223372036854775808.0;
  if (value < -kTwo63 || value >= kTwo63) {
    return bad(field, "{} is out of range {}..{}", value, min, max);
  }
  auto v = static_cast<int64_t>(value);
  if (v < min || v > max) {
    return bad(field, "{} is out of range {}..{}", v, min, max);
  }
  return v;
}

Result<uint64_t> parse_size(std::string_view text, std::string_view field, uint64_t bare_unit,
                            uint64_t max) {
  std::string_view s = trim_blanks(text);
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
  }
  if (!s.empty() && s.front() == '-') {
    return bad(field, "'{}' is negative", text);
  }
  Decimal d = split_decimal(s);
  if (d.empty() || (d.has_point && d.fraction.empty() && d.whole.empty())) {
    return bad(field, "'{}' is not a size (a number with an optional unit b, k, m, g, t)", text);
  }
  uint64_t unit = 0;
  std::string name = lowered(d.rest);
  if (name.empty()) {
    unit = bare_unit;
  }
  for (const SizeUnit& u : kSizeUnits) {
    for (std::string_view n : u.names) {
      if (!n.empty() && name == n) {
        unit = u.bytes;
      }
    }
  }
  if (unit == 0) {
    return bad(field, "'{}': unknown size unit '{}' (use b, k, m, g or t)", text, d.rest);
  }
  if (!d.fraction.empty() && unit == 1) {
    return bad(field, "'{}' is not a whole number of bytes", text);
  }
  if (d.fraction.size() > 18) {
    return bad(field, "'{}' has too many decimals", text);
  }
  auto too_large = [&] {
    return bad(field, "'{}' is too large (at most {})", text, format_size(max));
  };
  uint64_t whole = 0;
  uint64_t bytes = 0;
  if (!whole_value(d.whole, whole) || __builtin_mul_overflow(whole, unit, &bytes)) {
    return too_large();
  }
  if (!d.fraction.empty()) {
    uint64_t digits = 0;
    uint64_t scale = 1;
    (void)whole_value(d.fraction, digits);  // at most 18 digits: fits
    for (size_t i = 0; i < d.fraction.size(); ++i) {
      scale *= 10;
    }
    auto part = static_cast<uint64_t>(Wide{digits} * Wide{unit} / Wide{scale});  // < unit
    if (__builtin_add_overflow(bytes, part, &bytes)) {
      return too_large();
    }
  }
  if (bytes > max) {
    return too_large();
  }
  return bytes;
}

std::string format_size(uint64_t bytes) {
  static constexpr std::string_view kNames[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes == 0) {
    return "0 bytes";
  }
  int exact = -1;
  int approx = -1;
  for (int i = 0; i < 6; ++i) {
    uint64_t unit = uint64_t{1} << (10 * (i + 1));
    if (bytes % unit == 0) {
      exact = i;
    }
    if (bytes >= unit) {
      approx = i;
    }
  }
  if (exact >= 0) {
    return fmt::format("{} {}", bytes >> (10 * (exact + 1)), kNames[exact]);
  }
  if (approx < 0) {
    return fmt::format("{} bytes", bytes);
  }
  double units =
      static_cast<double>(bytes) / static_cast<double>(uint64_t{1} << (10 * (approx + 1)));
  return fmt::format("{:.1f} {}", units, kNames[approx]);
}

Result<uint64_t> parse_duration(std::string_view text, std::string_view field, uint64_t max_ns,
                                uint64_t bare_unit_ns) {
  std::string_view s = trim_blanks(text);
  auto not_a_duration = [&](std::string_view why) {
    return bad(field, "'{}' is not a duration ({})", text, why);
  };
  if (s.empty()) {
    return not_a_duration("empty");
  }
  if (s.front() == '-') {
    return not_a_duration("negative");
  }
  if (s.front() == '+') {
    s.remove_prefix(1);
  }
  Decimal d = split_decimal(s);
  if (d.empty()) {
    return not_a_duration("expected a number followed by ns, us, ms or s");
  }
  uint64_t scale = 0;
  if (d.rest.empty()) {
    if (bare_unit_ns == 0 && d.zero()) {
      return uint64_t{0};
    }
    if (bare_unit_ns == 0) {
      return not_a_duration("missing unit ns, us, ms or s");
    }
    scale = bare_unit_ns;
  }
  for (const DurationUnit& u : kDurationUnits) {
    if (d.rest == u.suffix) {
      scale = u.ns;
    }
  }
  if (scale == 0) {
    return not_a_duration("unknown unit; use ns, us, ms or s");
  }
  uint64_t whole = 0;
  uint64_t ns = 0;
  if (!whole_value(d.whole, whole) || __builtin_mul_overflow(whole, scale, &ns)) {
    return not_a_duration("too large");
  }
  // The fraction, digit by digit: exact as long as it resolves to whole nanoseconds.
  uint64_t place = scale;
  for (char c : d.fraction) {
    auto digit = static_cast<uint64_t>(c - '0');
    if (place % 10 != 0) {
      if (digit != 0) {
        return not_a_duration("finer than a nanosecond");
      }
      continue;
    }
    place /= 10;
    if (__builtin_add_overflow(ns, digit * place, &ns)) {
      return not_a_duration("too large");
    }
  }
  if (ns > max_ns) {
    return bad(field, "'{}' is too long (at most {})", text, format_duration(max_ns));
  }
  return ns;
}

std::string format_duration(uint64_t ns) {
  if (ns == 0) {
    return "0";
  }
  const DurationUnit* unit = &kDurationUnits[0];
  for (const DurationUnit& u : kDurationUnits) {
    if (ns >= u.ns) {
      unit = &u;
    }
  }
  uint64_t whole = ns / unit->ns;
  uint64_t rest = ns % unit->ns;
  std::string out = std::to_string(whole);
  if (rest != 0) {
    // Exact decimal fraction, trailing zeros dropped.
    std::string frac;
    for (uint64_t place = unit->ns / 10; place > 0; place /= 10) {
      frac += static_cast<char>('0' + (rest / place) % 10);
    }
    while (!frac.empty() && frac.back() == '0') {
      frac.pop_back();
    }
    out += '.';
    out += frac;
  }
  out += unit->suffix;
  return out;
}

Result<double> parse_rate_mbps(std::string_view text, std::string_view field, double min,
                               double max) {
  std::string_view s = trim_blanks(text);
  size_t unit_at = s.size();
  while (unit_at > 0 &&
         (std::isalpha(static_cast<unsigned char>(s[unit_at - 1])) || s[unit_at - 1] == '/')) {
    --unit_at;
  }
  auto v = parse_number(trim_blanks(s.substr(0, unit_at)), "");
  if (!v.ok()) {  // also "inf", "nan": no digits before the "unit"
    return bad(field, "'{}' is not a number", text);
  }
  std::string unit = lowered(s.substr(unit_at));
  double scale = 0;
  if (unit.empty() || unit == "m" || unit == "mbit" || unit == "mbit/s" || unit == "mbps") {
    scale = 1;
  } else if (unit == "k" || unit == "kbit" || unit == "kbit/s" || unit == "kbps") {
    scale = 1e-3;
  } else if (unit == "g" || unit == "gbit" || unit == "gbit/s" || unit == "gbps") {
    scale = 1e3;
  } else {
    return bad(field, "'{}': unknown rate unit '{}' (use kbit, mbit or gbit; bare: Mbit/s)", text,
               s.substr(unit_at));
  }
  double mbps = *v * scale;
  if (!std::isfinite(mbps) || mbps < min || mbps > max) {
    return bad(field, "'{}' is out of range {}..{} Mbit/s", text, min, max);
  }
  return mbps;
}

Result<int64_t> json_int(const nlohmann::json& value, std::string_view field, int64_t min,
                         int64_t max) {
  if (value.is_number_unsigned()) {
    auto u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(kInt64Max) || static_cast<int64_t>(u) < min ||
        static_cast<int64_t>(u) > max) {
      return bad(field, "{} is out of range {}..{}", u, min, max);
    }
    return static_cast<int64_t>(u);
  }
  if (value.is_number_integer()) {
    auto v = value.get<int64_t>();
    if (v < min || v > max) {
      return bad(field, "{} is out of range {}..{}", v, min, max);
    }
    return v;
  }
  if (value.is_number_float()) {
    return to_int(value.get<double>(), field, min, max);
  }
  if (value.is_string()) {
    return parse_int(value.get_ref<const std::string&>(), field, min, max);
  }
  return bad(field, "expected an integer, not {}", value.type_name());
}

Result<double> json_number(const nlohmann::json& value, std::string_view field, double min,
                           double max) {
  if (value.is_number()) {
    return check_number(value.get<double>(), field, min, max);
  }
  if (value.is_string()) {
    return parse_number(value.get_ref<const std::string&>(), field, min, max);
  }
  return bad(field, "expected a number, not {}", value.type_name());
}

}  // namespace chainlab
