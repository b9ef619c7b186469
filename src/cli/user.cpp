// `dime user add`: create a staff account with a role in an organisation.
#include <iostream>

#include "accounts/service.hpp"
#include "audit/service.hpp"
#include "cli/cli.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "organisations/service.hpp"
#include "storage/migrations.hpp"

namespace dime::cli {

namespace {
struct UserArgs {
  std::string email, name, role;
  long long office = 0;
  bool password_stdin = false;
};
}  // namespace

void register_user(CLI::App& app, Shared& shared) {
  auto* user = app.add_subcommand("user", "Manage staff accounts");
  user->require_subcommand(1);
  auto args = std::make_shared<UserArgs>();
  auto* add = user->add_subcommand("add", "Add a staff member (or a role for an existing one)");
  add->add_option("--email", args->email, "E-mail address, used to sign in")->required();
  add->add_option("--name", args->name, "Full name")->required();
  std::vector<std::string> roles;
  for (auto r : accounts::all_roles()) roles.emplace_back(accounts::to_string(r));
  add->add_option("--role", args->role, "Role in the organisation")
      ->required()
      ->check(CLI::IsMember(roles));
  add->add_option("--office", args->office, "Organisation id (see `dime office add`)")->required();
  add->add_flag("--password-stdin", args->password_stdin, "Read the password from standard input")
      ->required();
  add->callback([&shared, args] {
    std::string password;
    std::getline(std::cin, password);
    auto db = open_database(shared.config);
    storage::migrate(*db);
    auto keys = load_keys(shared.config, *db);
    storage::Transaction tx(*db);
    if (!organisations::find(tx, args->office)) {
      throw CLI::ValidationError("--office",
                                 "no organisation with id " + std::to_string(args->office));
    }
    auto existing = accounts::find_user_id_by_email(tx, keys, args->email);
    long long id = 0;
    try {
      id = existing
               ? *existing
               : accounts::create_user(tx, keys, {args->email, args->name, password, false, false});
    } catch (const Error& e) {
      std::string msg = e.message();
      for (const auto& [f, m] : e.fields()) msg.append("\n  ").append(f).append(": ").append(m);
      throw CLI::ValidationError("user", msg);
    }
    auto role = *accounts::role_from_string(args->role);
    accounts::add_membership(tx, id, args->office, role);
    // A new account's key pair is made now, from the password we hold for a moment, so that
    // its office can take reports before anyone has signed in (keyring/service.hpp).
    if (!existing) accounts::unlock_keys_at_sign_in(tx, id, password, now_seconds());
    audit::append(tx, keys,
                  {std::nullopt, args->office, existing ? "membership.create" : "user.create",
                   "user", std::to_string(id), "cli; role " + args->role});
    tx.commit();
    std::cout << (existing ? "added role to existing user " : "created user ") << id << "\n";
  });
}

}  // namespace dime::cli
