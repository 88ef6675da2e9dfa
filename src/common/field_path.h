// The one wording of a wrong field in untrusted input, JSON or YAML: the field is named by its
// path from the top of the document ("server.networks[2].port"), after the source when there is
// one ("t.yaml: links[3].delay: expected a duration such as 10ms"). common/field_reader.h reads
// JSON objects with it; the YAML readers (topology, descriptors, HOT) build their paths and
// errors with it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace chainlab {

// "path.key", or "key" at the top (empty `path`).
std::string field_join(std::string_view path, std::string_view key);
// "path[index]".
std::string field_item(std::string_view path, size_t index);
// InvalidArgument "source: path: message"; an empty source or path is left out with its ": ".
Error field_error(std::string_view source, std::string_view path, std::string_view message);

}  // namespace chainlab
