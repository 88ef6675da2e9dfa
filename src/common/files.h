// Small whole-file helpers for procfs, sysfs and cgroupfs (short files read and written at once).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/fd.h"
#include "common/result.h"

namespace chainlab {

// What read_file reads at most when the caller names no limit: plenty for procfs, sysfs,
// cgroupfs and chainlab's own state files.
inline constexpr size_t kDefaultMaxRead = size_t{16} << 20;

// Opens `path` read-only (O_CLOEXEC). NotFound when it does not exist; "open <path>: ..." errors.
Result<UniqueFd> open_read(const std::string& path);
// One read(2) of at most `n` bytes into `buf`, retried on EINTR: how many bytes came, 0 at the
// end of the file; "read <path>: ..." errors.
Result<size_t> read_some(int fd, char* buf, size_t n, const std::string& path);
// Reads a whole file of at most `max_bytes`. NotFound when it does not exist; InvalidArgument
// "<path>: larger than N bytes" for a longer one, found without reading past the limit (so
// /dev/zero or a growing log cannot exhaust memory).
Result<std::string> read_file(const std::string& path, size_t max_bytes = kDefaultMaxRead);
// The last `max_bytes` of a file (all of it when shorter). NotFound when it does not exist.
Result<std::string> read_file_tail(const std::string& path, size_t max_bytes);
// Writes `data` with one write(2) (how kernel pseudo-files want it); no O_CREAT unless `create`.
Status write_file(const std::string& path, std::string_view data, bool create = false);
// Names in a directory, without "." and "..". NotFound when the directory does not exist.
Result<std::vector<std::string>> list_dir(const std::string& path);
// Trims ASCII whitespace at both ends.
std::string_view trim(std::string_view s);
// Splits on a single character; keeps empty fields.
std::vector<std::string_view> split(std::string_view s, char sep);
// ASCII letters in lower case, every other byte unchanged.
std::string ascii_lower(std::string_view s);
// A path inside an archive made safe to join to a directory: "./a//b/" -> "a/b" ("" for the root
// itself). InvalidArgument "refusing <what> '<raw>': ..." for an absolute path or a ".."
// component (`what`: "layer entry", "archive entry").
Result<std::string> clean_relative_path(std::string_view raw, std::string_view what);

}  // namespace chainlab
