// Boost.Locale over embedded .mo files; language negotiation.
#include "i18n/i18n.hpp"

#include <boost/locale.hpp>

#include "core/resources.hpp"

namespace dime::i18n {

const std::vector<Language>& languages() {
  static const std::vector<Language> all = {
      {"nb", "Norsk bokmål", false, true}, {"sv", "Svenska", false, true},
      {"en", "English", false, true},      {"ar", "العربية", true, false},
      {"so", "Soomaali", false, false},    {"pl", "Polski", false, false},
      {"uk", "Українська", false, false},  {"ur", "اردو", true, false},
      {"ti", "ትግርኛ", false, false},        {"fa", "فارسی", true, false},
  };
  return all;
}

const Language* find(std::string_view code) {
  for (const auto& l : languages()) {
    if (l.code == code) return &l;
  }
  return nullptr;
}

std::string negotiate(const std::optional<std::string>& chosen,
                      const std::vector<std::string>& accept_language,
                      const std::optional<std::string>& organisation_default) {
  if (chosen && find(*chosen)) return *chosen;
  for (const auto& tag : accept_language) {
    std::string primary = tag.substr(0, tag.find('-'));
    for (auto& c : primary) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Norwegian without a written standard, or Nynorsk, is served in Bokmål until nn exists.
    if (primary == "no" || primary == "nn") primary = "nb";
    if (find(primary)) return primary;
  }
  if (organisation_default && find(*organisation_default)) return *organisation_default;
  return "en";
}

Catalogues::Catalogues() {
  boost::locale::generator gen;
  for (const auto& lang : languages()) {
    std::locale base = gen(lang.code + ".UTF-8");
    boost::locale::gnu_gettext::messages_info info;
    info.language = lang.code;
    info.encoding = "UTF-8";
    info.paths = {"locale"};
    info.domains = {boost::locale::gnu_gettext::messages_info::domain("dime")};
    info.callback = [](const std::string& file, const std::string&) -> std::vector<char> {
      auto data = resources::find(file);
      if (!data) return {};
      return {data->begin(), data->end()};
    };
    locales_.emplace(
        lang.code,
        std::locale(base, boost::locale::gnu_gettext::create_messages_facet<char>(info)));
  }
}

const std::locale& Catalogues::locale(const std::string& code) const {
  auto it = locales_.find(code);
  return it != locales_.end() ? it->second : locales_.at("en");
}

std::string Catalogues::translate(const std::string& code, std::string_view msgid) const {
  return boost::locale::gettext(std::string(msgid).c_str(), locale(code));
}

std::string Catalogues::translate_plural(const std::string& code, std::string_view singular,
                                         std::string_view plural, long long n) const {
  // gettext takes an int. Plural rules look at n, n % 10 and n % 100, so a huge count is
  // folded onto 10^9 + (n % 1000), which keeps all three answers the same.
  const long long limit = 1000000000LL;
  const long long magnitude = n < 0 ? -n : n;
  const int count = static_cast<int>(magnitude > limit ? limit + magnitude % 1000 : magnitude);
  return boost::locale::ngettext(std::string(singular).c_str(), std::string(plural).c_str(), count,
                                 locale(code));
}

}  // namespace dime::i18n
