// The public intake end to end: the report form in steps (with and without errors), receipts,
// follow-up, attachments checked by content, the JSON API, throttling, and that nothing the
// person wrote reaches the database file in clear.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "crypto/crypto.hpp"
#include "intake/service.hpp"
#include "keyring/service.hpp"
#include "support/test_support.hpp"

namespace dime {
namespace {

using accounts::Role;
using nlohmann::json;
using Pairs = std::vector<std::pair<std::string, std::string>>;

// A PDF small enough to write inline; libmagic knows it by its header.
const std::string kPdf =
    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages "
    "/Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

class IntakeTest : public ::testing::Test {
 protected:
  test::TestServer server;
  long long office = test::make_organisation(server.db(), "Oslo help office");
  long long advisor = test::make_key_holder(server.db(), server.app().keys, "adv@oslo.no", office);
  test::Client client{server.port()};

  static json valid_report() { return test::valid_report_json(); }
  httplib::Result api_post(const json& body, const std::string& path = "/api/v1/reports") {
    return client.post_raw(path, body.dump(), "application/json");
  }
  httplib::Result api_self(const std::string& receipt) {
    return client.get("/api/v1/reports/self", {{"Authorization", "Receipt " + receipt}});
  }
  int count(const std::string& table) {
    storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
    int n = 0;
    tx.sql() << "SELECT COUNT(*) FROM " + table, soci::into(n);
    return n;
  }
  // Walks the web form through every step with valid answers; returns the last response.
  httplib::Result web_report(const std::string& narrative, Pairs extra = {},
                             const std::vector<test::Client::File>& files = {}) {
    return test::web_report(client, narrative, std::move(extra), files);
  }
  static std::string receipt_in(const std::string& html) {
    std::smatch m;
    static const std::regex re("id=\"receipt\"[^>]*>([0-9 ]{19})<");
    return std::regex_search(html, m, re) ? std::string(m[1]) : std::string();
  }
};

// --- JSON API ---------------------------------------------------------------------------------

TEST_F(IntakeTest, ApiSubmitAnswers201WithReceiptAndTheReceiptOpensTheReport) {
  auto r = api_post(valid_report());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  auto body = json::parse(r->body);
  std::string receipt = body["receipt"];
  EXPECT_TRUE(std::regex_match(receipt, std::regex("[0-9]{16}")));
  EXPECT_TRUE(std::regex_match(body["reference"].get<std::string>(),
                               std::regex("NO-[0-9]{4}-[0-9A-Z]{6}")));

  auto self = api_self(receipt);
  ASSERT_EQ(self->status, 200) << self->body;
  auto view = json::parse(self->body);
  EXPECT_EQ(view["reference"], body["reference"]);
  EXPECT_EQ(view["status"], "received");
  EXPECT_EQ(view["report"]["narrative"], valid_report()["narrative"]);
  EXPECT_EQ(view["report"]["grounds"], json({"ethnicity", "religion"}));

  // Spaces in the receipt are fine; the person then writes to the office.
  std::string spaced = intake::format_receipt(receipt);
  auto m = client.post_raw("/api/v1/reports/self/messages",
                           json{{"message", "I have a witness."}}.dump(), "application/json",
                           {{"Authorization", "Receipt " + spaced}});
  ASSERT_EQ(m->status, 201) << m->body;
  view = json::parse(api_self(receipt)->body);
  ASSERT_EQ(view["messages"].size(), 1u);
  EXPECT_EQ(view["messages"][0]["body"], "I have a witness.");
  EXPECT_EQ(view["messages"][0]["from"], "you");
}

TEST_F(IntakeTest, ApiNames422EveryInvalidField) {
  auto r = api_post(json::object());
  ASSERT_EQ(r->status, 422);
  auto fields = json::parse(r->body)["error"]["fields"];
  for (const char* f : {"reporter_type", "narrative", "event_date", "place_kind", "area", "grounds",
                        "party_kind", "wishes", "contact_mode", "consent"}) {
    EXPECT_TRUE(fields.contains(f)) << f << " in " << fields.dump();
  }
  EXPECT_EQ(count("reports"), 0);

  struct Case {
    const char* field;
    json value;
  };
  const Case cases[] = {
      {"reporter_type", "boss"},
      {"narrative", 42},
      {"narrative", std::string(intake::kMaxNarrative + 1, 'x')},
      {"event_date", "2025-02-30"},
      {"event_date", "2999-01-01"},
      {"event_date", "14.03.2025"},
      {"place_kind", "moon"},
      {"area", "nightlife_on_mars"},
      {"grounds", json::array()},
      {"grounds", {"ethnicity", "ethnicity"}},
      {"grounds", {"height"}},
      {"grounds", "ethnicity"},
      {"party_kind", ""},
      {"wishes", {"revenge"}},
      {"contact_mode", "pigeon"},
      {"consent", false},
      {"consent", "yes"},
      {"notify_email", "not-an-address"},
      {"language", "xx"},
      {"office_id", "one"},
  };
  for (const auto& c : cases) {
    json body = valid_report();
    body[c.field] = c.value;
    auto bad = api_post(body);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 422) << c.field << " = " << c.value.dump().substr(0, 40);
    auto f = json::parse(bad->body)["error"]["fields"];
    EXPECT_TRUE(f.contains(c.field)) << c.field << ": " << f.dump();
  }
  // Broken UTF-8 is not JSON at all.
  EXPECT_EQ(
      client.post_raw("/api/v1/reports", "{\"narrative\":\"bad \xC3\x28\"}", "application/json")
          ->status,
      400);
  // The contact the person chose must be usable.
  json email = valid_report();
  email["contact_mode"] = "email";
  auto r2 = api_post(email);
  EXPECT_EQ(r2->status, 422);
  EXPECT_TRUE(json::parse(r2->body)["error"]["fields"].contains("email"));
  json affected = valid_report();
  affected["reporter_type"] = "witness";
  auto r3 = api_post(affected);
  EXPECT_EQ(r3->status, 422);
  EXPECT_TRUE(json::parse(r3->body)["error"]["fields"].contains("affected_consent"));
  EXPECT_EQ(count("reports"), 0);
}

TEST_F(IntakeTest, ApiRefusesNonJsonMalformedJsonAndOversizeBodies) {
  EXPECT_EQ(client.post_raw("/api/v1/reports", "narrative=x", "application/x-www-form-urlencoded")
                ->status,
            415);
  EXPECT_EQ(client.post_raw("/api/v1/reports", "{\"narrative\":", "application/json")->status, 400);
  EXPECT_EQ(client.post_raw("/api/v1/reports", "[1,2]", "application/json")->status, 400);
  std::string huge = "{\"narrative\":\"" + std::string(200 * 1024, 'a') + "\"}";
  EXPECT_EQ(client.post_raw("/api/v1/reports", huge, "application/json")->status, 413);
  EXPECT_EQ(count("reports"), 0);
}

TEST_F(IntakeTest, AWrongReceiptIs401AndGuessingIsThrottledPerAddress) {
  auto good = json::parse(api_post(valid_report())->body)["receipt"].get<std::string>();
  EXPECT_EQ(api_self("1234567890123456")->status, 401);
  EXPECT_EQ(api_self("12345")->status, 401);
  EXPECT_EQ(client.get("/api/v1/reports/self")->status, 401);
  for (int i = 0; i < 10; ++i) api_self("0000000000000000");
  // Now even the right receipt waits: a guesser cannot tell a hit from the throttle.
  EXPECT_EQ(api_self(good)->status, 429);
  client.get("/follow-up");
  auto page = client.post("/follow-up", {{"receipt", good}});
  EXPECT_EQ(page->status, 429);
}

TEST_F(IntakeTest, AnOfficeWithoutAKeyPairCannotReceiveReports) {
  test::TestServer fresh;
  test::make_organisation(fresh.db(), "New office");
  test::Client c{fresh.port()};
  EXPECT_EQ(c.post_raw("/api/v1/reports", valid_report().dump(), "application/json")->status, 503);
  EXPECT_EQ(c.get("/report")->status, 503);
}

TEST_F(IntakeTest, SubmissionsFromOneAddressAreLimitedPerHour) {
  for (int i = 0; i < intake::kSubmissionsPerAddress.max_events; ++i) {
    ASSERT_EQ(api_post(valid_report())->status, 201) << i;
  }
  EXPECT_EQ(api_post(valid_report())->status, 429);
  EXPECT_EQ(count("reports"), intake::kSubmissionsPerAddress.max_events);
}

// --- the web form ----------------------------------------------------------------------------

TEST_F(IntakeTest, TheWebFormWalksFiveStepsAndShowsTheReceiptOnce) {
  auto r = web_report("They refused to serve me because of my headscarf.");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body.substr(0, 2000);
  std::string receipt = receipt_in(r->body);
  ASSERT_FALSE(receipt.empty()) << r->body;
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");

  auto view = client.post("/follow-up", {{"receipt", receipt}});
  ASSERT_EQ(view->status, 200);
  EXPECT_NE(view->body.find("They refused to serve me because of my headscarf."),
            std::string::npos);
  EXPECT_NE(view->body.find("Received: not read yet"), std::string::npos);

  auto wrong = client.post("/follow-up", {{"receipt", "1111 2222 3333 4444"}});
  EXPECT_EQ(wrong->status, 422);
  EXPECT_NE(wrong->body.find("We found no report with this receipt"), std::string::npos);

  // The report stores the language it was written in and the channel.
  storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
  std::string lang, channel, municipality;
  tx.sql() << "SELECT language, channel, municipality FROM reports", soci::into(lang),
      soci::into(channel), soci::into(municipality);
  EXPECT_EQ(lang, "en");
  EXPECT_EQ(channel, "web");
  EXPECT_EQ(municipality, "Oslo");
}

TEST_F(IntakeTest, AStepWithErrorsListsThemAndKeepsWhatWasTyped) {
  client.get("/report");
  auto r = client.post_multipart("/report",
                                 {{"step", "1"}, {"action", "next"}, {"reporter_type", "witness"}});
  ASSERT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("error-summary"), std::string::npos);
  EXPECT_NE(r->body.find("href=\"#affected_consent\""), std::string::npos);
  EXPECT_NE(
      r->body.find("id=\"reporter_type-witness\" name=\"reporter_type\" value=\"witness\" checked"),
      std::string::npos);

  // Step 2 with a typed narrative but a future date: the text stays, escaped.
  r = client.post_multipart("/report", {{"step", "2"},
                                        {"action", "next"},
                                        {"reporter_type", "self"},
                                        {"narrative", "He shouted <b>go home</b> & left"},
                                        {"event_date", "2999-01-01"},
                                        {"place_kind", "shop"},
                                        {"area", "goods_and_services"}});
  ASSERT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("He shouted &lt;b&gt;go home&lt;/b&gt; &amp; left</textarea>"),
            std::string::npos);
  EXPECT_NE(r->body.find("href=\"#event_date\""), std::string::npos);
  EXPECT_NE(r->body.find("aria-invalid=\"true\""), std::string::npos);

  // Going back keeps later answers as hidden fields.
  r = client.post_multipart(
      "/report", {{"step", "3"}, {"action", "back"}, {"narrative", "kept"}, {"grounds", "age"}});
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("<h2>What happened?</h2>"), std::string::npos);
  EXPECT_NE(r->body.find("name=\"grounds\" value=\"age\""), std::string::npos);
  EXPECT_NE(r->body.find(">kept</textarea>"), std::string::npos);
}

TEST_F(IntakeTest, AMalformedStepIs400) {
  client.get("/report");
  for (const char* step : {"", "abc", "99999999999999999999"}) {
    auto r = client.post_multipart("/report", {{"step", step}, {"action", "next"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << step;
  }
}

TEST_F(IntakeTest, FormPostsWithoutTheCsrfTokenAreRefused) {
  client.get("/report");
  auto r = client.post_multipart("/report", {{"step", "1"}, {"action", "next"}}, {}, false);
  EXPECT_EQ(r->status, 403);
}

TEST_F(IntakeTest, AFilledHoneypotSendsNothingButKeepsTheForm) {
  auto r = web_report("A bot would fill every field.", {{"homepage", "http://spam.example"}});
  ASSERT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("Your report could not be sent"), std::string::npos);
  EXPECT_NE(r->body.find("A bot would fill every field."), std::string::npos);
  EXPECT_EQ(count("reports"), 0);
}

TEST_F(IntakeTest, AttachmentsAreCheckedByContentNotByName) {
  // An executable named like a photo is refused, and the answers stay on the page.
  std::string elf = std::string(
                        "\x7f"
                        "ELF\x02\x01\x01",
                        7) +
                    std::string(200, '\0');
  auto r = web_report("Evidence follows.", {}, {{"files", "photo.jpg", elf, "image/jpeg"}});
  ASSERT_EQ(r->status, 422) << r->body.substr(0, 500);
  EXPECT_NE(r->body.find("We can take photos"), std::string::npos);
  EXPECT_NE(r->body.find("Evidence follows."), std::string::npos);
  // Too large.
  std::string big = kPdf + std::string(intake::kMaxFileBytes, ' ');
  r = web_report("Evidence follows.", {}, {{"files", "big.pdf", big, "application/pdf"}});
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("larger than 8 MB"), std::string::npos);
  // Too many.
  std::vector<test::Client::File> four(4, {"files", "a.pdf", kPdf, "application/pdf"});
  r = web_report("Evidence follows.", {}, four);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(count("reports"), 0);
  EXPECT_EQ(count("report_attachments"), 0);

  // A PDF named .txt is a PDF.
  r = web_report("Evidence follows.", {}, {{"files", "contract.txt", kPdf, "text/plain"}});
  ASSERT_EQ(r->status, 201);
  storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
  std::string type;
  long long size = 0;
  tx.sql() << "SELECT content_type, size FROM report_attachments", soci::into(type),
      soci::into(size);
  EXPECT_EQ(type, "application/pdf");
  EXPECT_EQ(size, static_cast<long long>(kPdf.size()));
}

TEST_F(IntakeTest, AnUploadAboveTheRouteLimitIs413) {
  client.get("/report");
  std::string body(intake::kMaxUploadBody + 1, 'a');
  auto r = client.post_raw("/report", body, "multipart/form-data; boundary=x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(IntakeTest, MalformedMultipartIs400) {
  client.get("/report");
  auto r = client.post_raw("/report", "--x\r\nno headers here", "multipart/form-data; boundary=x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(IntakeTest, FollowUpAcceptsAMessageWithAFile) {
  auto r = web_report("Original report.");
  std::string receipt = receipt_in(r->body);
  ASSERT_FALSE(receipt.empty());
  auto sent = client.post_multipart(
      "/follow-up", {{"receipt", receipt}, {"action", "send"}, {"message", "Here is the letter."}},
      {{"files", "letter.pdf", kPdf, "application/pdf"}});
  ASSERT_EQ(sent->status, 200) << sent->body.substr(0, 500);
  EXPECT_NE(sent->body.find("Your message has been sent"), std::string::npos);
  EXPECT_NE(sent->body.find("Here is the letter."), std::string::npos);
  EXPECT_NE(sent->body.find("letter.pdf"), std::string::npos);
  // An empty message without files is a field error, not a crash.
  auto empty = client.post_multipart("/follow-up", {{"receipt", receipt}, {"action", "send"}});
  EXPECT_EQ(empty->status, 422);
  EXPECT_NE(empty->body.find("href=\"#message\""), std::string::npos);
}

// --- encryption at rest ----------------------------------------------------------------------

TEST_F(IntakeTest, TheDatabaseHoldsNoNarrativeNameContactOrAttachmentInClear) {
  const std::string narrative = "NARRATIVE-7f3a the manager called me a slur";
  const std::string attachment = "ATTACHMENT-9c1e screenshot text of the chat\n";
  auto r = web_report(
      narrative,
      {{"witnesses", "WITNESS-55ab my colleague Per"}, {"party_name", "PARTY-0d2c Bakeriet AS"}},
      {{"files", "FILENAME-3e8d.txt", attachment, "text/plain"}});
  ASSERT_EQ(r->status, 201) << r->body.substr(0, 800);
  std::string receipt = receipt_in(r->body);
  client.post_multipart("/follow-up",
                        {{"receipt", receipt}, {"action", "send"}, {"message", "MESSAGE-8b0f hi"}});

  std::string everything;
  if (server.db().backend() == storage::Backend::sqlite) {
    // The file and its write-ahead log, as a thief would copy them.
    std::string path = server.app().config.database;
    path = path.substr(path.find(':') + 1);
    if (path.rfind("//", 0) == 0) path = path.substr(2);
    for (const std::string& p : {path, path + "-wal"}) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      everything += ss.str();
    }
    ASSERT_GT(everything.size(), 4096u);
  } else {
    storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
    for (const char* table : {"reports", "report_messages", "report_attachments", "report_grounds",
                              "rate_events", "audit_log"}) {
      soci::rowset<std::string> rows =
          (tx.sql().prepare << std::string("SELECT CAST(t AS TEXT) FROM ") + table + " t");
      for (const auto& row : rows) everything += row;
    }
    ASSERT_NE(everything.find("goods_and_services"), std::string::npos);  // codes are readable
  }
  for (const std::string& secret :
       {std::string("NARRATIVE-7f3a"), std::string("Amina Hassan"),
        std::string("person@example.org"), std::string("ATTACHMENT-9c1e"),
        std::string("FILENAME-3e8d"), std::string("WITNESS-55ab"), std::string("PARTY-0d2c"),
        std::string("MESSAGE-8b0f"), receipt, receipt.substr(0, 4) + receipt.substr(5, 4)}) {
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret;
  }
}

TEST_F(IntakeTest, AStaffSessionOpensTheReportButTheDatabaseAndServerKeysDoNot) {
  auto sent = json::parse(api_post(valid_report())->body);
  storage::Transaction tx(server.db(), storage::Transaction::Mode::read);
  long long key_id = 0;
  std::string sealed, content, reference;
  tx.sql() << "SELECT office_key_id, key_sealed, content_sealed, reference FROM reports",
      soci::into(key_id), soci::into(sealed), soci::into(content), soci::into(reference);
  // The advisor's private key, as their session would unwrap it.
  auto secret = keyring::unlock_user_key(tx, advisor, test::kPassword);
  ASSERT_TRUE(secret);
  auto wrap = keyring::wrap_for_session(*secret);
  auto from_session = keyring::unwrap_session(wrap.session_key, wrap.wrapped);
  auto office_pair = keyring::open_office_key(tx, key_id, advisor, from_session);
  ASSERT_TRUE(office_pair);
  auto report_key = crypto::open_sealed(*office_pair, crypto::from_base64(sealed));
  auto text =
      json::parse(crypto::decrypt(report_key, crypto::from_base64(content), "report:" + reference));
  EXPECT_EQ(text["narrative"], valid_report()["narrative"]);
  // A wrong password, or a wrong session key, opens nothing.
  EXPECT_THROW(keyring::unlock_user_key(tx, advisor, "not the password at all"), Error);
  EXPECT_THROW(keyring::unwrap_session(crypto::random_key(), wrap.wrapped), Error);
}

}  // namespace
}  // namespace dime
