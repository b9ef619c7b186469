// `dime`: wiring only. Each subcommand lives in src/cli/.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <iostream>

#include "cli/cli.hpp"
#include "core/error.hpp"
#include "crypto/crypto.hpp"

int main(int argc, char** argv) {
  // Nothing DiMe writes (database, key, backups) is for other users of the machine.
  ::umask(077);
  dime::crypto::init();
  // Logs go to standard error, so that what a command prints (an id, a report) is its output.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("dime"));
  CLI::App app{"DiMe: reporting, casework and mediation for anti-discrimination help offices"};
  app.set_version_flag("--version", DIME_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  dime::cli::Shared shared;
  dime::cli::add_shared_options(app, shared);
  dime::cli::register_serve(app, shared);
  dime::cli::register_migrate(app, shared);
  dime::cli::register_user(app, shared);
  dime::cli::register_office(app, shared);
  dime::cli::register_demo(app, shared);
  dime::cli::register_audit(app, shared);
  dime::cli::register_backup(app, shared);
  dime::cli::register_retention(app, shared);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const dime::Error& e) {
    spdlog::error("{}: {}", e.message(), e.what());
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}
