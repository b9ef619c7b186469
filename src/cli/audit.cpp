// `dime audit verify`: check the whole audit chain; exit status 1 when it was tampered with.
#include <iostream>

#include "audit/service.hpp"
#include "cli/cli.hpp"

namespace dime::cli {

void register_audit(CLI::App& app, Shared& shared) {
  auto* audit_cmd = app.add_subcommand("audit", "Inspect the audit log");
  audit_cmd->require_subcommand(1);
  auto* verify = audit_cmd->add_subcommand(
      "verify", "Verify that no audit entry was edited, inserted or deleted");
  verify->callback([&shared] {
    auto db = open_database(shared.config);
    auto result = audit::verify(*db, load_keys(shared.config, *db));
    if (result.ok) {
      std::cout << "audit log intact: " << result.checked << " entries verified\n";
      return;
    }
    std::cout << "AUDIT LOG TAMPERED at entry " << result.first_bad_seq << ": " << result.problem
              << " (" << result.checked << " entries verified before it)\n";
    throw CLI::RuntimeError(1);
  });
}

}  // namespace dime::cli
