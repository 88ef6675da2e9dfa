// A small RAII layer over SQLite for the node's user store: one connection, statements with text
// and integer parameters bound by position, rows read as text. Errors carry SQLite's message.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"

struct sqlite3;

namespace chainlab::unode {

using SqlValue = std::variant<std::string, int64_t>;
using SqlRow = std::vector<std::string>;  // columns as text ("" for NULL)

class SqliteDb {
 public:
  // Opens (creating) the file with a 5 s busy timeout and foreign keys on.
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs `sql` (several statements, no parameters).
  Status exec(const std::string& sql);
  // Runs one statement with `params`; the rows it returns.
  Result<std::vector<SqlRow>> query(const std::string& sql,
                                    const std::vector<SqlValue>& params = {});
  // Rows the last write changed.
  int64_t changes() const;

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  Error error(std::string_view what) const;
  sqlite3* db_;
};

}  // namespace chainlab::unode
