// Test fixtures: a fresh database per test on the backend CTest chose (DIME_TEST_PG_URL), a
// real server on 127.0.0.1, and a cookie-keeping HTTP client that fills in CSRF tokens.
#pragma once
#include <httplib.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "accounts/model.hpp"
#include "app/app.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "storage/database.hpp"

namespace dime::test {

// A new, empty database, removed again by the destructor.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  const std::string& url() const { return url_; }
  storage::Backend backend() const { return backend_; }

 private:
  storage::Backend backend_;
  std::string url_;
  std::string pg_admin_url_;
  std::string pg_name_;
  std::filesystem::path dir_;
};

crypto::Keys test_keys();
// A port on 127.0.0.1 that was free a moment ago.
std::uint16_t free_port();
// A migrated database for unit tests.
struct MigratedDatabase {
  MigratedDatabase();
  TestDatabase tdb;
  std::unique_ptr<storage::Database> db;
};

long long make_organisation(storage::Database& db, const std::string& name,
                            const std::string& jurisdiction = "no");
long long make_user(storage::Database& db, const crypto::Keys& keys, const std::string& email,
                    const std::string& password, long long organisation_id, accounts::Role role);

inline constexpr const char* kPassword = "correct horse battery staple";

// A staff member who holds their office's key (as after a first sign-in): their own key pair is
// made from kPassword and, if the office has no key pair yet, one is made for them.
long long make_key_holder(storage::Database& db, const crypto::Keys& keys, const std::string& email,
                          long long organisation_id, accounts::Role role = accounts::Role::advisor);

// A complete, valid report for POST /api/v1/reports (an anonymous housing case).
nlohmann::json valid_report_json();

// A migrated database and a running server on a free port of 127.0.0.1; `configure` may change
// the configuration before the server starts (e.g. to send e-mail to an SmtpSink).
class TestServer {
 public:
  explicit TestServer(const std::function<void(Config&)>& configure = {});
  ~TestServer();
  App& app() { return *app_; }
  storage::Database& db() { return *db_; }
  std::uint16_t port() const { return port_; }

 private:
  TestDatabase tdb_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<App> app_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
};

// A local SMTP server (Debian's python3-aiosmtpd) on a free port of 127.0.0.1, keeping every
// message it takes in a Maildir; stopped and removed by the destructor.
class SmtpSink {
 public:
  SmtpSink();
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // The messages received so far, oldest first, as the raw RFC 5322 text.
  std::vector<std::string> messages() const;

 private:
  int pid_ = -1;
  std::uint16_t port_ = 0;
  std::filesystem::path dir_;
};

// The text of every base64 MIME part of a message, decoded, with its Content-Type line.
std::vector<std::pair<std::string, std::string>> mime_parts(const std::string& message);

// A minimal browser: keeps cookies, remembers the CSRF token of the last page it saw.
class Client {
 public:
  explicit Client(std::uint16_t port);
  httplib::Result get(const std::string& path, const httplib::Headers& extra = {});
  // Posts an urlencoded form; adds _csrf unless `form` has one or `with_csrf` is false.
  httplib::Result post(const std::string& path, std::map<std::string, std::string> form,
                       bool with_csrf = true, const httplib::Headers& extra = {});
  // Posts multipart/form-data (fields may repeat; files are name, filename, bytes, type).
  struct File {
    std::string field, filename, data, content_type;
  };
  httplib::Result post_multipart(const std::string& path,
                                 std::vector<std::pair<std::string, std::string>> fields,
                                 const std::vector<File>& files = {}, bool with_csrf = true);
  httplib::Result post_raw(const std::string& path, const std::string& body,
                           const std::string& content_type, const httplib::Headers& extra = {});
  // Signs in (and passes the second factor when `totp_secret` is given); true on success.
  bool sign_in(const std::string& email, const std::string& password = kPassword);
  const std::string& csrf() const { return csrf_; }
  std::optional<std::string> cookie(const std::string& name) const;
  void set_cookie(const std::string& name, const std::string& value) { cookies_[name] = value; }
  void forget_cookies() { cookies_.clear(); }
  httplib::Client& raw() { return http_; }

 private:
  httplib::Headers headers(const httplib::Headers& extra) const;
  void absorb(const httplib::Result& r);
  httplib::Client http_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
};

// Walks the five-step web report form at /report with valid answers (an e-mail contact, a shop
// case) plus `extra` fields; returns the last response (201 with the receipt when sent).
httplib::Result web_report(Client& client, const std::string& narrative,
                           std::vector<std::pair<std::string, std::string>> extra = {},
                           const std::vector<Client::File>& files = {});

}  // namespace dime::test
