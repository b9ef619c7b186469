// Language choice, catalogues, and templates that escape by default.
#include <gtest/gtest.h>

#include "i18n/i18n.hpp"
#include "web/views.hpp"

namespace dime {
namespace {

TEST(Language, UserChoiceBeatsBrowserBeatsOrganisation) {
  EXPECT_EQ(i18n::negotiate(std::string("sv"), {"nb"}, std::string("en")), "sv");
  EXPECT_EQ(i18n::negotiate(std::nullopt, {"de", "sv-SE"}, std::string("nb")), "sv");
  EXPECT_EQ(i18n::negotiate(std::nullopt, {"de"}, std::string("nb")), "nb");
  EXPECT_EQ(i18n::negotiate(std::string("xx"), {}, std::nullopt), "en");
  EXPECT_EQ(i18n::negotiate(std::nullopt, {"no"}, std::nullopt), "nb");
  EXPECT_EQ(i18n::negotiate(std::nullopt, {"nn-NO"}, std::nullopt), "nb");
}

TEST(Language, ArabicUrduAndPersianAreRightToLeftAndStaffLanguagesAreComplete) {
  for (const char* code : {"ar", "ur", "fa"}) {
    ASSERT_NE(i18n::find(code), nullptr) << code;
    EXPECT_TRUE(i18n::find(code)->rtl) << code;
  }
  for (const char* code : {"so", "pl", "uk", "ti"}) {
    ASSERT_NE(i18n::find(code), nullptr) << code;
    EXPECT_FALSE(i18n::find(code)->rtl) << code;
  }
  for (const char* code : {"nb", "sv", "en"}) {
    ASSERT_NE(i18n::find(code), nullptr);
    EXPECT_TRUE(i18n::find(code)->staff);
    EXPECT_FALSE(i18n::find(code)->rtl);
  }
}

TEST(Catalogues, EveryOfferedLanguageHasACatalogue) {
  i18n::Catalogues c;
  for (const auto& l : i18n::languages()) {
    if (l.code == "en") continue;
    EXPECT_NE(c.translate(l.code, "Skip to content"), "Skip to content") << l.code;
  }
}

TEST(Catalogues, TranslateFromTheEmbeddedFiles) {
  i18n::Catalogues c;
  EXPECT_EQ(c.translate("en", "Sign in"), "Sign in");
  EXPECT_NE(c.translate("nb", "Sign in"), "Sign in");
  EXPECT_NE(c.translate("sv", "Sign in"), "Sign in");
  EXPECT_NE(c.translate("ar", "Sign in"), "Sign in");
  EXPECT_EQ(c.translate("nb", "a msgid nobody wrote"), "a msgid nobody wrote");
  EXPECT_EQ(c.translate("zz", "Sign in"), "Sign in") << "unknown languages fall back to English";
}

TEST(Catalogues, HugeCountsKeepTheirPluralForm) {
  i18n::Catalogues c;
  EXPECT_EQ(c.translate_plural("en", "one entry", "many entries", 1), "one entry");
  EXPECT_EQ(c.translate_plural("en", "one entry", "many entries", 5), "many entries");
  EXPECT_EQ(c.translate_plural("en", "one entry", "many entries", 10000000001LL), "many entries");
}

TEST(Views, ValuesAreEscapedByDefault) {
  auto tr = [](const std::string& s) { return s; };
  std::string html =
      web::render("errors/error", {{"message", "<script>alert(1)</script>\"'&"}}, tr);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST(Views, TranslationsAreEscapedToo) {
  auto evil = [](const std::string&) { return std::string("<b>bold</b>"); };
  std::string html = web::render("errors/error", {{"message", "x"}}, evil);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;"), std::string::npos);
}

}  // namespace
}  // namespace dime
