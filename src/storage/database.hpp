// Database access: a pool of SOCI sessions (SQLite or PostgreSQL) and the Transaction every
// repository function takes. No SQL is ever built by concatenating values: bind with soci::use.
#pragma once
#include <soci/soci.h>

#include <memory>
#include <string>

namespace dime::storage {

enum class Backend { sqlite, postgresql };

const char* backend_name(Backend b);

// A libpq URI ("postgresql://user@host:port/db?...") as the keyword/value string SOCI passes
// to libpq (SOCI would take the "postgresql://" prefix for a backend name). Parsed by libpq.
std::string postgresql_conninfo(const std::string& url);

class Database {
 public:
  // url: "sqlite://PATH" or "postgresql://user@host:port/db" (any libpq URI).
  Database(const std::string& url, std::size_t pool_size);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Backend backend() const { return backend_; }
  // The SQLite file path (empty for PostgreSQL); used by backup.
  const std::string& sqlite_path() const { return sqlite_path_; }

 private:
  friend class Transaction;
  struct Pool;
  Backend backend_;
  std::string sqlite_path_;
  std::unique_ptr<Pool> pool_;
};

// A transaction on a leased connection: commits on commit(), rolls back otherwise.
// On SQLite a write transaction starts with BEGIN IMMEDIATE so writers queue on the busy
// timeout instead of failing when they upgrade their lock.
class Transaction {
 public:
  enum class Mode { write, read };
  explicit Transaction(Database& db, Mode mode = Mode::write);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  soci::session& sql() { return *session_; }
  Backend backend() const { return db_.backend(); }
  void commit();

 private:
  Database& db_;
  std::size_t slot_;
  soci::session* session_;
  bool open_ = false;
};

}  // namespace dime::storage
