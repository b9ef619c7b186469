#include "statistics/model.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "core/translatable.hpp"

namespace dime::statistics {

namespace {
constexpr std::size_t kSingle = 7;  // office .. status
constexpr std::size_t kMunicipalityRows = 25;

struct DimInfo {
  Dim dim;
  const char* name;
  const char* label;
};
constexpr DimInfo kDimInfo[] = {
    {Dim::office, "office", N_("Office")},
    {Dim::channel, "channel", N_("How the report came in")},
    {Dim::reporter_type, "reporter_type", N_("Who reported")},
    {Dim::area, "area", N_("Area of society")},
    {Dim::outcome, "outcome", N_("How the case ended")},
    {Dim::municipality, "municipality", N_("Municipality")},
    {Dim::status, "status", N_("Status")},
    {Dim::grounds, "ground", N_("Ground")},
    {Dim::forms, "form", N_("Form of discrimination")},
    {Dim::wishes, "wish", N_("What the person wanted")},
    {Dim::bodies, "referral_body", N_("Referred to")},
    {Dim::mediation, "mediation_result", N_("Mediation result")},
};
}  // namespace

const char* to_string(Dim d) {
  return kDimInfo[static_cast<std::size_t>(d)].name;
}
const char* dim_label(Dim d) {
  return kDimInfo[static_cast<std::size_t>(d)].label;
}

std::optional<Dim> dim_from_string(const std::string& name) {
  for (const auto& i : kDimInfo) {
    if (name == i.name) return i.dim;
  }
  return std::nullopt;
}

const std::vector<Dim>& breakdown_dims() {
  static const std::vector<Dim> v{Dim::grounds,       Dim::forms,       Dim::area,   Dim::channel,
                                  Dim::reporter_type, Dim::wishes,      Dim::bodies, Dim::mediation,
                                  Dim::outcome,       Dim::municipality};
  return v;
}

const std::vector<Option>& channels() {
  static const std::vector<Option> v{
      {"web", N_("Web form")},
      {"api", N_("Partner system")},
      {"phone", N_("Phone")},
      {"walk_in", N_("In person")},
      {"union", N_("Through a union representative")},
  };
  return v;
}

const std::vector<Option>& wish_labels() {
  static const std::vector<Option> v{
      {"counted", N_("To be counted")},
      {"advice", N_("Advice")},
      {"mediation", N_("Mediation")},
      {"complaint", N_("Help to complain")},
      {"police", N_("Help to go to the police")},
  };
  return v;
}

int month_of(long long unix_seconds) {
  using namespace std::chrono;
  auto day = floor<days>(sys_seconds{seconds{unix_seconds}});
  year_month_day ymd{day};
  return static_cast<int>(ymd.year()) * 12 + static_cast<int>(static_cast<unsigned>(ymd.month())) -
         1;
}

std::string month_text(int month) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", month / 12, month % 12 + 1);
  return buf;
}

std::optional<int> parse_month(const std::string& t) {
  if (t.size() != 7 || t[4] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6}) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  }
  int y = std::stoi(t.substr(0, 4)), m = std::stoi(t.substr(5, 2));
  if (y < 2000 || y > 2200 || m < 1 || m > 12) return std::nullopt;
  return y * 12 + m - 1;
}

std::optional<Granularity> granularity_from_string(const std::string& s) {
  if (s == "month") return Granularity::month;
  if (s == "quarter") return Granularity::quarter;
  if (s == "half") return Granularity::half;
  if (s == "year") return Granularity::year;
  return std::nullopt;
}

const char* to_string(Granularity g) {
  switch (g) {
    case Granularity::month: return "month";
    case Granularity::quarter: return "quarter";
    case Granularity::half: return "half";
    case Granularity::year: return "year";
  }
  return "month";
}

int months_in(Granularity g) {
  switch (g) {
    case Granularity::month: return 1;
    case Granularity::quarter: return 3;
    case Granularity::half: return 6;
    case Granularity::year: return 12;
  }
  return 1;
}

int period_start(int month, Granularity g) {
  int n = months_in(g);
  return month - (month % 12) % n;
}

std::string period_of(int month, Granularity g) {
  int year = month / 12, m = month % 12;
  switch (g) {
    case Granularity::month: return month_text(month);
    case Granularity::quarter: return std::to_string(year) + "-Q" + std::to_string(m / 3 + 1);
    case Granularity::half: return std::to_string(year) + "-H" + std::to_string(m / 6 + 1);
    case Granularity::year: return std::to_string(year);
  }
  return month_text(month);
}

std::uint32_t Facts::intern(Dim d, const std::string& code) {
  auto& list = codes[static_cast<std::size_t>(d)];
  // Few codes per dimension: a linear search beats a map for a handful of strings.
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i] == code) return static_cast<std::uint32_t>(i);
  }
  if (multiple(d) && list.size() >= 64) {
    throw Error(ErrorKind::internal, N_("Something went wrong on our side."),
                std::string("statistics: more than 64 codes in ") + to_string(d));
  }
  list.push_back(code);
  return static_cast<std::uint32_t>(list.size() - 1);
}

bool Facts::has(const Fact& f, Dim d, std::uint32_t code) const {
  auto i = static_cast<std::size_t>(d);
  if (i < kSingle) return f.one[i] == code;
  return (f.many[i - kSingle] >> code) & 1U;
}

std::vector<std::uint32_t> Facts::values(const Fact& f, Dim d) const {
  auto i = static_cast<std::size_t>(d);
  if (i < kSingle) return {f.one[i]};
  std::vector<std::uint32_t> out;
  for (std::uint64_t bits = f.many[i - kSingle]; bits != 0; bits &= bits - 1) {
    out.push_back(static_cast<std::uint32_t>(std::countr_zero(bits)));
  }
  return out;
}

namespace {
// The filter as code numbers: a code the facts do not hold matches nothing.
struct Compiled {
  std::vector<std::pair<Dim, std::optional<std::uint32_t>>> where;
};
Compiled compile(const Facts& facts, const Filter& filter) {
  Compiled c;
  for (const auto& [d, code] : filter.where) {
    const auto& list = facts.codes[static_cast<std::size_t>(d)];
    auto it = std::find(list.begin(), list.end(), code);
    c.where.emplace_back(
        d, it == list.end() ? std::nullopt : std::optional<std::uint32_t>(it - list.begin()));
  }
  return c;
}
bool matches(const Facts& facts, const Fact& f, const Filter& filter, const Compiled& c) {
  if (f.month < filter.from || f.month > filter.to) return false;
  if (filter.approved_only && !f.approved) return false;
  for (const auto& [d, code] : c.where) {
    if (!code || !facts.has(f, d, *code)) return false;
  }
  return true;
}

Timing timing(std::vector<float>& days, int deadline) {
  Timing t;
  t.measured = static_cast<long long>(days.size());
  if (days.empty()) return t;
  // Selection, not a full sort: two quantiles of up to a million values.
  auto at = [&days](double q) {
    double pos = q * static_cast<double>(days.size() - 1);
    auto lo = static_cast<std::size_t>(std::floor(pos));
    std::nth_element(days.begin(), days.begin() + static_cast<std::ptrdiff_t>(lo), days.end());
    float a = days[lo];
    float b =
        lo + 1 < days.size()
            ? *std::min_element(days.begin() + static_cast<std::ptrdiff_t>(lo) + 1, days.end())
            : a;
    return a + (pos - static_cast<double>(lo)) * (b - a);
  };
  t.median_days = std::round(at(0.5) * 10) / 10;
  t.p90_days = std::round(at(0.9) * 10) / 10;
  t.within = std::count_if(days.begin(), days.end(),
                           [deadline](float d) { return d <= static_cast<float>(deadline); });
  return t;
}
}  // namespace

bool matches(const Facts& facts, const Fact& f, const Filter& filter) {
  return matches(facts, f, filter, compile(facts, filter));
}

Figures compute(const Facts& facts, const Filter& filter, int acknowledge_days, int advice_days) {
  Figures out;
  Compiled c = compile(facts, filter);
  int first = period_start(filter.from, filter.granularity);
  int step = months_in(filter.granularity);
  std::size_t periods =
      filter.to < first ? 0 : static_cast<std::size_t>((filter.to - first) / step + 1);
  std::vector<long long> trend(periods, 0);
  std::array<std::vector<long long>, kDims> counts;
  for (std::size_t d = 0; d < kDims; ++d) counts[d].assign(facts.codes[d].size(), 0);
  std::array<std::map<std::uint64_t, long long>, kDims> combos;
  std::array<long long, kDims> none{};
  std::vector<float> ack, advice;
  for (const Fact& f : facts.rows) {
    if (!matches(facts, f, filter, c)) continue;
    ++out.cases;
    ++trend[static_cast<std::size_t>((f.month - first) / step)];
    for (std::size_t d = 0; d < kSingle; ++d) ++counts[d][f.one[d]];
    for (std::size_t k = 0; k < f.many.size(); ++k) {
      std::uint64_t bits = f.many[k];
      std::size_t d = kSingle + k;
      if (bits == 0) ++none[d];
      if ((bits & (bits - 1)) != 0) ++combos[d][bits];
      for (; bits != 0; bits &= bits - 1) ++counts[d][std::countr_zero(bits)];
    }
    if (f.days_to_acknowledge >= 0) ack.push_back(f.days_to_acknowledge);
    if (f.days_to_advice >= 0) advice.push_back(f.days_to_advice);
  }
  for (std::size_t p = 0; p < periods; ++p) {
    out.trend.emplace_back(period_of(first + static_cast<int>(p) * step, filter.granularity),
                           trend[p]);
  }
  auto by_count = [](const Row& a, const Row& b) {
    return a.count != b.count ? a.count > b.count : a.code < b.code;
  };
  for (Dim d : breakdown_dims()) {
    auto i = static_cast<std::size_t>(d);
    Breakdown b;
    b.dim = d;
    b.with_none = none[i];
    for (std::size_t k = 0; k < counts[i].size(); ++k) {
      if (counts[i][k] > 0) b.rows.push_back({facts.codes[i][k], counts[i][k]});
    }
    std::sort(b.rows.begin(), b.rows.end(), by_count);
    if (d == Dim::municipality && b.rows.size() > kMunicipalityRows) {
      long long rest = 0;
      for (std::size_t k = kMunicipalityRows; k < b.rows.size(); ++k) rest += b.rows[k].count;
      b.rows.resize(kMunicipalityRows);
      b.rows.push_back({"*", rest});  // every other municipality
    }
    for (const auto& [bits, n] : combos[i]) {
      std::vector<std::string> names;
      for (std::uint64_t x = bits; x != 0; x &= x - 1) {
        names.push_back(facts.codes[i][std::countr_zero(x)]);
      }
      std::sort(names.begin(), names.end());
      std::string key;
      for (const auto& s : names) key += (key.empty() ? "" : "+") + s;
      b.combinations.push_back({key, n});
    }
    std::sort(b.combinations.begin(), b.combinations.end(), by_count);
    out.breakdowns.push_back(std::move(b));
  }
  out.to_acknowledge = timing(ack, acknowledge_days);
  out.to_advice = timing(advice, advice_days);
  return out;
}

std::map<long long, Tally> tally(const Facts& facts, const std::vector<Dim>& dims, int last) {
  const auto& offices = facts.codes[static_cast<std::size_t>(Dim::office)];
  // Counts by interned code first ([dim][code]), named once per office and month at the end.
  struct Work {
    long long cases = 0;
    long long combined = 0;
    std::vector<std::vector<long long>> counts;
  };
  std::map<std::pair<std::uint32_t, int>, Work> work;
  for (const Fact& x : facts.rows) {
    if (!x.approved || x.month > last) continue;
    Work& w = work[{x.one[0], x.month}];
    if (w.counts.empty()) {
      w.counts.resize(dims.size());
      for (std::size_t k = 0; k < dims.size(); ++k) {
        w.counts[k].assign(facts.codes[static_cast<std::size_t>(dims[k])].size(), 0);
      }
    }
    ++w.cases;
    for (std::size_t k = 0; k < dims.size(); ++k) {
      auto d = static_cast<std::size_t>(dims[k]);
      if (d < kSingle) {
        ++w.counts[k][x.one[d]];
        continue;
      }
      std::uint64_t bits = x.many[d - kSingle];
      if (dims[k] == Dim::grounds && (bits & (bits - 1)) != 0) ++w.combined;
      for (; bits != 0; bits &= bits - 1) ++w.counts[k][std::countr_zero(bits)];
    }
  }
  std::map<long long, Tally> out;
  for (const auto& o : offices) out[std::stoll(o)];
  for (const auto& [key, w] : work) {
    MonthCounts& m = out[std::stoll(offices[key.first])][key.second];
    m.cases = w.cases;
    m.combined_grounds = w.combined;
    for (std::size_t k = 0; k < dims.size(); ++k) {
      const auto& codes = facts.codes[static_cast<std::size_t>(dims[k])];
      auto& rows = m.rows[dims[k]];
      for (std::size_t c = 0; c < codes.size(); ++c) {
        if (w.counts[k][c] > 0) rows[codes[c]] = w.counts[k][c];
      }
    }
  }
  return out;
}

}  // namespace dime::statistics
