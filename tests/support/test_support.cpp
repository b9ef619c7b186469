// Test fixtures; see test_support.hpp.
#include "support/test_support.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <soci/postgresql/soci-postgresql.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <tuple>

#include "accounts/service.hpp"
#include "core/clock.hpp"
#include "crypto/crypto.hpp"
#include "organisations/service.hpp"
#include "storage/migrations.hpp"

namespace dime::test {

namespace {
std::string env(const char* name, const std::string& fallback = {}) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : fallback;
}

}  // namespace

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

namespace {

struct SodiumInit {
  SodiumInit() { crypto::init(); }
} const sodium_init;
}  // namespace

TestDatabase::TestDatabase() {
  std::string unique = crypto::random_token(9);
  for (auto& c : unique)
    c = std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : 'x';
  pg_admin_url_ = env("DIME_TEST_PG_URL");
  if (!pg_admin_url_.empty()) {
    backend_ = storage::Backend::postgresql;
    pg_name_ = "dime_test_" + unique;
    soci::session admin(soci::postgresql, storage::postgresql_conninfo(pg_admin_url_));
    admin << "CREATE DATABASE " + pg_name_;  // the name is generated above, never user input
    url_ = pg_admin_url_.substr(0, pg_admin_url_.rfind('/') + 1) + pg_name_;
  } else {
    backend_ = storage::Backend::sqlite;
    dir_ = std::filesystem::temp_directory_path() / ("dime-test-" + unique);
    std::filesystem::create_directories(dir_);
    url_ = "sqlite://" + (dir_ / "dime.sqlite").string();
  }
}

TestDatabase::~TestDatabase() {
  try {
    if (!pg_name_.empty()) {
      soci::session admin(soci::postgresql, storage::postgresql_conninfo(pg_admin_url_));
      admin << "DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)";
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "test database clean-up failed: %s\n", e.what());
  }
}

crypto::Keys test_keys() {
  std::array<unsigned char, 32> master{};
  for (std::size_t i = 0; i < master.size(); ++i) master[i] = static_cast<unsigned char>(i * 7 + 1);
  return crypto::Keys::from_master(master);
}

MigratedDatabase::MigratedDatabase() : db(std::make_unique<storage::Database>(tdb.url(), 3)) {
  storage::migrate(*db);
}

long long make_organisation(storage::Database& db, const std::string& name,
                            const std::string& jurisdiction) {
  storage::Transaction tx(db);
  long long id = organisations::create(
      tx, {0, organisations::Kind::help_office, name, jurisdiction,
           organisations::language_for_jurisdiction(jurisdiction), false, false});
  tx.commit();
  return id;
}

long long make_user(storage::Database& db, const crypto::Keys& keys, const std::string& email,
                    const std::string& password, long long organisation_id, accounts::Role role) {
  storage::Transaction tx(db);
  auto existing = accounts::find_user_id_by_email(tx, keys, email);
  long long id =
      existing ? *existing
               : accounts::create_user(tx, keys, {email, "Test " + email, password, false, false});
  accounts::add_membership(tx, id, organisation_id, role);
  tx.commit();
  return id;
}

long long make_key_holder(storage::Database& db, const crypto::Keys& keys, const std::string& email,
                          long long organisation_id, accounts::Role role) {
  long long id = make_user(db, keys, email, kPassword, organisation_id, role);
  storage::Transaction tx(db);
  accounts::unlock_keys_at_sign_in(tx, id, kPassword, now_seconds());
  tx.commit();
  return id;
}

nlohmann::json valid_report_json() {
  return {{"reporter_type", "self"},
          {"narrative", "The landlord said he does not rent to people like me."},
          {"event_date", "2025-03-14"},
          {"municipality", "Oslo"},
          {"place_kind", "housing"},
          {"area", "housing"},
          {"grounds", {"ethnicity", "religion"}},
          {"party_kind", "landlord"},
          {"wishes", {"advice", "counted"}},
          {"contact_mode", "none"},
          {"consent", true}};
}

httplib::Result web_report(Client& client, const std::string& narrative,
                           std::vector<std::pair<std::string, std::string>> extra,
                           const std::vector<Client::File>& files) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  client.get("/report");
  Pairs all{{"reporter_type", "self"}, {"narrative", narrative},  {"event_period", "spring 2025"},
            {"municipality", "Oslo"},  {"place_kind", "shop"},    {"area", "goods_and_services"},
            {"grounds", "ethnicity"},  {"grounds", "religion"},   {"party_kind", "business"},
            {"wishes", "advice"},      {"contact_mode", "email"}, {"email", "person@example.org"},
            {"name", "Amina Hassan"},  {"consent", "yes"}};
  for (auto& e : extra) all.push_back(e);
  for (int step = 1;; ++step) {
    Pairs form = all;
    form.emplace_back("step", std::to_string(step));
    form.emplace_back("action", step == 5 ? "send" : "next");
    auto r =
        client.post_multipart("/report", form, step == 5 ? files : std::vector<Client::File>{});
    if (step == 5 || !r || r->status != 200) return r;
  }
}

TestServer::TestServer(const std::function<void(Config&)>& configure)
    : db_(std::make_unique<storage::Database>(tdb_.url(), 6)), router_(http::make_router()) {
  storage::migrate(*db_);
  Config config;
  config.database = tdb_.url();
  config.threads = 3;
  config.default_language = "en";
  if (configure) configure(config);
  app_ = std::make_unique<App>(App{config, *db_, test_keys(), {}});
  port_ = free_port();
  server_ = std::make_unique<http::Server>(*app_, router_);
  server_->start("127.0.0.1", port_);
}

TestServer::~TestServer() {
  server_->stop();
}

SmtpSink::SmtpSink() : port_(free_port()) {
  char tmpl[] = "/tmp/dime-smtp-XXXXXX";
  dir_ = ::mkdtemp(tmpl);
  std::string listen = "127.0.0.1:" + std::to_string(port_);
  std::string maildir = (dir_ / "Maildir").string();
  pid_ = ::fork();
  if (pid_ == 0) {
    // Debian's python3 (the one python3-aiosmtpd is installed for), not one earlier on PATH.
    ::execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
            "aiosmtpd.handlers.Mailbox", maildir.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Ready when it accepts a connection (it starts in well under a second).
  for (int attempt = 0; attempt < 500; ++attempt) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port_);
    bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (up) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) break;  // it died: no point waiting
    ::usleep(20 * 1000);
  }
  throw std::runtime_error("the SMTP sink (python3 -m aiosmtpd) did not start");
}

SmtpSink::~SmtpSink() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::vector<std::string> SmtpSink::messages() const {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "Maildir" / "new", ec)) {
    files.push_back(e.path());
  }
  // Python's Maildir names each message "<seconds>.M<microseconds>P<pid>Q<count>.<host>", the
  // microseconds not zero-padded and the count rising with each delivery of the sink: sort by
  // those numbers (a plain string sort puts M99999 after M123456).
  auto arrival = [](const std::filesystem::path& f) {
    std::string n = f.filename().string();
    auto number_after = [&n](const std::string& tag) -> long long {
      auto at = n.find(tag);
      if (at == std::string::npos) return 0;
      try {
        return std::stoll(n.substr(at + tag.size()));
      } catch (const std::exception&) {
        return 0;
      }
    };
    long long seconds = 0;
    try {
      seconds = std::stoll(n);
    } catch (const std::exception&) {
    }
    return std::make_tuple(seconds, number_after(".M"), number_after("Q"), n);
  };
  std::sort(files.begin(), files.end(),
            [&](const auto& a, const auto& b) { return arrival(a) < arrival(b); });
  std::vector<std::string> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> mime_parts(const std::string& message) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  for (;;) {
    auto ct = message.find("Content-Type: ", pos);
    if (ct == std::string::npos) break;
    auto line_end = message.find('\n', ct);
    std::string type = message.substr(ct, line_end - ct);
    auto enc = message.find("Content-Transfer-Encoding: base64", ct);
    auto next_ct = message.find("Content-Type: ", line_end);
    pos = line_end;
    if (enc == std::string::npos || (next_ct != std::string::npos && enc > next_ct)) continue;
    auto body = message.find("\n\n", enc);
    auto body_crlf = message.find("\r\n\r\n", enc);
    std::size_t start = std::min(body == std::string::npos ? message.size() : body + 2,
                                 body_crlf == std::string::npos ? message.size() : body_crlf + 4);
    auto end = message.find("--", start);
    std::string b64;
    for (std::size_t i = start; i < std::min(end, message.size()); ++i) {
      if (!std::isspace(static_cast<unsigned char>(message[i]))) b64 += message[i];
    }
    std::string bin(b64.size(), '\0');
    std::size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), b64.data(),
                          b64.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) == 0) {
      bin.resize(len);
      out.emplace_back(type, bin);
    }
    pos = start;
  }
  return out;
}

Client::Client(std::uint16_t port) : http_("127.0.0.1", port) {
  http_.set_keep_alive(false);
  http_.set_read_timeout(30, 0);
}

httplib::Headers Client::headers(const httplib::Headers& extra) const {
  httplib::Headers h = extra;
  std::string cookie;
  for (const auto& [k, v] : cookies_) {
    if (!cookie.empty()) cookie += "; ";
    cookie += k + "=" + v;
  }
  if (!cookie.empty()) h.emplace("Cookie", cookie);
  if (h.find("Accept-Language") == h.end()) h.emplace("Accept-Language", "en");
  return h;
}

void Client::absorb(const httplib::Result& r) {
  if (!r) return;
  auto n = r->get_header_value_count("Set-Cookie");
  for (std::size_t i = 0; i < n; ++i) {
    std::string c = r->get_header_value("Set-Cookie", i);
    auto eq = c.find('=');
    auto semi = c.find(';');
    std::string name = c.substr(0, eq);
    std::string value = c.substr(eq + 1, semi - eq - 1);
    if (c.find("Max-Age=0;") != std::string::npos || value.empty()) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }
  static const std::regex csrf_re("name=\"_csrf\" value=\"([^\"]+)\"");
  std::smatch m;
  if (std::regex_search(r->body, m, csrf_re)) csrf_ = m[1];
}

httplib::Result Client::get(const std::string& path, const httplib::Headers& extra) {
  auto r = http_.Get(path.c_str(), headers(extra));
  absorb(r);
  return r;
}

httplib::Result Client::post(const std::string& path, std::map<std::string, std::string> form,
                             bool with_csrf, const httplib::Headers& extra) {
  if (with_csrf && form.find("_csrf") == form.end()) form["_csrf"] = csrf_;
  httplib::Params params(form.begin(), form.end());
  std::string body = httplib::detail::params_to_query_str(params);
  return post_raw(path, body, "application/x-www-form-urlencoded", extra);
}

httplib::Result Client::post_multipart(const std::string& path,
                                       std::vector<std::pair<std::string, std::string>> fields,
                                       const std::vector<File>& files, bool with_csrf) {
  if (with_csrf) fields.emplace_back("_csrf", csrf_);
  httplib::MultipartFormDataItems items;
  for (auto& [k, v] : fields) items.push_back({k, v, "", ""});
  for (const auto& f : files) items.push_back({f.field, f.data, f.filename, f.content_type});
  auto r = http_.Post(path.c_str(), headers({}), items);
  absorb(r);
  return r;
}

httplib::Result Client::post_raw(const std::string& path, const std::string& body,
                                 const std::string& content_type, const httplib::Headers& extra) {
  auto r = http_.Post(path.c_str(), headers(extra), body, content_type.c_str());
  absorb(r);
  return r;
}

bool Client::sign_in(const std::string& email, const std::string& password) {
  get("/login");
  auto r = post("/login", {{"email", email}, {"password", password}});
  if (!r || r->status != 303) return false;
  get(r->get_header_value("Location"));
  return true;
}

std::optional<std::string> Client::cookie(const std::string& name) const {
  auto it = cookies_.find(name);
  if (it == cookies_.end()) return std::nullopt;
  return it->second;
}

}  // namespace dime::test
