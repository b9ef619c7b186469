// Statistics end to end: the public figures never show a count below the threshold nor any
// text, count only approved cases and complete periods; staff figures stay inside the office
// (or the national organisation's jurisdiction); exports carry the same figures (the XLSX is
// opened with openpyxl); approval, retired categories, combinations and malformed queries.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "keyring/service.hpp"
#include "organisations/service.hpp"
#include "reference/service.hpp"
#include "statistics/exchange.hpp"
#include "statistics/model.hpp"
#include "support/test_support.hpp"

namespace dime {
namespace {

using accounts::Role;
using nlohmann::json;

// Midday on the 15th of a month `back` months before this one (UTC).
long long months_ago(int back) {
  using namespace std::chrono;
  int m = statistics::month_of(now_seconds()) - back;
  year_month_day ymd{year{m / 12}, month{static_cast<unsigned>(m % 12 + 1)}, day{15}};
  return sys_days{ymd}.time_since_epoch().count() * 86400LL + 12 * 3600;
}
// Midday on 15 March of last year: inside the last complete year.
long long last_year() {
  int m = statistics::month_of(now_seconds());
  return months_ago(m % 12 + 12 - 2);
}

class StatisticsTest : public ::testing::Test {
 protected:
  test::TestServer server;
  long long oslo = test::make_organisation(server.db(), "Oslo help office");
  long long bergen = test::make_organisation(server.db(), "Bergen help office");
  long long gavle = test::make_organisation(server.db(), "Gävle byrå", "se");
  long long coordinator = holder("coord@oslo.no", oslo, Role::coordinator);
  long long advisor = holder("adv@oslo.no", oslo, Role::advisor);
  long long bergen_coordinator = holder("coord@bergen.no", bergen, Role::coordinator);
  long long gavle_coordinator = holder("coord@gavle.se", gavle, Role::coordinator);
  test::Client coord{server.port()};
  test::Client anyone{server.port()};
  int next = 0;

  long long holder(const std::string& email, long long office, Role role) {
    return test::make_key_holder(server.db(), server.app().keys, email, office, role);
  }

  struct Case {
    long long at = last_year();
    std::vector<std::string> grounds{"ethnicity"};
    std::vector<std::string> forms{"harassment"};
    std::string area = "housing";
    std::string channel = "web";
    std::string reporter = "self";
    std::string municipality = "Oslo";
    bool approved = true;
    std::string outcome = "advice";
  };
  // A case as statistics read it: codes and dates (the sealed columns hold placeholders).
  void add(long long office, const Case& c, int copies = 1) {
    add_to(server.db(), office, c, copies);
  }
  void add_to(storage::Database& db, long long office, const Case& c, int copies = 1) {
    storage::Transaction tx(db);
    long long key = 0;
    tx.sql() << "SELECT MIN(id) FROM office_keys WHERE organisation_id = :o", soci::use(office),
        soci::into(key);
    for (int i = 0; i < copies; ++i) {
      std::string ref = "T-" + std::to_string(++next);
      long long id = 0;
      soci::indicator approved = c.approved ? soci::i_ok : soci::i_null;
      long long ack = c.at + 2 * 86400, feedback = c.at + 10 * 86400;
      tx.sql() << "INSERT INTO reports (organisation_id, reference, receipt_lookup, office_key_id, "
                  "key_sealed, key_receipt, content_sealed, language, channel, reporter_type, "
                  "contact_mode, area, place_kind, party_kind, municipality, received_month, "
                  "status, outcome, created_at, updated_at, acknowledged_at, feedback_at, "
                  "closed_at, coded_area, statistics_approved_at) VALUES (:o, :r, :l, :k, 'x', "
                  "'x', 'x', 'en', :ch, :rt, 'none', :a, 'other', 'other', :m, '2000-01', "
                  "'closed', :out, :t, :t2, :ack, :fb, :cl, :ca, :ap) RETURNING id",
          soci::use(office), soci::use(ref), soci::use(ref), soci::use(key), soci::use(c.channel),
          soci::use(c.reporter), soci::use(c.area), soci::use(c.municipality), soci::use(c.outcome),
          soci::use(c.at), soci::use(c.at), soci::use(ack), soci::use(feedback),
          soci::use(feedback), soci::use(c.area), soci::use(c.at, approved), soci::into(id);
      for (const auto& g : c.grounds) {
        tx.sql() << "INSERT INTO case_grounds (report_id, code) VALUES (:r, :c)", soci::use(id),
            soci::use(g);
      }
      for (const auto& f : c.forms) {
        tx.sql() << "INSERT INTO case_forms (report_id, code) VALUES (:r, :c)", soci::use(id),
            soci::use(f);
      }
    }
    tx.commit();
  }

  // A national unit for Norway with a coordinator, national@dime.no.
  long long make_national() {
    long long id = 0;
    storage::Transaction tx(server.db());
    tx.sql() << "INSERT INTO organisations (kind, name, jurisdiction, default_language, "
                "national, created_at) VALUES ('help_office', 'National unit', 'no', 'nb', 1, 0) "
                "RETURNING id",
        soci::into(id);
    tx.commit();
    holder("national@dime.no", id, Role::coordinator);
    return id;
  }

  json get_json(test::Client& c, const std::string& path, int status = 200) {
    auto r = c.get(path);
    EXPECT_EQ(r->status, status) << path << ": " << r->body;
    return r->status == status && status == 200 ? json::parse(r->body) : json();
  }

  // Every number named "count" anywhere in the document.
  static void counts(const json& j, std::vector<long long>& out) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) {
        if (k == "count" && v.is_number()) out.push_back(v.get<long long>());
        counts(v, out);
      }
    } else if (j.is_array()) {
      for (const auto& v : j) counts(v, out);
    }
  }
  static long long row_count(const json& table, const std::string& code) {
    for (const auto& r : table["rows"]) {
      if (r["code"] == code) return r["count"];
    }
    return 0;
  }
  static const json& table(const json& figures, const std::string& id, const char* key = "id") {
    for (const auto& t : figures["tables"]) {
      if (t[key] == id) return t;
    }
    static const json none;
    ADD_FAILURE() << "no table " << id;
    return none;
  }
};

// --- Public figures --------------------------------------------------------------------------

TEST_F(StatisticsTest, PublicFiguresNeverShowASmallCountNorText) {
  // Last year: 30 housing cases in Oslo and three small groups; Bergen has 12 and 2.
  add(oslo, {}, 30);
  add(oslo, Case{.grounds = {"disability"}, .area = "education", .municipality = "Sandvika"}, 3);
  add(oslo, Case{.grounds = {"age", "gender"}, .area = "working_life", .reporter = "witness"}, 2);
  add(oslo, Case{.area = "nightlife", .channel = "phone"}, 6);
  add(bergen, Case{.area = "education"}, 12);
  add(bergen, Case{.grounds = {"religion"}, .area = "police_and_justice"}, 2);
  // Not approved: never counted, so its area never appears.
  add(oslo, Case{.area = "media_and_internet", .approved = false}, 9);
  // This month: the period is not over, so it is not published.
  add(oslo, Case{.at = months_ago(0), .area = "sports_and_leisure"}, 8);

  for (const std::string& query : std::vector<std::string>{"", "?office=" + std::to_string(oslo),
                                                           "?office=" + std::to_string(bergen)}) {
    auto j = get_json(anyone, "/api/v1/public/statistics" + query);
    ASSERT_EQ(j["threshold"], 5);
    std::vector<long long> all;
    counts(j, all);
    ASSERT_FALSE(all.empty()) << query;
    for (long long n : all) EXPECT_GE(n, 5) << query;
    std::string text = j.dump();
    for (const char* never : {"Sandvika", "T-1", "T-2"}) {
      EXPECT_EQ(text.find(never), std::string::npos) << never << " in " << query;
    }
    // Every area of the reference data is a row, whatever the data; the 9 unapproved cases
    // and the 8 of this month count nowhere.
    for (const char* none : {"media_and_internet", "sports_and_leisure"}) {
      bool found = false;
      for (const auto& r : table(j, "area", "dimension")["rows"]) {
        if (r["code"] != none) continue;
        found = true;
        EXPECT_TRUE(r["total"]["count"].is_null()) << none << " in " << query;
      }
      EXPECT_TRUE(found) << none;
    }
    // Only last year: this year is not complete.
    ASSERT_EQ(j["periods"].size(), 1U) << query;
    EXPECT_EQ(j["periods"][0], std::to_string(statistics::month_of(now_seconds()) / 12 - 1));
    // Each suppressed cell says why and has no count.
    for (const auto& t : j["tables"]) {
      for (const auto& r : t["rows"]) {
        for (const auto& c : r["periods"]) {
          if (c["count"].is_null()) {
            EXPECT_TRUE(c["suppressed"] == "fewer_than_threshold" ||
                        c["suppressed"] == "secondary");
          }
        }
      }
    }
  }
  auto all = get_json(anyone, "/api/v1/public/statistics");
  EXPECT_EQ(all["cases"]["total"]["count"], 55);  // 41 + 14 approved, last year
  // The 3 education cases in Oslo are suppressed; Oslo's and Bergen's education together
  // (15) is shown only if neither office's figure can be worked out from it.
  auto oslo_only = get_json(anyone, "/api/v1/public/statistics?office=" + std::to_string(oslo));
  const auto& areas = table(oslo_only, "area", "dimension");
  for (const auto& r : areas["rows"]) {
    if (r["code"] == "education") {
      EXPECT_TRUE(r["total"]["count"].is_null());
      EXPECT_EQ(r["total"]["suppressed"], "fewer_than_threshold");
    }
  }

  // The page and the open data follow the same rules.
  auto page = anyone.get("/statistics");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("fewer than 5"), std::string::npos);
  EXPECT_EQ(page->body.find("Sandvika"), std::string::npos);
  auto csv = anyone.get("/statistics/open-data.csv");
  ASSERT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  std::istringstream lines(csv->body);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "office_id,office,table,code,label,period,cases,withheld\r");
  int rows = 0;
  while (std::getline(lines, line)) {
    ++rows;
    // The count is the second-to-last field: empty or at least 5.
    auto last = line.rfind(',');
    auto before = line.rfind(',', last - 1);
    std::string n = line.substr(before + 1, last - before - 1);
    if (!n.empty()) {
      EXPECT_GE(std::stoll(n), 5) << line;
    } else {
      std::string why = line.substr(last + 1);
      EXPECT_TRUE(why == "fewer_than_threshold\r" || why == "secondary\r") << line;
    }
    EXPECT_EQ(line.find("Sandvika"), std::string::npos);
  }
  EXPECT_GT(rows, 20);

  EXPECT_EQ(anyone.get("/api/v1/public/statistics?office=999999")->status, 404);
  EXPECT_EQ(anyone.get("/api/v1/public/statistics?office=abc")->status, 400);
}

TEST(StatisticsConfigTest, TheThresholdAndPeriodAreConfigurable) {
  test::TestServer server([](Config& c) {
    c.statistics_threshold = 10;
    c.statistics_period = "half";
  });
  long long office = test::make_organisation(server.db(), "Oslo help office");
  test::make_key_holder(server.db(), server.app().keys, "c@oslo.no", office, Role::coordinator);
  auto r = test::Client(server.port()).get("/api/v1/public/statistics");
  ASSERT_EQ(r->status, 200);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["threshold"], 10);
  EXPECT_EQ(j["granularity"], "half");
  EXPECT_TRUE(j["periods"].empty());  // nothing approved yet
}

// --- Staff figures ----------------------------------------------------------------------------

TEST_F(StatisticsTest, StaffSeeExactFiguresOfTheirOwnOfficeOnly) {
  add(oslo, {}, 4);
  add(oslo, Case{.grounds = {"age", "gender"}, .area = "working_life", .approved = false}, 2);
  add(bergen, Case{.area = "education"}, 7);
  int this_year = statistics::month_of(now_seconds()) / 12;
  std::string period = "?from=" + std::to_string(this_year - 1) +
                       "-01&to=" + std::to_string(this_year) + "-12&by=year";
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));
  auto j = get_json(coord, "/api/v1/statistics" + period);
  EXPECT_EQ(j["cases"], 6);  // exact, approved or not, Oslo only
  EXPECT_EQ(j["offices"], json::array({oslo}));
  const auto& grounds = table(j, "ground");
  EXPECT_EQ(row_count(grounds, "ethnicity"), 4);
  EXPECT_EQ(row_count(grounds, "age"), 2);
  EXPECT_EQ(row_count(grounds, "gender"), 2);
  // The combination counts as such too.
  ASSERT_EQ(grounds["combinations"].size(), 1U);
  EXPECT_EQ(grounds["combinations"][0]["code"], "age+gender");
  EXPECT_EQ(grounds["combinations"][0]["count"], 2);
  EXPECT_EQ(row_count(table(j, "area"), "education"), 0);  // Bergen's
  // Filters for a dimension.
  auto w = get_json(coord, "/api/v1/statistics" + period + "&area=working_life&channel=web");
  EXPECT_EQ(w["cases"], 2);

  // Another office is not in scope; advisors and the public have no dashboard.
  get_json(coord, "/api/v1/statistics?office=" + std::to_string(bergen), 404);
  EXPECT_EQ(coord.get("/staff/statistics?office=" + std::to_string(bergen))->status, 404);
  test::Client adv{server.port()};
  ASSERT_TRUE(adv.sign_in("adv@oslo.no"));
  EXPECT_EQ(adv.get("/api/v1/statistics")->status, 403);
  EXPECT_EQ(adv.get("/staff/statistics")->status, 403);
  EXPECT_EQ(adv.get("/staff/statistics/export.xlsx")->status, 403);
  EXPECT_EQ(anyone.get("/api/v1/statistics")->status, 401);

  // The page shows the same figures in tables, complete without scripts.
  auto page = coord.get("/staff/statistics" + period);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("data-chart=\"bar\" id=\"table-ground\""), std::string::npos);
  EXPECT_NE(page->body.find("<td data-value=\"4\">4</td>"), std::string::npos);
}

TEST_F(StatisticsTest, ANationalCoordinatorSeesEveryOfficeOfTheJurisdiction) {
  add(oslo, {}, 4);
  add(bergen, Case{.area = "education"}, 7);
  add(gavle, Case{.grounds = {"sex"}, .area = "working_life"}, 3);
  make_national();
  test::Client n{server.port()};
  ASSERT_TRUE(n.sign_in("national@dime.no"));
  int y = statistics::month_of(now_seconds()) / 12;
  std::string period = "?from=" + std::to_string(y - 1) + "-01&to=" + std::to_string(y) + "-12";
  auto all = get_json(n, "/api/v1/statistics" + period);
  EXPECT_EQ(all["cases"], 11);  // Oslo and Bergen, not Gävle (Sweden)
  auto just_bergen =
      get_json(n, "/api/v1/statistics" + period + "&office=" + std::to_string(bergen));
  EXPECT_EQ(just_bergen["cases"], 7);
  get_json(n, "/api/v1/statistics?office=" + std::to_string(gavle), 404);
  // The office's own coordinator still sees only the office.
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));
  EXPECT_EQ(get_json(coord, "/api/v1/statistics" + period)["cases"], 4);
}

TEST_F(StatisticsTest, ExportsCarryTheSameFigures) {
  add(oslo, {}, 4);
  add(oslo, Case{.grounds = {"age", "gender"}, .area = "working_life"}, 3);
  int y = statistics::month_of(now_seconds()) / 12;
  std::string period = "?from=" + std::to_string(y - 1) + "-01&to=" + std::to_string(y) + "-12";
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));

  auto csv = coord.get("/staff/statistics/export.csv" + period);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("ground,ethnicity,"), std::string::npos);
  EXPECT_NE(csv->body.find("ground_combination,age+gender,"), std::string::npos);
  EXPECT_NE(csv->get_header_value("Content-Disposition").find(".csv"), std::string::npos);

  auto xlsx = coord.get("/staff/statistics/export.xlsx" + period);
  ASSERT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");    // a zip container
  char path[] = "/tmp/dime-test-XXXXXX.xlsx";  // openpyxl goes by the extension
  int fd = mkstemps(path, 5);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, xlsx->body.data(), xlsx->body.size()),
            static_cast<ssize_t>(xlsx->body.size()));
  close(fd);
  // openpyxl (Debian's python3-openpyxl) reads it back: every sheet's rows and its charts.
  std::string cmd = std::string(
                        "/usr/bin/python3 -c \"import openpyxl,json,sys\n"
                        "wb = openpyxl.load_workbook(sys.argv[1])\n"
                        "print(json.dumps({ws.title: {'rows': [list(r) for r in "
                        "ws.iter_rows(values_only=True)], 'charts': len(ws._charts)} "
                        "for ws in wb.worksheets}, default=str))\" ") +
                    path;
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    std::array<char, 4096> buf{};
    while (auto n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    pclose(p);
  }
  std::remove(path);
  ASSERT_FALSE(out.empty());
  auto book = json::parse(out);
  ASSERT_TRUE(book.contains("Summary")) << out;
  bool cases_row = false;
  for (const auto& r : book["Summary"]["rows"]) {
    if (r[0] == "Cases") {
      EXPECT_EQ(r[1], 7);
      cases_row = true;
    }
  }
  EXPECT_TRUE(cases_row);
  ASSERT_TRUE(book.contains("Ground"));
  EXPECT_EQ(book["Ground"]["charts"], 1);
  std::map<std::string, long long> grounds;
  for (const auto& r : book["Ground"]["rows"]) {
    if (r[0].is_string() && r[2].is_number()) grounds[r[0]] = r[2];
  }
  EXPECT_EQ(grounds["ethnicity"], 4);
  EXPECT_EQ(grounds["age"], 3);
  EXPECT_EQ(grounds["age+gender"], 3);
  EXPECT_EQ(book["Cases by period"]["charts"], 1);
  EXPECT_TRUE(book.contains("About the columns"));

  // Norway has no national format; Sweden's four dimensions.
  EXPECT_EQ(coord.get("/staff/statistics/report.csv" + period)->status, 404);
  add(gavle, Case{.grounds = {"sex", "age"}, .forms = {"harassment"}, .area = "working_life"}, 2);
  test::Client se{server.port()};
  ASSERT_TRUE(se.sign_in("coord@gavle.se"));
  auto four = se.get("/staff/statistics/report.csv" + period);
  ASSERT_EQ(four->status, 200);
  EXPECT_EQ(four->body.substr(0, four->body.find('\r')),
            "area_code,Area,ground_code,Ground,form_code,Case type,outcome_code,How the case was "
            "closed,Cases");
  // A case with two grounds counts once under each; labels with commas are quoted.
  EXPECT_NE(four->body.find("working_life,\"Work (hiring, pay, dismissal)\",sex,Sex,harassment,"
                            "Harassment,advice,\"Advice, information or support\",2\r\n"),
            std::string::npos)
      << four->body;
  EXPECT_NE(four->body.find(",age,Age,harassment,"), std::string::npos) << four->body;
}

TEST_F(StatisticsTest, ARetiredGroundKeepsItsCases) {
  add(oslo, Case{.grounds = {"union_membership"}}, 2);
  {
    storage::Transaction tx(server.db());
    reference::set_retired(tx, oslo, "no", reference::Category::grounds, "union_membership", true);
    tx.commit();
  }
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));
  int y = statistics::month_of(now_seconds()) / 12;
  auto j = get_json(coord, "/api/v1/statistics?from=" + std::to_string(y - 1) + "-01");
  const auto& grounds = table(j, "ground");
  EXPECT_EQ(row_count(grounds, "union_membership"), 2);
  for (const auto& r : grounds["rows"]) {
    if (r["code"] == "union_membership") {
      EXPECT_NE(r["label"], "union_membership");
    }
  }
}

// --- Approval ----------------------------------------------------------------------------------

TEST_F(StatisticsTest, OnlyCoordinatorsApproveCodedCasesOfTheirOffice) {
  test::Client person{server.port()};
  json body = test::valid_report_json();
  body["office_id"] = oslo;
  auto sent = person.post_raw("/api/v1/reports", body.dump(), "application/json");
  ASSERT_EQ(sent->status, 201) << sent->body;
  long long id = 0;
  {
    storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
    std::string ref = json::parse(sent->body)["reference"];
    tx.sql() << "SELECT id FROM reports WHERE reference = :r", soci::use(ref), soci::into(id);
  }
  auto approved_at = [&] {
    storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
    soci::indicator ind = soci::i_null;
    long long at = 0;
    tx.sql() << "SELECT statistics_approved_at FROM reports WHERE id = :id", soci::use(id),
        soci::into(at, ind);
    return ind == soci::i_ok;
  };
  std::string path = "/cases/" + std::to_string(id) + "/statistics";
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));
  // Not coded yet: refused.
  EXPECT_EQ(coord.post(path, {{"approved", "yes"}})->status, 409);
  auto coded = coord.post_raw("/api/v1/cases/" + std::to_string(id) + "/coding",
                              json{{"grounds", {"ethnicity"}}, {"area", "housing"}}.dump(),
                              "application/json", {{"X-CSRF-Token", coord.csrf()}});
  ASSERT_EQ(coded->status, 200) << coded->body;
  // Coded but open: refused too.
  EXPECT_EQ(coord.post(path, {{"approved", "yes"}})->status, 409);
  auto closed = coord.post_raw("/api/v1/cases/" + std::to_string(id) + "/status",
                               json{{"status", "closed"}, {"outcome", "advice"}}.dump(),
                               "application/json", {{"X-CSRF-Token", coord.csrf()}});
  ASSERT_EQ(closed->status, 200) << closed->body;
  auto ok = coord.post(path, {{"approved", "yes"}});
  EXPECT_EQ(ok->status, 303);
  EXPECT_TRUE(approved_at());
  // Malformed, without CSRF, by an advisor, by another office: refused and nothing changes.
  EXPECT_EQ(coord.post(path, {{"approved", "maybe"}})->status, 400);
  EXPECT_EQ(coord.post(path, {{"approved", "no"}}, false)->status, 403);
  test::Client adv{server.port()};
  ASSERT_TRUE(adv.sign_in("adv@oslo.no"));
  EXPECT_EQ(adv.post(path, {{"approved", "no"}})->status, 403);
  test::Client other{server.port()};
  ASSERT_TRUE(other.sign_in("coord@bergen.no"));
  EXPECT_EQ(other.post(path, {{"approved", "no"}})->status, 404);
  EXPECT_TRUE(approved_at());
  // Coding again withdraws the approval.
  auto recoded = coord.post_raw("/api/v1/cases/" + std::to_string(id) + "/coding",
                                json{{"grounds", {"religion"}}, {"area", "housing"}}.dump(),
                                "application/json", {{"X-CSRF-Token", coord.csrf()}});
  ASSERT_EQ(recoded->status, 200);
  EXPECT_FALSE(approved_at());
  {
    storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
    int withdrawn = 0;
    tx.sql() << "SELECT COUNT(*) FROM audit_log WHERE action = 'statistics.withdraw'",
        soci::into(withdrawn);
    EXPECT_EQ(withdrawn, 1);
  }
  // Reopening withdraws it too.
  ASSERT_EQ(coord.post(path, {{"approved", "yes"}})->status, 303);
  auto reopened = coord.post_raw("/api/v1/cases/" + std::to_string(id) + "/status",
                                 json{{"status", "in_assessment"}}.dump(), "application/json",
                                 {{"X-CSRF-Token", coord.csrf()}});
  ASSERT_EQ(reopened->status, 200) << reopened->body;
  EXPECT_FALSE(approved_at());

  // Approving the period's closed, coded cases at once.
  add(oslo, Case{.at = months_ago(1), .approved = false}, 3);
  int m = statistics::month_of(now_seconds());
  std::string from = statistics::month_text(m - 2), to = statistics::month_text(m);
  auto bulk = coord.post("/staff/statistics/approve", {{"from", from}, {"to", to}});
  ASSERT_EQ(bulk->status, 303);
  EXPECT_NE(bulk->get_header_value("Location").find("approved=3"), std::string::npos);
  EXPECT_EQ(coord.post("/staff/statistics/approve", {{"from", "2025-13"}, {"to", to}})->status,
            400);
  EXPECT_EQ(adv.post("/staff/statistics/approve", {{"from", from}, {"to", to}})->status, 403);
}

// --- Malformed queries -------------------------------------------------------------------------

TEST_F(StatisticsTest, MalformedQueriesAreRefusedPerField) {
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));
  auto bad_month = coord.get("/api/v1/statistics?from=2025-13");
  ASSERT_EQ(bad_month->status, 422);
  EXPECT_TRUE(json::parse(bad_month->body)["error"]["fields"].contains("from"));
  auto reversed = coord.get("/api/v1/statistics?from=2025-06&to=2025-01");
  ASSERT_EQ(reversed->status, 422);
  EXPECT_TRUE(json::parse(reversed->body)["error"]["fields"].contains("to"));
  EXPECT_EQ(coord.get("/api/v1/statistics?from=2001-01&to=2025-01")->status, 422);
  EXPECT_EQ(coord.get("/api/v1/statistics?by=weekly")->status, 400);
  EXPECT_EQ(coord.get("/api/v1/statistics?office=abc")->status, 400);
  EXPECT_EQ(coord.get("/api/v1/statistics?ground=" + std::string(101, 'x'))->status, 400);
  EXPECT_EQ(coord.get("/api/v1/statistics?ground=%FF%FE")->status, 400);  // not UTF-8
  // The count shown after a bulk approval is a number or nothing.
  auto spoof = coord.get("/staff/statistics?approved=Call%20555-0100");
  ASSERT_EQ(spoof->status, 200);
  EXPECT_EQ(spoof->body.find("555-0100"), std::string::npos);
  EXPECT_NE(coord.get("/staff/statistics?approved=3")->body.find(": 3</p>"), std::string::npos);
  // The page keeps what was typed and names the field.
  auto page = coord.get("/staff/statistics?from=2025-1x");
  ASSERT_EQ(page->status, 422);
  EXPECT_NE(page->body.find("value=\"2025-1x\""), std::string::npos);
  EXPECT_NE(page->body.find("id=\"from-error\""), std::string::npos);
  EXPECT_EQ(coord.get("/staff/statistics/annual?year=abcd")->status, 400);
  EXPECT_EQ(coord.get("/staff/statistics/annual?year=2999")->status, 400);
  EXPECT_EQ(coord.get("/staff/statistics/annual")->status, 200);
}

// --- Figures between instances ------------------------------------------------------------------

// Tromsø runs its own server. The national unit's server holds Oslo and Bergen; it registers
// Tromsø's signing key and imports the files Tromsø's coordinator downloads.
class StatisticsExchangeTest : public StatisticsTest {
 protected:
  test::TestServer tromso_server;
  long long tromso = test::make_organisation(tromso_server.db(), "Tromsø hjelpekontor");
  long long tromso_coordinator = test::make_key_holder(
      tromso_server.db(), tromso_server.app().keys, "coord@tromso.no", tromso, Role::coordinator);
  long long tromso_advisor = test::make_key_holder(tromso_server.db(), tromso_server.app().keys,
                                                   "adv@tromso.no", tromso, Role::advisor);
  test::Client tromso_coord{tromso_server.port()};
  long long national = make_national();
  test::Client nat{server.port()};
  // The operator registers the office on the national server with the key it showed.
  long long register_office(const std::string& name, const std::string& key) {
    organisations::Organisation o;
    o.name = name;
    o.statistics_signing_key = key;
    storage::Transaction tx(server.db());
    long long id = organisations::create(tx, o);
    tx.commit();
    return id;
  }
  // Tromsø's signing key as its coordinator holds it (to sign files the server would not make).
  crypto::SignKeyPair tromso_key() {
    storage::Transaction tx(tromso_server.db());
    auto secret = keyring::unlock_user_key(tx, tromso_coordinator, test::kPassword);
    auto office_key = keyring::current_office_key(tx, tromso);
    auto pair = keyring::open_office_key(tx, office_key->id, tromso_coordinator, *secret);
    return statistics::signing_key(*pair);
  }
  static std::string resigned(const std::string& text, const crypto::SignKeyPair& key,
                              const std::function<void(json&)>& change) {
    json file = json::parse(text);
    change(file["aggregate"]);
    file["signature"] = crypto::to_base64(crypto::sign(
        key, std::string(statistics::kAggregateFormat) + "\n" + file["aggregate"].dump()));
    return file.dump();
  }
  httplib::Result upload(test::Client& c, const std::string& file) {
    return c.post_multipart("/staff/statistics/national", {},
                            {{"file", "tromso.json", file, "application/json"}});
  }
  long long audited(storage::Database& db, const std::string& action) {
    long long n = 0;
    storage::Transaction tx(db, storage::Transaction::Mode::read);
    tx.sql() << "SELECT COUNT(*) FROM audit_log WHERE action = :a", soci::use(action),
        soci::into(n);
    return n;
  }
};

TEST_F(StatisticsExchangeTest,
       AnOfficeOnItsOwnServerSignsItsCountsAndTheNationalUnitPublishesThem) {
  // Tromsø, last year: 9 housing cases and 2 in education, from Skjervøy. Not in the file: a case
  // not approved, and one from this month (the file counts complete months only).
  add_to(tromso_server.db(), tromso, Case{.municipality = "Skjervøy"}, 9);
  add_to(
      tromso_server.db(), tromso,
      Case{.grounds = {"religion", "ethnicity"}, .area = "education", .municipality = "Skjervøy"},
      2);
  add_to(tromso_server.db(), tromso, Case{.approved = false});
  add_to(tromso_server.db(), tromso, Case{.at = now_seconds()});
  add(oslo, {}, 6);

  ASSERT_TRUE(tromso_coord.sign_in("coord@tromso.no"));
  auto share = tromso_coord.get("/staff/statistics/share");
  ASSERT_EQ(share->status, 200);
  auto key = tromso_key();
  EXPECT_NE(share->body.find(statistics::fingerprint(key.public_key)), std::string::npos);
  EXPECT_NE(share->body.find(crypto::to_base64(key.public_key)), std::string::npos);
  auto download = tromso_coord.get("/staff/statistics/share/aggregate.json");
  ASSERT_EQ(download->status, 200);
  EXPECT_NE(download->get_header_value("Content-Disposition").find("attachment"),
            std::string::npos);
  const std::string file = download->body;
  EXPECT_EQ(file.find("Skjervøy"), std::string::npos);  // no municipality, no text
  EXPECT_EQ(file.find("municipality"), std::string::npos);
  json parsed = json::parse(file);
  EXPECT_EQ(parsed["public_key"], crypto::to_base64(key.public_key));
  long long in_file = 0;
  for (const auto& [month, m] : parsed["aggregate"]["months"].items())
    in_file += m["cases"].get<long long>();
  EXPECT_EQ(in_file, 11);
  EXPECT_EQ(audited(tromso_server.db(), "statistics.export_aggregate"), 1);
  // An advisor cannot sign for the office; the API gives the coordinator the same file.
  test::Client adv{tromso_server.port()};
  ASSERT_TRUE(adv.sign_in("adv@tromso.no"));
  EXPECT_EQ(adv.get("/staff/statistics/share/aggregate.json")->status, 403);
  EXPECT_EQ(adv.get("/api/v1/statistics/aggregate")->status, 403);
  EXPECT_EQ(json::parse(tromso_coord.get("/api/v1/statistics/aggregate")->body)["public_key"],
            parsed["public_key"]);

  // The national server: before registration the file is refused.
  ASSERT_TRUE(nat.sign_in("national@dime.no"));
  auto unregistered = upload(nat, file);
  ASSERT_EQ(unregistered->status, 422);
  EXPECT_NE(unregistered->body.find("not registered here"), std::string::npos);
  EXPECT_NE(unregistered->body.find("id=\"file-error\""), std::string::npos);
  long long remote = register_office("Tromsø hjelpekontor", crypto::to_base64(key.public_key));
  auto before = nat.get("/staff/statistics/national");
  ASSERT_EQ(before->status, 200);
  EXPECT_NE(before->body.find("Tromsø hjelpekontor"), std::string::npos);
  EXPECT_NE(before->body.find(statistics::fingerprint(key.public_key)), std::string::npos);

  auto imported = upload(nat, file);
  ASSERT_EQ(imported->status, 303);
  EXPECT_NE(imported->get_header_value("Location").find("imported=" + std::to_string(remote)),
            std::string::npos);
  EXPECT_EQ(audited(server.db(), "statistics.import"), 1);
  int last = statistics::month_of(now_seconds()) / 12 - 1;
  auto page = nat.get("/staff/statistics/national?year=" + std::to_string(last));
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<td>6</td><td>0</td><td>11</td><td>17</td>"), std::string::npos)
      << "approved cases: Oslo, Bergen, Tromsø, all";

  // Published with the offices of this server, under the same suppression.
  auto all = get_json(anyone, "/api/v1/public/statistics");
  EXPECT_EQ(all["cases"]["total"]["count"], 17);
  auto mine = get_json(anyone, "/api/v1/public/statistics?office=" + std::to_string(remote));
  EXPECT_EQ(mine["cases"]["total"]["count"], 11);
  const json& area = table(mine, "area", "dimension");
  for (const auto& r : area["rows"]) {
    if (r["code"] == "housing") {
      EXPECT_EQ(r["total"]["count"], 9);
    }
    if (r["code"] == "education") {
      EXPECT_TRUE(r["total"]["count"].is_null());
    }
  }
  std::vector<long long> shown;
  counts(all, shown);
  counts(mine, shown);
  for (long long n : shown) EXPECT_GE(n, 5);
  // It receives no reports here.
  EXPECT_EQ(anyone.get("/report")->body.find("Tromsø hjelpekontor"), std::string::npos);
}

TEST_F(StatisticsExchangeTest, ChangedReplayedOldAndForeignFilesAreRefused) {
  add_to(tromso_server.db(), tromso, {}, 7);
  ASSERT_TRUE(tromso_coord.sign_in("coord@tromso.no"));
  const std::string file = tromso_coord.get("/staff/statistics/share/aggregate.json")->body;
  auto key = tromso_key();
  long long remote = register_office("Tromsø hjelpekontor", crypto::to_base64(key.public_key));
  ASSERT_TRUE(nat.sign_in("national@dime.no"));
  ASSERT_EQ(upload(nat, file)->status, 303);

  // The same file again; a file made before the one imported.
  auto again = upload(nat, file);
  EXPECT_EQ(again->status, 409);
  EXPECT_NE(again->body.find("already been imported"), std::string::npos);
  auto older = upload(nat, resigned(file, key, [](json& a) {
                        a["issued_at"] = a["issued_at"].get<long long>() - 3600;
                      }));
  EXPECT_EQ(older->status, 409);
  EXPECT_NE(older->body.find("newer file"), std::string::npos);
  // Changed on the way: a count raised without the office's key.
  json changed = json::parse(file);
  for (auto& [month, m] : changed["aggregate"]["months"].items()) m["cases"] = 70;
  auto forged = upload(nat, changed.dump());
  EXPECT_EQ(forged->status, 422);
  EXPECT_NE(forged->body.find("signature does not match"), std::string::npos);
  // Signed by an office that is not registered (its own key, a different office).
  auto stranger = statistics::signing_key(crypto::box_keypair());
  json foreign = json::parse(resigned(file, stranger, [](json&) {}));
  foreign["public_key"] = crypto::to_base64(stranger.public_key);
  EXPECT_EQ(upload(nat, foreign.dump())->status, 422);
  // Not a file; no file.
  EXPECT_EQ(upload(nat, "%PDF-1.7")->status, 422);
  EXPECT_EQ(nat.post_multipart("/staff/statistics/national", {})->status, 422);
  // Still the first file's figures.
  auto figures = get_json(anyone, "/api/v1/public/statistics?office=" + std::to_string(remote));
  EXPECT_EQ(figures["cases"]["total"]["count"], 7);

  // A newer file through the API replaces the counts.
  auto newer =
      resigned(file, key, [](json& a) { a["issued_at"] = a["issued_at"].get<long long>() + 1; });
  auto api = nat.post_raw("/api/v1/statistics/aggregates", newer, "application/json",
                          {{"X-CSRF-Token", nat.csrf()}});
  ASSERT_EQ(api->status, 200) << api->body;
  EXPECT_EQ(json::parse(api->body)["cases"], 7);
  EXPECT_EQ(nat.post_raw("/api/v1/statistics/aggregates", newer, "text/plain",
                         {{"X-CSRF-Token", nat.csrf()}})
                ->status,
            415);
  EXPECT_EQ(nat.post_raw("/api/v1/statistics/aggregates", std::string(5 * 1024 * 1024, ' '),
                         "application/json", {{"X-CSRF-Token", nat.csrf()}})
                ->status,
            413);
}

TEST_F(StatisticsExchangeTest, OnlyANationalUnitImportsAndOnlyAnOfficeShares) {
  ASSERT_TRUE(coord.sign_in("coord@oslo.no"));  // Oslo's coordinator on the national server
  EXPECT_EQ(coord.get("/staff/statistics/national")->status, 404);
  EXPECT_EQ(coord
                .post_raw("/api/v1/statistics/aggregates", "{}", "application/json",
                          {{"X-CSRF-Token", coord.csrf()}})
                ->status,
            403);
  test::Client adv{server.port()};
  ASSERT_TRUE(adv.sign_in("adv@oslo.no"));
  EXPECT_EQ(adv.get("/staff/statistics/national")->status, 403);
  ASSERT_TRUE(nat.sign_in("national@dime.no"));
  EXPECT_EQ(nat.get("/staff/statistics/share")->status, 404);
  EXPECT_EQ(nat.get("/staff/statistics/national?year=20x5")->status, 400);
  // The import form needs its CSRF token.
  EXPECT_EQ(nat.post_multipart("/staff/statistics/national", {},
                               {{"file", "f.json", "{}", "application/json"}}, false)
                ->status,
            403);
  // A signing key is 32 bytes of base64, and only for a help office that is not national.
  EXPECT_THROW(register_office("Bad key", "not-a-key"), Error);
  EXPECT_THROW(register_office("Short key", crypto::to_base64("short")), Error);
}

}  // namespace
}  // namespace dime
