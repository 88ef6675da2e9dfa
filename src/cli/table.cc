#include "cli/table.h"

#include <algorithm>

namespace chainlab::cli {

std::string Table::render() const {
  std::vector<size_t> width(header_.size(), 0);
  auto widen = [&width](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  };
  widen(header_);
  for (const auto& r : rows_) {
    widen(r);
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      out += cell;
      if (i + 1 < width.size()) {
        out.append(width[i] - cell.size() + 2, ' ');
      }
    }
    out += '\n';
  };
  line(header_);
  for (const auto& r : rows_) {
    line(r);
  }
  return out;
}

}  // namespace chainlab::cli
