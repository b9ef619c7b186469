// `dime retention run`: erase the personal data of every closed case whose office's retention
// period has passed (the server also does this every hour).
#include <iostream>

#include "casework/service.hpp"
#include "cli/cli.hpp"
#include "core/clock.hpp"
#include "mediation/service.hpp"

namespace dime::cli {

void register_retention(CLI::App& app, Shared& shared) {
  auto* cmd = app.add_subcommand("retention", "Retention of personal data");
  cmd->require_subcommand(1);
  auto* run = cmd->add_subcommand(
      "run", "Erase the personal data of closed cases kept longer than their office allows");
  run->callback([&shared] {
    auto db = open_database(shared.config);
    auto keys = load_keys(shared.config, *db);
    int n = 0, batch = 0;
    do {  // in batches, so a running server can write in between
      storage::Transaction tx(*db);
      batch = casework::erase_expired(tx, keys, now_seconds());
      tx.commit();
      n += batch;
    } while (batch == casework::kRetentionBatch);
    // After the cases: a mediation goes with its erased case.
    storage::Transaction tx(*db);
    int m = mediation::erase_expired(tx, keys, now_seconds());
    tx.commit();
    std::cout << "erased the personal data of " << n << " closed case(s) and " << m
              << " mediation(s)\n";
  });
}

}  // namespace dime::cli
