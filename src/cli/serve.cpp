// `dime serve`: migrate, create the first administrator if the database is empty, serve HTTP.
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>

#include "accounts/service.hpp"
#include "app/app.hpp"
#include "audit/service.hpp"
#include "casework/service.hpp"
#include "cli/cli.hpp"
#include "core/clock.hpp"
#include "http/server.hpp"
#include "i18n/i18n.hpp"
#include "mail/mail.hpp"
#include "mediation/service.hpp"
#include "reference/service.hpp"
#include "storage/migrations.hpp"

namespace dime::cli {

namespace {
std::vector<std::string> language_codes() {
  std::vector<std::string> codes;
  for (const auto& l : i18n::languages()) codes.push_back(l.code);
  return codes;
}
// Runs `job` at once and then every `period` on its own thread, until destroyed.
class Periodic {
 public:
  Periodic(std::chrono::seconds period, std::function<void()> job)
      : thread_([this, period, job = std::move(job)] {
          std::unique_lock lock(mutex_);
          do {
            lock.unlock();
            job();
            lock.lock();
          } while (!wake_.wait_for(lock, period, [this] { return stopping_; }));
        }) {}
  ~Periodic() {
    {
      std::lock_guard guard(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

// Erase what the offices' retention periods no longer allow. Every instance runs it; erasing
// twice is harmless, since an erased case is skipped.
void erase_expired_now(App& app) {
  try {
    // In batches, each its own transaction, so requests can write in between.
    int n = 0, batch = 0;
    do {
      storage::Transaction tx(app.db);
      batch = casework::erase_expired(tx, app.keys, now_seconds());
      tx.commit();
      n += batch;
    } while (batch == casework::kRetentionBatch);
    storage::Transaction tx(app.db);
    int m = mediation::erase_expired(tx, app.keys, now_seconds());
    tx.commit();
    if (n > 0) spdlog::info("retention: erased the personal data of {} closed case(s)", n);
    if (m > 0) spdlog::info("retention: erased the personal data of {} mediation(s)", m);
  } catch (const std::exception& e) {
    spdlog::error("retention: {}", e.what());
  }
}

void flush_outbox(App& app) {
  try {
    mail::flush(app.db, app.keys, {app.config.smtp_url, app.config.mail_from}, now_seconds());
  } catch (const std::exception& e) {
    spdlog::error("mail: {}", e.what());
  }
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
  cmd->add_option("--smtp-url", shared.config.smtp_url,
                  "SMTP server for meeting invitations, e.g. smtp://127.0.0.1:25 (none: no e-mail)")
      ->envname("DIME_SMTP_URL");
  cmd->add_option("--mail-from", shared.config.mail_from, "Sender address of DiMe's e-mail")
      ->envname("DIME_MAIL_FROM");
  cmd->add_option("--statistics-threshold", shared.config.statistics_threshold,
                  "Published statistics show counts below this as \"fewer than N\"")
      ->envname("DIME_STATISTICS_THRESHOLD")
      ->check(CLI::Range(3, 100))
      ->capture_default_str();
  cmd->add_option("--statistics-period", shared.config.statistics_period,
                  "How coarse the periods of published statistics are")
      ->envname("DIME_STATISTICS_PERIOD")
      ->check(CLI::IsMember({"quarter", "half", "year"}))
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
    Periodic retention(std::chrono::hours(1), [&application] { erase_expired_now(application); });
    // E-mail the SMTP server did not take at once (invitations are sent after each commit).
    Periodic outbox(std::chrono::minutes(1), [&application] { flush_outbox(application); });
    spdlog::info("DiMe {} listening on http://{} ({}), {} threads", DIME_VERSION, config.listen,
                 storage::backend_name(db->backend()), config.threads);
    server.run(listen.host, listen.port);
    spdlog::info("stopped");
  });
}

}  // namespace dime::cli
