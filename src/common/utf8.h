// UTF-8 validation for text from untrusted files before it is stored: JSON serialisation (the REST
// answers) refuses invalid UTF-8, so a string that is not valid would break every later answer
// that includes it.
#pragma once

#include <string_view>

namespace chainlab {

// True for well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace chainlab
