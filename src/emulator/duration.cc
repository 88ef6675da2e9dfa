// Durations ("10ms", "1.5s") and great-circle distances for topology files.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "emulator/topology.h"

namespace chainlab::emulator {

namespace {

struct Unit {
  std::string_view suffix;
  uint64_t ns;
};

constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1'000}, {"ms", 1'000'000}, {"s", 1'000'000'000}};

Error not_a_duration(std::string_view text, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument, "'{}' is not a duration ({})", text, why);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

Result<uint64_t> parse_duration(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  if (s.empty()) {
    return not_a_duration(text, "empty");
  }
  if (s.front() == '-') {
    return not_a_duration(text, "negative");
  }
  if (s.front() == '+') {
    s.remove_prefix(1);
  }
  // Digits, an optional fraction, optional blanks, a unit.
  size_t i = 0;
  std::string_view int_part;
  std::string_view frac_part;
  while (i < s.size() && is_digit(s[i])) {
    ++i;
  }
  int_part = s.substr(0, i);
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
    frac_part = s.substr(start, i - start);
  }
  if (int_part.empty() && frac_part.empty()) {
    return not_a_duration(text, "expected a number followed by ns, us, ms or s");
  }
  std::string_view unit = s.substr(i);
  while (!unit.empty() && unit.front() == ' ') {
    unit.remove_prefix(1);
  }
  bool all_zero = int_part.find_first_not_of('0') == std::string_view::npos &&
                  frac_part.find_first_not_of('0') == std::string_view::npos;
  uint64_t scale = 0;
  if (unit.empty()) {
    if (all_zero) {
      return uint64_t{0};
    }
    return not_a_duration(text, "missing unit ns, us, ms or s");
  }
  for (const Unit& u : kUnits) {
    if (unit == u.suffix) {
      scale = u.ns;
    }
  }
  if (scale == 0) {
    return not_a_duration(text, "unknown unit; use ns, us, ms or s");
  }
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t whole = 0;
  for (char c : int_part) {
    auto d = static_cast<uint64_t>(c - '0');
    if (whole > (kMax - d) / 10) {
      return not_a_duration(text, "too large");
    }
    whole = whole * 10 + d;
  }
  if (whole > kMax / scale) {
    return not_a_duration(text, "too large");
  }
  uint64_t ns = whole * scale;
  // The fraction, digit by digit: exact as long as it resolves to whole nanoseconds.
  uint64_t place = scale;
  for (char c : frac_part) {
    auto d = static_cast<uint64_t>(c - '0');
    if (place % 10 != 0) {
      if (d != 0) {
        return not_a_duration(text, "finer than a nanosecond");
      }
      continue;
    }
    place /= 10;
    if (ns > kMax - d * place) {
      return not_a_duration(text, "too large");
    }
    ns += d * place;
  }
  return ns;
}

std::string format_duration(uint64_t ns) {
  if (ns == 0) {
    return "0";
  }
  const Unit* unit = &kUnits[0];
  for (const Unit& u : kUnits) {
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

double distance_km(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kDegToRad = 3.14159265358979323846 / 180.0;
  double phi1 = lat1 * kDegToRad;
  double phi2 = lat2 * kDegToRad;
  double dphi = (lat2 - lat1) * kDegToRad;
  double dlambda = (lon2 - lon1) * kDegToRad;
  double h = std::sin(dphi / 2) * std::sin(dphi / 2) +
             std::cos(phi1) * std::cos(phi2) * std::sin(dlambda / 2) * std::sin(dlambda / 2);
  h = std::min(1.0, std::max(0.0, h));
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(h));
}

}  // namespace chainlab::emulator
