// The signed aggregate file between instances: what it holds, that it reads back the same
// however it is laid out, and that a changed, forged, malformed or inconsistent file is refused
// with a message about the file.
#include "statistics/exchange.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "organisations/service.hpp"

namespace dime::statistics {
namespace {

using nlohmann::json;

class ExchangeTest : public ::testing::Test {
 protected:
  void SetUp() override { crypto::init(); }
  crypto::BoxKeyPair office = crypto::box_keypair();
  crypto::SignKeyPair key = signing_key(office);

  static MonthCounts month(long long cases, long long housing, long long education,
                           long long combined = 0) {
    MonthCounts m;
    m.cases = cases;
    m.combined_grounds = combined;
    m.rows[Dim::area] = {{"housing", housing}, {"education", education}};
    m.rows[Dim::channel] = {{"web", cases}};
    m.rows[Dim::reporter_type] = {{"self", cases}};
    m.rows[Dim::outcome] = {{"advice", cases}};
    m.rows[Dim::grounds] = {{"ethnicity", cases}, {"religion", combined}};
    m.rows[Dim::forms] = {{"harassment", 1}};
    for (auto& [d, rows] : m.rows) {  // a file names only the codes with cases
      std::erase_if(rows, [](const auto& row) { return row.second == 0; });
    }
    return m;
  }
  Aggregate sample() const {
    Aggregate a;
    a.office = "Tromsø hjelpekontor";
    a.jurisdiction = "no";
    a.issued_at = now_seconds();
    a.through = month_of(a.issued_at) - 1;
    a.tally[a.through - 13] = month(7, 4, 3, 2);
    a.tally[a.through] = month(1, 1, 0);
    return a;
  }
  // The file with its aggregate changed by `change` and signed again with `with`.
  static std::string resigned(const std::string& text, const crypto::SignKeyPair& with,
                              const std::function<void(json&)>& change) {
    json file = json::parse(text);
    change(file["aggregate"]);
    file["public_key"] = crypto::to_base64(with.public_key);
    file["signature"] = crypto::to_base64(
        crypto::sign(with, std::string(kAggregateFormat) + "\n" + file["aggregate"].dump()));
    return file.dump();
  }
  // The message of the refusal, or "" if the file was taken.
  static std::string refusal(const std::string& text) {
    try {
      read_aggregate(text);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::unprocessable) << e.what();
      EXPECT_EQ(e.fields().count("file"), 1U);
      return e.message();
    }
    return "";
  }
};

TEST_F(ExchangeTest, TheFileReadsBackAsWrittenAndHoldsOnlyCounts) {
  Aggregate a = sample();
  std::string text = write_aggregate(a, key);
  SignedAggregate back = read_aggregate(text);
  EXPECT_EQ(back.aggregate.office, a.office);
  EXPECT_EQ(back.aggregate.jurisdiction, "no");
  EXPECT_EQ(back.aggregate.issued_at, a.issued_at);
  EXPECT_EQ(back.aggregate.through, a.through);
  EXPECT_EQ(back.aggregate.tally, a.tally);
  EXPECT_EQ(crypto::from_base64(back.public_key), key.public_key);
  // Nothing but the office's name, codes and numbers: no municipality dimension.
  EXPECT_EQ(text.find("municipality"), std::string::npos);
  // Laid out differently (compact, keys in another order), it is still the same signed file.
  json file = json::parse(text);
  EXPECT_EQ(read_aggregate(file.dump()).aggregate.tally, a.tally);
  std::string reordered = R"({"signature":)" + file["signature"].dump() + R"(,"public_key":)" +
                          file["public_key"].dump() + R"(,"aggregate":)" +
                          file["aggregate"].dump(4) + R"(,"format":)" + file["format"].dump() + "}";
  EXPECT_EQ(read_aggregate(reordered).aggregate.tally, a.tally);
}

TEST_F(ExchangeTest, TheSigningKeyComesFromTheOfficeKey) {
  EXPECT_EQ(signing_key(office).public_key, key.public_key);
  EXPECT_NE(signing_key(crypto::box_keypair()).public_key, key.public_key);
  std::string f = fingerprint(key.public_key);
  EXPECT_EQ(f.size(), 39U);  // eight groups of four hex digits
  EXPECT_EQ(f, fingerprint(key.public_key));
  EXPECT_TRUE(organisations::valid_signing_key(crypto::to_base64(key.public_key)));
  EXPECT_FALSE(organisations::valid_signing_key(crypto::to_base64("too short")));
  EXPECT_FALSE(organisations::valid_signing_key("not base64 at all!"));
}

TEST_F(ExchangeTest, AChangedFileIsRefused) {
  std::string text = write_aggregate(sample(), key);
  json file = json::parse(text);
  std::string month = month_text(sample().through);
  file["aggregate"]["months"][month]["cases"] = 2;
  file["aggregate"]["months"][month]["area"]["housing"] = 2;
  EXPECT_NE(refusal(file.dump()).find("signature"), std::string::npos);
  // Another key of the right size, with the original signature.
  file = json::parse(text);
  file["public_key"] = crypto::to_base64(signing_key(crypto::box_keypair()).public_key);
  EXPECT_NE(refusal(file.dump()).find("signature"), std::string::npos);
  // The office renamed after signing.
  file = json::parse(text);
  file["aggregate"]["office"] = "Another office";
  EXPECT_NE(refusal(file.dump()).find("signature"), std::string::npos);
}

TEST_F(ExchangeTest, MalformedFilesAreRefused) {
  std::string text = write_aggregate(sample(), key);
  std::string not_dime = "This is not a statistics file from DiMe, or it is damaged.";
  EXPECT_EQ(refusal(""), not_dime);
  EXPECT_EQ(refusal("{"), not_dime);
  EXPECT_EQ(refusal("[1, 2]"), not_dime);
  EXPECT_EQ(refusal(text.substr(0, text.size() / 2)), not_dime);
  EXPECT_EQ(refusal("{\"format\": \"\xff\xfe\"}"), not_dime);  // not UTF-8
  json file = json::parse(text);
  file["extra"] = 1;
  EXPECT_EQ(refusal(file.dump()), not_dime);
  file = json::parse(text);
  file["format"] = "dime-statistics-aggregate/2";
  EXPECT_NE(refusal(file.dump()).find("format"), std::string::npos);
  file = json::parse(text);
  file["signature"] = "!!";
  EXPECT_EQ(refusal(file.dump()), not_dime);
  file["signature"] = crypto::to_base64("short");
  EXPECT_EQ(refusal(file.dump()), not_dime);
  // Signed properly, but not the form of the file.
  auto signed_with = [&](const std::function<void(json&)>& change) {
    return refusal(resigned(text, key, change));
  };
  std::string month = month_text(sample().through);
  EXPECT_EQ(signed_with([](json& a) { a["office"] = 5; }), not_dime);
  EXPECT_EQ(signed_with([](json& a) { a["jurisdiction"] = "xx"; }), not_dime);
  EXPECT_EQ(signed_with([](json& a) { a["months"]["2025-1"] = a["months"].begin().value(); }),
            not_dime);
  EXPECT_EQ(signed_with([&](json& a) {
              a["months"][month]["municipality"] = {{"Tromsø", 1}};
            }),
            not_dime);
  EXPECT_EQ(signed_with([&](json& a) {
              a["months"][month]["area"] = {{"hou sing", 1}};
            }),
            not_dime);
  EXPECT_EQ(signed_with([&](json& a) { a["months"][month]["cases"] = "1"; }), not_dime);
  EXPECT_EQ(signed_with([](json& a) { a.erase("through"); }), not_dime);
  EXPECT_EQ(signed_with([](json& a) { a["issued_at"] = 9'000'000'000'000'000'000ULL; }), not_dime);
  EXPECT_EQ(signed_with([](json& a) { a["issued_at"] = -5; }), not_dime);
  EXPECT_EQ(refusal(resigned(text, key, [](json&) {})), "");  // the control: taken
}

TEST_F(ExchangeTest, FiguresThatDoNotAddUpAreRefused) {
  std::string text = write_aggregate(sample(), key);
  std::string month = month_text(sample().through);
  auto signed_with = [&](const std::function<void(json&)>& change) {
    return refusal(resigned(text, key, change));
  };
  std::string bad = "The figures in this file do not add up. Ask the office for a new file.";
  // An area table that does not add up to the cases; a count above the cases; a negative.
  EXPECT_EQ(signed_with([&](json& a) { a["months"][month]["area"]["education"] = 1; }), bad);
  EXPECT_EQ(signed_with([&](json& a) { a["months"][month]["form"]["harassment"] = 5; }), bad);
  EXPECT_EQ(signed_with([&](json& a) { a["months"][month]["form"]["harassment"] = -1; }), bad);
  // A month without the channel table; a month after the last one counted; an empty month.
  EXPECT_EQ(signed_with([&](json& a) { a["months"][month].erase("channel"); }), bad);
  EXPECT_EQ(signed_with([&](json& a) {
              a["months"][month_text(sample().through + 1)] = a["months"][month];
            }),
            bad);
  EXPECT_EQ(signed_with([&](json& a) {
              a["months"][month]["cases"] = 0;
              for (auto& [k, v] : a["months"][month].items()) {
                if (v.is_object()) v = json::object();
              }
            }),
            bad);
  // More cases with two or more grounds than the grounds can hold.
  EXPECT_EQ(signed_with([&](json& a) { a["months"][month]["combined_grounds"] = 1; }), bad);
  // Counting up to a month that had not ended when the file was made.
  EXPECT_EQ(signed_with([](json& a) { a["through"] = month_text(month_of(now_seconds())); }), bad);
}

TEST(Tally, CountsApprovedCasesOfEachOfficeByMonth) {
  Facts facts;
  for (const char* o : {"1", "2"}) facts.intern(Dim::office, o);
  auto fact = [&](const char* office, int m, const char* area, std::vector<const char*> grounds,
                  bool approved) {
    Fact x;
    x.month = m;
    x.approved = approved;
    x.one[0] = facts.intern(Dim::office, office);
    x.one[1] = facts.intern(Dim::channel, "web");
    x.one[2] = facts.intern(Dim::reporter_type, "self");
    x.one[3] = facts.intern(Dim::area, area);
    x.one[4] = facts.intern(Dim::outcome, "advice");
    for (const char* g : grounds) {
      x.many[0] |= std::uint64_t{1} << facts.intern(Dim::grounds, g);
    }
    facts.rows.push_back(x);
  };
  fact("1", 100, "housing", {"ethnicity"}, true);
  fact("1", 100, "housing", {"ethnicity", "religion"}, true);
  fact("1", 100, "education", {"age"}, false);  // not approved
  fact("1", 101, "education", {"age"}, true);
  fact("1", 102, "education", {"age"}, true);  // after the last month
  auto t = tally(facts, {Dim::grounds, Dim::area}, 101);
  ASSERT_EQ(t.size(), 2U);
  EXPECT_TRUE(t[2].empty());  // an office without cases is listed, empty
  ASSERT_EQ(t[1].size(), 2U);
  const MonthCounts& m = t[1][100];
  EXPECT_EQ(m.cases, 2);
  EXPECT_EQ(m.combined_grounds, 1);
  EXPECT_EQ(m.rows.at(Dim::grounds).at("ethnicity"), 2);
  EXPECT_EQ(m.rows.at(Dim::grounds).at("religion"), 1);
  EXPECT_EQ(m.rows.at(Dim::grounds).count("age"), 0U);
  EXPECT_EQ(m.rows.at(Dim::area).at("housing"), 2);
  EXPECT_EQ(t[1][101].rows.at(Dim::area).at("education"), 1);
}

}  // namespace
}  // namespace dime::statistics
