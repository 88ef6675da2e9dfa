// The one home for enum-to-text: a constant array of names in the enum's declaration order and a
// bounds-checked lookup, instead of a switch of `case X: return "x";` per enum.
//
//   enum class Color { kRed, kBlue };
//   constexpr const char* kColorNames[] = {"red", "blue"};
//   enum_name(kColorNames, Color::kRed, color, "unknown")  // "red", "blue", else "unknown"
#pragma once

#include <cstddef>
#include <type_traits>

namespace chainlab {

// The name of `value` in `names`, which lists the enumerators from `first` on in declaration order
// (consecutive values); `fallback` for a value outside the list.
template <typename E, std::size_t N>
constexpr const char* enum_name(const char* const (&names)[N], E first, E value,
                                const char* fallback) {
  using U = std::underlying_type_t<E>;
  const long long index = static_cast<long long>(static_cast<U>(value)) - static_cast<U>(first);
  if (index < 0 || index >= static_cast<long long>(N)) {
    return fallback;
  }
  return names[index];
}

}  // namespace chainlab
