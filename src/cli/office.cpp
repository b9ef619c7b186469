// `dime office add`: create a help office (or register one on its own server) or a municipality.
#include <iostream>

#include "audit/service.hpp"
#include "cli/cli.hpp"
#include "organisations/service.hpp"
#include "statistics/exchange.hpp"
#include "storage/migrations.hpp"

namespace dime::cli {

void register_office(CLI::App& app, Shared& shared) {
  auto* office =
      app.add_subcommand("office", "Manage organisations (help offices, municipalities)");
  office->require_subcommand(1);
  auto org = std::make_shared<organisations::Organisation>();
  auto kind = std::make_shared<std::string>("help_office");
  auto* add = office->add_subcommand("add", "Add an organisation; prints its id");
  add->add_option("--name", org->name, "Name")->required();
  add->add_option("--jurisdiction", org->jurisdiction, "Country whose law applies")
      ->required()
      ->check(CLI::IsMember({"no", "se", "nl"}));
  add->add_option("--kind", *kind, "help_office or municipality")
      ->check(CLI::IsMember({"help_office", "municipality"}))
      ->capture_default_str();
  add->add_flag("--national", org->national,
                "A national coordination unit: its coordinators see the statistics of every help "
                "office in its jurisdiction");
  add->add_option("--signing-key", org->statistics_signing_key,
                  "A help office that runs its own server: the statistics signing key its "
                  "coordinators see under Statistics > Share with a national unit. Its signed "
                  "files can then be imported here; it receives no reports here");
  add->callback([&shared, org, kind] {
    org->kind = *organisations::kind_from_string(*kind);
    org->default_language = organisations::language_for_jurisdiction(org->jurisdiction);
    auto db = open_database(shared.config);
    storage::migrate(*db);
    auto keys = load_keys(shared.config, *db);
    storage::Transaction tx(*db);
    long long id = organisations::create(tx, *org);
    audit::append(
        tx, keys,
        {std::nullopt, id, "organisation.create", "organisation", std::to_string(id), "cli"});
    tx.commit();
    std::cout << id << "\n";
    if (!org->statistics_signing_key.empty()) {
      std::cerr << "Signing key fingerprint (compare it with the office's): "
                << statistics::fingerprint(crypto::from_base64(org->statistics_signing_key))
                << "\n";
    }
  });

  auto id = std::make_shared<long long>(0);
  auto key = std::make_shared<std::string>();
  auto signing = office->add_subcommand(
      "signing-key",
      "Replace the statistics signing key of a help office on its own server (registered with "
      "--signing-key), e.g. after its server was set up again");
  signing->add_option("--id", *id, "The office's id here")->required();
  signing->add_option("--key", *key, "The signing key its server now shows")->required();
  signing->callback([&shared, id, key] {
    auto db = open_database(shared.config);
    storage::migrate(*db);
    auto keys = load_keys(shared.config, *db);
    storage::Transaction tx(*db);
    organisations::set_statistics_signing_key(tx, *id, *key);
    audit::append(tx, keys,
                  {std::nullopt, *id, "organisation.signing_key", "organisation",
                   std::to_string(*id), "cli"});
    tx.commit();
    std::cerr << "Signing key fingerprint (compare it with the office's): "
              << statistics::fingerprint(crypto::from_base64(*key)) << "\n";
  });
}

}  // namespace dime::cli
