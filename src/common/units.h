// Checked numbers from untrusted text: REST parameters and bodies, query strings, YAML topologies,
// descriptors, HOT templates, CLI flags, kernel files. One family, used instead of ad-hoc
// from_chars/stod/strtol: the whole text must be the number (blanks around it are ignored), the
// value must fit the target type and the caller's range, units are applied without overflow, and
// inf, nan, hex and exponent tricks are refused. No wrap-around, no undefined float-to-int cast.
// Every error is InvalidArgument and starts with the field: "mem_limit: '17179869185g' is too
// large (at most 8 EiB)".
//
//   parse_int("42", "cookie", 0, 65535)        integers: decimal digits, optional sign
//   parse_number("0.5", "loss", 0, 100)       finite decimals: "1", "-2.5", "1e3"
//   to_int(3.0, "vcpus", 1, 1024)             a double (JSON, YAML) to an integer: whole, in range
//   parse_size("512m", "mem_limit")           bytes: b, k, m, g, t, p (also kb/kib/KiB...), binary
//                                             (1024); a fraction is allowed with a unit ("1.5g")
//   parse_duration("1.5ms", "delay")          nanoseconds: ns, us, ms, s; a bare "0"
//   parse_rate_mbps("1gbit", "bw")            Mbit/s: bare number, kbit, mbit, gbit (and /s, bps)
//   json_int(body["ram"], "ram", 1, 1 << 30)  a JSON value that is an integer, a whole float or a
//                                             string of digits; json_number likewise for decimals
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"

namespace chainlab {

inline constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
inline constexpr uint64_t kUint64Max = std::numeric_limits<uint64_t>::max();
inline constexpr double kDoubleMax = std::numeric_limits<double>::max();

// A decimal integer in [min, max]: optional '+' or '-', then digits only.
// Spaces and tabs trimmed at both ends (not newlines: a value with a line break stays wrong).
std::string_view trim_blanks(std::string_view s);

Result<int64_t> parse_int(std::string_view text, std::string_view field, int64_t min = kInt64Min,
                          int64_t max = kInt64Max);
// A non-negative decimal integer in [0, max] (no sign but an optional '+').
Result<uint64_t> parse_uint(std::string_view text, std::string_view field,
                            uint64_t max = kUint64Max);
// A finite decimal number in [min, max] ("1", "0.5", ".5", "-2", "1e3"; no inf, nan, hex).
Result<double> parse_number(std::string_view text, std::string_view field, double min = -kDoubleMax,
                            double max = kDoubleMax);
// A finite double that is a whole number in [min, max], converted without undefined behaviour.
Result<int64_t> to_int(double value, std::string_view field, int64_t min = kInt64Min,
                       int64_t max = kInt64Max);
// A finite double in [min, max].
Result<double> check_number(double value, std::string_view field, double min = -kDoubleMax,
                            double max = kDoubleMax);

// A size in bytes: a number with an optional unit b, k, m, g, t, p (case-insensitive, "kb",
// "kib" and "KiB" alike; all binary: k = 1024). A bare number is in `bare_unit` bytes (1: bytes,
// 1 << 20: MiB). A fraction needs a unit larger than a byte and is rounded down to whole bytes.
// At most `max` bytes.
Result<uint64_t> parse_size(std::string_view text, std::string_view field, uint64_t bare_unit = 1,
                            uint64_t max = static_cast<uint64_t>(kInt64Max));
// "512 MiB", "8 EiB", "1000 bytes": the largest exact binary unit.
std::string format_size(uint64_t bytes);

// A duration in nanoseconds: digits with an optional fraction and a unit ns, us, ms or s ("10ms",
// "1.5s", ".5ms", "10 ms"); the fraction must resolve to whole nanoseconds. A bare number is in
// `bare_unit_ns` (0: only a bare "0" is allowed). At most `max_ns`.
Result<uint64_t> parse_duration(std::string_view text, std::string_view field,
                                uint64_t max_ns = kUint64Max, uint64_t bare_unit_ns = 0);
// The shortest exact form with a fraction: "10ms", "1.5ms", "250us", "0".
std::string format_duration(uint64_t ns);

// A rate in Mbit/s: a bare number (Mbit/s) or one with a unit kbit, mbit, gbit (also "kbit/s",
// "mbps", "gbps"; decimal: 1 gbit = 1000 mbit), finite, in [min, max].
Result<double> parse_rate_mbps(std::string_view text, std::string_view field, double min = 0,
                               double max = kDoubleMax);

// JSON values from request bodies and descriptors: an integer, a float with no fractional part or
// a string of digits, in [min, max]. A wrong type is an error naming the field.
Result<int64_t> json_int(const nlohmann::json& value, std::string_view field,
                         int64_t min = kInt64Min, int64_t max = kInt64Max);
// A finite JSON number or numeric string in [min, max].
Result<double> json_number(const nlohmann::json& value, std::string_view field,
                           double min = -kDoubleMax, double max = kDoubleMax);

}  // namespace chainlab
