// `dime demo`: loads clearly marked demo organisations and one staff member per role.
#include <iostream>
#include <vector>

#include "accounts/service.hpp"
#include "audit/service.hpp"
#include "casework/service.hpp"
#include "cli/cli.hpp"
#include "core/clock.hpp"
#include "organisations/service.hpp"
#include "storage/migrations.hpp"

namespace dime::cli {

namespace {
constexpr const char* kDemoPassword = "demo-password-not-for-real-use";

struct DemoOrg {
  organisations::Kind kind;
  const char* name;
  const char* jurisdiction;
  const char* slug;
};
constexpr DemoOrg kOrgs[] = {
    {organisations::Kind::help_office, "DEMO Diskrimineringshjelpen Oslo", "no", "oslo"},
    {organisations::Kind::help_office, "DEMO Antidiskrimineringsbyrån Gävleborg", "se", "gavle"},
    {organisations::Kind::municipality, "DEMO Oslo kommune", "no", "kommune"},
};

struct DemoUser {
  accounts::Role role;
  const char* name;
};
// Fictitious people; names chosen to look like the office's real staff and users would.
constexpr DemoUser kHelpOfficeStaff[] = {
    {accounts::Role::admin, "Ingrid Demo Haugen"},
    {accounts::Role::coordinator, "Samir Demo Haddad"},
    {accounts::Role::advisor, "Amina Demo Yusuf"},
    {accounts::Role::mediator, "Lars Demo Berg"},
    {accounts::Role::union_representative, "Olga Demo Kowalska"},
};
constexpr DemoUser kMunicipalityStaff[] = {
    {accounts::Role::admin, "Kari Demo Nilsen"},
    {accounts::Role::municipal_analyst, "Tesfay Demo Gebre"},
    {accounts::Role::peer_reviewer, "Anna Demo Lindqvist"},
};
}  // namespace

void register_demo(CLI::App& app, Shared& shared) {
  auto* cmd =
      app.add_subcommand("demo", "Load demo data (marked DEMO) for every feature that exists");
  static int cases = 0;
  cmd->add_option("--cases", cases,
                  "Also add this many fictitious cases to the first demo help office (for trying "
                  "the case list and for benchmarks; they have no working receipts)")
      ->check(CLI::Range(0, 2000000));
  cmd->callback([&shared] {
    auto db = open_database(shared.config);
    storage::migrate(*db);
    auto keys = load_keys(shared.config, *db);
    auto add_cases = [&db] {
      if (cases == 0) return;
      storage::Transaction tx(*db);
      long long office = 0;
      tx.sql() << "SELECT MIN(id) FROM organisations WHERE is_demo = 1 AND kind = 'help_office'",
          soci::into(office);
      casework::generate_demo_cases(tx, office, cases, now_seconds());
      tx.commit();
      std::cout << cases << " demo cases added to demo office " << office << "\n";
    };
    storage::Transaction tx(*db);
    int existing = 0;
    tx.sql() << "SELECT COUNT(*) FROM organisations WHERE is_demo = 1", soci::into(existing);
    if (existing > 0) {
      std::cout << "demo data already loaded\n";
      tx.commit();  // nothing written; ends the write transaction before add_cases opens one
      add_cases();
      return;
    }
    std::cout << "Demo accounts (password for all: " << kDemoPassword << "):\n";
    for (const auto& o : kOrgs) {
      organisations::Organisation org{0,
                                      o.kind,
                                      o.name,
                                      o.jurisdiction,
                                      organisations::language_for_jurisdiction(o.jurisdiction),
                                      false,
                                      true};
      long long org_id = organisations::create(tx, org);
      audit::append(tx, keys,
                    {std::nullopt, org_id, "organisation.create", "organisation",
                     std::to_string(org_id), "demo"});
      const bool municipality = o.kind == organisations::Kind::municipality;
      const auto* begin =
          municipality ? std::begin(kMunicipalityStaff) : std::begin(kHelpOfficeStaff);
      const auto* end = municipality ? std::end(kMunicipalityStaff) : std::end(kHelpOfficeStaff);
      std::vector<long long> staff;
      for (const auto* u = begin; u != end; ++u) {
        std::string email =
            std::string(accounts::to_string(u->role)) + "@" + o.slug + ".demo.dime.local";
        long long id =
            accounts::create_user(tx, keys, {email, u->name, kDemoPassword, false, true});
        accounts::add_membership(tx, id, org_id, u->role);
        accounts::unlock_keys_at_sign_in(tx, id, kDemoPassword, now_seconds());
        audit::append(tx, keys,
                      {std::nullopt, org_id, "user.create", "user", std::to_string(id), "demo"});
        std::cout << "  " << o.name << ": " << email << " (" << accounts::to_string(u->role)
                  << ")\n";
        staff.push_back(id);
      }
      // As if the first member (who got the office key) signed in again: the others get their
      // copies, so every demo coordinator and advisor can open cases and sign at once.
      if (!staff.empty()) {
        accounts::unlock_keys_at_sign_in(tx, staff.front(), kDemoPassword, now_seconds());
      }
    }
    tx.commit();
    add_cases();
  });
}

}  // namespace dime::cli
