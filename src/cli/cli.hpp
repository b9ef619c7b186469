// The `dime` command line: shared options and one registration function per subcommand.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>

#include "core/config.hpp"
#include "crypto/crypto.hpp"
#include "storage/database.hpp"

namespace dime::cli {

// Options every subcommand shares (--config, --database, --data-dir), filled by CLI11.
struct Shared {
  Config config;
};

void add_shared_options(CLI::App& app, Shared& shared);
std::unique_ptr<storage::Database> open_database(const Config& config, std::size_t pool = 2);
// The server keyring in <data-dir>/master.key: created with a new database, refused when it
// is missing or does not match the database (apply migrations first).
crypto::Keys load_keys(const Config& config, storage::Database& db);

void register_serve(CLI::App& app, Shared& shared);
void register_migrate(CLI::App& app, Shared& shared);
void register_user(CLI::App& app, Shared& shared);
void register_office(CLI::App& app, Shared& shared);
void register_demo(CLI::App& app, Shared& shared);
void register_audit(CLI::App& app, Shared& shared);
void register_backup(CLI::App& app, Shared& shared);
void register_retention(CLI::App& app, Shared& shared);

}  // namespace dime::cli
