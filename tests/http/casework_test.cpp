// Casework end to end: the queue and its filters, the case page (decrypted and audited), the
// workflow, messages the person reads with their receipt, notes they never see, tasks, the
// evidence checklist, deadlines, and every refusal: wrong role, another office, a disabled
// account, a tampered session key, malformed input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "accounts/service.hpp"
#include "casework/service.hpp"
#include "core/clock.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "crypto/crypto.hpp"
#include "intake/service.hpp"
#include "support/test_support.hpp"

namespace dime {
namespace {

using accounts::Role;
using nlohmann::json;

class CaseworkTest : public ::testing::Test {
 protected:
  test::TestServer server;
  long long oslo = test::make_organisation(server.db(), "Oslo help office");
  long long bergen = test::make_organisation(server.db(), "Bergen help office");
  long long advisor = holder("adv@oslo.no", oslo, Role::advisor);
  long long coordinator = holder("coord@oslo.no", oslo, Role::coordinator);
  long long bergen_advisor = holder("adv@bergen.no", bergen, Role::advisor);
  long long union_rep = test::make_user(server.db(), server.app().keys, "rep@union.no",
                                        test::kPassword, oslo, Role::union_representative);
  long long mediator = test::make_user(server.db(), server.app().keys, "med@oslo.no",
                                       test::kPassword, oslo, Role::mediator);
  test::Client adv{server.port()};
  test::Client person{server.port()};

  void SetUp() override {
    // The first holder's sign-in shares the office key with colleagues who joined later.
    ASSERT_TRUE(adv.sign_in("adv@oslo.no"));
  }

  long long holder(const std::string& email, long long office, Role role) {
    return test::make_key_holder(server.db(), server.app().keys, email, office, role);
  }

  struct Sent {
    long long id = 0;
    std::string reference, receipt;
  };
  Sent report(long long office, json extra = json::object()) {
    json body = test::valid_report_json();
    body["office_id"] = office;
    body.update(extra);
    auto r = person.post_raw("/api/v1/reports", body.dump(), "application/json");
    EXPECT_EQ(r->status, 201) << r->body;
    auto j = json::parse(r->body);
    Sent s{0, j["reference"], j["receipt"]};
    storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
    tx.sql() << "SELECT id FROM reports WHERE reference = :r", soci::use(s.reference),
        soci::into(s.id);
    return s;
  }
  json self(const Sent& s) {
    auto r = person.get("/api/v1/reports/self", {{"Authorization", "Receipt " + s.receipt}});
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  }
  httplib::Result api(test::Client& c, const std::string& path, const json& body) {
    return c.post_raw(path, body.dump(), "application/json", {{"X-CSRF-Token", c.csrf()}});
  }
  std::string path(const Sent& s, const std::string& rest = "") {
    return "/cases/" + std::to_string(s.id) + rest;
  }
  int count(const std::string& sql) {
    storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
    int n = 0;
    tx.sql() << sql, soci::into(n);
    return n;
  }
  void exec(const std::string& sql) {
    storage::Transaction tx(server.db());
    tx.sql() << sql;
    tx.commit();
  }
};

// --- The queue --------------------------------------------------------------------------------

TEST_F(CaseworkTest, QueueShowsOnlyTheOfficesOwnCasesAndFilters) {
  auto a = report(oslo);
  auto b = report(oslo, {{"grounds", {"disability"}}, {"area", "working_life"}});
  auto other = report(bergen);

  auto r = adv.get("/api/v1/cases");
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  EXPECT_EQ(j["total"], 2);
  std::set<std::string> refs;
  for (const auto& c : j["cases"]) refs.insert(c["reference"]);
  EXPECT_EQ(refs, (std::set<std::string>{a.reference, b.reference}));
  EXPECT_TRUE(j["cases"][0]["new"]);  // not yet acknowledged

  auto refs_for = [&](const std::string& query) {
    auto res = adv.get("/api/v1/cases?" + query);
    EXPECT_EQ(res->status, 200) << query << ": " << res->body;
    std::vector<std::string> out;
    auto body = json::parse(res->body);
    for (const auto& c : body["cases"]) out.push_back(c["reference"]);
    return out;
  };
  EXPECT_EQ(refs_for("ground=disability"), std::vector<std::string>{b.reference});
  EXPECT_EQ(refs_for("area=housing"), std::vector<std::string>{a.reference});
  EXPECT_EQ(refs_for("q=" + a.reference.substr(0, a.reference.size() - 2) + "&ground=ethnicity"),
            std::vector<std::string>{a.reference});
  EXPECT_EQ(refs_for("q=" + other.reference), std::vector<std::string>{});
  EXPECT_EQ(refs_for("q=oslo&sort=oldest"), (std::vector<std::string>{a.reference, b.reference}));
  EXPECT_EQ(refs_for("assignee=none&status=received").size(), 2u);
  EXPECT_EQ(refs_for("assignee=me").size(), 0u);
  EXPECT_EQ(refs_for("age=older").size(), 0u);
  EXPECT_EQ(refs_for("q=%25").size(), 0u);  // a LIKE wildcard is only a character

  // Filters that are not one of the choices are refused, not ignored.
  for (const char* bad : {"status=lost", "age=ancient", "deadline=soon", "sort=random", "page=0",
                          "page=x", "assignee=12abc"}) {
    EXPECT_EQ(adv.get(std::string("/api/v1/cases?") + bad)->status, 400) << bad;
  }

  // The page: the same cases, a link to each, the filters kept.
  auto page = adv.get("/cases?ground=disability");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find(b.reference), std::string::npos);
  EXPECT_EQ(page->body.find(a.reference), std::string::npos);
  EXPECT_EQ(page->body.find(other.reference), std::string::npos);
  EXPECT_NE(page->body.find("href=\"/cases/" + std::to_string(b.id) + "\""), std::string::npos);
}

TEST_F(CaseworkTest, QueuePagesHoldFiftyRows) {
  for (int i = 0; i < 3; ++i) report(oslo);
  // Copy rows to pass one page without 50 argon2id receipts.
  for (int i = 0; i < 50; ++i) {
    exec(
        "INSERT INTO reports (organisation_id, reference, receipt_lookup, office_key_id, "
        "key_sealed, key_receipt, content_sealed, language, channel, reporter_type, "
        "contact_mode, area, place_kind, party_kind, municipality, received_month, created_at, "
        "updated_at) SELECT organisation_id, reference || '-" +
        std::to_string(i) + "', receipt_lookup || '-" + std::to_string(i) +
        "', office_key_id, key_sealed, key_receipt, content_sealed, language, channel, "
        "reporter_type, contact_mode, area, place_kind, party_kind, municipality, "
        "received_month, created_at, updated_at FROM reports WHERE id = (SELECT MIN(id) FROM "
        "reports)");
  }
  auto first = json::parse(adv.get("/api/v1/cases")->body);
  EXPECT_EQ(first["total"], 53);
  EXPECT_EQ(first["cases"].size(), 50u);
  EXPECT_TRUE(first["has_next"]);
  auto second = json::parse(adv.get("/api/v1/cases?page=2")->body);
  EXPECT_EQ(second["cases"].size(), 3u);
  EXPECT_FALSE(second["has_next"]);
  auto html = adv.get("/cases?status=received");
  EXPECT_NE(html->body.find("name=\"page\" value=\"2\""), std::string::npos);
  EXPECT_NE(html->body.find("name=\"status\" value=\"received\""), std::string::npos);
}

// --- Reading a case ---------------------------------------------------------------------------

TEST_F(CaseworkTest, CasePageShowsTheDecryptedReportAndAuditsTheRead) {
  auto s = report(oslo, {{"contact_mode", "email"},
                         {"email", "amina@example.org"},
                         {"name", "Amina Hassan"},
                         {"witnesses", "My neighbour Ola"}});
  int reads_before = count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.read'");
  auto r = adv.get(path(s));
  ASSERT_EQ(r->status, 200) << r->body;
  for (const char* text : {"does not rent to people like me", "Amina Hassan", "amina@example.org",
                           "My neighbour Ola"}) {
    EXPECT_NE(r->body.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.read'"),
            reads_before + 1);
  // The API read is audited as well, and carries codes.
  auto j = json::parse(adv.get("/api/v1/cases/" + std::to_string(s.id))->body);
  EXPECT_EQ(j["report"]["name"], "Amina Hassan");
  EXPECT_EQ(j["report"]["grounds"], json({"ethnicity", "religion"}));
  EXPECT_EQ(j["evidence"]["witnesses"], "missing");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.read'"),
            reads_before + 2);
}

TEST_F(CaseworkTest, AnotherOfficesAdvisorGetsTheSameAnswerAsForACaseThatDoesNotExist) {
  auto s = report(oslo);
  test::Client b(server.port());
  ASSERT_TRUE(b.sign_in("adv@bergen.no"));
  auto theirs = b.get(path(s));
  auto missing = b.get("/cases/999999");
  EXPECT_EQ(theirs->status, 404);
  // The page differs only in the address it would return to after a language switch.
  auto main_of = [](const std::string& html) {
    return html.substr(html.find("<main"), html.find("</main>") - html.find("<main"));
  };
  EXPECT_EQ(main_of(theirs->body), main_of(missing->body));
  EXPECT_EQ(theirs->body.find(s.reference), std::string::npos);
  auto api_theirs = b.get("/api/v1/cases/" + std::to_string(s.id));
  auto api_missing = b.get("/api/v1/cases/999999");
  EXPECT_EQ(api_theirs->status, 404);
  EXPECT_EQ(api_theirs->body, api_missing->body);
  EXPECT_EQ(api_theirs->body.find(s.reference), std::string::npos);
  // Nor can they change it.
  EXPECT_EQ(api(b, "/api/v1/cases/" + std::to_string(s.id) + "/notes", {{"body", "x"}})->status,
            404);
  EXPECT_EQ(b.post(path(s, "/status"), {{"status", "closed"}, {"outcome", "advice"}})->status, 404);
  EXPECT_EQ(b.get(path(s, "/files/1"))->status, 404);
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_notes"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM reports WHERE status = 'closed'"), 0);
  // And their queue does not list it.
  EXPECT_EQ(json::parse(b.get("/api/v1/cases")->body)["total"], 0);
}

TEST_F(CaseworkTest, RolesWithoutCaseworkAreRefused) {
  auto s = report(oslo);
  for (const char* email : {"rep@union.no", "med@oslo.no"}) {
    test::Client c(server.port());
    ASSERT_TRUE(c.sign_in(email));
    EXPECT_EQ(c.get("/cases")->status, 403) << email;
    EXPECT_EQ(c.get(path(s))->status, 403) << email;
    EXPECT_EQ(c.get("/api/v1/cases")->status, 403) << email;
    EXPECT_EQ(api(c, "/api/v1/cases/" + std::to_string(s.id) + "/notes", {{"body", "x"}})->status,
              403)
        << email;
    EXPECT_EQ(c.get("/deadlines")->status, 403) << email;
  }
  // The deadline view is the coordinator's; an advisor filters the queue instead.
  EXPECT_EQ(adv.get("/deadlines")->status, 403);
  test::Client coord(server.port());
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));
  EXPECT_EQ(coord.get("/deadlines")->status, 200);
  // Signed out: the page sends to sign-in, the API says 401.
  test::Client nobody(server.port());
  EXPECT_EQ(nobody.get("/cases")->status, 303);
  EXPECT_EQ(nobody.get("/api/v1/cases")->status, 401);
}

TEST_F(CaseworkTest, ADisabledAccountReadsNothing) {
  auto s = report(oslo);
  test::Client coord(server.port());
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));
  ASSERT_EQ(coord.get(path(s))->status, 200);
  {
    storage::Transaction tx(server.db());
    accounts::set_disabled(tx, coordinator, true);
    tx.commit();
  }
  EXPECT_EQ(coord.get(path(s))->status, 303);  // the session has ended
  EXPECT_EQ(count("SELECT COUNT(*) FROM office_key_grants WHERE user_id = " +
                  std::to_string(coordinator)),
            0);
  EXPECT_FALSE(test::Client(server.port()).sign_in("coord@oslo.no"));
}

TEST_F(CaseworkTest, ATamperedSessionKeyOpensNothingAndIsNotAServerError) {
  auto s = report(oslo);
  auto cookie = *adv.cookie("dime_session");
  auto dot = cookie.find('.');
  ASSERT_NE(dot, std::string::npos);
  adv.set_cookie("dime_session",
                 cookie.substr(0, dot + 1) + crypto::to_base64(crypto::random_key()));
  auto r = adv.get(path(s));
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->body.find("does not rent"), std::string::npos);
  EXPECT_EQ(adv.get("/api/v1/cases/" + std::to_string(s.id))->status, 401);
}

// --- Working on a case ------------------------------------------------------------------------

TEST_F(CaseworkTest, AcknowledgeMessageAndNotesReachOnlyWhoTheyAreFor) {
  auto s = report(oslo, {{"language", "nb"}});
  ASSERT_EQ(adv.post(path(s, "/acknowledge"), {})->status, 303);
  EXPECT_EQ(adv.post(path(s, "/acknowledge"), {})->status, 409);  // once only
  ASSERT_EQ(
      adv.post(path(s, "/messages"), {{"message", "Can you tell us the landlord's name?"}})->status,
      303);
  ASSERT_EQ(adv.post(path(s, "/notes"), {{"note", "Looks like § 6 ethnicity; check the advert."}})
                ->status,
            303);

  auto view = self(s);
  EXPECT_EQ(view["status"], "in_assessment");
  ASSERT_EQ(view["messages"].size(), 2u);
  // The acknowledgement is in the language the person reported in.
  EXPECT_EQ(view["messages"][0]["from"], "office");
  EXPECT_EQ(view["messages"][0]["body"].get<std::string>().find("We have received"),
            std::string::npos);
  EXPECT_EQ(view["messages"][1]["body"], "Can you tell us the landlord's name?");
  EXPECT_EQ(view.dump().find("check the advert"), std::string::npos);

  // The person answers; the advisor sees it on the case page, with the note.
  auto answer = person.post_raw("/api/v1/reports/self/messages",
                                json{{"message", "It was Hansen Eiendom."}}.dump(),
                                "application/json", {{"Authorization", "Receipt " + s.receipt}});
  ASSERT_EQ(answer->status, 201);
  auto page = adv.get(path(s));
  EXPECT_NE(page->body.find("It was Hansen Eiendom."), std::string::npos);
  EXPECT_NE(page->body.find("check the advert"), std::string::npos);
  // Written text is ciphertext in the database.
  storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
  std::string note, message;
  tx.sql() << "SELECT body_sealed FROM case_notes", soci::into(note);
  tx.sql() << "SELECT body_sealed FROM report_messages WHERE author = 'staff' ORDER BY id DESC",
      soci::into(message);
  EXPECT_EQ(note.find("advert"), std::string::npos);
  EXPECT_EQ(message.find("landlord"), std::string::npos);
}

TEST_F(CaseworkTest, StatusFollowsTheWorkflowAndClosingNeedsAnOutcome) {
  auto s = report(oslo);
  auto id = std::to_string(s.id);
  // received -> referred skips the assessment.
  auto skip = adv.post(path(s, "/status"), {{"status", "referred"}});
  EXPECT_EQ(skip->status, 422);
  EXPECT_NE(skip->body.find("cannot move to that status"), std::string::npos);
  ASSERT_EQ(adv.post(path(s, "/status"), {{"status", "in_assessment"}})->status, 303);
  ASSERT_EQ(api(adv, "/api/v1/cases/" + id + "/status", {{"status", "advice_given"}})->status, 200);
  EXPECT_EQ(count("SELECT COUNT(*) FROM reports WHERE feedback_at IS NOT NULL"), 1);
  auto no_outcome = api(adv, "/api/v1/cases/" + id + "/status", {{"status", "closed"}});
  EXPECT_EQ(no_outcome->status, 422);
  EXPECT_TRUE(json::parse(no_outcome->body)["error"]["fields"].contains("outcome"));
  auto bad_outcome =
      api(adv, "/api/v1/cases/" + id + "/status", {{"status", "closed"}, {"outcome", "won"}});
  EXPECT_EQ(bad_outcome->status, 422);
  auto outcome_early =
      api(adv, "/api/v1/cases/" + id + "/status", {{"status", "referred"}, {"outcome", "advice"}});
  EXPECT_EQ(outcome_early->status, 422);
  ASSERT_EQ(
      api(adv, "/api/v1/cases/" + id + "/status", {{"status", "closed"}, {"outcome", "advice"}})
          ->status,
      200);
  auto closed = json::parse(adv.get("/api/v1/cases/" + id)->body);
  EXPECT_EQ(closed["status"], "closed");
  EXPECT_EQ(closed["outcome"], "advice");
  EXPECT_TRUE(closed["deadlines"].empty());  // a closed case has none
  EXPECT_EQ(self(s)["status"], "closed");
  // Reopening clears the outcome.
  ASSERT_EQ(api(adv, "/api/v1/cases/" + id + "/status", {{"status", "in_assessment"}})->status,
            200);
  EXPECT_EQ(json::parse(adv.get("/api/v1/cases/" + id)->body)["outcome"], "");
  // The timeline has every step.
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE kind = 'status'"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.status'"), 4);
}

TEST_F(CaseworkTest, CodingIsKeptApartAndChecksTheReferenceData) {
  auto s = report(oslo);
  auto id = std::to_string(s.id);
  auto bad = api(adv, "/api/v1/cases/" + id + "/coding",
                 {{"grounds", {"ethnicity", "astrology"}},
                  {"forms", {"harassment"}},
                  {"area", "moon"},
                  {"event_earliest", "2999-01-01"}});
  ASSERT_EQ(bad->status, 422);
  auto fields = json::parse(bad->body)["error"]["fields"];
  for (const char* f : {"grounds", "area", "event_earliest"}) EXPECT_TRUE(fields.contains(f)) << f;
  EXPECT_FALSE(fields.contains("forms"));
  EXPECT_EQ(api(adv, "/api/v1/cases/" + id + "/coding", {{"grounds", "ethnicity"}})->status, 422);

  // The web form keeps the typed date when it is wrong.
  auto typed = adv.post(path(s, "/coding"), {{"event_earliest", "14.03.2025"}});
  EXPECT_EQ(typed->status, 422);
  EXPECT_NE(typed->body.find("value=\"14.03.2025\""), std::string::npos);

  ASSERT_EQ(api(adv, "/api/v1/cases/" + id + "/coding",
                {{"grounds", {"disability"}},
                 {"forms", {"harassment", "direct_discrimination"}},
                 {"area", "working_life"},
                 {"event_earliest", "2025-03-01"}})
                ->status,
            200);
  auto c = json::parse(adv.get("/api/v1/cases/" + id)->body);
  EXPECT_EQ(c["coding"]["grounds"], json({"disability"}));
  EXPECT_EQ(c["report"]["grounds"], json({"ethnicity", "religion"}));  // what the person said
  EXPECT_EQ(c["coding"]["area"], "working_life");
  EXPECT_EQ(c["report"]["area"], "housing");
  // The queue shows and filters by the coding once there is one.
  EXPECT_EQ(json::parse(adv.get("/api/v1/cases?area=working_life")->body)["total"], 1);
  EXPECT_EQ(json::parse(adv.get("/api/v1/cases?area=housing")->body)["total"], 0);
  EXPECT_EQ(json::parse(adv.get("/api/v1/cases?ground=disability")->body)["total"], 1);
  // The case page names the legal basis of what was coded.
  auto page = adv.get(path(s));
  EXPECT_NE(page->body.find("Legal basis"), std::string::npos);
}

TEST_F(CaseworkTest, TasksAssignmentAndEvidenceStayInsideTheOffice) {
  auto s = report(oslo);
  auto id = std::to_string(s.id);
  std::string tomorrow = format_date(date_of(now_seconds()) + std::chrono::days{1});
  // Only advisors and coordinators of this office can be given cases or tasks.
  for (long long who : {bergen_advisor, union_rep, mediator}) {
    EXPECT_EQ(api(adv, "/api/v1/cases/" + id + "/assign", {{"assignee", who}})->status, 422);
    EXPECT_EQ(api(adv, "/api/v1/cases/" + id + "/tasks",
                  {{"title", "Call"}, {"due_on", tomorrow}, {"assigned_to", who}})
                  ->status,
              422);
  }
  ASSERT_EQ(adv.post(path(s, "/assign"), {{"assignee", std::to_string(coordinator)}})->status, 303);
  EXPECT_EQ(
      json::parse(adv.get("/api/v1/cases?assignee=" + std::to_string(coordinator))->body)["total"],
      1);
  ASSERT_EQ(adv.post(path(s, "/assign"), {{"assignee", "me"}})->status, 303);
  EXPECT_EQ(json::parse(adv.get("/api/v1/cases?assignee=me")->body)["total"], 1);

  auto past =
      adv.post(path(s, "/tasks"), {{"title", "Ask for the advert"}, {"due_on", "2020-01-01"}});
  EXPECT_EQ(past->status, 422);
  EXPECT_NE(past->body.find("value=\"Ask for the advert\""), std::string::npos);
  auto made =
      api(adv, "/api/v1/cases/" + id + "/tasks",
          {{"title", "Ask for the advert"}, {"due_on", tomorrow}, {"assigned_to", advisor}});
  ASSERT_EQ(made->status, 201) << made->body;
  long long task = json::parse(made->body)["id"];
  std::string done = "/api/v1/cases/" + id + "/tasks/" + std::to_string(task) + "/done";
  EXPECT_EQ(api(adv, done, json::object())->status, 200);
  EXPECT_EQ(api(adv, done, json::object())->status, 409);
  EXPECT_EQ(api(adv, "/api/v1/cases/" + id + "/tasks/999/done", json::object())->status, 404);

  ASSERT_EQ(adv.post(path(s, "/evidence"),
                     {{"evidence_witnesses", "requested"}, {"evidence_documents", "received"}})
                ->status,
            303);
  EXPECT_EQ(api(adv, "/api/v1/cases/" + id + "/evidence", {{"item", "dna"}, {"state", "received"}})
                ->status,
            422);
  auto c = json::parse(adv.get("/api/v1/cases/" + id)->body);
  EXPECT_EQ(c["evidence"]["witnesses"], "requested");
  EXPECT_EQ(c["evidence"]["documents"], "received");
  EXPECT_EQ(c["tasks"][0]["done"], true);
  EXPECT_EQ(c["assigned_to"], advisor);
}

TEST_F(CaseworkTest, DeadlinesAreSeenBeforeTheyPass) {
  long long now = now_seconds();
  // Not acknowledged for 10 days; an event 34 months ago, two months before the tribunal's
  // 36-month limit (inside the 180-day warning); and one with nothing at risk.
  auto late = report(oslo);
  auto old_event = report(oslo, {{"event_date", format_date(add_months(date_of(now), -34))}});
  auto fine = report(oslo);
  exec("UPDATE reports SET created_at = " + std::to_string(now - 10 * 86400) +
       " WHERE id = " + std::to_string(late.id));
  exec("UPDATE reports SET acknowledged_at = " + std::to_string(now) + " WHERE id <> " +
       std::to_string(late.id));

  auto refs = [&](const std::string& query) {
    std::set<std::string> out;
    auto body = json::parse(adv.get("/api/v1/cases?" + query)->body);
    for (const auto& c : body["cases"]) out.insert(c["reference"]);
    return out;
  };
  EXPECT_EQ(refs("deadline=overdue"), std::set<std::string>{late.reference});
  EXPECT_EQ(refs("deadline=at_risk"), (std::set<std::string>{late.reference, old_event.reference}));
  auto c = json::parse(adv.get("/api/v1/cases/" + std::to_string(old_event.id))->body);
  bool tribunal = false;
  for (const auto& d : c["deadlines"]) tribunal |= d["kind"] == "time_limit";
  EXPECT_TRUE(tribunal) << c["deadlines"].dump();

  // An overdue task puts a case at risk too.
  exec(
      "INSERT INTO case_tasks (report_id, title_sealed, due_on, created_by, created_at) "
      "VALUES (" +
      std::to_string(fine.id) + ", 'x', '2020-01-01', " + std::to_string(advisor) + ", 0)");
  EXPECT_EQ(refs("deadline=overdue").count(fine.reference), 1u);

  test::Client coord(server.port());
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));
  auto page = coord.get("/deadlines");
  ASSERT_EQ(page->status, 200);
  for (const auto& ref : {late.reference, old_event.reference, fine.reference}) {
    EXPECT_NE(page->body.find(ref), std::string::npos) << ref;
  }
  EXPECT_NE(page->body.find("overdue"), std::string::npos);
}

TEST_F(CaseworkTest, EvidenceFilesDownloadForTheOfficeOnly) {
  const std::string pdf =
      "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R "
      ">>\n%%EOF\n";
  long long id = 0;
  {
    intake::ReportInput in;
    auto j = test::valid_report_json();
    in.organisation_id = oslo;
    in.reporter_type = "self";
    in.narrative = j["narrative"];
    in.event_date = j["event_date"];
    in.municipality = "Oslo";
    in.place_kind = "housing";
    in.area = "housing";
    in.grounds = {"ethnicity"};
    in.party_kind = "landlord";
    in.wishes = {"advice"};
    in.contact_mode = "none";
    in.consent = true;
    auto receipt = intake::new_receipt(server.app().keys);
    storage::Transaction tx(server.db());
    auto sent = intake::submit(tx, server.app().keys, in,
                               {{"advert \"final\".pdf", "application/pdf", pdf}}, "web", "en",
                               now_seconds(), receipt);
    tx.commit();
    id = sent.report_id;
  }
  long long file = count("SELECT MIN(id) FROM report_attachments");
  std::string url = "/cases/" + std::to_string(id) + "/files/" + std::to_string(file);
  auto r = adv.get(url);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->body, pdf);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(r->get_header_value("Content-Disposition"),
            "attachment; filename=\"advert__final_.pdf\"");
  EXPECT_NE(r->get_header_value("Content-Security-Policy").find("sandbox"), std::string::npos);
  test::Client b(server.port());
  ASSERT_TRUE(b.sign_in("adv@bergen.no"));
  EXPECT_EQ(b.get(url)->status, 404);
  EXPECT_EQ(adv.get("/cases/" + std::to_string(id) + "/files/999999")->status, 404);
}

TEST_F(CaseworkTest, MalformedInputGetsA4xx) {
  auto s = report(oslo);
  auto id = std::to_string(s.id);
  std::string notes = "/api/v1/cases/" + id + "/notes";
  EXPECT_EQ(adv.post_raw(notes, "body=x", "application/x-www-form-urlencoded",
                         {{"X-CSRF-Token", adv.csrf()}})
                ->status,
            415);
  EXPECT_EQ(
      adv.post_raw(notes, "{\"body\":", "application/json", {{"X-CSRF-Token", adv.csrf()}})->status,
      400);
  EXPECT_EQ(api(adv, notes, {{"body", 42}})->status, 422);
  EXPECT_EQ(api(adv, notes, {{"body", ""}})->status, 422);
  EXPECT_EQ(api(adv, notes, {{"body", std::string(20000, 'x')}})->status, 422);
  EXPECT_EQ(api(adv, "/api/v1/cases/" + id + "/assign", {{"assignee", "me"}})->status, 422);
  for (const char* malformed : {"12abc", "-4", "0"}) {
    auto r = adv.post(path(s, "/assign"), {{"assignee", malformed}});
    EXPECT_EQ(r->status, 422) << malformed;
    EXPECT_NE(r->body.find("id=\"assignee-error\""), std::string::npos) << malformed;
  }
  // Without the CSRF token, nothing changes.
  EXPECT_EQ(adv.post_raw(notes, json{{"body", "x"}}.dump(), "application/json")->status, 403);
  EXPECT_EQ(adv.post(path(s, "/notes"), {{"note", "x"}}, false)->status, 403);
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_notes"), 0);
  // An empty note on the page keeps the form and says what is wrong.
  auto empty = adv.post(path(s, "/notes"), {{"note", "   "}});
  EXPECT_EQ(empty->status, 422);
  EXPECT_NE(empty->body.find("id=\"note-error\""), std::string::npos);
  // Ids that are not ids.
  EXPECT_EQ(adv.get("/cases/abc")->status, 404);
  EXPECT_EQ(adv.get("/cases/-1")->status, 404);
  EXPECT_EQ(adv.post("/cases/" + id + "/tasks/x/done", {})->status, 404);
}

// --- Retention and the person's rights ----------------------------------------------------------

TEST_F(CaseworkTest, RetentionErasesPersonalDataButKeepsTheCounts) {
  auto old_case = report(oslo, {{"witnesses", "Ola Nordmann"}});
  auto recent = report(oslo);
  auto open_case = report(oslo);
  for (const auto& s : {old_case, recent}) {
    auto id = std::to_string(s.id);
    ASSERT_EQ(
        api(adv, "/api/v1/cases/" + id + "/messages", {{"body", "Our advice is ..."}})->status,
        201);
    ASSERT_EQ(api(adv, "/api/v1/cases/" + id + "/notes", {{"body", "Private note"}})->status, 201);
    ASSERT_EQ(api(adv, "/api/v1/cases/" + id + "/coding", {{"grounds", {"ethnicity"}}})->status,
              200);
    ASSERT_EQ(
        api(adv, "/api/v1/cases/" + id + "/status", {{"status", "closed"}, {"outcome", "advice"}})
            ->status,
        200);
  }
  long long now = now_seconds();
  // Closed 25 months ago; the office keeps personal data 24 months after closing.
  exec("UPDATE reports SET closed_at = " + std::to_string(now - 25LL * 31 * 86400) +
       " WHERE id = " + std::to_string(old_case.id));
  auto counts = [&] {
    return std::vector<int>{count("SELECT COUNT(*) FROM reports"),
                            count("SELECT COUNT(*) FROM report_grounds"),
                            count("SELECT COUNT(*) FROM case_grounds"),
                            count("SELECT COUNT(*) FROM reports WHERE status = 'closed' AND "
                                  "outcome = 'advice'")};
  };
  auto before = counts();
  {
    storage::Transaction tx(server.db());
    EXPECT_EQ(casework::erase_expired(tx, server.app().keys, now, 0), 0);  // a batch of none
    EXPECT_EQ(casework::erase_expired(tx, server.app().keys, now, 1), 1);
    tx.commit();
  }
  EXPECT_EQ(counts(), before);  // statistics keep every count
  std::string old_id = std::to_string(old_case.id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM reports WHERE erased_at IS NOT NULL AND key_sealed = '' "
                  "AND key_receipt = '' AND content_sealed = '' AND id = " +
                  old_id),
            1);
  for (const char* table : {"report_messages", "case_notes", "report_attachments", "case_tasks"}) {
    EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM ") + table + " WHERE report_id = " + old_id),
              0)
        << table;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.erase' AND "
                  "detail = 'retention'"),
            1);
  // The recent case and the open one are untouched and still readable.
  EXPECT_NE(adv.get(path(recent))->body.find("does not rent"), std::string::npos);
  EXPECT_NE(adv.get(path(open_case))->body.find("does not rent"), std::string::npos);
  // The erased case still has its page, without anything personal.
  auto page = adv.get(path(old_case));
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("id=\"erased\""), std::string::npos);
  EXPECT_EQ(page->body.find("does not rent"), std::string::npos);
  EXPECT_EQ(page->body.find("Ola Nordmann"), std::string::npos);
  EXPECT_EQ(api(adv, "/api/v1/cases/" + old_id + "/notes", {{"body", "x"}})->status, 409);
  // The person's receipt still opens it, and says it was erased.
  auto view = self(old_case);
  EXPECT_TRUE(view["erased"]);
  EXPECT_EQ(view["status"], "closed");
  EXPECT_EQ(view.dump().find("does not rent"), std::string::npos);
  EXPECT_EQ(person
                .post_raw("/api/v1/reports/self/messages", json{{"message", "Hello?"}}.dump(),
                          "application/json", {{"Authorization", "Receipt " + old_case.receipt}})
                ->status,
            409);
  // A second run finds nothing more to do.
  storage::Transaction tx(server.db());
  EXPECT_EQ(casework::erase_expired(tx, server.app().keys, now), 0);
}

TEST_F(CaseworkTest, AccessRequestsAndErasureOnRequestAreForCoordinators) {
  auto s = report(
      oslo, {{"name", "Amina Hassan"}, {"contact_mode", "email"}, {"email", "amina@example.org"}});
  ASSERT_EQ(
      api(adv, "/api/v1/cases/" + std::to_string(s.id) + "/notes", {{"body", "Called her back"}})
          ->status,
      201);
  EXPECT_EQ(adv.get(path(s, "/export"))->status, 403);
  EXPECT_EQ(adv.post(path(s, "/erase"), {{"confirm", s.reference}})->status, 403);

  test::Client coord(server.port());
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));
  auto exported = coord.get(path(s, "/export"));
  ASSERT_EQ(exported->status, 200);
  EXPECT_NE(exported->get_header_value("Content-Disposition").find("attachment"),
            std::string::npos);
  auto j = json::parse(exported->body);
  EXPECT_EQ(j["report"]["name"], "Amina Hassan");
  EXPECT_EQ(j["report"]["email"], "amina@example.org");
  EXPECT_EQ(j["internal_notes"][0]["body"], "Called her back");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.export'"), 1);

  auto wrong = coord.post(path(s, "/erase"), {{"confirm", "NO-2026-XXXXXX"}});
  EXPECT_EQ(wrong->status, 422);
  EXPECT_NE(wrong->body.find("value=\"NO-2026-XXXXXX\""), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM reports WHERE erased_at IS NOT NULL"), 0);
  ASSERT_EQ(coord.post(path(s, "/erase"), {{"confirm", s.reference}})->status, 303);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.erase' AND "
                  "detail = 'request'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_notes"), 0);
  EXPECT_TRUE(self(s)["erased"]);
  // Another office's coordinator cannot reach it either way.
  long long bergen_coord = holder("coord@bergen.no", bergen, Role::coordinator);
  (void)bergen_coord;
  test::Client b(server.port());
  ASSERT_TRUE(b.sign_in("coord@bergen.no"));
  EXPECT_EQ(b.get(path(s, "/export"))->status, 404);
  EXPECT_EQ(b.post(path(s, "/erase"), {{"confirm", s.reference}})->status, 404);
}

// --- Handover ---------------------------------------------------------------------------------

TEST_F(CaseworkTest, HandoverMovesOpenCasesAndTasksToAColleague) {
  long long admin = holder("admin@oslo.no", oslo, Role::admin);
  (void)admin;
  auto open_case = report(oslo);
  auto closed_case = report(oslo);
  std::string tomorrow = format_date(date_of(now_seconds()) + std::chrono::days{1});
  for (const auto& s : {open_case, closed_case}) {
    auto id = std::to_string(s.id);
    ASSERT_EQ(api(adv, "/api/v1/cases/" + id + "/assign", {{"assignee", advisor}})->status, 200);
    ASSERT_EQ(api(adv, "/api/v1/cases/" + id + "/tasks",
                  {{"title", "Follow up"}, {"due_on", tomorrow}, {"assigned_to", advisor}})
                  ->status,
              201);
  }
  ASSERT_EQ(api(adv, "/api/v1/cases/" + std::to_string(closed_case.id) + "/status",
                {{"status", "closed"}, {"outcome", "advice"}})
                ->status,
            200);
  std::string url = "/admin/users/" + std::to_string(advisor) + "/handover";
  EXPECT_EQ(adv.post(url, {{"to", std::to_string(coordinator)}})->status, 403);  // not an admin

  test::Client a(server.port());
  ASSERT_TRUE(a.sign_in("admin@oslo.no"));
  auto staff = a.get("/admin/users");
  EXPECT_NE(staff->body.find("action=\"" + url + "\""), std::string::npos);
  for (long long wrong : {union_rep, bergen_advisor, advisor}) {
    EXPECT_EQ(a.post(url, {{"to", std::to_string(wrong)}})->status, 422) << wrong;
  }
  for (const char* malformed : {"", "abc", "-3", "12x"}) {
    EXPECT_EQ(a.post(url, {{"to", malformed}})->status, 422) << malformed;
  }
  ASSERT_EQ(a.post(url, {{"to", std::to_string(coordinator)}})->status, 303);
  auto assigned = [&](const Sent& s) {
    return count("SELECT COALESCE(assigned_to, 0) FROM reports WHERE id = " + std::to_string(s.id));
  };
  EXPECT_EQ(assigned(open_case), coordinator);
  EXPECT_EQ(assigned(closed_case), advisor);  // closed cases stay where they were
  // Every task still to do moves, also on a closed case: nothing is left with someone who left.
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM case_tasks WHERE assigned_to = " + std::to_string(coordinator)),
      2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.handover'"), 1);
  // The colleague reads the case with their own copy of the office key.
  test::Client coord(server.port());
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));
  EXPECT_NE(coord.get(path(open_case))->body.find("does not rent"), std::string::npos);
}

TEST_F(CaseworkTest, TheOnlyHolderOfAnOfficeKeyCannotBeDisabled) {
  // In Bergen only the advisor holds the office key; the new admin has signed in but has no copy.
  test::make_user(server.db(), server.app().keys, "admin@bergen.no", test::kPassword, bergen,
                  Role::admin);
  test::Client a(server.port());
  ASSERT_TRUE(a.sign_in("admin@bergen.no"));
  std::string url = "/admin/users/" + std::to_string(bergen_advisor) + "/disable";
  auto refused = a.post(url, {});
  EXPECT_EQ(refused->status, 409);
  EXPECT_NE(refused->body.find("only one who holds"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL"), 0);
  // Once the advisor has signed in (sharing the key with the admin), disabling is allowed.
  ASSERT_TRUE(test::Client(server.port()).sign_in("adv@bergen.no"));
  EXPECT_EQ(a.post(url, {})->status, 303);
}

// --- Referrals --------------------------------------------------------------------------------

// The text of a PDF, as poppler's pdftotext reads it.
std::string pdf_text(const std::string& pdf) {
  std::string path = ::testing::TempDir() + "/referral-" + std::to_string(::getpid()) + ".pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  std::string out;
  if (FILE* p = ::popen(("pdftotext -enc UTF-8 '" + path + "' -").c_str(), "r")) {
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  std::remove(path.c_str());
  return out;
}

TEST_F(CaseworkTest, AReferralToTheTribunalHasAComplaintDraftThatBecomesAPdf) {
  auto s = report(oslo, {{"narrative",
                          "Utleier sa at han ikke leier ut til «sånne som meg». Blåbær, "
                          "ærlig og øyeblikkelig."},
                         {"party_name", "Hansen Eiendom AS"},
                         {"reporter_type", "witness"},
                         {"affected_consent", "yes"},
                         {"witnesses", "Kari Nordmann"}});
  auto id = std::to_string(s.id);
  ASSERT_EQ(api(adv, "/api/v1/cases/" + id + "/coding",
                {{"grounds", {"ethnicity"}}, {"forms", {"harassment"}}, {"area", "housing"}})
                ->status,
            200);
  std::string today = format_date(date_of(now_seconds()));
  std::string referrals = "/api/v1/cases/" + id + "/referrals";

  auto missing = api(adv, referrals, {{"body", "diskrimineringsnemnda"}});
  ASSERT_EQ(missing->status, 422);
  auto fields = json::parse(missing->body)["error"]["fields"];
  EXPECT_TRUE(fields.contains("consent_how"));
  EXPECT_TRUE(fields.contains("consent_on"));
  EXPECT_EQ(api(adv, referrals,
                {{"body", "the_moon"}, {"consent_how", "in_writing"}, {"consent_on", today}})
                ->status,
            422);
  auto page_error = adv.post(path(s, "/referrals"),
                             {{"body", "diskrimineringsnemnda"}, {"consent_on", "yesterday"}});
  EXPECT_EQ(page_error->status, 422);
  EXPECT_NE(page_error->body.find("value=\"yesterday\""), std::string::npos);

  auto made = api(
      adv, referrals,
      {{"body", "diskrimineringsnemnda"}, {"consent_how", "in_writing"}, {"consent_on", today}});
  ASSERT_EQ(made->status, 201) << made->body;
  std::string rid = std::to_string(json::parse(made->body)["id"].get<long long>());
  std::string one = referrals + "/" + rid;
  auto r = json::parse(adv.get(one)->body);
  EXPECT_EQ(r["kind"], "tribunal");
  EXPECT_EQ(r["status"], "draft");
  auto sections = r["sections"];
  for (const char* k : {"what_happened", "prohibition", "timeline", "place", "people",
                        "power_of_attorney", "documents"}) {
    EXPECT_TRUE(sections.contains(k)) << k;
  }
  EXPECT_NE(sections["what_happened"].get<std::string>().find("Blåbær"), std::string::npos);
  EXPECT_NE(sections["prohibition"].get<std::string>().find("§ 13"), std::string::npos);
  EXPECT_NE(sections["people"].get<std::string>().find("Hansen Eiendom AS"), std::string::npos);
  EXPECT_NE(sections["people"].get<std::string>().find("Kari Nordmann"), std::string::npos);
  EXPECT_FALSE(sections["power_of_attorney"].get<std::string>().empty());

  // The advisor edits, then downloads the PDF.
  ASSERT_EQ(api(adv, one + "/draft",
                {{"sections",
                  {{"what_happened",
                    "Utleier avviste søknaden på grunn av etnisitet. "
                    "Vitnet hørte det. Før: «ingen utlendinger».\n"
                    "قال المؤجر إنه لا يؤجر للأجانب"}}}})
                ->status,
            200);
  auto pdf = adv.get(path(s, "/referrals/" + rid + "/pdf"));
  ASSERT_EQ(pdf->status, 200);
  EXPECT_EQ(pdf->get_header_value("Content-Type"), "application/pdf");
  ASSERT_EQ(pdf->body.substr(0, 5), "%PDF-");
  std::string text = pdf_text(pdf->body);
  EXPECT_NE(text.find("avviste søknaden på grunn av etnisitet"), std::string::npos) << text;
  EXPECT_NE(text.find("Hansen Eiendom"), std::string::npos) << text;
  // Arabic comes out as Arabic letters in reading order (shaped by pango, not boxes). Words
  // without the lam-alef ligature, which pdftotext decomposes in visual order, are checked.
  EXPECT_NE(text.find("قال المؤجر"), std::string::npos) << text;
  EXPECT_NE(text.find("يؤجر"), std::string::npos) << text;
  EXPECT_NE(text.find(s.reference), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.export'"), 1);
  // The draft is ciphertext.
  EXPECT_EQ(count("SELECT COUNT(*) FROM referrals WHERE draft_sealed LIKE '%Hansen%'"), 0);

  // Workflow: sending makes the case "referred" and the document final.
  EXPECT_EQ(api(adv, one + "/status", {{"status", "decided"}, {"outcome", "upheld"}})->status, 422);
  ASSERT_EQ(api(adv, one + "/status", {{"status", "sent"}})->status, 200);
  EXPECT_EQ(json::parse(adv.get("/api/v1/cases/" + id)->body)["status"], "referred");
  EXPECT_EQ(api(adv, one + "/draft", {{"sections", {{"what_happened", "x"}}}})->status, 409);
  // Malformed drafts never reach the document (checked on a fresh draft).
  auto second =
      api(adv, referrals, {{"body", "ldo"}, {"consent_how", "by_phone"}, {"consent_on", today}});
  ASSERT_EQ(second->status, 201);
  std::string draft =
      referrals + "/" + std::to_string(json::parse(second->body)["id"].get<long long>()) + "/draft";
  EXPECT_EQ(api(adv, draft, {{"sections", "what_happened"}})->status, 422);
  EXPECT_EQ(api(adv, draft, {{"sections", {{"what_happened", 42}}}})->status, 422);
  EXPECT_EQ(api(adv, draft, {{"sections", {{"what_happened", std::string(30000, 'x')}}}})->status,
            422);
  EXPECT_EQ(
      adv.post_raw(draft, "{\"sections\":", "application/json", {{"X-CSRF-Token", adv.csrf()}})
          ->status,
      400);
  auto no_outcome = api(adv, one + "/status", {{"status", "decided"}});
  ASSERT_EQ(no_outcome->status, 422);
  EXPECT_TRUE(json::parse(no_outcome->body)["error"]["fields"].contains("outcome"));
  ASSERT_EQ(api(adv, one + "/status", {{"status", "decided"}, {"outcome", "upheld"}})->status, 200);
  EXPECT_EQ(json::parse(adv.get(one)->body)["outcome"], "upheld");

  // Another office sees none of it.
  test::Client b(server.port());
  ASSERT_TRUE(b.sign_in("adv@bergen.no"));
  EXPECT_EQ(b.get(one)->status, 404);
  EXPECT_EQ(b.get(path(s, "/referrals/" + rid + "/pdf"))->status, 404);
  EXPECT_EQ(b.get(path(s, "/referrals/" + rid))->status, 404);
  // The case page lists the referral; its own page renders the final document.
  EXPECT_NE(adv.get(path(s))->body.find("/referrals/" + rid), std::string::npos);
  EXPECT_EQ(adv.get(path(s, "/referrals/" + rid))->status, 200);
}

TEST_F(CaseworkTest, APoliceReferralIsAnIncidentSummaryAndOtherBodiesNeedAName) {
  auto s = report(oslo, {{"wishes", {"police"}}});
  std::string today = format_date(date_of(now_seconds()));
  std::string referrals = "/api/v1/cases/" + std::to_string(s.id) + "/referrals";
  auto made =
      api(adv, referrals, {{"body", "police"}, {"consent_how", "by_phone"}, {"consent_on", today}});
  ASSERT_EQ(made->status, 201) << made->body;
  auto r = json::parse(
      adv.get(referrals + "/" + std::to_string(json::parse(made->body)["id"].get<long long>()))
          ->body);
  EXPECT_EQ(r["kind"], "police");
  EXPECT_TRUE(r["sections"].contains("wishes"));
  EXPECT_FALSE(r["sections"].contains("power_of_attorney"));
  EXPECT_EQ(
      api(adv, referrals, {{"body", "other"}, {"consent_how", "in_person"}, {"consent_on", today}})
          ->status,
      422);
  EXPECT_EQ(api(adv, referrals,
                {{"body", "other"},
                 {"other_body", "Oslo kommune, skoleetaten"},
                 {"consent_how", "in_person"},
                 {"consent_on", today}})
                ->status,
            201);
}

TEST_F(CaseworkTest, DemoCasesGoOnlyIntoDemoOfficesAndOpenLikeRealOnes) {
  {
    storage::Transaction tx(server.db());
    EXPECT_THROW(casework::generate_demo_cases(tx, oslo, 5, now_seconds()), Error);
    tx.sql() << "UPDATE organisations SET is_demo = 1 WHERE id = :o", soci::use(oslo);
    EXPECT_EQ(casework::generate_demo_cases(tx, oslo, 60, now_seconds()), 60);
    tx.commit();
  }
  auto page = json::parse(adv.get("/api/v1/cases")->body);
  EXPECT_EQ(page["total"], 60);
  EXPECT_EQ(page["cases"].size(), 50u);
  long long id = page["cases"][0]["id"];
  auto c = json::parse(adv.get("/api/v1/cases/" + std::to_string(id))->body);
  EXPECT_NE(c["report"]["narrative"].get<std::string>().find("DEMO"), std::string::npos);
}

// --- Reports taken by staff, and the union representative's cases -----------------------------

TEST_F(CaseworkTest, StaffTakeReportsForPeopleAndUnionRepresentativesFollowTheirOwn) {
  auto walk_in = test::web_report(adv, "She came to the office: the bouncer refused her.",
                                  {{"channel", "walk_in"}});
  ASSERT_EQ(walk_in->status, 201) << walk_in->body;
  EXPECT_NE(walk_in->body.find("id=\"taken-by-staff\""), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM reports WHERE channel = 'walk_in' AND opened_by = " +
                  std::to_string(advisor)),
            1);

  test::Client rep(server.port());
  ASSERT_TRUE(rep.sign_in("rep@union.no"));
  auto by_rep = test::web_report(rep, "The foreman gives my member the worst shifts.",
                                 {{"channel", "walk_in"}});  // a union report stays "union"
  ASSERT_EQ(by_rep->status, 201) << by_rep->body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM reports WHERE channel = 'union' AND opened_by = " +
                  std::to_string(union_rep)),
            1);
  auto from_public = report(oslo);  // someone else's case

  auto mine = rep.get("/my-cases");
  ASSERT_EQ(mine->status, 200);
  std::string rep_ref;
  {
    storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
    tx.sql() << "SELECT reference FROM reports WHERE channel = 'union'", soci::into(rep_ref);
  }
  EXPECT_NE(mine->body.find(rep_ref), std::string::npos);
  EXPECT_EQ(mine->body.find(from_public.reference), std::string::npos);
  EXPECT_EQ(mine->body.find("worst shifts"), std::string::npos);  // status only, no text
  // The case itself stays closed to them, and their list to everyone else.
  EXPECT_EQ(rep.get(path(from_public))->status, 403);
  EXPECT_EQ(adv.get("/my-cases")->status, 403);
  // The advisor's list has both, with their channels.
  auto list = json::parse(adv.get("/api/v1/cases")->body);
  std::set<std::string> channels;
  for (const auto& c : list["cases"]) channels.insert(c["channel"]);
  EXPECT_EQ(channels, (std::set<std::string>{"api", "union", "walk_in"}));
}

TEST_F(CaseworkTest, AdministratorsSetTheOfficesDeadlinesAndRetention) {
  holder("admin@oslo.no", oslo, Role::admin);
  test::Client a(server.port());
  ASSERT_TRUE(a.sign_in("admin@oslo.no"));
  ASSERT_EQ(a.get("/admin/settings")->status, 200);
  auto bad = a.post("/admin/settings/cases", {{"acknowledge_days", "0"},
                                              {"feedback_days", "90"},
                                              {"limit_warning_days", "180"},
                                              {"retention_months", "forever"}});
  EXPECT_EQ(bad->status, 422);
  EXPECT_NE(bad->body.find("id=\"retention_months-error\""), std::string::npos);
  EXPECT_NE(bad->body.find("id=\"acknowledge_days-error\""), std::string::npos);
  EXPECT_NE(bad->body.find("value=\"forever\""), std::string::npos);
  ASSERT_EQ(a.post("/admin/settings/cases", {{"acknowledge_days", "5"},
                                             {"feedback_days", "60"},
                                             {"limit_warning_days", "90"},
                                             {"retention_months", "12"}})
                ->status,
            303);
  storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
  auto s = casework::settings_of(tx, oslo);
  EXPECT_EQ(s.acknowledge_days, 5);
  EXPECT_EQ(s.retention_months, 12);
  // Only administrators change them.
  EXPECT_EQ(adv.post("/admin/settings/cases", {{"retention_months", "1"}})->status, 403);
}

}  // namespace
}  // namespace dime
