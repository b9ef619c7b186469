// The mediation bench end to end: a referral to the bench opens a mediation that only its
// mediators (after declaring no conflict of interest) and the office's coordinators see; the
// stage rules (no meeting without both consents, withdrawal at any time, agreement after a
// meeting, follow-up); calendar files read back with libical; invitations received by a local
// SMTP server, without case content; the agreement PDF; statistics; erasure; malformed input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "calendar/ical.hpp"
#include "core/clock.hpp"
#include "core/dates.hpp"
#include "support/test_support.hpp"

namespace dime {
namespace {

using accounts::Role;
using nlohmann::json;

constexpr const char* kNarrative = "The landlord Hansen said he does not rent to people like me.";

class MediationTest : public ::testing::Test {
 protected:
  test::SmtpSink sink;
  test::TestServer server{[this](Config& c) {
    c.smtp_url = sink.url();
    c.mail_from = "meglingsbenken@oslo.example";
  }};
  long long oslo = test::make_organisation(server.db(), "Oslo help office");
  long long bergen = test::make_organisation(server.db(), "Bergen help office");
  long long advisor = holder("adv@oslo.no", oslo, Role::advisor);
  long long coordinator = holder("coord@oslo.no", oslo, Role::coordinator);
  long long bergen_coordinator = holder("coord@bergen.no", bergen, Role::coordinator);
  long long mediator = user("med@oslo.no", oslo, Role::mediator);
  long long mediator2 = user("med2@oslo.no", oslo, Role::mediator);
  long long mediator3 = user("med3@oslo.no", oslo, Role::mediator);
  long long bergen_mediator = user("med@bergen.no", bergen, Role::mediator);
  test::Client adv{server.port()}, coord{server.port()}, med{server.port()}, med2{server.port()},
      med3{server.port()}, bergen_coord{server.port()}, bergen_med{server.port()},
      person{server.port()};
  std::string today = format_date(date_of(now_seconds()));

  void SetUp() override {
    ASSERT_TRUE(adv.sign_in("adv@oslo.no"));
    ASSERT_TRUE(coord.sign_in("coord@oslo.no"));
    // Mediators get their key pair at their first sign-in.
    ASSERT_TRUE(med.sign_in("med@oslo.no"));
    ASSERT_TRUE(med2.sign_in("med2@oslo.no"));
    ASSERT_TRUE(med3.sign_in("med3@oslo.no"));
    ASSERT_TRUE(bergen_coord.sign_in("coord@bergen.no"));
    ASSERT_TRUE(bergen_med.sign_in("med@bergen.no"));
  }

  long long holder(const std::string& email, long long office, Role role) {
    return test::make_key_holder(server.db(), server.app().keys, email, office, role);
  }
  long long user(const std::string& email, long long office, Role role) {
    return test::make_user(server.db(), server.app().keys, email, test::kPassword, office, role);
  }
  httplib::Result api(test::Client& c, const std::string& path, const json& body) {
    return c.post_raw(path, body.dump(), "application/json", {{"X-CSRF-Token", c.csrf()}});
  }
  int count(const std::string& sql) {
    storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
    int n = 0;
    tx.sql() << sql, soci::into(n);
    return n;
  }
  std::string text(const std::string& sql) {
    storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
    std::string s;
    soci::indicator ind = soci::i_null;
    tx.sql() << sql, soci::into(s, ind);
    return ind == soci::i_ok ? s : std::string();
  }

  struct Bench {
    long long case_id = 0;
    std::string case_reference;
    long long referral = 0;
    long long id = 0;  // the mediation
    std::string path() const { return "/api/v1/mediations/" + std::to_string(id); }
  };
  // A report with the person's name and e-mail, referred to the office's own bench and sent.
  Bench referred() {
    json body = test::valid_report_json();
    body["office_id"] = oslo;
    body["narrative"] = kNarrative;
    body["contact_mode"] = "email";
    body["name"] = "Amina Haddad";
    body["email"] = "amina@example.org";
    body["party_name"] = "Hansen Eiendom AS";
    auto r = person.post_raw("/api/v1/reports", body.dump(), "application/json");
    EXPECT_EQ(r->status, 201) << r->body;
    Bench b;
    b.case_reference = json::parse(r->body)["reference"];
    b.case_id = count("SELECT id FROM reports WHERE reference = '" + b.case_reference + "'");
    std::string referrals = "/api/v1/cases/" + std::to_string(b.case_id) + "/referrals";
    auto made =
        api(adv, referrals,
            {{"body", "mediation_bench"}, {"consent_how", "in_person"}, {"consent_on", today}});
    EXPECT_EQ(made->status, 201) << made->body;
    b.referral = json::parse(made->body)["id"];
    auto sent =
        api(adv, referrals + "/" + std::to_string(b.referral) + "/status", {{"status", "sent"}});
    EXPECT_EQ(sent->status, 200) << sent->body;
    b.id = count("SELECT id FROM mediations WHERE referral_id = " + std::to_string(b.referral));
    return b;
  }
  // Referred, given to `med`, who declares no conflict.
  Bench assigned() {
    Bench b = referred();
    EXPECT_EQ(api(coord, b.path() + "/mediators", {{"user_id", mediator}})->status, 200);
    EXPECT_EQ(api(med, b.path() + "/declaration", {{"no_conflict", true}})->status, 200);
    return b;
  }
  json read(test::Client& c, const Bench& b) {
    auto r = c.get(b.path());
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  }
  long long party(const json& m, const std::string& role) {
    for (const auto& p : m["parties"]) {
      if (p["role"] == role) return p["id"];
    }
    return 0;
  }
  // Both parties consent (the other party gets an e-mail address for invitations).
  json consented(const Bench& b) {
    json m = read(med, b);
    EXPECT_EQ(api(med, b.path() + "/consents",
                  {{"party_id", party(m, "complainant")}, {"on", today}, {"how", "in_person"}})
                  ->status,
              200);
    EXPECT_EQ(api(med, b.path() + "/consents",
                  {{"party_id", party(m, "other_party")}, {"on", today}, {"how", "by_phone"}})
                  ->status,
              200);
    return read(med, b);
  }
  json meeting(const json& m, const std::string& starts, bool email = false) {
    return {{"starts", starts},
            {"minutes", 90},
            {"place", "Storgata 1, møterom 3"},
            {"interpreter_language", "Arabic"},
            {"parties", {party(m, "complainant"), party(m, "other_party")}},
            {"email", email}};
  }
};

// --- Opening and access -------------------------------------------------------------------

TEST_F(MediationTest, AReferralToTheBenchOpensAMediationOnlyItsMediatorsAndCoordinatorsSee) {
  Bench b = referred();
  ASSERT_GT(b.id, 0);
  // A casework note the bench is not given.
  ASSERT_EQ(api(adv, "/api/v1/cases/" + std::to_string(b.case_id) + "/notes",
                {{"body", "Internal: the person has a second case against Hansen."}})
                ->status,
            201);

  // The coordinator sees it in the office's list; mediators see nothing until given it.
  auto list = json::parse(coord.get("/api/v1/mediations")->body)["mediations"];
  ASSERT_EQ(list.size(), 1U);
  EXPECT_EQ(list[0]["stage"], "referred");
  EXPECT_EQ(list[0]["case_reference"], b.case_reference);
  EXPECT_TRUE(json::parse(med.get("/api/v1/mediations")->body)["mediations"].empty());
  EXPECT_EQ(med.get(b.path())->status, 404);
  EXPECT_EQ(med.get("/mediations/" + std::to_string(b.id))->status, 404);
  // Another office's coordinator and mediator: the same 404 as for a mediation that does not exist.
  auto missing = bergen_coord.get("/api/v1/mediations/999999");
  auto other = bergen_coord.get(b.path());
  EXPECT_EQ(other->status, 404);
  EXPECT_EQ(other->body, missing->body);
  EXPECT_EQ(api(bergen_coord, b.path() + "/mediators", {{"user_id", bergen_mediator}})->status,
            404);
  // Advisors do casework, not mediation; a mediator does no casework.
  EXPECT_EQ(adv.get("/api/v1/mediations")->status, 403);
  EXPECT_EQ(adv.get(b.path())->status, 403);
  EXPECT_EQ(med.get("/cases/" + std::to_string(b.case_id))->status, 403);
  EXPECT_EQ(med.get("/api/v1/cases/" + std::to_string(b.case_id))->status, 403);

  // Only the office's mediators can be given it.
  auto wrong = api(coord, b.path() + "/mediators", {{"user_id", advisor}});
  EXPECT_EQ(wrong->status, 422);
  EXPECT_EQ(api(coord, b.path() + "/mediators", {{"user_id", bergen_mediator}})->status, 422);
  ASSERT_EQ(api(coord, b.path() + "/mediators", {{"user_id", mediator}})->status, 200);

  // Before the declaration the mediator sees the parties' names only.
  EXPECT_EQ(med.get(b.path())->status, 403);
  auto declaration = med.get("/mediations/" + std::to_string(b.id));
  ASSERT_EQ(declaration->status, 200);
  EXPECT_NE(declaration->body.find("Amina Haddad"), std::string::npos);
  EXPECT_NE(declaration->body.find("Hansen Eiendom AS"), std::string::npos);
  EXPECT_EQ(declaration->body.find("does not rent"), std::string::npos);
  EXPECT_EQ(api(med, b.path() + "/contact", {{"on", today}, {"how", "by_phone"}})->status, 403);
  ASSERT_EQ(api(med, b.path() + "/declaration", {{"no_conflict", true}})->status, 200);
  EXPECT_EQ(api(med, b.path() + "/declaration", {{"no_conflict", true}})->status, 409);

  // Now the brief (the referral document) and the parties, and nothing of the casework notes.
  auto m = read(med, b);
  EXPECT_EQ(m["stage"], "referred");
  EXPECT_NE(m["brief"].get<std::string>().find("does not rent"), std::string::npos);
  EXPECT_EQ(m.dump().find("second case against"), std::string::npos);
  EXPECT_EQ(m["parties"].size(), 2U);
  EXPECT_EQ(m["parties"][0]["name"], "Amina Haddad");
  EXPECT_EQ(m["parties"][0]["email"], "amina@example.org");
  EXPECT_EQ(m["parties"][1]["name"], "Hansen Eiendom AS");
  EXPECT_EQ(m["parties"][1]["kind"], "business");
  auto page = med.get("/mediations/" + std::to_string(b.id));
  EXPECT_EQ(page->body.find("second case against"), std::string::npos);
  EXPECT_NE(page->body.find("does not rent"), std::string::npos);
  // A mediator not given the mediation still sees nothing, and cannot give it to themselves.
  EXPECT_EQ(med2.get(b.path())->status, 404);
  EXPECT_EQ(api(med2, b.path() + "/mediators", {{"user_id", mediator2}})->status, 404);
  // Coordinators oversee but do not run the mediation.
  EXPECT_EQ(coord.get(b.path())->status, 200);
  EXPECT_EQ(api(coord, b.path() + "/contact", {{"on", today}, {"how", "by_phone"}})->status, 403);

  // Every read of the parties' data is audited; the database holds no name in clear.
  EXPECT_GE(count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.read' AND "
                  "object_type = 'mediation'"),
            3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mediation_parties WHERE details_sealed LIKE '%Amina%'"), 0);
  // The case page shows the mediation's stage only.
  auto case_page = adv.get("/cases/" + std::to_string(b.case_id));
  EXPECT_NE(case_page->body.find(list[0]["reference"].get<std::string>()), std::string::npos);
}

TEST_F(MediationTest, TheMediatorCorrectsAPartysDetailsAtFirstContact) {
  Bench b = assigned();
  json m = read(med, b);
  std::string other = b.path() + "/parties/" + std::to_string(party(m, "other_party"));
  json details{{"name", "Per Hansen"},
               {"organisation", "Hansen Eiendom AS"},
               {"email", "per@hansen.example"},
               {"phone", "+47 22 00 00 00"},
               {"language", "nb"}};
  json bad = details;
  bad["email"] = "per at hansen";
  auto r = api(med, other, bad);
  ASSERT_EQ(r->status, 422);
  EXPECT_TRUE(json::parse(r->body)["error"]["fields"].contains("email"));
  bad = details;
  bad["language"] = "klingon";
  EXPECT_EQ(api(med, other, bad)->status, 422);
  EXPECT_EQ(api(med, b.path() + "/parties/999999", details)->status, 404);
  EXPECT_EQ(api(med2, other, details)->status, 404);
  EXPECT_EQ(api(coord, other, details)->status, 403);
  ASSERT_EQ(api(med, other, details)->status, 200);
  m = read(med, b);
  EXPECT_EQ(m["parties"][1]["name"], "Per Hansen");
  EXPECT_EQ(m["parties"][1]["organisation"], "Hansen Eiendom AS");
  EXPECT_EQ(m["parties"][1]["email"], "per@hansen.example");
  EXPECT_EQ(m["parties"][1]["role"], "other_party");
  EXPECT_EQ(count("SELECT COUNT(*) FROM mediation_parties WHERE details_sealed LIKE '%hansen%'"),
            0);
  // The page form of one party keeps what was typed, under that party's own field names.
  std::string page = "/mediations/" + std::to_string(b.id);
  med.get(page);
  auto typed = med.post(page + "/parties/" + std::to_string(party(m, "other_party")),
                        {{"name", "Per Hansen"}, {"email", "per@@x"}, {"language", "nb"}});
  EXPECT_EQ(typed->status, 422);
  EXPECT_NE(typed->body.find("value=\"per@@x\""), std::string::npos);
}

TEST_F(MediationTest, ConflictsOfInterestAndAtMostTwoMediators) {
  Bench b = assigned();
  // The mediator adds a co-mediator; a third is one too many.
  ASSERT_EQ(api(med, b.path() + "/mediators", {{"user_id", mediator2}})->status, 200);
  auto third = api(coord, b.path() + "/mediators", {{"user_id", mediator3}});
  EXPECT_EQ(third->status, 422);
  EXPECT_TRUE(json::parse(third->body)["error"]["fields"].contains("user_id"));
  EXPECT_EQ(api(coord, b.path() + "/mediators", {{"user_id", mediator}})->status, 422);
  // The co-mediator knows one of the parties: they declare a conflict and lose the mediation.
  ASSERT_EQ(api(med2, b.path() + "/declaration", {{"no_conflict", false}})->status, 200);
  EXPECT_EQ(med2.get(b.path())->status, 404);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM mediation_mediators WHERE user_id = " +
            std::to_string(mediator2) + " AND key_sealed IS NULL AND declaration = 'conflict'"),
      1);
  EXPECT_EQ(api(coord, b.path() + "/mediators", {{"user_id", mediator2}})->status, 422);
  // Now there is room for the third.
  EXPECT_EQ(api(coord, b.path() + "/mediators", {{"user_id", mediator3}})->status, 200);
  // A mediator who never signed in has no key pair to receive the mediation key.
  long long fresh = user("new@oslo.no", oslo, Role::mediator);
  Bench c = referred();
  auto no_key = api(coord, c.path() + "/mediators", {{"user_id", fresh}});
  EXPECT_EQ(no_key->status, 422);
}

TEST_F(MediationTest, AMediatorCanStartAMediationDirectly) {
  json body{
      {"complainant", {{"name", "Yusuf Ali"}, {"language", "ar"}, {"phone", "+47 900 00 000"}}},
      {"other_party",
       {{"name", "Per Hansen"},
        {"organisation", "Kiwi Grønland"},
        {"kind", "business"},
        {"language", "nb"}}},
      {"brief", "Refused entry to the shop."}};
  auto refused = api(med, "/api/v1/mediations", body);
  ASSERT_EQ(refused->status, 422);
  EXPECT_TRUE(json::parse(refused->body)["error"]["fields"].contains("no_conflict"));
  body["no_conflict"] = true;
  body["other_party"]["email"] = "not an address";
  auto bad = api(med, "/api/v1/mediations", body);
  ASSERT_EQ(bad->status, 422);
  EXPECT_TRUE(json::parse(bad->body)["error"]["fields"].contains("other_party.email"));
  body["other_party"]["email"] = "per@kiwi.example";
  auto made = api(med, "/api/v1/mediations", body);
  ASSERT_EQ(made->status, 201) << made->body;
  Bench b;
  b.id = json::parse(made->body)["id"];
  auto m = read(med, b);
  EXPECT_TRUE(m["case_reference"].is_null());
  EXPECT_EQ(m["parties"][1]["organisation"], "Kiwi Grønland");
  EXPECT_EQ(m["mediators"][0]["declaration"], "no_conflict");
  // Coordinators and advisors start none; the coordinator sees it.
  EXPECT_EQ(api(coord, "/api/v1/mediations", body)->status, 403);
  EXPECT_EQ(api(adv, "/api/v1/mediations", body)->status, 403);
  EXPECT_EQ(coord.get(b.path())->status, 200);
  // The page form keeps what was typed when something is missing.
  med.get("/mediations/new");
  auto page = med.post("/mediations", {{"complainant_name", "Yusuf Ali"},
                                       {"other_kind", "business"},
                                       {"other_name", ""},
                                       {"complainant_language", "ar"},
                                       {"other_language", "nb"}});
  EXPECT_EQ(page->status, 422);
  EXPECT_NE(page->body.find("value=\"Yusuf Ali\""), std::string::npos);
}

// --- The stages ----------------------------------------------------------------------------

TEST_F(MediationTest, NoMeetingWithoutBothConsentsAndNoAgreementWithoutAMeeting) {
  Bench b = assigned();
  json m = read(med, b);
  // Not before both parties have consented.
  auto early = api(med, b.path() + "/meetings", meeting(m, "2025-01-10T10:00"));
  EXPECT_EQ(early->status, 409);
  ASSERT_EQ(api(med, b.path() + "/contact", {{"on", today}, {"how", "by_letter"}})->status, 200);
  EXPECT_EQ(read(med, b)["stage"], "contacted");
  EXPECT_EQ(api(med, b.path() + "/contact", {{"on", today}, {"how", "by_letter"}})->status, 409);
  ASSERT_EQ(api(med, b.path() + "/consents",
                {{"party_id", party(m, "complainant")}, {"on", today}, {"how", "in_person"}})
                ->status,
            200);
  EXPECT_EQ(api(med, b.path() + "/meetings", meeting(m, "2025-01-10T10:00"))->status, 409);
  // Consent is recorded once, and a representative does not consent for anyone.
  EXPECT_EQ(api(med, b.path() + "/consents",
                {{"party_id", party(m, "complainant")}, {"on", today}, {"how", "in_person"}})
                ->status,
            422);
  auto rep = api(med, b.path() + "/parties",
                 {{"role", "representative"},
                  {"kind", "person"},
                  {"language", "nb"},
                  {"name", "Advokat Berg"},
                  {"for_party", party(m, "other_party")}});
  ASSERT_EQ(rep->status, 201) << rep->body;
  long long rep_id = json::parse(rep->body)["id"];
  EXPECT_EQ(
      api(med, b.path() + "/consents", {{"party_id", rep_id}, {"on", today}, {"how", "in_person"}})
          ->status,
      422);
  EXPECT_EQ(api(med, b.path() + "/parties",
                {{"role", "support_person"}, {"kind", "person"}, {"language", "nb"}, {"name", "X"}})
                ->status,
            422);  // comes with nobody
  // A consent dated in the future is refused.
  EXPECT_EQ(api(med, b.path() + "/consents",
                {{"party_id", party(m, "other_party")}, {"on", "2999-01-01"}, {"how", "by_phone"}})
                ->status,
            422);
  ASSERT_EQ(api(med, b.path() + "/consents",
                {{"party_id", party(m, "other_party")}, {"on", today}, {"how", "by_phone"}})
                ->status,
            200);
  m = read(med, b);
  EXPECT_EQ(m["stage"], "consented");
  EXPECT_TRUE(m["all_consent"]);
  EXPECT_FALSE(m["consented_at"].is_null());
  // A preparatory talk moves it on; so does planning a meeting.
  ASSERT_EQ(
      api(med, b.path() + "/notes", {{"kind", "preparatory_talk"}, {"body", "Talked to both."}})
          ->status,
      201);
  EXPECT_EQ(read(med, b)["stage"], "preparing");
  // A meeting in the future cannot be held yet; no agreement before a meeting was held.
  auto future = api(med, b.path() + "/meetings", meeting(m, "2099-06-01T10:00"));
  ASSERT_EQ(future->status, 201) << future->body;
  std::string fut =
      b.path() + "/meetings/" + std::to_string(json::parse(future->body)["id"].get<long long>());
  EXPECT_EQ(api(med, fut + "/held", json::object())->status, 409);
  json agreement{{"items",
                  {{"apology", "Hansen apologises in writing."},
                   {"training", "The staff take a course on equal treatment."}}},
                 {"fulfil_by", format_date(date_of(now_seconds()) + std::chrono::days{30})}};
  EXPECT_EQ(api(med, b.path() + "/agreement", agreement)->status, 409);
  EXPECT_EQ(api(med, b.path() + "/no-agreement", json::object())->status, 409);
  auto past = api(med, b.path() + "/meetings", meeting(m, "2025-01-10T10:00"));
  ASSERT_EQ(past->status, 201);
  std::string held =
      b.path() + "/meetings/" + std::to_string(json::parse(past->body)["id"].get<long long>());
  ASSERT_EQ(api(med, held + "/held", json::object())->status, 200);
  EXPECT_EQ(api(med, held + "/held", json::object())->status, 409);
  EXPECT_FALSE(read(med, b)["first_meeting_at"].is_null());

  // The agreement: in the parties' words, with a date that has not passed.
  json stale = agreement;
  stale["fulfil_by"] = "2020-01-01";
  auto stale_r = api(med, b.path() + "/agreement", stale);
  EXPECT_EQ(stale_r->status, 422);
  EXPECT_TRUE(json::parse(stale_r->body)["error"]["fields"].contains("fulfil_by"));
  auto empty = api(med, b.path() + "/agreement",
                   {{"items", json::object()}, {"fulfil_by", agreement["fulfil_by"]}});
  EXPECT_EQ(empty->status, 422);
  EXPECT_EQ(api(med, b.path() + "/agreement",
                {{"items", {{"bribe", "x"}}}, {"fulfil_by", agreement["fulfil_by"]}})
                ->status,
            422);
  ASSERT_EQ(api(med, b.path() + "/agreement", agreement)->status, 200);
  m = read(med, b);
  EXPECT_EQ(m["stage"], "follow_up");
  EXPECT_EQ(m["follow_up_on"], agreement["fulfil_by"]);
  EXPECT_EQ(m["agreement"]["items"]["apology"], "Hansen apologises in writing.");
  EXPECT_EQ(api(med, b.path() + "/agreement", agreement)->status, 409);

  // Follow-up: fulfilled closes the mediation and is fed back to the case.
  EXPECT_EQ(api(med, b.path() + "/outcome", {{"outcome", "kept"}})->status, 422);
  ASSERT_EQ(api(med, b.path() + "/outcome", {{"outcome", "fulfilled"}})->status, 200);
  m = read(med, b);
  EXPECT_EQ(m["stage"], "closed");
  EXPECT_EQ(m["result"], "fulfilled");
  EXPECT_EQ(api(med, b.path() + "/notes", {{"kind", "note"}, {"body", "After the end."}})->status,
            201);
  EXPECT_EQ(api(med, b.path() + "/meetings", meeting(m, "2025-02-10T10:00"))->status, 409);
  auto c = json::parse(adv.get("/api/v1/cases/" + std::to_string(b.case_id))->body);
  EXPECT_EQ(c["referrals"][0]["status"], "decided");
  EXPECT_EQ(c["referrals"][0]["outcome"], "settled");
  EXPECT_EQ(c["mediations"][0]["result"], "fulfilled");
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE kind = 'mediation' AND report_id = " +
                  std::to_string(b.case_id)),
            2);  // the agreement, and how it went

  // Statistics: for coordinators.
  auto stats = coord.get("/api/v1/mediations/statistics");
  ASSERT_EQ(stats->status, 200);
  auto s = json::parse(stats->body);
  EXPECT_EQ(s["opened"], 1);
  EXPECT_EQ(s["agreements"], 1);
  EXPECT_EQ(s["fulfilled"], 1);
  EXPECT_EQ(s["agreement_rate"], 1.0);
  EXPECT_EQ(s["fulfilment_rate"], 1.0);
  EXPECT_TRUE(s["median_days_to_consent"].is_number());
  EXPECT_EQ(med.get("/api/v1/mediations/statistics")->status, 403);
  EXPECT_EQ(coord.get("/api/v1/mediations/statistics?from=yesterday")->status, 400);
}

TEST_F(MediationTest, WithdrawalClosesTheMediationButNotTheCase) {
  Bench b = assigned();
  json m = consented(b);
  ASSERT_EQ(api(med, b.path() + "/meetings", meeting(m, "2099-03-01T09:30", true))->status, 201);
  std::size_t before = sink.messages().size();
  ASSERT_EQ(before, 1U);  // the complainant has an e-mail address; the other party none
  auto w =
      api(med, b.path() + "/withdrawal", {{"party_id", party(m, "other_party")}, {"on", today}});
  ASSERT_EQ(w->status, 200) << w->body;
  m = read(med, b);
  EXPECT_EQ(m["stage"], "closed");
  EXPECT_EQ(m["result"], "withdrawn");
  EXPECT_EQ(m["meetings"][0]["status"], "cancelled");
  EXPECT_EQ(m["meetings"][0]["sequence"], 1);
  // The cancellation went to the invited participant.
  auto mails = sink.messages();
  ASSERT_EQ(mails.size(), 2U);
  EXPECT_NE(mails[1].find("method=CANCEL"), std::string::npos);
  // The case is still open, in mediation; its referral is decided.
  auto c = json::parse(adv.get("/api/v1/cases/" + std::to_string(b.case_id))->body);
  EXPECT_EQ(c["status"], "in_mediation");
  EXPECT_EQ(c["referrals"][0]["status"], "decided");
  EXPECT_EQ(c["referrals"][0]["outcome"], "dismissed");
  // Nothing more happens in a closed mediation.
  EXPECT_EQ(
      api(med, b.path() + "/withdrawal", {{"party_id", party(m, "complainant")}, {"on", today}})
          ->status,
      409);
  EXPECT_EQ(api(coord, b.path() + "/mediators", {{"user_id", mediator2}})->status, 409);

  // A party that never consented declines instead.
  Bench d = assigned();
  json dm = read(med, d);
  ASSERT_EQ(
      api(med, d.path() + "/withdrawal", {{"party_id", party(dm, "other_party")}, {"on", today}})
          ->status,
      200);
  EXPECT_EQ(read(med, d)["result"], "declined");
}

// --- Calendar files and e-mail ------------------------------------------------------------

TEST_F(MediationTest, CalendarFilesKeepOneUidAcrossReschedulesInTheOfficesTimeZone) {
  Bench b = assigned();
  json m = consented(b);
  auto made = api(med, b.path() + "/meetings", meeting(m, "2026-12-03T10:00"));
  ASSERT_EQ(made->status, 201) << made->body;
  std::string one =
      b.path() + "/meetings/" + std::to_string(json::parse(made->body)["id"].get<long long>());

  auto ics = med.get(one + "/ics");
  ASSERT_EQ(ics->status, 200);
  EXPECT_NE(ics->get_header_value("Content-Type").find("text/calendar"), std::string::npos);
  auto first = calendar::parse(ics->body);
  EXPECT_EQ(first.method, "PUBLISH");
  EXPECT_EQ(first.tzid, "Europe/Oslo");
  EXPECT_EQ(first.starts_at, 1796288400);  // 2026-12-03 09:00 UTC: winter time, UTC+1
  EXPECT_EQ(first.ends_at - first.starts_at, 90 * 60);
  EXPECT_EQ(first.sequence, 0);
  EXPECT_EQ(first.location, "Storgata 1, møterom 3");
  // No case content in the calendar: neither the parties nor what it is about.
  EXPECT_EQ(ics->body.find("Amina"), std::string::npos);
  EXPECT_EQ(ics->body.find("Hansen"), std::string::npos);

  // Moved into summer time: the same event, one sequence later.
  json moved = meeting(m, "2027-06-10T10:00");
  ASSERT_EQ(api(med, one, moved)->status, 200);
  auto second = calendar::parse(med.get(one + "/ics")->body);
  EXPECT_EQ(second.uid, first.uid);
  EXPECT_EQ(second.sequence, 1);
  EXPECT_EQ(second.starts_at, 1812614400);  // 2027-06-10 08:00 UTC: summer time, UTC+2
  ASSERT_EQ(api(med, one + "/cancel", json::object())->status, 200);
  auto third = calendar::parse(med.get(one + "/ics")->body);
  EXPECT_EQ(third.uid, first.uid);
  EXPECT_EQ(third.sequence, 2);
  EXPECT_EQ(third.method, "CANCEL");
  EXPECT_EQ(third.status, "CANCELLED");
  EXPECT_EQ(api(med, one + "/cancel", json::object())->status, 409);
  EXPECT_EQ(api(med, one, moved)->status, 409);
  // The coordinator may fetch it; another mediator may not; the download is audited.
  EXPECT_EQ(coord.get(one + "/ics")->status, 200);
  EXPECT_EQ(med2.get(one + "/ics")->status, 404);
  EXPECT_GE(count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.export' AND "
                  "object_type = 'mediation'"),
            3);
}

TEST_F(MediationTest, InvitationsReachTheSmtpServerWithoutCaseContent) {
  Bench b = assigned();
  json m = read(med, b);
  // The other party gets an e-mail address and Norwegian invitations.
  ASSERT_EQ(api(med, b.path() + "/parties",
                {{"role", "representative"},
                 {"kind", "person"},
                 {"language", "nb"},
                 {"name", "Kari Berg"},
                 {"email", "kari@advokat.example"},
                 {"for_party", party(m, "other_party")}})
                ->status,
            201);
  m = consented(b);
  long long rep = 0;
  for (const auto& p : m["parties"]) {
    if (p["role"] == "representative") rep = p["id"];
  }
  json plan = meeting(m, "2026-12-03T10:00", true);
  plan["parties"].push_back(rep);
  auto made = api(med, b.path() + "/meetings", plan);
  ASSERT_EQ(made->status, 201);
  std::string one =
      b.path() + "/meetings/" + std::to_string(json::parse(made->body)["id"].get<long long>());
  auto mails = sink.messages();
  ASSERT_EQ(mails.size(), 2U);  // the complainant and the representative
  std::string uid;
  for (const auto& mail : mails) {
    EXPECT_NE(mail.find("method=REQUEST"), std::string::npos);
    EXPECT_NE(mail.find("From: meglingsbenken@oslo.example"), std::string::npos);
    auto parts = test::mime_parts(mail);
    ASSERT_GE(parts.size(), 2U);
    std::string all;
    for (const auto& [type, body] : parts) all += body;
    // Date, time and place; nothing about the case, the other people or the office's work.
    EXPECT_NE(all.find("2026-12-03 10:00"), std::string::npos) << all;
    EXPECT_NE(all.find("Storgata 1"), std::string::npos);
    for (const char* secret :
         {"does not rent", "Hansen", "Amina", "Kari Berg", "Advokat", "landlord", "MB-"}) {
      EXPECT_EQ(all.find(secret), std::string::npos) << secret;
      EXPECT_EQ(mail.find(secret), std::string::npos) << secret;
    }
    EXPECT_EQ(all.find(b.case_reference), std::string::npos);
    for (const auto& [type, body] : parts) {
      if (type.find("text/calendar") == std::string::npos) continue;
      auto ev = calendar::parse(body);
      EXPECT_EQ(ev.method, "REQUEST");
      ASSERT_EQ(ev.attendees.size(), 1U);  // each sees only themselves
      EXPECT_NE(mail.find("To: " + ev.attendees[0]), std::string::npos);
      if (uid.empty()) uid = ev.uid;
      EXPECT_EQ(ev.uid, uid);
    }
  }
  // The representative's invitation is in Norwegian.
  bool norwegian = false;
  for (const auto& mail : mails) {
    if (mail.find("To: kari@advokat.example") == std::string::npos) continue;
    for (const auto& [type, body] : test::mime_parts(mail)) {
      norwegian |=
          body.find("Sted:") != std::string::npos || body.find("Når:") != std::string::npos;
    }
  }
  EXPECT_TRUE(norwegian);
  // Moving it sends an update of the same event; dropping the representative sends them a
  // cancellation.
  json moved = plan;
  moved["starts"] = "2026-12-04T13:00";
  moved["parties"] = {party(m, "complainant"), party(m, "other_party")};
  ASSERT_EQ(api(med, one, moved)->status, 200);
  mails = sink.messages();
  ASSERT_EQ(mails.size(), 4U);
  for (std::size_t i = 2; i < 4; ++i) {
    std::string method =
        mails[i].find("To: kari@advokat.example") != std::string::npos ? "CANCEL" : "REQUEST";
    for (const auto& [type, body] : test::mime_parts(mails[i])) {
      if (type.find("text/calendar") == std::string::npos) continue;
      auto ev = calendar::parse(body);
      EXPECT_EQ(ev.uid, uid);
      EXPECT_EQ(ev.sequence, 1);
      EXPECT_EQ(ev.method, method);
    }
  }
  // Nothing waits in the outbox, and nothing there was readable anyway.
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox"), 0);
}

TEST_F(MediationTest, UndeliveredInvitationsWaitSealedInTheOutbox) {
  // A server whose SMTP server is down: the change is kept, the mail waits for a retry.
  test::TestServer down{[](Config& c) {
    c.smtp_url = "smtp://127.0.0.1:" + std::to_string(test::free_port());
    c.mail_from = "meglingsbenken@oslo.example";
  }};
  long long office = test::make_organisation(down.db(), "Oslo help office");
  test::make_key_holder(down.db(), down.app().keys, "adv@oslo.no", office, Role::advisor);
  test::make_user(down.db(), down.app().keys, "med@oslo.no", test::kPassword, office,
                  Role::mediator);
  test::Client a{down.port()}, m{down.port()};
  ASSERT_TRUE(a.sign_in("adv@oslo.no"));
  ASSERT_TRUE(m.sign_in("med@oslo.no"));
  json body{
      {"complainant", {{"name", "Yusuf Ali"}, {"language", "ar"}, {"email", "yusuf@example.org"}}},
      {"other_party", {{"name", "Per Hansen"}, {"kind", "business"}, {"language", "nb"}}},
      {"no_conflict", true}};
  auto made = api(m, "/api/v1/mediations", body);
  ASSERT_EQ(made->status, 201) << made->body;
  std::string path =
      "/api/v1/mediations/" + std::to_string(json::parse(made->body)["id"].get<long long>());
  auto med_json = json::parse(m.get(path)->body);
  for (const auto& p : med_json["parties"]) {
    ASSERT_EQ(
        api(m, path + "/consents", {{"party_id", p["id"]}, {"on", today}, {"how", "in_person"}})
            ->status,
        200);
  }
  json plan{{"starts", "2026-12-03T10:00"},
            {"minutes", 60},
            {"place", "Storgata 1"},
            {"parties", {med_json["parties"][0]["id"]}},
            {"email", true}};
  ASSERT_EQ(api(m, path + "/meetings", plan)->status, 201);
  storage::Transaction tx(down.db(), storage::Transaction::Mode::read);
  int waiting = 0, attempts = 0;
  std::string recipient;
  tx.sql() << "SELECT COUNT(*), MAX(attempts), MAX(recipient_sealed) FROM mail_outbox",
      soci::into(waiting), soci::into(attempts), soci::into(recipient);
  EXPECT_EQ(waiting, 1);
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(recipient.find("yusuf"), std::string::npos);
}

// --- Documents, erasure, malformed input ----------------------------------------------------

TEST_F(MediationTest, TheAgreementIsAPdfForSignature) {
  Bench b = assigned();
  json m = consented(b);
  auto past = api(med, b.path() + "/meetings", meeting(m, "2025-01-10T10:00"));
  std::string held =
      b.path() + "/meetings/" + std::to_string(json::parse(past->body)["id"].get<long long>());
  ASSERT_EQ(api(med, held + "/held", json::object())->status, 200);
  EXPECT_EQ(med.get(b.path() + "/agreement/pdf")->status, 404);  // none yet
  std::string due = format_date(date_of(now_seconds()) + std::chrono::days{60});
  ASSERT_EQ(api(med, b.path() + "/agreement",
                {{"items",
                  {{"apology", "Hansen ber om unnskyldning for det som ble sagt."},
                   {"compensation", "Hansen betaler 5000 kroner."}}},
                 {"fulfil_by", due}})
                ->status,
            200);
  auto pdf = med.get(b.path() + "/agreement/pdf");
  ASSERT_EQ(pdf->status, 200);
  EXPECT_EQ(pdf->get_header_value("Content-Type"), "application/pdf");
  char path[] = "/tmp/dime-agreement-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, pdf->body.data(), pdf->body.size()), static_cast<ssize_t>(pdf->body.size()));
  close(fd);
  std::string cmd = std::string("pdftotext -enc UTF-8 ") + path + " -";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  std::remove(path);
  EXPECT_NE(out.find("Amina Haddad"), std::string::npos) << out;
  EXPECT_NE(out.find("unnskyldning"), std::string::npos);
  EXPECT_NE(out.find("5000 kroner"), std::string::npos);
  EXPECT_NE(out.find(due), std::string::npos);
  EXPECT_NE(out.find("Test med@oslo.no"), std::string::npos);  // the mediator signs too
  EXPECT_EQ(med2.get(b.path() + "/agreement/pdf")->status, 404);
  EXPECT_EQ(adv.get(b.path() + "/agreement/pdf")->status, 403);
}

TEST_F(MediationTest, ErasingTheCaseErasesItsMediation) {
  Bench b = assigned();
  consented(b);
  ASSERT_EQ(api(med, b.path() + "/notes", {{"kind", "call"}, {"body", "Called Hansen."}})->status,
            201);
  coord.get("/cases/" + std::to_string(b.case_id));
  auto erased =
      coord.post("/cases/" + std::to_string(b.case_id) + "/erase", {{"confirm", b.case_reference}});
  ASSERT_EQ(erased->status, 303) << erased->body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM mediations WHERE erased_at IS NOT NULL"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mediation_notes"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mediation_parties WHERE details_sealed <> ''"), 0);
  // Stages and consents stay for statistics; the page says what happened.
  auto m = read(med, b);
  EXPECT_FALSE(m["erased_at"].is_null());
  EXPECT_EQ(m["stage"], "consented");
  EXPECT_EQ(api(med, b.path() + "/notes", {{"kind", "call"}, {"body", "x"}})->status, 409);
}

TEST_F(MediationTest, MalformedInputGetsA4xx) {
  Bench b = assigned();
  json m = consented(b);
  EXPECT_EQ(med.post_raw(b.path() + "/meetings", "{not json", "application/json",
                         {{"X-CSRF-Token", med.csrf()}})
                ->status,
            400);
  EXPECT_EQ(med.post_raw(b.path() + "/meetings", "starts=x", "application/x-www-form-urlencoded",
                         {{"X-CSRF-Token", med.csrf()}})
                ->status,
            415);
  EXPECT_EQ(med.post_raw(b.path() + "/meetings", "{}", "application/json")->status,
            403);  // no CSRF
  auto typed =
      api(med, b.path() + "/meetings", {{"starts", 5}, {"minutes", "ninety"}, {"parties", "all"}});
  ASSERT_EQ(typed->status, 422);
  auto f = json::parse(typed->body)["error"]["fields"];
  EXPECT_TRUE(f.contains("starts"));
  EXPECT_TRUE(f.contains("minutes"));
  EXPECT_TRUE(f.contains("parties"));
  json bad = meeting(m, "2026-02-30T10:00");
  auto r = api(med, b.path() + "/meetings", bad);
  ASSERT_EQ(r->status, 422);
  EXPECT_TRUE(json::parse(r->body)["error"]["fields"].contains("starts"));
  bad = meeting(m, "2026-12-03T10:00");
  bad["parties"] = {999999};
  EXPECT_EQ(api(med, b.path() + "/meetings", bad)->status, 422);
  bad = meeting(m, "2026-12-03T10:00");
  bad["minutes"] = 5;
  EXPECT_EQ(api(med, b.path() + "/meetings", bad)->status, 422);
  bad = meeting(m, "2026-12-03T10:00");
  bad["place"] = std::string(600, 'x');
  EXPECT_EQ(api(med, b.path() + "/meetings", bad)->status, 422);
  EXPECT_EQ(api(med, b.path() + "/parties",
                {{"role", "judge"}, {"kind", "person"}, {"language", "nb"}, {"name", "X"}})
                ->status,
            422);
  EXPECT_EQ(api(med, b.path() + "/parties",
                {{"role", "complainant"}, {"kind", "person"}, {"language", "xx"}, {"name", "X"}})
                ->status,
            422);
  EXPECT_EQ(api(med, b.path() + "/declaration", {{"no_conflict", "yes"}})->status, 422);
  EXPECT_EQ(med.get("/api/v1/mediations/abc")->status, 404);
  EXPECT_EQ(med.get(b.path() + "/meetings/999999/ics")->status, 404);
  EXPECT_EQ(
      api(med, b.path() + "/consents", {{"party_id", "one"}, {"on", today}, {"how", "by_phone"}})
          ->status,
      422);
  // The problems name the members as the body sent them.
  auto fields_of = [&](const std::string& path, const json& body) {
    auto answer = api(med, path, body);
    EXPECT_EQ(answer->status, 422) << path;
    return json::parse(answer->body)["error"]["fields"];
  };
  EXPECT_TRUE(fields_of(b.path() + "/consents",
                        {{"party_id", 999999}, {"on", "2999-01-01"}, {"how", "by_fax"}})
                  .contains("party_id"));
  auto consent =
      fields_of(b.path() + "/consents",
                {{"party_id", party(m, "complainant")}, {"on", "soon"}, {"how", "by_fax"}});
  EXPECT_TRUE(consent.contains("on"));
  EXPECT_TRUE(consent.contains("how"));
  EXPECT_TRUE(fields_of(b.path() + "/notes", {{"kind", "gossip"}, {"body", "x"}}).contains("kind"));
  EXPECT_TRUE(
      fields_of(b.path() + "/withdrawal", {{"party_id", party(m, "complainant")}, {"on", "soon"}})
          .contains("on"));
  // A page form with a problem keeps what was typed.
  med.get("/mediations/" + std::to_string(b.id));
  auto page = med.post("/mediations/" + std::to_string(b.id) + "/meetings",
                       {{"starts", "soon"}, {"minutes", "90"}, {"place", "Storgata 1"}});
  EXPECT_EQ(page->status, 422);
  EXPECT_NE(page->body.find("value=\"Storgata 1\""), std::string::npos);
  EXPECT_NE(page->body.find("value=\"soon\""), std::string::npos);
}

}  // namespace
}  // namespace dime
