#include "statistics/service.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <set>

#include "audit/service.hpp"
#include "casework/model.hpp"
#include "casework/service.hpp"
#include "core/error.hpp"
#include "mediation/model.hpp"
#include "organisations/service.hpp"
#include "reference/service.hpp"

namespace dime::statistics {

namespace {
constexpr double kDay = 86400.0;
constexpr std::size_t kBatch = 4096;

long long month_start_seconds(int month) {
  using namespace std::chrono;
  year_month_day ymd{year{month / 12}, std::chrono::month{static_cast<unsigned>(month % 12 + 1)},
                     day{1}};
  return sys_days{ymd}.time_since_epoch().count() * 86400LL;
}

// "IN (1, 2, 3)": numbers only, so nothing typed reaches the SQL.
std::string id_list(const std::vector<long long>& ids) {
  std::string out = "(";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + std::to_string(ids[i]);
  return out + ")";
}

std::string cases_where(const std::vector<long long>& offices, bool approved_only) {
  return "r.organisation_id IN " + id_list(offices) +
         " AND r.created_at >= :f AND r.created_at < :t" +
         (approved_only ? " AND r.statistics_approved_at IS NOT NULL" : "");
}

// Reads (report id, code) pairs in batches and hands each to `add`.
template <typename Add>
void read_codes(storage::Transaction& tx, const std::string& sql, long long from, long long to,
                Add add) {
  std::vector<long long> ids(kBatch);
  std::vector<std::string> codes(kBatch);
  soci::statement st =
      (tx.sql().prepare << sql, soci::use(from), soci::use(to), soci::into(ids), soci::into(codes));
  if (!st.execute(true)) return;
  do {
    for (std::size_t i = 0; i < ids.size(); ++i) add(ids[i], codes[i]);
    ids.resize(kBatch);
    codes.resize(kBatch);
  } while (st.fetch());
}
}  // namespace

Scope scope_of(storage::Transaction& tx, long long organisation_id) {
  auto org = organisations::find(tx, organisation_id);
  if (!org) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  Scope s;
  s.jurisdiction = org->jurisdiction;
  s.national = org->national;
  if (org->national) {
    long long id = 0;
    soci::statement st =
        (tx.sql().prepare << "SELECT id FROM organisations WHERE kind = 'help_office' AND "
                             "jurisdiction = :j AND statistics_signing_key IS NULL ORDER BY id",
         soci::use(org->jurisdiction), soci::into(id));
    st.execute();
    while (st.fetch()) s.offices.push_back(id);
  }
  if (std::find(s.offices.begin(), s.offices.end(), organisation_id) == s.offices.end()) {
    s.offices.insert(s.offices.begin(), organisation_id);
  }
  auto settings = casework::settings_of(tx, organisation_id);
  s.acknowledge_days = settings.acknowledge_days;
  s.feedback_days = settings.feedback_days;
  return s;
}

std::vector<long long> help_offices(storage::Transaction& tx) {
  std::vector<long long> out;
  long long id = 0;
  soci::statement st = (tx.sql().prepare << "SELECT id FROM organisations WHERE kind = "
                                            "'help_office' AND national = 0 ORDER BY id",
                        soci::into(id));
  st.execute();
  while (st.fetch()) out.push_back(id);
  return out;
}

std::optional<int> first_month(storage::Transaction& tx, const std::vector<long long>& offices,
                               bool approved_only) {
  if (offices.empty()) return std::nullopt;
  long long first = 0;
  soci::indicator ind = soci::i_null;
  tx.sql() << "SELECT MIN(r.created_at) FROM reports r WHERE r.organisation_id IN " +
                  id_list(offices) +
                  (approved_only ? " AND r.statistics_approved_at IS NOT NULL" : ""),
      soci::into(first, ind);
  if (ind != soci::i_ok) return std::nullopt;
  return month_of(first);
}

Facts load(storage::Transaction& tx, const std::vector<long long>& offices, int from, int to,
           bool approved_only) {
  Facts facts;
  facts.office_ids = offices;
  for (long long o : offices) facts.intern(Dim::office, std::to_string(o));
  if (offices.empty() || to < from) return facts;
  long long f = month_start_seconds(from), t = month_start_seconds(to + 1);
  const std::string where = cases_where(offices, approved_only);

  // The cases: one row each, from the covering index reports_statistics.
  std::vector<std::pair<long long, std::uint32_t>> by_id;  // report id -> row, sorted by id
  {
    std::vector<long long> ids(kBatch), orgs(kBatch), created(kBatch), ack(kBatch),
        feedback(kBatch), approved(kBatch), coded_area(kBatch);
    std::vector<std::string> channel(kBatch), reporter(kBatch), area(kBatch), municipality(kBatch),
        status(kBatch), outcome(kBatch);
    std::vector<soci::indicator> ack_ind(kBatch), feedback_ind(kBatch), approved_ind(kBatch),
        outcome_ind(kBatch);
    soci::statement st =
        (tx.sql().prepare << "SELECT r.id, r.organisation_id, r.created_at, r.channel, "
                             "r.reporter_type, COALESCE(r.coded_area, r.area), r.municipality, "
                             "r.status, r.outcome, r.acknowledged_at, r.feedback_at, "
                             "r.statistics_approved_at, CASE WHEN r.coded_area IS NULL THEN 0 "
                             "ELSE 1 END FROM reports r WHERE " +
                                 where,
         soci::use(f), soci::use(t), soci::into(ids), soci::into(orgs), soci::into(created),
         soci::into(channel), soci::into(reporter), soci::into(area), soci::into(municipality),
         soci::into(status), soci::into(outcome, outcome_ind), soci::into(ack, ack_ind),
         soci::into(feedback, feedback_ind), soci::into(approved, approved_ind),
         soci::into(coded_area));
    if (st.execute(true)) {
      do {
        for (std::size_t i = 0; i < ids.size(); ++i) {
          Fact x;
          x.month = month_of(created[i]);
          x.one[0] = facts.intern(Dim::office, std::to_string(orgs[i]));
          x.one[1] = facts.intern(Dim::channel, channel[i]);
          x.one[2] = facts.intern(Dim::reporter_type, reporter[i]);
          x.one[3] = facts.intern(Dim::area, area[i]);
          bool closed = status[i] == "closed";
          x.one[4] = facts.intern(Dim::outcome, closed && outcome_ind[i] == soci::i_ok
                                                    ? outcome[i]
                                                    : std::string("open"));
          x.one[5] = facts.intern(Dim::municipality, municipality[i]);
          x.one[6] = facts.intern(Dim::status, status[i]);
          if (ack_ind[i] == soci::i_ok) {
            x.days_to_acknowledge =
                static_cast<float>(std::max(0.0, static_cast<double>(ack[i] - created[i]) / kDay));
          }
          if (feedback_ind[i] == soci::i_ok) {
            x.days_to_advice = static_cast<float>(
                std::max(0.0, static_cast<double>(feedback[i] - created[i]) / kDay));
          }
          x.approved = approved_ind[i] == soci::i_ok;
          x.coded = coded_area[i] != 0;  // and grounds: checked below
          by_id.emplace_back(ids[i], static_cast<std::uint32_t>(facts.rows.size()));
          facts.rows.push_back(x);
        }
        for (auto* v : {&ids, &orgs, &created, &ack, &feedback, &approved, &coded_area}) {
          v->resize(kBatch);
        }
        for (auto* v : {&channel, &reporter, &area, &municipality, &status, &outcome}) {
          v->resize(kBatch);
        }
        for (auto* v : {&ack_ind, &feedback_ind, &approved_ind, &outcome_ind}) v->resize(kBatch);
      } while (st.fetch());
    }
  }
  std::sort(by_id.begin(), by_id.end());
  if (by_id.empty()) return facts;
  // The codes of those cases. Where their ids are dense (cases are numbered as they arrive, so a
  // period is mostly one run of ids), one range scan of each table's primary key and a look-up
  // by id beats a join that seeks once per case (bench/RESULTS.md: about ten times faster on
  // SQLite); sparse ids (a small office in a large database) use the join.
  const long long lo = by_id.front().first, hi = by_id.back().first;
  const bool dense = hi - lo + 1 <= 4 * static_cast<long long>(by_id.size());
  std::vector<std::int32_t> index;
  if (dense) {
    index.assign(static_cast<std::size_t>(hi - lo + 1), -1);
    for (const auto& [id, row] : by_id)
      index[static_cast<std::size_t>(id - lo)] = static_cast<std::int32_t>(row);
  }
  auto find = [&](long long id) -> Fact* {
    if (dense) {
      if (id < lo || id > hi) return nullptr;
      std::int32_t row = index[static_cast<std::size_t>(id - lo)];
      return row < 0 ? nullptr : &facts.rows[static_cast<std::size_t>(row)];
    }
    auto it = std::lower_bound(by_id.begin(), by_id.end(), std::make_pair(id, std::uint32_t{0}));
    if (it == by_id.end() || it->first != id) return nullptr;
    return &facts.rows[it->second];
  };
  auto set = [&facts, &find](Dim d) {
    return [&facts, &find, d](long long id, const std::string& code) {
      if (Fact* x = find(id)) {
        x->many[static_cast<std::size_t>(d) - 7] |= std::uint64_t{1} << facts.intern(d, code);
      }
    };
  };
  // "SELECT x.report_id, x.code FROM table x" for these cases, with two parameters.
  const long long p1 = dense ? lo : f, p2 = dense ? hi : t;
  auto join = [&where, dense](const char* select_from) {
    return std::string(select_from) +
           (dense ? std::string(" WHERE x.report_id BETWEEN :lo AND :hi")
                  : " JOIN reports r ON r.id = x.report_id WHERE " + where);
  };

  // Grounds as coded; a case not coded yet counts with the grounds it was reported with.
  read_codes(tx, join("SELECT x.report_id, x.code FROM case_grounds x"), p1, p2, set(Dim::grounds));
  std::vector<std::uint64_t> reported(facts.rows.size(), 0);
  read_codes(tx, join("SELECT x.report_id, x.code FROM report_grounds x"), p1, p2,
             [&](long long id, const std::string& code) {
               if (Fact* x = find(id)) {
                 reported[static_cast<std::size_t>(x - facts.rows.data())] |=
                     std::uint64_t{1} << facts.intern(Dim::grounds, code);
               }
             });
  constexpr std::size_t kGrounds = static_cast<std::size_t>(Dim::grounds) - 7;
  for (std::size_t i = 0; i < facts.rows.size(); ++i) {
    Fact& x = facts.rows[i];
    if (x.many[kGrounds] == 0) {
      x.coded = false;
      x.many[kGrounds] = reported[i];
    }
  }
  read_codes(tx, join("SELECT x.report_id, x.code FROM case_forms x"), p1, p2, set(Dim::forms));
  read_codes(tx, join("SELECT x.report_id, x.code FROM report_wishes x"), p1, p2, set(Dim::wishes));
  read_codes(tx,
             join("SELECT x.report_id, x.body FROM referrals x") +
                 " AND x.status IN ('sent', 'acknowledged', 'decided')",
             p1, p2, set(Dim::bodies));
  read_codes(tx,
             join("SELECT x.report_id, x.result FROM mediations x") + " AND x.result IS NOT NULL",
             p1, p2, set(Dim::mediation));
  return facts;
}

// ---- Labels ----

Labels::Labels(storage::Transaction& tx, long long office, const std::string& jurisdiction,
               const std::string& language, Translate tr)
    : Labels(tx, std::vector<std::pair<long long, std::string>>{{office, jurisdiction}}, language,
             std::move(tr)) {}

Labels::Labels(storage::Transaction& tx,
               const std::vector<std::pair<long long, std::string>>& offices,
               const std::string& language, Translate tr)
    : tr_(std::move(tr)) {
  using reference::Category;
  const std::pair<Dim, Category> kReference[] = {{Dim::grounds, Category::grounds},
                                                 {Dim::forms, Category::forms},
                                                 {Dim::area, Category::areas},
                                                 {Dim::bodies, Category::referral_bodies}};
  // The first office to name a code names it (offices of one jurisdiction share the codes).
  for (const auto& [office, jurisdiction] : offices) {
    for (const auto& [d, category] : kReference) {
      for (const auto& e :
           reference::for_organisation(tx, office, jurisdiction, category).entries) {
        labels_.emplace(std::make_pair(d, e.code), reference::label(e, language));
      }
    }
  }
  auto options = [this](Dim d, const std::vector<Option>& list) {
    for (const auto& o : list) labels_[{d, o.code}] = tr_(o.label);
  };
  options(Dim::channel, channels());
  options(Dim::reporter_type, intake::reporter_types());
  options(Dim::wishes, wish_labels());
  options(Dim::outcome, casework::outcomes());
  options(Dim::status, casework::statuses());
  options(Dim::mediation, mediation::results());
  labels_[{Dim::outcome, "open"}] = tr_(N_("Still open"));
  labels_[{Dim::municipality, ""}] = tr_(N_("Not given"));
  labels_[{Dim::municipality, "*"}] = tr_(N_("Other municipalities"));
  labels_[{Dim::grounds, "combination"}] = tr_(N_("Two or more grounds together"));
  for (const auto& o : organisations::list(tx)) {
    labels_[{Dim::office, std::to_string(o.id)}] = o.name;
  }
}

std::string Labels::operator()(Dim d, const std::string& code) const {
  if (auto it = labels_.find({d, code}); it != labels_.end()) return it->second;
  if (multiple(d) && code.find('+') != std::string::npos) {
    std::string out;
    for (std::size_t at = 0; at <= code.size();) {
      std::size_t plus = code.find('+', at);
      if (plus == std::string::npos) plus = code.size();
      out += (out.empty() ? "" : " + ") + (*this)(d, code.substr(at, plus - at));
      at = plus + 1;
    }
    return out;
  }
  return code;
}

std::string Labels::dim(Dim d) const {
  return tr_(dim_label(d));
}

// ---- Approval ----

namespace {
// A case is coded for statistics when it has coded grounds and a coded area.
constexpr const char* kCoded =
    "r.coded_area IS NOT NULL AND EXISTS (SELECT 1 FROM case_grounds g WHERE g.report_id = r.id)";
}  // namespace

void approve(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
             long long organisation_id, long long report_id, bool approved, long long now) {
  int coded = 0;
  std::string reference, status;
  tx.sql() << std::string("SELECT r.reference, r.status, CASE WHEN ") + kCoded +
                  " THEN 1 ELSE 0 END FROM reports r WHERE r.id = :id AND r.organisation_id = :o",
      soci::use(report_id), soci::use(organisation_id), soci::into(reference), soci::into(status),
      soci::into(coded);
  if (!tx.sql().got_data()) {
    throw Error(ErrorKind::not_found, N_("There is no case with this number in your office."));
  }
  if (approved && coded == 0) {
    throw Error(ErrorKind::conflict,
                N_("Code the case's grounds and area before approving it for statistics."));
  }
  if (approved && status != "closed") {
    throw Error(ErrorKind::conflict, N_("Close the case before approving it for statistics."));
  }
  if (approved) {
    tx.sql() << "UPDATE reports SET statistics_approved_at = :t, statistics_approved_by = :u "
                "WHERE id = :id",
        soci::use(now), soci::use(user_id), soci::use(report_id);
  } else {
    tx.sql() << "UPDATE reports SET statistics_approved_at = NULL, statistics_approved_by = NULL "
                "WHERE id = :id",
        soci::use(report_id);
  }
  audit::append(tx, keys,
                {user_id, organisation_id, approved ? "statistics.approve" : "statistics.withdraw",
                 "case", std::to_string(report_id), reference});
}

int approve_closed(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                   long long organisation_id, int from, int to, long long now) {
  long long f = month_start_seconds(from), t = month_start_seconds(to + 1);
  int count = 0;
  const std::string which = std::string(
                                " FROM reports r WHERE r.organisation_id = :o AND "
                                "r.created_at >= :f AND r.created_at < :t AND "
                                "r.status = 'closed' AND "
                                "r.statistics_approved_at IS NULL AND ") +
                            kCoded;
  tx.sql() << "SELECT COUNT(*)" + which, soci::use(organisation_id), soci::use(f), soci::use(t),
      soci::into(count);
  if (count == 0) return 0;
  tx.sql() << "UPDATE reports SET statistics_approved_at = :now, statistics_approved_by = :u "
              "WHERE id IN (SELECT r.id" +
                  which + ")",
      soci::use(now), soci::use(user_id), soci::use(organisation_id), soci::use(f), soci::use(t);
  audit::append(tx, keys,
                {user_id, organisation_id, "statistics.approve", "cases",
                 month_text(from) + ".." + month_text(to), std::to_string(count) + " cases"});
  return count;
}

std::optional<long long> approved_at(storage::Transaction& tx, long long organisation_id,
                                     long long report_id) {
  long long at = 0;
  soci::indicator ind = soci::i_null;
  tx.sql() << "SELECT statistics_approved_at FROM reports WHERE id = :id AND organisation_id = :o",
      soci::use(report_id), soci::use(organisation_id), soci::into(at, ind);
  if (!tx.sql().got_data() || ind != soci::i_ok) return std::nullopt;
  return at;
}

Approval approval_state(const Facts& facts, long long organisation_id) {
  Approval a;
  const auto& offices = facts.codes[static_cast<std::size_t>(Dim::office)];
  auto it = std::find(offices.begin(), offices.end(), std::to_string(organisation_id));
  if (it == offices.end()) return a;
  auto office = static_cast<std::uint32_t>(it - offices.begin());
  const auto& statuses = facts.codes[static_cast<std::size_t>(Dim::status)];
  auto closed_it = std::find(statuses.begin(), statuses.end(), "closed");
  auto closed = static_cast<std::uint32_t>(closed_it - statuses.begin());  // may match none
  for (const Fact& x : facts.rows) {
    if (x.one[0] != office) continue;
    if (x.approved) ++a.approved;
    if (closed_it != statuses.end() && x.one[6] == closed && x.coded) {
      ++a.closed_coded;
      if (!x.approved) ++a.waiting;
    }
  }
  return a;
}

// ---- Public figures ----

std::map<Dim, std::vector<std::string>> public_rows(
    storage::Transaction& tx, const std::vector<std::pair<long long, std::string>>& offices) {
  std::map<Dim, std::vector<std::string>> out;
  auto add = [&out](Dim d, const std::string& code) {
    auto& list = out[d];
    if (std::find(list.begin(), list.end(), code) == list.end()) list.push_back(code);
  };
  using reference::Category;
  const std::pair<Dim, Category> kReference[] = {{Dim::grounds, Category::grounds},
                                                 {Dim::forms, Category::forms},
                                                 {Dim::area, Category::areas},
                                                 {Dim::bodies, Category::referral_bodies}};
  std::vector<std::string> seen;  // jurisdictions: the base lists, the same for every office
  for (const auto& [office, jurisdiction] : offices) {
    if (std::find(seen.begin(), seen.end(), jurisdiction) != seen.end()) continue;
    seen.push_back(jurisdiction);
    for (const auto& [d, category] : kReference) {
      for (const auto& e : reference::base(jurisdiction, category).entries) add(d, e.code);
    }
  }
  for (const auto& o : channels()) add(Dim::channel, o.code);
  for (const auto& o : intake::reporter_types()) add(Dim::reporter_type, o.code);
  for (const auto& o : casework::outcomes()) add(Dim::outcome, o.code);
  add(Dim::outcome, "open");
  (void)tx;
  return out;
}

const std::vector<Dim>& public_dims() {
  static const std::vector<Dim> v{Dim::grounds, Dim::forms,  Dim::area,   Dim::reporter_type,
                                  Dim::channel, Dim::bodies, Dim::outcome};
  return v;
}

namespace {

// Where each published count sits in the grid, for one scope (all offices, or one).
struct Layout {
  std::vector<std::size_t> cases;  // per period
  std::size_t total = 0;
  // [table][row][period], and [table][row] for the row totals
  std::vector<std::vector<std::vector<std::size_t>>> cells;
  std::vector<std::vector<std::size_t>> row_totals;
};

}  // namespace

Publication publish(const std::map<long long, Tally>& tallies, const PublicSettings& settings,
                    const std::map<Dim, std::vector<std::string>>& known_rows, long long now) {
  Publication pub;
  pub.settings = settings;
  const Granularity g = settings.granularity;
  const int step = months_in(g);
  // Complete periods only: from the first period holding an approved case to the last period
  // that ended before this month.
  int last = period_start(month_of(now), g) - 1;
  int first = last + 1;
  for (const auto& [office, t] : tallies) {
    for (const auto& [month, c] : t) {
      if (c.cases > 0 && month <= last) first = std::min(first, period_start(month, g));
    }
  }
  std::vector<int> starts;
  for (int m = first; m <= last; m += step) starts.push_back(m);
  const std::size_t periods = starts.size();

  const auto& dims = public_dims();
  const std::size_t scopes = tallies.size() + 1;  // 0: all offices; 1..: one office each
  std::vector<bool> additive(dims.size());
  for (std::size_t k = 0; k < dims.size(); ++k) additive[k] = !multiple(dims[k]);
  // The published rows: the known codes (reference data and option lists, in their order),
  // whatever the data, then any other code with approved cases (a code since removed). Rows
  // do not come and go with the data, so a missing row tells nothing. Grounds have one more:
  // the cases with two or more grounds together.
  std::vector<std::vector<std::string>> row_names(dims.size());
  std::vector<std::map<std::string, std::size_t>> row_of(dims.size());
  for (std::size_t k = 0; k < dims.size(); ++k) {
    if (auto it = known_rows.find(dims[k]); it != known_rows.end()) row_names[k] = it->second;
    std::set<std::string> others;
    for (const auto& [office, t] : tallies) {
      for (const auto& [month, c] : t) {
        if (month < first || month > last) continue;
        auto rows = c.rows.find(dims[k]);
        if (rows == c.rows.end()) continue;
        for (const auto& [code, n] : rows->second) {
          if (n > 0) others.insert(code);
        }
      }
    }
    for (const auto& code : others) {
      if (std::find(row_names[k].begin(), row_names[k].end(), code) == row_names[k].end()) {
        row_names[k].push_back(code);
      }
    }
    for (std::size_t r = 0; r < row_names[k].size(); ++r) row_of[k][row_names[k][r]] = r;
    if (dims[k] == Dim::grounds) row_names[k].push_back("combination");
  }
  // Counts: [scope][table][row][period].
  std::vector<std::vector<std::vector<std::vector<long long>>>> count(scopes);
  std::vector<std::vector<long long>> cases(scopes, std::vector<long long>(periods, 0));
  for (std::size_t s = 0; s < scopes; ++s) {
    count[s].resize(dims.size());
    for (std::size_t k = 0; k < dims.size(); ++k) {
      count[s][k].assign(row_names[k].size(), std::vector<long long>(periods, 0));
    }
  }
  std::size_t scope = 0;
  for (const auto& [office, t] : tallies) {
    ++scope;
    pub.offices.push_back(office);
    for (const auto& [month, c] : t) {
      if (month < first || month > last) continue;
      auto p = static_cast<std::size_t>((month - first) / step);
      for (std::size_t s : {std::size_t{0}, scope}) {
        cases[s][p] += c.cases;
        for (std::size_t k = 0; k < dims.size(); ++k) {
          if (dims[k] == Dim::grounds) count[s][k].back()[p] += c.combined_grounds;
          auto rows = c.rows.find(dims[k]);
          if (rows == c.rows.end()) continue;
          for (const auto& [code, n] : rows->second) {
            if (n > 0) count[s][k][row_of[k].at(code)][p] += n;
          }
        }
      }
    }
  }

  auto rows_of = [&](std::size_t k) { return row_names[k].size(); };
  // The grid: every scope's tables, their sums, and the sums tying each office to all.
  Grid grid;
  std::vector<Layout> layout(scopes);
  for (std::size_t s = 0; s < scopes; ++s) {
    Layout& l = layout[s];
    long long total = 0;
    for (std::size_t p = 0; p < periods; ++p) {
      l.cases.push_back(grid.add(cases[s][p]));
      total += cases[s][p];
    }
    l.total = grid.add(total);
    grid.add_sum(l.total, l.cases);
    l.cells.resize(dims.size());
    l.row_totals.resize(dims.size());
    for (std::size_t k = 0; k < dims.size(); ++k) {
      for (std::size_t r = 0; r < rows_of(k); ++r) {
        std::vector<std::size_t> cells;
        long long row_total = 0;
        for (std::size_t p = 0; p < periods; ++p) {
          cells.push_back(grid.add(count[s][k][r][p]));
          row_total += count[s][k][r][p];
        }
        l.row_totals[k].push_back(grid.add(row_total));
        grid.add_sum(l.row_totals[k].back(), cells);
        l.cells[k].push_back(std::move(cells));
      }
      if (!additive[k]) {
        // A case may count under several rows (or none): the rows' sum minus the cases (and
        // minus the cases with two or more grounds) is not published, but taken as known.
        bool grounds = dims[k] == Dim::grounds;
        for (std::size_t p = 0; p <= periods; ++p) {  // every period, then the totals
          std::vector<Grid::Term> terms;
          long long constant = 0;
          for (std::size_t r = 0; r < rows_of(k); ++r) {
            std::size_t cell = p < periods ? l.cells[k][r][p] : l.row_totals[k][r];
            bool combination = grounds && r + 1 == rows_of(k);
            terms.push_back({cell, combination ? -1 : +1, false});
            constant += (combination ? -1 : 1) * grid.values()[cell];
          }
          std::size_t margin = p < periods ? l.cases[p] : l.total;
          terms.push_back({margin, -1, true});
          constant -= grid.values()[margin];
          grid.add_relation(std::move(terms), constant);
        }
        continue;
      }
      for (std::size_t p = 0; p < periods; ++p) {
        std::vector<std::size_t> parts;
        for (const auto& row : l.cells[k]) parts.push_back(row[p]);
        grid.add_sum(l.cases[p], parts);
      }
      grid.add_sum(l.total, l.row_totals[k]);
    }
  }
  if (scopes > 2) {  // with one office, "all" is the same figures
    auto tie = [&](auto position) {
      std::vector<std::size_t> parts;
      for (std::size_t s = 1; s < scopes; ++s) parts.push_back(position(layout[s]));
      grid.add_sum(position(layout[0]), parts);
    };
    tie([](const Layout& l) { return l.total; });
    for (std::size_t p = 0; p < periods; ++p) {
      tie([p](const Layout& l) { return l.cases[p]; });
    }
    for (std::size_t k = 0; k < dims.size(); ++k) {
      for (std::size_t r = 0; r < rows_of(k); ++r) {
        tie([k, r](const Layout& l) { return l.row_totals[k][r]; });
        for (std::size_t p = 0; p < periods; ++p) {
          tie([k, r, p](const Layout& l) { return l.cells[k][r][p]; });
        }
      }
    }
  }
  auto shown = suppress(grid, settings.threshold);

  auto cell = [&](std::size_t i) { return Cell{grid.values()[i], shown[i]}; };
  auto figures = [&](const Layout& l) {
    PublicFigures out;
    for (int m : starts) out.periods.push_back(period_of(m, g));
    for (std::size_t i : l.cases) out.cases.push_back(cell(i));
    out.total = cell(l.total);
    for (std::size_t k = 0; k < dims.size(); ++k) {
      PublicTable t;
      t.dim = dims[k];
      t.additive = additive[k];
      for (std::size_t r = 0; r < rows_of(k); ++r) {
        PublicRow row;
        row.code = row_names[k][r];
        for (std::size_t i : l.cells[k][r]) row.periods.push_back(cell(i));
        row.total = cell(l.row_totals[k][r]);
        t.rows.push_back(std::move(row));
      }
      out.tables.push_back(std::move(t));
    }
    return out;
  };
  pub.all = figures(layout[0]);
  for (std::size_t s = 1; s < scopes; ++s) pub.by_office.push_back(figures(layout[s]));
  return pub;
}

}  // namespace dime::statistics
