#include "core/dates.hpp"

#include <charconv>

namespace dime {

using namespace std::chrono;

std::optional<Date> parse_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  }
  int y = 0;
  unsigned m = 0, d = 0;
  std::from_chars(t.data(), t.data() + 4, y);
  std::from_chars(t.data() + 5, t.data() + 7, m);
  std::from_chars(t.data() + 8, t.data() + 10, d);
  year_month_day ymd{year{y}, month{m}, day{d}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::string format_date(Date d) {
  year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Date date_of(long long seconds) {
  return floor<days>(sys_seconds{std::chrono::seconds{seconds}});
}

Date add_months(Date d, int n) {
  year_month_day ymd{d};
  year_month_day moved = ymd + months{n};
  if (!moved.ok()) moved = year_month_day_last{moved.year(), month_day_last{moved.month()}};
  return sys_days{moved};
}

long long days_between(Date from, Date to) { return (to - from).count(); }

}  // namespace dime
