// SOCI connection pool and transactions, with the per-backend connection settings.
#include "storage/database.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>

#include "core/error.hpp"

namespace dime::storage {

const char* backend_name(Backend b) {
  return b == Backend::sqlite ? "sqlite" : "postgresql";
}

std::string postgresql_conninfo(const std::string& url) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(url.c_str(), &error), &PQconninfoFree);
  if (!options) {
    std::string message = error ? error : "malformed PostgreSQL URL";
    PQfreemem(error);
    throw std::runtime_error(message);
  }
  std::string out;
  for (auto* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string value;
    for (const char* c = o->val; *c != '\0'; ++c) {
      if (*c == '\\' || *c == '\'') value += '\\';
      value += *c;
    }
    if (!out.empty()) out += ' ';
    out += std::string(o->keyword) + "='" + value + "'";
  }
  return out;
}

struct Database::Pool {
  explicit Pool(std::size_t n) : pool(n), size(n) {}
  soci::connection_pool pool;
  std::size_t size;
};

namespace {
void configure_sqlite(soci::session& s) {
  // WAL for concurrent readers; FULL sync so an acknowledged commit survives power loss;
  // foreign keys on; schema may not call application functions (trusted_schema off).
  s << "PRAGMA busy_timeout = 10000";
  s << "PRAGMA journal_mode = WAL";
  s << "PRAGMA synchronous = FULL";
  s << "PRAGMA foreign_keys = ON";
  s << "PRAGMA trusted_schema = OFF";
  // Reads that scan many rows (statistics) map the file instead of copying every page through
  // read(); 256 MiB of address space per connection, shared with the OS page cache.
  s << "PRAGMA mmap_size = 268435456";
}
}  // namespace

Database::Database(const std::string& url, std::size_t pool_size)
    : pool_(std::make_unique<Pool>(pool_size)) {
  const std::string sqlite_prefix = "sqlite://";
  if (url.rfind(sqlite_prefix, 0) == 0) {
    backend_ = Backend::sqlite;
    sqlite_path_ = url.substr(sqlite_prefix.size());
    if (sqlite_path_.empty()) throw std::runtime_error("sqlite:// needs a file path");
    auto parent = std::filesystem::path(sqlite_path_).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    for (std::size_t i = 0; i < pool_size; ++i) {
      auto& s = pool_->pool.at(i);
      // SOCI's sqlite3 backend takes "db=..."; quote the path so spaces survive.
      s.open(soci::sqlite3, "db=\"" + sqlite_path_ + "\"");
      configure_sqlite(s);
    }
  } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    backend_ = Backend::postgresql;
    const std::string conninfo = postgresql_conninfo(url);
    for (std::size_t i = 0; i < pool_size; ++i) {
      pool_->pool.at(i).open(soci::postgresql, conninfo);
    }
  } else {
    throw std::runtime_error("database URL must start with sqlite:// or postgresql://");
  }
}

Database::~Database() = default;

Transaction::Transaction(Database& db, Mode mode) : db_(db) {
  slot_ = db.pool_->pool.lease();
  session_ = &db.pool_->pool.at(slot_);
  try {
    if (db.backend() == Backend::sqlite) {
      *session_ << (mode == Mode::write ? "BEGIN IMMEDIATE" : "BEGIN");
    } else {
      try {
        *session_ << "BEGIN";
      } catch (const soci::soci_error&) {
        // The server may have dropped this pooled connection: reconnect once.
        session_->reconnect();
        *session_ << "BEGIN";
      }
      if (mode == Mode::read) *session_ << "SET TRANSACTION READ ONLY";
    }
    open_ = true;
  } catch (...) {
    db.pool_->pool.give_back(slot_);
    throw;
  }
}

Transaction::~Transaction() {
  if (open_) {
    try {
      *session_ << "ROLLBACK";
    } catch (const std::exception& e) {
      spdlog::warn("rollback failed: {}", e.what());
    }
  }
  db_.pool_->pool.give_back(slot_);
}

void Transaction::commit() {
  *session_ << "COMMIT";
  open_ = false;
}

}  // namespace dime::storage
