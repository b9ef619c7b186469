// Languages and gettext catalogues (Boost.Locale), and the choice of language per request.
#pragma once
#include <locale>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dime::i18n {

struct Language {
  std::string code;         // BCP 47 primary tag, also the catalogue name: "nb", "ar"
  std::string native_name;  // as its speakers write it
  bool rtl = false;
  bool staff = false;  // the staff interface is complete in this language
};

const std::vector<Language>& languages();
const Language* find(std::string_view code);

// User choice > Accept-Language > organisation default > "en". Only known languages.
std::string negotiate(const std::optional<std::string>& chosen,
                      const std::vector<std::string>& accept_language,
                      const std::optional<std::string>& organisation_default);

// The catalogues embedded in the binary, one std::locale per language, loaded once.
class Catalogues {
 public:
  Catalogues();
  const std::locale& locale(const std::string& code) const;
  std::string translate(const std::string& code, std::string_view msgid) const;
  std::string translate_plural(const std::string& code, std::string_view singular,
                               std::string_view plural, long long n) const;

 private:
  std::map<std::string, std::locale> locales_;
};

}  // namespace dime::i18n
