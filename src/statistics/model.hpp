// Statistics over cases: the dimensions they are counted by, the facts read from the database
// (codes and dates only, never text), and the figures computed from them. Staff see exact
// figures; the public sees figures from approved cases only, suppressed (suppression.hpp).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "intake/model.hpp"

namespace dime::statistics {

using intake::Option;

// What a case is counted by. The first five have one value per case; the rest may have
// several (a case with two grounds counts once under each, and once as a combination).
enum class Dim : std::uint8_t {
  office,
  channel,
  reporter_type,
  area,  // coded, else as reported
  outcome,
  municipality,  // as typed: staff figures only, never published
  status,
  grounds,  // coded, else as reported
  forms,
  wishes,
  bodies,     // referral bodies the case was sent to
  mediation,  // results of the case's mediations on the office's own bench
};
inline constexpr std::size_t kDims = 12;
inline bool multiple(Dim d) {
  return d >= Dim::grounds;
}
const char* to_string(Dim d);
std::optional<Dim> dim_from_string(const std::string& name);
// The msgid naming the dimension, e.g. "Ground".
const char* dim_label(Dim d);
// The dimensions a dashboard breaks cases down by, in the order it shows them.
const std::vector<Dim>& breakdown_dims();

// Labels (msgids) for the dimensions that are not reference data.
const std::vector<Option>& channels();
const std::vector<Option>& wish_labels();

// Months are counted as year * 12 + (month - 1), from the day the case was received (UTC).
int month_of(long long unix_seconds);
std::string month_text(int month);  // "2026-03"
std::optional<int> parse_month(const std::string& text);

enum class Granularity { month, quarter, half, year };
std::optional<Granularity> granularity_from_string(const std::string& s);
const char* to_string(Granularity g);
// The period a month falls in, as text: "2026-03", "2026-Q1", "2026-H1" or "2026".
std::string period_of(int month, Granularity g);
// The first month of the period a month falls in, and the number of months in a period.
int period_start(int month, Granularity g);
int months_in(Granularity g);

// One case. Codes are numbers into Facts::codes; several codes are a bit set.
struct Fact {
  int month = 0;
  std::array<std::uint32_t, 7> one{};   // office .. status: index into codes
  std::array<std::uint64_t, 5> many{};  // grounds .. mediation: bits into codes
  float days_to_acknowledge = -1;       // -1: not yet
  float days_to_advice = -1;            // to the first advice, referral or message
  bool approved = false;                // approved for published statistics
  bool coded = false;                   // grounds and area coded by an advisor
};

struct Facts {
  std::array<std::vector<std::string>, kDims> codes;
  std::vector<Fact> rows;
  std::vector<long long> office_ids;  // the offices read, as asked

  // The number of `code` in dimension `d`, added if new (a set dimension holds at most 64).
  std::uint32_t intern(Dim d, const std::string& code);
  bool has(const Fact& f, Dim d, std::uint32_t code) const;
  std::vector<std::uint32_t> values(const Fact& f, Dim d) const;
};

// What to count: a period of months (inclusive) and at most one code per dimension.
struct Filter {
  int from = 0;
  int to = 0;
  Granularity granularity = Granularity::month;
  std::map<Dim, std::string> where;
  bool approved_only = false;
};
bool matches(const Facts& facts, const Fact& f, const Filter& filter);

struct Row {
  std::string code;
  long long count = 0;
};
// Cases by one dimension, largest first; a set dimension also gives its combinations.
struct Breakdown {
  Dim dim = Dim::channel;
  std::vector<Row> rows;
  std::vector<Row> combinations;  // "code+code" (sorted), for cases with two or more codes
  long long with_none = 0;        // cases without a value (e.g. not referred anywhere)
};

struct Timing {
  long long measured = 0;
  std::optional<double> median_days;
  std::optional<double> p90_days;
  long long within = 0;  // within the office's deadline (acknowledge_days or feedback_days)
};

struct Figures {
  long long cases = 0;
  std::vector<std::pair<std::string, long long>> trend;  // period -> cases, every period
  std::vector<Breakdown> breakdowns;
  Timing to_acknowledge;
  Timing to_advice;
};

// Counts the facts that match: the trend by period and every breakdown.
Figures compute(const Facts& facts, const Filter& filter, int acknowledge_days, int advice_days);

// The approved cases of one office in one month, counted by some dimensions: what published
// figures are computed from, and what an office on its own server hands to a national one.
struct MonthCounts {
  long long cases = 0;
  long long combined_grounds = 0;                        // cases with two or more grounds
  std::map<Dim, std::map<std::string, long long>> rows;  // dimension -> code -> cases
  bool operator==(const MonthCounts&) const = default;
};
using Tally = std::map<int, MonthCounts>;  // month -> counts; months without cases left out
// The approved cases of months up to `last`, office by office (by id), by `dims`. Every office
// the facts were read for has a tally, empty if it has no such case.
std::map<long long, Tally> tally(const Facts& facts, const std::vector<Dim>& dims, int last);
}  // namespace dime::statistics
