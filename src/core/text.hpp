// Small text checks shared by every input path (forms, JSON, files).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace dime {

// Well-formed UTF-8 without NUL bytes.
bool valid_text(std::string_view s);
// What is wrong with a typed value, as a msgid: characters we cannot read, too long (more than
// `max` bytes), or missing when required; nullptr when it is fine. Every input path uses it.
const char* text_problem(std::string_view value, std::size_t max, bool required);
// Without leading and trailing spaces, tabs and line breaks.
std::string trimmed(std::string_view s);
// A plausible e-mail address: one '@' with text before it, a domain with a dot after it, no
// spaces, control characters or < > " , ;, at most 254 bytes. (Whether it exists is not known.)
bool valid_email(std::string_view email);
// A whole decimal number written as exactly that (an optional '-', then digits), or nothing.
std::optional<long long> parse_integer(std::string_view text);
// A time as "YYYY-MM-DD" (or "YYYY-MM") in UTC.
std::string utc_date(long long seconds, bool month_only = false);

}  // namespace dime
