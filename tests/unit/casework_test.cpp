// The pure rules of casework: calendar dates, the status workflow and deadlines.
#include <gtest/gtest.h>

#include "casework/model.hpp"
#include "core/dates.hpp"

namespace dime {
namespace {

using casework::Clock;
using casework::Settings;

long long at(const std::string& date, int hour = 12) {
  auto d = parse_date(date);
  EXPECT_TRUE(d) << date;
  return std::chrono::duration_cast<std::chrono::seconds>(d->time_since_epoch()).count() +
         hour * 3600LL;
}

TEST(Dates, ParseOnlyRealCalendarDates) {
  EXPECT_TRUE(parse_date("2024-02-29"));
  EXPECT_FALSE(parse_date("2025-02-29"));
  EXPECT_FALSE(parse_date("2025-04-31"));
  EXPECT_FALSE(parse_date("2025-4-01"));
  EXPECT_FALSE(parse_date("14.03.2025"));
  EXPECT_FALSE(parse_date("2025-03-14 "));
  EXPECT_FALSE(parse_date(""));
  EXPECT_EQ(format_date(*parse_date("2025-03-14")), "2025-03-14");
}

TEST(Dates, MonthsClampToTheEndOfShorterMonths) {
  EXPECT_EQ(format_date(add_months(*parse_date("2023-01-31"), 1)), "2023-02-28");
  EXPECT_EQ(format_date(add_months(*parse_date("2024-01-31"), 1)), "2024-02-29");
  EXPECT_EQ(format_date(add_months(*parse_date("2023-03-14"), 36)), "2026-03-14");
  EXPECT_EQ(format_date(add_months(*parse_date("2026-03-14"), -36)), "2023-03-14");
  EXPECT_EQ(days_between(*parse_date("2026-01-01"), *parse_date("2026-03-01")), 59);
  EXPECT_EQ(format_date(date_of(at("2026-11-24", 23))), "2026-11-24");
}

TEST(Workflow, CasesMoveOnlyAlongTheWorkflow) {
  EXPECT_TRUE(casework::can_move("received", "in_assessment"));
  EXPECT_TRUE(casework::can_move("received", "closed"));  // spam, duplicates
  EXPECT_FALSE(casework::can_move("received", "referred"));
  EXPECT_FALSE(casework::can_move("received", "received"));
  EXPECT_TRUE(casework::can_move("in_assessment", "referred"));
  EXPECT_TRUE(casework::can_move("closed", "in_assessment"));  // reopened
  EXPECT_FALSE(casework::can_move("closed", "advice_given"));
  EXPECT_FALSE(casework::can_move("lost", "closed"));
  // Every status a case can reach has a label and a way on.
  for (const auto& s : casework::statuses()) {
    EXPECT_FALSE(casework::next_statuses(s.code).empty()) << s.code;
  }
}

TEST(Deadlines, AcknowledgementAndFeedbackUntilGiven) {
  Settings s;  // 7 days, 90 days, 180 days of warning
  Clock c{at("2026-11-01"), std::nullopt, std::nullopt, "received", "", ""};
  auto d = casework::deadlines(c, s, {}, at("2026-11-06"));
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].kind, "acknowledge");
  EXPECT_EQ(d[0].due, "2026-11-08");
  EXPECT_EQ(d[0].days_left, 2);
  EXPECT_TRUE(d[0].at_risk);
  EXPECT_FALSE(d[0].overdue);
  EXPECT_EQ(d[1].kind, "feedback");
  EXPECT_EQ(d[1].due, "2027-01-30");
  EXPECT_FALSE(d[1].at_risk);

  auto late = casework::deadlines(c, s, {}, at("2026-11-09"));
  EXPECT_TRUE(late[0].overdue);
  EXPECT_EQ(late[0].days_left, -1);

  c.acknowledged_at = at("2026-11-02");
  c.feedback_at = at("2026-11-03");
  EXPECT_TRUE(casework::deadlines(c, s, {}, at("2026-11-09")).empty());
  c.acknowledged_at.reset();
  c.status = "closed";
  EXPECT_TRUE(casework::deadlines(c, s, {}, at("2026-11-09")).empty());
}

TEST(Deadlines, TimeLimitsWarnWithinTheWarningPeriod) {
  Settings s;
  s.limit_warning_days = 90;
  std::vector<casework::TimeLimit> limits{{"tribunal", 36}, {"other", 60}};
  Clock c{at("2026-01-01"), at("2026-01-02"), at("2026-01-03"), "advice_given", "2023-03-14", ""};
  // 36 months after 2023-03-14 is 2026-03-14: 89 days after 2025-12-15, 91 after 2025-12-13.
  auto near = casework::deadlines(c, s, limits, at("2025-12-15"));
  ASSERT_EQ(near.size(), 1u);
  EXPECT_EQ(near[0].kind, "time_limit");
  EXPECT_EQ(near[0].body, "tribunal");
  EXPECT_EQ(near[0].due, "2026-03-14");
  EXPECT_TRUE(near[0].at_risk);
  EXPECT_TRUE(casework::deadlines(c, s, limits, at("2025-12-13")).empty());
  auto passed = casework::deadlines(c, s, limits, at("2026-03-15"));
  ASSERT_EQ(passed.size(), 1u);
  EXPECT_TRUE(passed[0].overdue);
  // Without a date of the events there is nothing to count from.
  c.event_from = "";
  EXPECT_TRUE(casework::deadlines(c, s, limits, at("2026-03-15")).empty());
}

TEST(Deadlines, AnOpenTaskCountsWhenItIsDueWithinTwoDays) {
  Settings s;
  Clock c{at("2026-01-01"), at("2026-01-02"), at("2026-01-03"), "in_assessment", "", "2026-02-10"};
  EXPECT_TRUE(casework::deadlines(c, s, {}, at("2026-02-07")).empty());
  auto soon = casework::deadlines(c, s, {}, at("2026-02-08"));
  ASSERT_EQ(soon.size(), 1u);
  EXPECT_EQ(soon[0].kind, "task");
  EXPECT_FALSE(soon[0].overdue);
  EXPECT_TRUE(casework::deadlines(c, s, {}, at("2026-02-11"))[0].overdue);
}

}  // namespace
}  // namespace dime
