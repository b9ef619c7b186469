// `dime serve`: migrate, create the first administrator if the database is empty, serve HTTP.
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <stop_token>
#include <thread>

#include "accounts/service.hpp"
#include "app/app.hpp"
#include "audit/service.hpp"
#include "casework/service.hpp"
#include "core/clock.hpp"
#include "cli/cli.hpp"
#include "http/server.hpp"
#include "i18n/i18n.hpp"
#include "reference/service.hpp"
#include "storage/migrations.hpp"

namespace dime::cli {

namespace {
std::vector<std::string> language_codes() {
  std::vector<std::string> codes;
  for (const auto& l : i18n::languages()) codes.push_back(l.code);
  return codes;
}
// Every hour (and at start), erase what the offices' retention periods no longer allow. Each
// instance runs it; erasing twice is harmless, since an erased case is skipped.
void retention_loop(const std::stop_token& stop, App& app) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  do {
    try {
      storage::Transaction tx(app.db);
      int n = casework::erase_expired(tx, app.keys, now_seconds());
      tx.commit();
      if (n > 0) spdlog::info("retention: erased the personal data of {} closed case(s)", n);
    } catch (const std::exception& e) {
      spdlog::error("retention: {}", e.what());
    }
  } while (!cv.wait_for(lock, stop, std::chrono::hours(1), [] { return false; }));
}
}  // namespace

void register_serve(CLI::App& app, Shared& shared) {
  auto* cmd =
      app.add_subcommand("serve", "Start the HTTP server (applies pending migrations first)");
  cmd->add_option("--listen", shared.config.listen, "Address and port to listen on")
      ->envname("DIME_LISTEN")
      ->capture_default_str();
  cmd->add_option("--threads", shared.config.threads, "Worker threads")
      ->envname("DIME_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_flag("--behind-tls", shared.config.behind_tls, "A TLS proxy is in front: send HSTS")
      ->envname("DIME_BEHIND_TLS");
  cmd->add_flag("--trust-proxy", shared.config.trust_proxy,
                "A reverse proxy on this host appends the client address to X-Forwarded-For: "
                "use it for throttling (only set this behind such a proxy)")
      ->envname("DIME_TRUST_PROXY");
  cmd->add_option("--default-language", shared.config.default_language,
                  "Language when neither the user nor the browser chooses one")
      ->envname("DIME_DEFAULT_LANGUAGE")
      ->check(CLI::IsMember(language_codes()))
      ->capture_default_str();
  cmd->callback([&shared] {
    Config& config = shared.config;
    auto listen = parse_listen(config.listen);
    reference::validate_embedded();  // a broken data file stops the start, not a later request
    auto db = open_database(config, config.threads + 2);
    storage::migrate(*db);
    App application{config, *db, load_keys(config, *db), {}};
    {
      storage::Transaction tx(*db);
      if (auto first = accounts::create_first_admin_if_empty(tx, application.keys)) {
        audit::append(tx, application.keys,
                      {std::nullopt, first->organisation_id, "user.create", "user",
                       std::to_string(first->user_id), "first administrator"});
        tx.commit();
        // Printed once, on the terminal only: never written to the log.
        std::cout << "\nFirst start: an administrator was created.\n  e-mail:   " << first->email
                  << "\n  password: " << first->password
                  << "\nSign in at /login and choose a new password.\n\n"
                  << std::flush;
      }
    }
    auto router = http::make_router();
    http::Server server(application, router);
    std::jthread retention([&application](const std::stop_token& st) {
      retention_loop(st, application);
    });
    spdlog::info("DiMe {} listening on http://{} ({}), {} threads", DIME_VERSION, config.listen,
                 storage::backend_name(db->backend()), config.threads);
    server.run(listen.host, listen.port);
    spdlog::info("stopped");
  });
}

}  // namespace dime::cli
