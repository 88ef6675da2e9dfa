// UTF-8 validation for text that arrives from outside (query strings, headers, YAML scalars): a
// string stored or echoed back must be valid UTF-8, or JSON output of it would fail later.
#pragma once

#include <string_view>

namespace chainlab {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF).
bool valid_utf8(std::string_view text);

}  // namespace chainlab
