// `dime backup --to FILE`: consistent online copy of a SQLite database; advice for PostgreSQL.
#include "storage/backup.hpp"

#include <iostream>

#include "cli/cli.hpp"

namespace dime::cli {

void register_backup(CLI::App& app, Shared& shared) {
  auto* cmd =
      app.add_subcommand("backup", "Write a consistent backup of the database while it runs");
  auto to = std::make_shared<std::string>();
  cmd->add_option("--to", *to, "File to write (must not exist)")->required();
  cmd->callback([&shared, to] {
    auto db = open_database(shared.config, 1);
    if (db->backend() == storage::Backend::postgresql) {
      // The URL may hold a password, so it is not echoed.
      std::cout << "PostgreSQL: use its own tools, for example\n  pg_dump --format=custom --file="
                << *to << " \"$DIME_DATABASE\""
                << "\nThe dump holds personal data only in sealed form; keep master.key (in "
                << shared.config.data_dir << ") in a separate, safe place.\n";
      return;
    }
    storage::backup_sqlite(db->sqlite_path(), *to);
    std::cout << "backup written to " << *to << "\nKeep master.key (in " << shared.config.data_dir
              << ") apart from backups: without it the sealed fields cannot be read.\n";
  });
}

}  // namespace dime::cli
