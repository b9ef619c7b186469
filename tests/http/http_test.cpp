// Round trips against a real server on 127.0.0.1: protocol behaviour, security headers,
// sign-in with password and TOTP, CSRF, throttling, roles, organisation boundaries, languages.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "accounts/service.hpp"
#include "audit/service.hpp"
#include "core/clock.hpp"
#include "organisations/service.hpp"
#include "support/test_support.hpp"

namespace dime {
namespace {

using accounts::Role;
using nlohmann::json;

class HttpTest : public ::testing::Test {
 protected:
  test::TestServer server;
  long long org_a = test::make_organisation(server.db(), "Office A");
  long long org_b = test::make_organisation(server.db(), "Office B", "se");
  test::Client client{server.port()};

  long long user(const std::string& email, long long org, Role role) {
    return test::make_user(server.db(), server.app().keys, email, test::kPassword, org, role);
  }
  int audit_count(const std::string& action) {
    storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
    int n = 0;
    tx.sql() << "SELECT COUNT(*) FROM audit_log WHERE action = :a", soci::use(action),
        soci::into(n);
    return n;
  }
};

// --- protocol ------------------------------------------------------------------------------

TEST_F(HttpTest, HealthzReportsTheBackendAndVersion) {
  auto r = client.get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto body = json::parse(r->body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["database"], storage::backend_name(server.db().backend()));
  EXPECT_EQ(body["version"], DIME_VERSION);
}

TEST_F(HttpTest, EveryResponseCarriesTheSecurityHeaders) {
  for (const char* path : {"/", "/login", "/nowhere", "/healthz", "/static/dime.css"}) {
    auto r = client.get(path);
    ASSERT_TRUE(r) << path;
    auto csp = r->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path;
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(r->get_header_value("Referrer-Policy"), "no-referrer") << path;
    EXPECT_FALSE(r->has_header("Strict-Transport-Security")) << "no HSTS unless behind TLS";
  }
}

TEST_F(HttpTest, HstsIsSentBehindTls) {
  server.app().config.behind_tls = true;
  auto r = client.get("/");
  server.app().config.behind_tls = false;
  EXPECT_NE(r->get_header_value("Strict-Transport-Security").find("max-age="), std::string::npos);
}

TEST_F(HttpTest, UnknownAddressIsA404PageOrJson) {
  auto page = client.get("/no/such/page");
  EXPECT_EQ(page->status, 404);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("<h1>"), std::string::npos);
  auto api = client.get("/api/v1/nothing");
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(json::parse(api->body)["error"]["code"], "not_found");
}

TEST_F(HttpTest, WrongMethodIs405WithAllow) {
  auto r = client.raw().Delete("/login");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "GET, POST");
}

TEST_F(HttpTest, OversizeBodyIs413NotADroppedConnection) {
  client.get("/login");
  std::string big(200 * 1024, 'a');
  auto r = client.post("/login", {{"email", "a@b.no"}, {"password", big}});
  ASSERT_TRUE(r) << "the connection must not be dropped";
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("<h1>"), std::string::npos);
}

TEST_F(HttpTest, MalformedFormIs400) {
  client.get("/login");
  auto r = client.post_raw("/login", "email=%zz&_csrf=" + client.csrf(),
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(HttpTest, MalformedPathAndContentLengthAre400) {
  EXPECT_EQ(client.get("/static/%00")->status, 400);
  EXPECT_EQ(client.get("/%zz")->status, 400);
}

TEST_F(HttpTest, StaticFilesHaveCacheHeadersAndTraversalFindsNothing) {
  auto r = client.get("/static/dime.css");
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/css"), std::string::npos);
  EXPECT_NE(r->get_header_value("Cache-Control").find("max-age"), std::string::npos);
  auto etag = r->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(client.get("/static/dime.css", {{"If-None-Match", etag}})->status, 304);
  for (const char* p : {"/static/..%2FCMakeLists.txt", "/static/../static/dime.css",
                        "/static/%2e%2e%2fetc%2fpasswd", "/static/", "/static/nothing.css"}) {
    EXPECT_EQ(client.get(p)->status, 404) << p;
  }
}

TEST_F(HttpTest, InternalsNeverReachTheClient) {
  auto r = client.get("/static/%2e%2e");
  EXPECT_EQ(r->body.find("soci"), std::string::npos);
  EXPECT_EQ(r->body.find("what()"), std::string::npos);
}

// --- signing in ------------------------------------------------------------------------------

TEST_F(HttpTest, LoginWithoutTheCsrfTokenIsRefused) {
  user("a@example.no", org_a, Role::advisor);
  client.get("/login");
  auto r = client.post("/login", {{"email", "a@example.no"}, {"password", test::kPassword}}, false);
  EXPECT_EQ(r->status, 403);
  auto forged = client.post(
      "/login",
      {{"email", "a@example.no"}, {"password", test::kPassword}, {"_csrf", "x" + client.csrf()}});
  EXPECT_EQ(forged->status, 403);
  EXPECT_FALSE(client.cookie("dime_session"));
}

TEST_F(HttpTest, WrongPasswordIsRefusedAndTheFormKeepsTheEmail) {
  user("a@example.no", org_a, Role::advisor);
  client.get("/login");
  auto r = client.post("/login", {{"email", "a@example.no"}, {"password", "not the password"}});
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("value=\"a@example.no\""), std::string::npos);
  EXPECT_NE(r->body.find("role=\"alert\""), std::string::npos);
  EXPECT_NE(r->body.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_FALSE(client.cookie("dime_session"));
  EXPECT_EQ(audit_count("login.failure"), 1);
}

TEST_F(HttpTest, EmptyFieldsGetAMessageEach) {
  client.get("/login");
  auto r = client.post("/login", {{"email", ""}, {"password", ""}});
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("id=\"email-error\""), std::string::npos);
  EXPECT_NE(r->body.find("id=\"password-error\""), std::string::npos);
}

TEST_F(HttpTest, LoginSetsAStrictSessionCookieStoredOnlyAsAHash) {
  user("a@example.no", org_a, Role::advisor);
  client.get("/login");
  auto r = client.post("/login", {{"email", "a@example.no"}, {"password", test::kPassword}});
  ASSERT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/staff");
  std::string set_cookie;
  for (std::size_t i = 0; i < r->get_header_value_count("Set-Cookie"); ++i) {
    auto c = r->get_header_value("Set-Cookie", i);
    if (c.rfind("dime_session=", 0) == 0) set_cookie = c;
  }
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("Secure"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  auto token = client.cookie("dime_session");
  ASSERT_TRUE(token);
  storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
  int raw = -1;
  tx.sql() << "SELECT COUNT(*) FROM sessions WHERE token_hash = :t", soci::use(*token),
      soci::into(raw);
  EXPECT_EQ(raw, 0);
  auto home = client.get("/staff");
  EXPECT_EQ(home->status, 200);
  EXPECT_NE(home->body.find("Test a@example.no"), std::string::npos);
  EXPECT_EQ(audit_count("login.success"), 1);
}

TEST_F(HttpTest, SessionWorksOnASecondServerSharingTheDatabase) {
  user("a@example.no", org_a, Role::advisor);
  ASSERT_TRUE(client.sign_in("a@example.no"));
  // A second app server on the same database: sessions are not kept in memory.
  http::Router router = http::make_router();
  App second{server.app().config, server.db(), test::test_keys(), {}};
  http::Server other(second, router);
  std::uint16_t port = test::free_port();
  other.start("127.0.0.1", port);
  test::Client two(port);
  two.set_cookie("dime_session", *client.cookie("dime_session"));
  EXPECT_EQ(two.get("/staff")->status, 200);
  other.stop();
}

TEST_F(HttpTest, AccountIsThrottledAfterRepeatedFailures) {
  user("a@example.no", org_a, Role::advisor);
  client.get("/login");
  for (int i = 0; i < accounts::kMaxFailuresPerAccount; ++i) {
    EXPECT_EQ(
        client.post("/login", {{"email", "a@example.no"}, {"password", "wrong password"}})->status,
        422);
  }
  auto r = client.post("/login", {{"email", "a@example.no"}, {"password", test::kPassword}});
  EXPECT_EQ(r->status, 429);
  EXPECT_FALSE(client.cookie("dime_session"));
  EXPECT_EQ(audit_count("login.throttled"), 1);
}

TEST_F(HttpTest, LogoutEndsTheSessionForGood) {
  user("a@example.no", org_a, Role::advisor);
  ASSERT_TRUE(client.sign_in("a@example.no"));
  auto token = *client.cookie("dime_session");
  client.get("/staff");
  EXPECT_EQ(client.post("/logout", {})->status, 303);
  test::Client replay(server.port());
  replay.set_cookie("dime_session", token);
  auto r = replay.get("/staff");
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/login");
}

TEST_F(HttpTest, TamperedSessionCookieIsNotASession) {
  user("a@example.no", org_a, Role::advisor);
  ASSERT_TRUE(client.sign_in("a@example.no"));
  auto token = *client.cookie("dime_session");
  token[3] = token[3] == 'A' ? 'B' : 'A';
  client.set_cookie("dime_session", token);
  EXPECT_EQ(client.get("/staff")->status, 303);
  EXPECT_EQ(client.get("/api/v1/me")->status, 401);
}

std::string secret_from(const std::string& html) {
  std::smatch m;
  static const std::regex re("class=\"secret\">([A-Z2-7]+)<");
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

TEST_F(HttpTest, TwoStepVerificationEnrolsAndIsThenRequired) {
  user("a@example.no", org_a, Role::advisor);
  ASSERT_TRUE(client.sign_in("a@example.no"));
  auto page = client.get("/account/totp");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<svg"), std::string::npos) << "QR code";
  std::string secret = secret_from(page->body);
  ASSERT_FALSE(secret.empty());
  EXPECT_EQ(client.post("/account/totp", {{"code", "000000"}})->status, 422);
  secret = secret_from(client.get("/account/totp")->body);  // each visit makes a new pending key
  long long now = now_seconds();
  ASSERT_EQ(client.post("/account/totp", {{"code", accounts::totp_code(secret, now)}})->status,
            303);
  client.get("/staff");
  client.post("/logout", {});

  // Next sign-in: the password alone reaches only the second-factor page.
  test::Client c2(server.port());
  c2.get("/login");
  auto r = c2.post("/login", {{"email", "a@example.no"}, {"password", test::kPassword}});
  EXPECT_EQ(r->get_header_value("Location"), "/login/totp");
  auto staff = c2.get("/staff");
  EXPECT_EQ(staff->status, 303);
  EXPECT_EQ(staff->get_header_value("Location"), "/login/totp");
  EXPECT_EQ(c2.get("/account/password")->status, 303)
      << "no password change before the second factor";
  EXPECT_EQ(c2.get("/api/v1/me")->status, 403);
  c2.get("/login/totp");
  EXPECT_EQ(c2.post("/login/totp", {{"code", "123456"}})->status, 422);
  auto ok = c2.post("/login/totp", {{"code", accounts::totp_code(secret, now + 30)}});
  EXPECT_EQ(ok->status, 303);
  EXPECT_EQ(c2.get("/staff")->status, 200);
}

TEST_F(HttpTest, SecondFactorGuessingEndsTheSession) {
  long long id = user("a@example.no", org_a, Role::advisor);
  {
    storage::Transaction tx(server.db());
    auto e = accounts::begin_totp(tx, server.app().keys, id, "a@example.no");
    accounts::confirm_totp(tx, server.app().keys, id,
                           accounts::totp_code(e.secret_base32, now_seconds()), now_seconds());
    tx.commit();
  }
  client.get("/login");
  client.post("/login", {{"email", "a@example.no"}, {"password", test::kPassword}});
  client.get("/login/totp");
  for (int i = 0; i < accounts::kMaxFailuresPerAccount; ++i)
    client.post("/login/totp", {{"code", "000000"}});
  EXPECT_EQ(client.post("/login/totp", {{"code", "000000"}})->status, 429);
  EXPECT_FALSE(client.cookie("dime_session"));
}

TEST_F(HttpTest, MandatoryTwoStepVerificationSendsStaffToEnrolment) {
  user("a@example.no", org_a, Role::advisor);
  {
    storage::Transaction tx(server.db());
    organisations::set_mfa_required(tx, org_a, true);
    tx.commit();
  }
  client.get("/login");
  client.post("/login", {{"email", "a@example.no"}, {"password", test::kPassword}});
  auto r = client.get("/staff");
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/account/totp");
  auto page = client.get("/account/totp");
  EXPECT_EQ(page->status, 200);
  ASSERT_EQ(client
                .post("/account/totp",
                      {{"code", accounts::totp_code(secret_from(page->body), now_seconds())}})
                ->status,
            303);
  EXPECT_EQ(client.get("/staff")->status, 200);
}

TEST_F(HttpTest, FirstAdminMustChooseAPasswordBeforeAnythingElse) {
  std::optional<accounts::FirstAdmin> first;
  {
    test::TestServer fresh;
    storage::Transaction tx(fresh.db());
    first = accounts::create_first_admin_if_empty(tx, fresh.app().keys);
    tx.commit();
    ASSERT_TRUE(first);
    test::Client c(fresh.port());
    ASSERT_TRUE(c.sign_in(first->email, first->password));
    auto r = c.get("/admin/users");
    EXPECT_EQ(r->status, 303);
    EXPECT_EQ(r->get_header_value("Location"), "/account/password");
    c.get("/account/password");
    EXPECT_EQ(c.post("/account/password", {{"current_password", first->password},
                                           {"new_password", "a fresh long passphrase"},
                                           {"confirm_password", "a different passphrase"}})
                  ->status,
              422);
    EXPECT_EQ(c.post("/account/password", {{"current_password", first->password},
                                           {"new_password", "a fresh long passphrase"},
                                           {"confirm_password", "a fresh long passphrase"}})
                  ->status,
              303);
    EXPECT_EQ(c.get("/admin/users")->status, 200);
  }
}

// --- roles and organisation boundaries ------------------------------------------------------

TEST_F(HttpTest, AdminPagesAreRefusedToOtherRoles) {
  user("advisor@example.no", org_a, Role::advisor);
  ASSERT_TRUE(client.sign_in("advisor@example.no"));
  for (const char* p : {"/admin/users", "/admin/settings", "/admin/audit"}) {
    EXPECT_EQ(client.get(p)->status, 403) << p;
  }
  client.get("/staff");
  EXPECT_EQ(
      client.post("/admin/users", {{"email", "x@example.no"}, {"name", "X"}, {"role", "admin"}})
          ->status,
      403);
  EXPECT_EQ(client.get("/api/v1/staff")->status, 403);
  EXPECT_EQ(json::parse(client.get("/api/v1/staff")->body)["error"]["code"], "forbidden");
}

TEST_F(HttpTest, SignedOutVisitorsAreSentToLoginOrGet401) {
  auto r = client.get("/admin/users");
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/login");
  EXPECT_EQ(client.get("/api/v1/me")->status, 401);
}

TEST_F(HttpTest, AdminManagesStaffOfTheOwnOrganisationOnly) {
  user("admin@a.example.no", org_a, Role::admin);
  long long advisor_a = user("advisor@a.example.no", org_a, Role::advisor);
  long long advisor_b = user("advisor@b.example.no", org_b, Role::advisor);
  ASSERT_TRUE(client.sign_in("admin@a.example.no"));
  auto list = client.get("/admin/users");
  ASSERT_EQ(list->status, 200);
  EXPECT_NE(list->body.find("advisor@a.example.no"), std::string::npos);
  EXPECT_EQ(list->body.find("advisor@b.example.no"), std::string::npos);
  EXPECT_EQ(audit_count("personal_data.read"), 1) << "reading the staff list is audited";

  // Another organisation's user: 404, exactly as for an id that does not exist.
  auto other = client.post("/admin/users/" + std::to_string(advisor_b) + "/disable", {});
  auto missing = client.post("/admin/users/999999/disable", {});
  EXPECT_EQ(other->status, 404);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(other->body, missing->body);
  EXPECT_EQ(client.post("/admin/users/abc/disable", {})->status, 404);

  // Own organisation's advisor: disabled, signed out everywhere, cannot sign in.
  test::Client victim(server.port());
  ASSERT_TRUE(victim.sign_in("advisor@a.example.no"));
  EXPECT_EQ(client.post("/admin/users/" + std::to_string(advisor_a) + "/disable", {})->status, 303);
  EXPECT_EQ(victim.get("/staff")->status, 303);
  test::Client again(server.port());
  EXPECT_FALSE(again.sign_in("advisor@a.example.no"));
  EXPECT_EQ(audit_count("user.disable"), 1);
}

TEST_F(HttpTest, AdminCannotDisableSomeoneWhoAlsoWorksElsewhere) {
  user("admin@a.example.no", org_a, Role::admin);
  long long both = user("both@example.no", org_a, Role::advisor);
  user("both@example.no", org_b, Role::mediator);
  ASSERT_TRUE(client.sign_in("admin@a.example.no"));
  client.get("/admin/users");
  EXPECT_EQ(client.post("/admin/users/" + std::to_string(both) + "/disable", {})->status, 403);
}

TEST_F(HttpTest, AdminAddsStaffWithAOneTimePasswordAndEscapesWhatWasTyped) {
  user("admin@a.example.no", org_a, Role::admin);
  ASSERT_TRUE(client.sign_in("admin@a.example.no"));
  client.get("/admin/users");
  auto bad = client.post("/admin/users",
                         {{"email", "not an email"}, {"name", "Kari"}, {"role", "wizard"}});
  EXPECT_EQ(bad->status, 422);
  EXPECT_NE(bad->body.find("value=\"Kari\""), std::string::npos) << "the form keeps what was typed";
  EXPECT_NE(bad->body.find("id=\"role-error\""), std::string::npos);
  auto r = client.post(
      "/admin/users",
      {{"email", "new@a.example.no"}, {"name", "<script>alert(1)</script>"}, {"role", "mediator"}});
  ASSERT_EQ(r->status, 201);
  EXPECT_EQ(r->body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(r->body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r->body, m, std::regex("class=\"secret\">([A-Za-z0-9_-]+)<")));
  test::Client newbie(server.port());
  ASSERT_TRUE(newbie.sign_in("new@a.example.no", m[1].str()));
  EXPECT_EQ(newbie.get("/staff")->get_header_value("Location"), "/account/password");
}

TEST_F(HttpTest, StaffCannotSwitchIntoAnotherOrganisation) {
  user("a@example.no", org_a, Role::advisor);
  ASSERT_TRUE(client.sign_in("a@example.no"));
  client.get("/staff");
  EXPECT_EQ(
      client.post("/staff/organisation", {{"organisation_id", std::to_string(org_b)}})->status,
      403);
  EXPECT_EQ(client.post("/staff/organisation", {{"organisation_id", "x"}})->status, 404);
}

TEST_F(HttpTest, PeopleWithSeveralOrganisationsSwitchBetweenThem) {
  user("both@example.no", org_a, Role::advisor);
  user("both@example.no", org_b, Role::admin);
  ASSERT_TRUE(client.sign_in("both@example.no"));
  auto orgs = json::parse(client.get("/api/v1/me")->body);
  EXPECT_EQ(client.get("/admin/users")->status, orgs["organisation_id"] == org_b ? 200 : 403);
  client.get("/staff");
  long long target = orgs["organisation_id"] == org_a ? org_b : org_a;
  EXPECT_EQ(
      client.post("/staff/organisation", {{"organisation_id", std::to_string(target)}})->status,
      303);
  EXPECT_EQ(json::parse(client.get("/api/v1/me")->body)["organisation_id"], target);
}

TEST_F(HttpTest, ApiMeDescribesTheSignedInStaffMember) {
  user("a@example.no", org_a, Role::coordinator);
  ASSERT_TRUE(client.sign_in("a@example.no"));
  auto r = client.get("/api/v1/me");
  ASSERT_EQ(r->status, 200);
  auto me = json::parse(r->body);
  EXPECT_EQ(me["email"], "a@example.no");
  EXPECT_EQ(me["roles"], json::array({"coordinator"}));
  EXPECT_EQ(me["organisation_id"], org_a);
}

TEST_F(HttpTest, AuditChainStaysIntactThroughRealTraffic) {
  user("admin@a.example.no", org_a, Role::admin);
  client.get("/login");
  client.post("/login", {{"email", "admin@a.example.no"}, {"password", "nope nope nope"}});
  ASSERT_TRUE(client.sign_in("admin@a.example.no"));
  client.get("/admin/users");
  auto page = client.get("/admin/audit");
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("login.failure"), std::string::npos);
  auto result = audit::verify(server.db(), server.app().keys);
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_GE(result.checked, 4);
}

TEST_F(HttpTest, OrganisationSettingsToggleMandatoryTwoStep) {
  user("admin@a.example.no", org_a, Role::admin);
  ASSERT_TRUE(client.sign_in("admin@a.example.no"));
  client.get("/admin/settings");
  EXPECT_EQ(client.post("/admin/settings", {{"mfa_required", "yes please"}})->status, 400);
  EXPECT_EQ(client.post("/admin/settings", {{"mfa_required", "on"}})->status, 303);
  storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
  EXPECT_TRUE(organisations::find(tx, org_a)->mfa_required);
  EXPECT_FALSE(organisations::find(tx, org_b)->mfa_required);
}

// --- languages -------------------------------------------------------------------------------

TEST_F(HttpTest, BrowserLanguageChoosesTheCatalogue) {
  auto nb = client.get("/login", {{"Accept-Language", "nb-NO,nb;q=0.9,en;q=0.5"}});
  EXPECT_NE(nb->body.find("<html lang=\"nb\" dir=\"ltr\">"), std::string::npos);
  auto sv = client.get("/login", {{"Accept-Language", "sv"}});
  EXPECT_NE(sv->body.find("<html lang=\"sv\" dir=\"ltr\">"), std::string::npos);
  EXPECT_NE(nb->body, sv->body);
  for (const char* rtl : {"ar", "ur", "fa"}) {
    auto r = client.get("/", {{"Accept-Language", rtl}});
    EXPECT_NE(r->body.find("<html lang=\"" + std::string(rtl) + "\" dir=\"rtl\">"),
              std::string::npos)
        << rtl;
  }
  for (const char* ltr : {"so", "pl", "uk", "ti"}) {
    auto r = client.get("/", {{"Accept-Language", ltr}});
    EXPECT_NE(r->body.find("<html lang=\"" + std::string(ltr) + "\" dir=\"ltr\">"),
              std::string::npos)
        << ltr;
  }
}

TEST_F(HttpTest, ChosenLanguageBeatsTheBrowserAndRedirectsOnlyLocally) {
  client.get("/");
  auto r = client.post("/language", {{"lang", "sv"}, {"return_to", "/login"}});
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/login");
  EXPECT_NE(client.get("/login", {{"Accept-Language", "nb"}})->body.find("lang=\"sv\""),
            std::string::npos);
  for (const char* evil : {"//evil.example/", "https://evil.example/", "/\\evil.example", "evil",
                           "/ok\r\nSet-Cookie: x=1"}) {
    auto e = client.post("/language", {{"lang", "en"}, {"return_to", evil}});
    EXPECT_EQ(e->get_header_value("Location"), "/") << evil;
  }
  EXPECT_EQ(client.post("/language", {{"lang", "xx"}, {"return_to", "/"}})->status, 400);
}

TEST_F(HttpTest, StaffLanguageIsRememberedOnTheAccount) {
  long long id = user("a@example.no", org_a, Role::advisor);
  ASSERT_TRUE(client.sign_in("a@example.no"));
  client.get("/staff");
  client.post("/language", {{"lang", "nb"}, {"return_to", "/staff"}});
  storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
  EXPECT_EQ(accounts::find_user(tx, server.app().keys, id)->language, "nb");
}

TEST_F(HttpTest, ErrorPagesSpeakTheVisitorsLanguage) {
  auto r = client.get("/no/such/page", {{"Accept-Language", "sv"}});
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("<html lang=\"sv\""), std::string::npos);
  auto api = client.get("/api/v1/%zz", {{"Accept-Language", "nb"}});
  EXPECT_EQ(api->status, 400);
  EXPECT_EQ(json::parse(api->body)["error"]["code"], "bad_request") << "API paths answer JSON";
}

TEST_F(HttpTest, OnlyPagesSetTheCsrfCookie) {
  EXPECT_FALSE(client.get("/static/dime.css")->has_header("Set-Cookie"));
  EXPECT_FALSE(client.get("/healthz")->has_header("Set-Cookie"));
  EXPECT_TRUE(client.get("/login")->has_header("Set-Cookie"));
}

TEST_F(HttpTest, JsonClientsGetTheirCsrfToken) {
  user("a@example.no", org_a, Role::advisor);
  ASSERT_TRUE(client.sign_in("a@example.no"));
  auto me = json::parse(client.get("/api/v1/me")->body);
  ASSERT_TRUE(me.contains("csrf_token"));
  // The token from JSON works for a form post in the X-CSRF-Token header...
  auto ok = client.post("/language", {{"lang", "sv"}, {"return_to", "/"}}, false,
                        {{"X-CSRF-Token", me["csrf_token"].get<std::string>()}});
  EXPECT_EQ(ok->status, 303);
  // ...and a wrong one is refused.
  auto bad = client.post("/language", {{"lang", "sv"}, {"return_to", "/"}}, false,
                         {{"X-CSRF-Token", "forged"}});
  EXPECT_EQ(bad->status, 403);
}

TEST_F(HttpTest, PasswordChangeEndsTheOtherSessions) {
  user("a@example.no", org_a, Role::advisor);
  test::Client other(server.port());
  ASSERT_TRUE(other.sign_in("a@example.no"));
  ASSERT_TRUE(client.sign_in("a@example.no"));
  client.get("/account/password");
  ASSERT_EQ(client
                .post("/account/password", {{"current_password", test::kPassword},
                                            {"new_password", "a fresh long passphrase"},
                                            {"confirm_password", "a fresh long passphrase"}})
                ->status,
            303);
  EXPECT_EQ(client.get("/staff")->status, 200) << "the session that changed it stays";
  EXPECT_EQ(other.get("/staff")->status, 303) << "every other session ends";
}

TEST_F(HttpTest, ReplacingAWorkingSecondFactorNeedsThePassword) {
  user("a@example.no", org_a, Role::advisor);
  ASSERT_TRUE(client.sign_in("a@example.no"));
  auto first = secret_from(client.get("/account/totp")->body);
  long long now = now_seconds();
  ASSERT_EQ(client.post("/account/totp", {{"code", accounts::totp_code(first, now)}})->status, 303);
  // Someone at an unlocked screen tries to enrol their own phone.
  auto page = client.get("/account/totp");
  EXPECT_NE(page->body.find("id=\"current_password\""), std::string::npos);
  auto second = secret_from(page->body);
  auto refused = client.post("/account/totp", {{"code", accounts::totp_code(second, now)}});
  EXPECT_EQ(refused->status, 422);
  EXPECT_NE(refused->body.find("id=\"current_password-error\""), std::string::npos);
  second = secret_from(refused->body);
  EXPECT_EQ(client
                .post("/account/totp", {{"code", accounts::totp_code(second, now)},
                                        {"current_password", test::kPassword}})
                ->status,
            303);
}

TEST_F(HttpTest, GuessingTheCurrentPasswordInASessionIsThrottledAndAudited) {
  user("a@example.no", org_a, Role::advisor);
  ASSERT_TRUE(client.sign_in("a@example.no"));
  client.get("/account/password");
  for (int i = 0; i < accounts::kMaxFailuresPerAccount; ++i) {
    auto r =
        client.post("/account/password", {{"current_password", "guess number " + std::to_string(i)},
                                          {"new_password", "a fresh long passphrase"},
                                          {"confirm_password", "a fresh long passphrase"}});
    EXPECT_EQ(r->status, 422);
  }
  EXPECT_EQ(audit_count("user.password_confirmation_failed"), accounts::kMaxFailuresPerAccount);
  auto r = client.post("/account/password", {{"current_password", test::kPassword},
                                             {"new_password", "a fresh long passphrase"},
                                             {"confirm_password", "a fresh long passphrase"}});
  EXPECT_EQ(r->status, 429) << "even the right password, once the limit is reached";
  EXPECT_EQ(client.get("/staff")->status, 303) << "and the session has ended";
}

TEST_F(HttpTest, ReferenceListsArePublicJson) {
  auto r = client.get("/api/v1/reference/no");
  ASSERT_EQ(r->status, 200);
  auto body = json::parse(r->body);
  EXPECT_EQ(body["jurisdiction"], "no");
  for (const char* c : {"grounds", "forms", "areas", "referral_bodies"}) {
    EXPECT_FALSE(body["categories"][c]["entries"].empty()) << c;
  }
  EXPECT_EQ(client.get("/api/v1/reference/de")->status, 404);
  EXPECT_EQ(client.get("/api/v1/reference/..%2Fno")->status, 404);
}

TEST_F(HttpTest, AdminsAdjustReferenceDataForTheirOfficeOnly) {
  user("admin@a.example.no", org_a, Role::admin);
  user("admin@b.example.no", org_b, Role::admin);
  user("advisor@a.example.no", org_a, Role::advisor);
  ASSERT_TRUE(client.sign_in("admin@a.example.no"));
  auto page = client.get("/admin/reference?category=grounds&language=en");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("dont_know"), std::string::npos);
  EXPECT_EQ(client
                .post("/admin/reference/grounds/age/label",
                      {{"language", "en"}, {"label", "Age (any age)"}})
                ->status,
            303);
  EXPECT_NE(client.get("/admin/reference?category=grounds&language=en")
                ->body.find("value=\"Age (any age)\""),
            std::string::npos);
  auto empty =
      client.post("/admin/reference/grounds/age/label", {{"language", "en"}, {"label", ""}});
  EXPECT_EQ(empty->status, 422);
  EXPECT_NE(empty->body.find("href=\"#label-age\""), std::string::npos)
      << "summary links to the row";
  EXPECT_EQ(client.post("/admin/reference/grounds/age/label", {{"language", "xx"}, {"label", "x"}})
                ->status,
            422);
  EXPECT_EQ(
      client
          .post("/admin/reference/grounds/no_such_code/label", {{"language", "en"}, {"label", "x"}})
          ->status,
      404);
  EXPECT_EQ(client.post("/admin/reference/colours/age/label", {{"language", "en"}, {"label", "x"}})
                ->status,
            404);
  EXPECT_EQ(client.get("/admin/reference?category=colours")->status, 404);
  auto bad_add =
      client.post("/admin/reference/areas", {{"code", "Tenant Board!"}, {"label", "Tenant board"}});
  EXPECT_EQ(bad_add->status, 422);
  EXPECT_NE(bad_add->body.find("value=\"Tenant Board!\""), std::string::npos)
      << "the form keeps what was typed";
  EXPECT_EQ(
      client.post("/admin/reference/areas", {{"code", "tenant_board"}, {"label", "Tenant board"}})
          ->status,
      303);
  EXPECT_EQ(client.post("/admin/reference/forms/hate_speech/retire", {})->status, 303);
  EXPECT_EQ(client.post("/admin/reference/forms/hate_speech/retire", {}, false)->status, 403)
      << "CSRF";
  EXPECT_EQ(audit_count("reference.relabel"), 1);
  EXPECT_EQ(audit_count("reference.add"), 1);
  EXPECT_EQ(audit_count("reference.retire"), 1);

  test::Client other(server.port());
  ASSERT_TRUE(other.sign_in("admin@b.example.no"));
  auto theirs = other.get("/admin/reference?category=areas&language=en");
  EXPECT_EQ(theirs->body.find("tenant_board"), std::string::npos)
      << "another office sees its own lists";

  test::Client advisor(server.port());
  ASSERT_TRUE(advisor.sign_in("advisor@a.example.no"));
  EXPECT_EQ(advisor.get("/admin/reference")->status, 403);
  advisor.get("/staff");
  EXPECT_EQ(
      advisor.post("/admin/reference/grounds/age/label", {{"language", "en"}, {"label", "x"}})
          ->status,
      403);
}

TEST_F(HttpTest, BehindATrustedProxyEachClientIsThrottledOnItsOwn) {
  user("a@example.no", org_a, Role::advisor);
  server.app().config.trust_proxy = true;
  client.get("/login");
  for (int i = 0; i < accounts::kMaxFailuresPerAddress; ++i) {
    client.post(
        "/login",
        {{"email", "x" + std::to_string(i) + "@example.no"}, {"password", "wrong password"}}, true,
        {{"X-Forwarded-For", "198.51.100.7"}});
  }
  auto attacker = client.post("/login", {{"email", "a@example.no"}, {"password", test::kPassword}},
                              true, {{"X-Forwarded-For", "198.51.100.7"}});
  auto colleague = client.post("/login", {{"email", "a@example.no"}, {"password", test::kPassword}},
                               true, {{"X-Forwarded-For", "spoofed, 203.0.113.9"}});
  server.app().config.trust_proxy = false;
  EXPECT_EQ(attacker->status, 429);
  EXPECT_EQ(colleague->status, 303) << "only the last hop counts, and it is another client";
}

}  // namespace
}  // namespace dime
