#include "frontends/unode/sqlite_db.h"

#include <sqlite3.h>

#include <fmt/format.h>

namespace chainlab::unode {
namespace {

struct StatementDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

}  // namespace

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return make_error(ErrorCode::kUnavailable, "opening {}: {}", path, message);
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<SqliteDb> out(new SqliteDb(db));
  CL_RETURN_IF_ERROR(out->exec("PRAGMA foreign_keys = ON;"));
  return out;
}

SqliteDb::~SqliteDb() {
  sqlite3_close(db_);
}

Error SqliteDb::error(std::string_view what) const {
  return Error{ErrorCode::kInternal, fmt::format("{}: {}", what, sqlite3_errmsg(db_))};
}

Status SqliteDb::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return make_error(ErrorCode::kInternal, "sqlite: {}", text);
  }
  return ok_status();
}

Result<std::vector<SqlRow>> SqliteDb::query(const std::string& sql,
                                            const std::vector<SqlValue>& params) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return error("sqlite prepare");
  }
  Statement stmt(raw);
  for (size_t i = 0; i < params.size(); ++i) {
    int at = static_cast<int>(i + 1);
    int rc = std::holds_alternative<int64_t>(params[i])
                 ? sqlite3_bind_int64(raw, at, std::get<int64_t>(params[i]))
                 : sqlite3_bind_text(raw, at, std::get<std::string>(params[i]).c_str(), -1,
                                     SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) {
      return error("sqlite bind");
    }
  }
  std::vector<SqlRow> rows;
  for (int rc = sqlite3_step(raw); rc != SQLITE_DONE; rc = sqlite3_step(raw)) {
    if (rc != SQLITE_ROW) {
      return rc == SQLITE_CONSTRAINT ? Result<std::vector<SqlRow>>(make_error(
                                           ErrorCode::kAlreadyExists, "{}", sqlite3_errmsg(db_)))
                                     : Result<std::vector<SqlRow>>(error("sqlite step"));
    }
    SqlRow row;
    for (int c = 0; c < sqlite3_column_count(raw); ++c) {
      const unsigned char* text = sqlite3_column_text(raw, c);
      row.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

int64_t SqliteDb::changes() const {
  return sqlite3_changes64(db_);
}

}  // namespace chainlab::unode
