// Small whole-file helpers for procfs, sysfs and cgroupfs (short files read and written at once).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace chainlab {

// Reads a whole file. NotFound when it does not exist.
Result<std::string> read_file(const std::string& path);
// Writes `data` with one write(2) (how kernel pseudo-files want it); no O_CREAT unless `create`.
Status write_file(const std::string& path, std::string_view data, bool create = false);
// Names in a directory, without "." and "..". NotFound when the directory does not exist.
Result<std::vector<std::string>> list_dir(const std::string& path);
// Trims ASCII whitespace at both ends.
std::string_view trim(std::string_view s);
// Splits on a single character; keeps empty fields.
std::vector<std::string_view> split(std::string_view s, char sep);
// A path inside an archive made safe to join to a directory: "./a//b/" -> "a/b" ("" for the root
// itself). InvalidArgument "refusing <what> '<raw>': ..." for an absolute path or a ".."
// component (`what`: "layer entry", "archive entry").
Result<std::string> clean_relative_path(std::string_view raw, std::string_view what);

}  // namespace chainlab
