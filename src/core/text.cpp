// Text checks through Boost.Locale's UTF conversion (strict mode stops at a broken sequence).
#include "core/text.hpp"

#include <algorithm>
#include <boost/locale/encoding_utf.hpp>
#include <cctype>
#include <ctime>

#include "core/translatable.hpp"

namespace dime {

bool valid_text(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return false;
  try {
    (void)boost::locale::conv::utf_to_utf<char32_t>(s.data(), s.data() + s.size(),
                                                    boost::locale::conv::stop);
    return true;
  } catch (const boost::locale::conv::conversion_error&) {
    return false;
  }
}

const char* text_problem(std::string_view value, std::size_t max, bool required) {
  if (!valid_text(value)) return N_("This field contains characters we cannot read.");
  if (value.size() > max) return N_("This is too long.");
  if (required && value.empty()) return N_("This field is required.");
  return nullptr;
}

std::string trimmed(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::optional<long long> parse_integer(std::string_view text) {
  std::size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  if (i == text.size() || text.size() - i > 18) return std::nullopt;
  long long v = 0;
  for (std::size_t k = i; k < text.size(); ++k) {
    if (text[k] < '0' || text[k] > '9') return std::nullopt;
    v = v * 10 + (text[k] - '0');
  }
  return i ? -v : v;
}

bool valid_email(std::string_view email) {
  auto at = email.find('@');
  return email.size() >= 3 && email.size() <= 254 && at != std::string_view::npos && at > 0 &&
         at + 1 < email.size() && email.find('@', at + 1) == std::string_view::npos &&
         email.find('.', at) != std::string_view::npos && email.back() != '.' &&
         std::none_of(email.begin(), email.end(), [](unsigned char c) {
           return std::isspace(c) || std::iscntrl(c) || c == '<' || c == '>' || c == '"' ||
                  c == ',' || c == ';';
         });
}

std::string utc_date(long long seconds, bool month_only) {
  auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, month_only ? "%Y-%m" : "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace dime
