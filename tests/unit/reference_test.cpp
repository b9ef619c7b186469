// Reference data: the shipped files are valid and complete; bad files are refused with a
// reason; office adjustments stay inside their office and keep retired entries.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "reference/service.hpp"
#include "support/test_support.hpp"

namespace dime {
namespace {

using reference::Category;

TEST(ReferenceData, ShippedFilesAreValidAndLabelledInEveryLanguage) {
  ASSERT_NO_THROW(reference::validate_embedded());
  for (const char* j : {"no", "se", "nl"}) {
    for (Category c : reference::all_categories()) {
      const auto& list = reference::base(j, c);
      EXPECT_FALSE(list.entries.empty()) << j << " " << reference::to_string(c);
      EXPECT_GE(list.version, 1);
      for (const auto& e : list.entries) {
        for (const auto& lang : reference::label_languages()) {
          EXPECT_FALSE(reference::label(e, lang).empty()) << j << " " << e.code << " " << lang;
          EXPECT_TRUE(e.labels.count(lang)) << j << " " << e.code << " " << lang;
        }
      }
    }
    EXPECT_NE(reference::base(j, Category::grounds).find("dont_know"), nullptr)
        << "the report form offers \"don't know\" in " << j;
  }
}

TEST(ReferenceData, NorwegianTribunalCarriesItsThreeYearLimit) {
  const auto& bodies = reference::base("no", Category::referral_bodies);
  const auto* tribunal = bodies.find("diskrimineringsnemnda");
  ASSERT_NE(tribunal, nullptr);
  EXPECT_EQ(tribunal->time_limit_months, 36);
  EXPECT_EQ(tribunal->kind, "tribunal");
}

std::string file(const std::string& entries, const std::string& jurisdiction = "no",
                 const std::string& category = "grounds") {
  return R"({"jurisdiction": ")" + jurisdiction + R"(", "category": ")" + category +
         R"(", "version": 1, "entries": [)" + entries + "]}";
}

std::string entry(const std::string& code, const std::string& extra = "") {
  std::string labels;
  for (const auto& l : reference::label_languages()) {
    labels += (labels.empty() ? "" : ", ") + ("\"" + l + "\": \"x\"");
  }
  return R"({"code": ")" + code + R"(", "legal_reference": "", "labels": {)" + labels + "}" +
         extra + "}";
}

TEST(ReferenceData, MalformedFilesAreRefusedWithAReason) {
  EXPECT_NO_THROW(reference::parse(file(entry("age")), "no", Category::grounds));
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"{not json", "not json"},
      {file(entry("age"), "se"), "wrong jurisdiction"},
      {file(entry("age"), "no", "forms"), "wrong category"},
      {file(entry("age") + "," + entry("age")), "duplicate code"},
      {file(entry("Age")), "code not lower case"},
      {file(entry("age; drop")), "code with punctuation"},
      {file(""), "no entries"},
      {file(R"({"code": "age", "legal_reference": "", "labels": {"en": "Age"}})"),
       "missing languages"},
      {file(entry("age", R"(, "time_limit_months": -1)")), "negative time limit"},
  };
  for (const auto& [text, why] : bad) {
    EXPECT_THROW(reference::parse(text, "no", Category::grounds), std::runtime_error) << why;
  }
  EXPECT_THROW(reference::parse(file(entry("police"), "no", "referral_bodies"), "no",
                                Category::referral_bodies),
               std::runtime_error)
      << "a referral body needs a kind";
}

class ReferenceAdjustments : public ::testing::Test {
 protected:
  test::MigratedDatabase m;
  long long office_a = test::make_organisation(*m.db, "A");
  long long office_b = test::make_organisation(*m.db, "B");
};

TEST_F(ReferenceAdjustments, RelabellingStaysInsideTheOffice) {
  storage::Transaction tx(*m.db);
  reference::set_label(tx, office_a, "no", Category::grounds, "age", "nb", "Alder (vår tekst)");
  auto a = reference::for_organisation(tx, office_a, "no", Category::grounds);
  auto b = reference::for_organisation(tx, office_b, "no", Category::grounds);
  EXPECT_EQ(reference::label(*a.find("age"), "nb"), "Alder (vår tekst)");
  EXPECT_NE(reference::label(*b.find("age"), "nb"), "Alder (vår tekst)");
  EXPECT_EQ(reference::label(*reference::base("no", Category::grounds).find("age"), "nb"),
            reference::label(*b.find("age"), "nb"));
}

TEST_F(ReferenceAdjustments, AddedEntriesAreValidatedAndFallBackToEnglish) {
  storage::Transaction tx(*m.db);
  reference::add_entry(tx, office_a, "no", Category::areas, "tenant_board", "Tenant board", "");
  auto list = reference::for_organisation(tx, office_a, "no", Category::areas);
  const auto* added = list.find("tenant_board");
  ASSERT_NE(added, nullptr);
  EXPECT_TRUE(added->added_by_office);
  EXPECT_EQ(reference::label(*added, "so"), "Tenant board");
  EXPECT_EQ(reference::for_organisation(tx, office_b, "no", Category::areas).find("tenant_board"),
            nullptr);
  for (const auto& [code, label] :
       std::vector<std::pair<std::string, std::string>>{{"tenant_board", "Twice"},
                                                        {"housing", "Clashes with a shipped code"},
                                                        {"Bad Code", "x"},
                                                        {"ok_code", ""}}) {
    try {
      reference::add_entry(tx, office_a, "no", Category::areas, code, label, "");
      FAIL() << code;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::unprocessable) << code;
      EXPECT_FALSE(e.fields().empty()) << code;
    }
  }
}

TEST_F(ReferenceAdjustments, RetiredEntriesStayKnownButFlagged) {
  storage::Transaction tx(*m.db);
  reference::set_retired(tx, office_a, "no", Category::forms, "hate_speech", true);
  auto list = reference::for_organisation(tx, office_a, "no", Category::forms);
  ASSERT_NE(list.find("hate_speech"), nullptr) << "old cases keep their code";
  EXPECT_TRUE(list.find("hate_speech")->retired);
  reference::set_retired(tx, office_a, "no", Category::forms, "hate_speech", false);
  EXPECT_FALSE(reference::for_organisation(tx, office_a, "no", Category::forms)
                   .find("hate_speech")
                   ->retired);
}

TEST_F(ReferenceAdjustments, UnknownCodesAndLanguagesAreRefused) {
  storage::Transaction tx(*m.db);
  EXPECT_THROW(reference::set_label(tx, office_a, "no", Category::grounds, "nope", "nb", "x"),
               Error);
  EXPECT_THROW(reference::set_retired(tx, office_a, "no", Category::grounds, "nope", true), Error);
  try {
    reference::set_label(tx, office_a, "no", Category::grounds, "age", "xx", "x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_TRUE(e.fields().count("language"));
  }
  EXPECT_THROW(reference::for_organisation(tx, office_a, "de", Category::grounds), Error);
}

}  // namespace
}  // namespace dime
