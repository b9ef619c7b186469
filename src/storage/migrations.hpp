// Numbered schema migrations (storage/migrations/NNNN_name.sql), applied in order, each in its
// own transaction. A landed migration is never edited: add the next number instead.
#pragma once
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace dime::storage {

struct Migration {
  int version;
  std::string name;
  std::string sql;  // may use @ID@ for the dialect's auto-increment primary key
};

std::vector<Migration> embedded_migrations();
// Splits a migration into statements and expands the dialect placeholders.
std::vector<std::string> migration_statements(const std::string& sql, Backend backend);
// Applies every pending migration; returns how many were applied.
int migrate(Database& db);
// The highest applied version (0 for an empty database).
int schema_version(Database& db);

}  // namespace dime::storage
