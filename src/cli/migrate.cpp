// `dime migrate`: apply pending schema migrations and report the schema version.
#include <iostream>

#include "cli/cli.hpp"
#include "storage/migrations.hpp"

namespace dime::cli {

void register_migrate(CLI::App& app, Shared& shared) {
  auto* cmd = app.add_subcommand("migrate", "Apply pending database migrations");
  cmd->callback([&shared] {
    auto db = open_database(shared.config);
    int applied = storage::migrate(*db);
    std::cout << "applied " << applied << " migration(s); schema version "
              << storage::schema_version(*db) << "\n";
  });
}

}  // namespace dime::cli
