// Options shared by every subcommand, and opening the database and keyring from them.
#include <filesystem>
#include <stdexcept>

#include "cli/cli.hpp"

namespace dime::cli {

void add_shared_options(CLI::App& app, Shared& shared) {
  // Keys are the long option names (data-dir, not data_dir); serve's options go under [serve].
  // Precedence: command line > config file > DIME_* environment variables.
  app.set_config("--config", "",
                 "TOML configuration file (keys as the long options; serve's under [serve])");
  app.add_option("--database", shared.config.database,
                 "sqlite://PATH or postgresql://user@host:port/db")
      ->envname("DIME_DATABASE")
      ->capture_default_str();
  app.add_option("--data-dir", shared.config.data_dir,
                 "Directory for the server key (master.key) and other local files")
      ->envname("DIME_DATA_DIR")
      ->capture_default_str();
}

std::unique_ptr<storage::Database> open_database(const Config& config, std::size_t pool) {
  return std::make_unique<storage::Database>(config.database, pool);
}

crypto::Keys load_keys(const Config& config, storage::Database& db) {
  // The database remembers a MAC made with its key, so that a missing or wrong master.key is
  // refused instead of silently replaced: with another key nobody could sign in and the audit
  // chain would break.
  const auto path = std::filesystem::path(config.data_dir) / "master.key";
  storage::Transaction tx(db);
  std::string check;
  tx.sql() << "SELECT value FROM settings WHERE name = 'key_check'", soci::into(check);
  const bool known = tx.sql().got_data();
  if (known && !std::filesystem::exists(path)) {
    throw std::runtime_error(path.string() +
                             " is missing, but the database was made with a key: restore "
                             "master.key from its safe place (see docs/operations.md)");
  }
  auto keys = crypto::Keys::load_or_create(path);
  const std::string expected = keys.mac("dime key check");
  if (!known) {
    tx.sql() << "INSERT INTO settings (name, value) VALUES ('key_check', :v)", soci::use(expected);
    tx.commit();
  } else if (!crypto::equal(check, expected)) {
    throw std::runtime_error(path.string() + " does not belong to this database");
  }
  return keys;
}

}  // namespace dime::cli
