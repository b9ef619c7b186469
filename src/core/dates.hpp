// Calendar dates as "YYYY-MM-DD" text (the form stored for due dates and event dates):
// parsing with real month lengths, adding days and months, and the date of a stored time.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dime {

using Date = std::chrono::sys_days;

// A real calendar date written exactly as YYYY-MM-DD, or nothing.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(Date d);
// The UTC date of a time in seconds since the epoch.
Date date_of(long long seconds);
// Months later (or earlier, when negative); the 31st becomes the last day of a shorter month.
Date add_months(Date d, int months);
// Whole days from `from` to `to` (negative when `to` is earlier).
long long days_between(Date from, Date to);

}  // namespace dime
