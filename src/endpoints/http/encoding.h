// Accept-Encoding read as its list of content codings ("gzip, br;q=0.5" -> gzip, br).
#pragma once

#include <string_view>

namespace chainlab::endpoints {

// The coding of one list element: the name before any ";q=..." parameter, trimmed.
std::string_view coding_name(std::string_view element);

// Whether an Accept-Encoding value lists `coding`.
bool lists_coding(std::string_view accept_encoding, std::string_view coding);

}  // namespace chainlab::endpoints
