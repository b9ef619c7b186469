// Options shared by every subcommand, and opening the database and keyring from them.
#include <filesystem>

#include "cli/cli.hpp"

namespace dime::cli {

void add_shared_options(CLI::App& app, Shared& shared) {
  app.set_config("--config", "", "TOML configuration file (keys as the long options; serve's under [serve])")
      ->envname("DIME_CONFIG");
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

crypto::Keys load_keys(const Config& config) {
  return crypto::Keys::load_or_create(std::filesystem::path(config.data_dir) / "master.key");
}

}  // namespace dime::cli
