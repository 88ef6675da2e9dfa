#include "endpoints/http/encoding.h"

#include "common/files.h"

namespace chainlab::endpoints {

std::string_view coding_name(std::string_view element) {
  return trim(element.substr(0, element.find(';')));
}

bool lists_coding(std::string_view accept_encoding, std::string_view coding) {
  for (std::string_view element : split(accept_encoding, ',')) {
    if (coding_name(element) == coding) {
      return true;
    }
  }
  return false;
}

}  // namespace chainlab::endpoints
