// Casework rules: see service.hpp. A case is a report plus the office's work on it; free text
// the office writes (notes, task titles, messages) is encrypted under the report's own key,
// which only staff holding the office key can open (keyring/service.hpp).
#include "casework/service.hpp"

#include <sodium.h>

#include <algorithm>
#include <deque>
#include <nlohmann/json.hpp>
#include <set>
#include <variant>

#include "accounts/service.hpp"
#include "audit/service.hpp"
#include "casework/internal.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/translatable.hpp"
#include "keyring/service.hpp"
#include "organisations/service.hpp"
#include "reference/service.hpp"

namespace dime::casework {

using nlohmann::json;
using namespace detail;

// ---- Option lists ----

const std::vector<Option>& statuses() {
  static const std::vector<Option> v{
      {"received", N_("Received")},         {"in_assessment", N_("In assessment")},
      {"advice_given", N_("Advice given")}, {"referred", N_("Referred")},
      {"in_mediation", N_("In mediation")}, {"closed", N_("Closed")},
  };
  return v;
}

const std::vector<std::string>& next_statuses(const std::string& from) {
  static const std::map<std::string, std::vector<std::string>> kNext{
      {"received", {"in_assessment", "closed"}},
      {"in_assessment", {"advice_given", "referred", "in_mediation", "closed"}},
      {"advice_given", {"in_assessment", "referred", "in_mediation", "closed"}},
      {"referred", {"advice_given", "in_mediation", "closed"}},
      {"in_mediation", {"advice_given", "referred", "closed"}},
      {"closed", {"in_assessment"}},
  };
  static const std::vector<std::string> kNone;
  auto it = kNext.find(from);
  return it == kNext.end() ? kNone : it->second;
}

bool can_move(const std::string& from, const std::string& to) {
  const auto& next = next_statuses(from);
  return std::find(next.begin(), next.end(), to) != next.end();
}

const std::vector<Option>& outcomes() {
  static const std::vector<Option> v{
      {"advice", N_("Advice, information or support")},
      {"investigated", N_("Looked into by the office")},
      {"contact_other_party", N_("Contact with the other party")},
      {"mediation_agreement", N_("Mediation: agreement reached")},
      {"mediation_no_agreement", N_("Mediation: no agreement")},
      {"settlement", N_("Settlement or compensation")},
      {"referred", N_("Referred to another body")},
      {"tribunal_or_court", N_("Complaint to the tribunal or a court")},
      {"registered_only", N_("Registered only, as the person wished")},
      {"withdrawn", N_("Withdrawn by the person")},
      {"no_contact", N_("No contact with the person")},
      {"not_discrimination", N_("Not a discrimination case")},
  };
  return v;
}

const std::vector<Option>& evidence_items() {
  static const std::vector<Option> v{
      {"timeline", N_("A timeline of what happened, written down soon after")},
      {"documents", N_("Documents: letters, contracts, decisions, adverts")},
      {"communications", N_("Messages, e-mails, screenshots or recordings")},
      {"witnesses", N_("Witnesses and what they saw or heard")},
      {"earlier_complaints", N_("Earlier complaints, by the person or by others")},
      {"comparison", N_("How others in the same situation were treated")},
  };
  return v;
}

const std::vector<Option>& evidence_states() {
  static const std::vector<Option> v{
      {"missing", N_("Not yet")},
      {"requested", N_("Asked for")},
      {"received", N_("Have it")},
      {"not_relevant", N_("Not relevant")},
  };
  return v;
}

// ---- Deadlines ----

namespace {
constexpr int kAcknowledgeSoonDays = 2;
constexpr int kFeedbackSoonDays = 14;
constexpr int kTaskSoonDays = 2;
constexpr long long kDay = 24LL * 60 * 60;

Deadline make_deadline(std::string kind, Date due, Date today, int soon_days,
                       std::string body = {}) {
  Deadline d;
  d.kind = std::move(kind);
  d.due = format_date(due);
  d.days_left = days_between(today, due);
  d.overdue = d.days_left < 0;
  d.at_risk = d.days_left <= soon_days;
  d.body = std::move(body);
  return d;
}
}  // namespace

std::vector<Deadline> deadlines(const Clock& c, const Settings& s,
                                const std::vector<TimeLimit>& limits, long long now) {
  std::vector<Deadline> out;
  if (c.status == "closed") return out;
  Date today = date_of(now);
  Date received = date_of(c.created_at);
  if (!c.acknowledged_at) {
    out.push_back(make_deadline("acknowledge", received + std::chrono::days{s.acknowledge_days},
                                today, kAcknowledgeSoonDays));
  }
  if (!c.feedback_at) {
    out.push_back(make_deadline("feedback", received + std::chrono::days{s.feedback_days}, today,
                                kFeedbackSoonDays));
  }
  if (auto from = parse_date(c.event_from)) {
    for (const auto& l : limits) {
      Date due = add_months(*from, l.months);
      if (days_between(today, due) <= s.limit_warning_days) {
        out.push_back(make_deadline("time_limit", due, today, s.limit_warning_days, l.body));
      }
    }
  }
  if (auto task = parse_date(c.next_task_due)) {
    auto d = make_deadline("task", *task, today, kTaskSoonDays);
    if (d.at_risk) out.push_back(d);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Deadline& a, const Deadline& b) { return a.due < b.due; });
  return out;
}

// ---- Settings ----

Settings settings_of(storage::Transaction& tx, long long organisation_id) {
  Settings s;
  tx.sql() << "SELECT acknowledge_days, feedback_days, limit_warning_days, retention_months "
              "FROM organisations WHERE id = :o",
      soci::use(organisation_id), soci::into(s.acknowledge_days), soci::into(s.feedback_days),
      soci::into(s.limit_warning_days), soci::into(s.retention_months);
  return s;
}

void set_settings(storage::Transaction& tx, long long organisation_id, const Settings& s) {
  std::map<std::string, std::string> e;
  if (s.acknowledge_days < 1 || s.acknowledge_days > 60)
    e["acknowledge_days"] = N_("Enter a number of days from 1 to 60.");
  if (s.feedback_days < 7 || s.feedback_days > 365)
    e["feedback_days"] = N_("Enter a number of days from 7 to 365.");
  if (s.limit_warning_days < 30 || s.limit_warning_days > 730)
    e["limit_warning_days"] = N_("Enter a number of days from 30 to 730.");
  if (s.retention_months < 1 || s.retention_months > 120)
    e["retention_months"] = N_("Enter a number of months from 1 to 120.");
  if (!e.empty())
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", e);
  tx.sql() << "UPDATE organisations SET acknowledge_days = :a, feedback_days = :f, "
              "limit_warning_days = :w, retention_months = :r WHERE id = :o",
      soci::use(s.acknowledge_days), soci::use(s.feedback_days), soci::use(s.limit_warning_days),
      soci::use(s.retention_months), soci::use(organisation_id);
}

namespace detail {
std::string jurisdiction_of(storage::Transaction& tx, long long organisation_id) {
  auto org = organisations::find(tx, organisation_id);
  if (!org) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  return org->jurisdiction;
}

reference::List office_list(storage::Transaction& tx, long long organisation_id,
                            reference::Category c) {
  return reference::for_organisation(tx, organisation_id, jurisdiction_of(tx, organisation_id), c);
}
}  // namespace detail

std::vector<TimeLimit> time_limits(storage::Transaction& tx, long long organisation_id) {
  std::vector<TimeLimit> out;
  for (const auto& e :
       office_list(tx, organisation_id, reference::Category::referral_bodies).entries) {
    if (e.time_limit_months && !e.retired) out.push_back({e.code, *e.time_limit_months});
  }
  std::sort(out.begin(), out.end(),
            [](const TimeLimit& a, const TimeLimit& b) { return a.months < b.months; });
  return out;
}

std::vector<std::pair<long long, std::string>> assignable_staff(storage::Transaction& tx,
                                                                const crypto::Keys& keys,
                                                                long long organisation_id) {
  return accounts::members_with_roles(tx, keys, organisation_id,
                                      {accounts::Role::advisor, accounts::Role::coordinator});
}

// ---- Finding a case ----

namespace detail {

Found find(storage::Transaction& tx, const Actor& actor, long long id) {
  Found f;
  long long ack = 0, feedback = 0, erased = 0;
  soci::indicator ack_ind = soci::i_null, feedback_ind = soci::i_null, erased_ind = soci::i_null;
  tx.sql() << "SELECT id, reference, status, office_key_id, key_sealed, acknowledged_at, "
              "feedback_at, erased_at FROM reports WHERE id = :id AND organisation_id = :o",
      soci::use(id), soci::use(actor.organisation_id), soci::into(f.id), soci::into(f.reference),
      soci::into(f.status), soci::into(f.office_key_id), soci::into(f.key_sealed),
      soci::into(ack, ack_ind), soci::into(feedback, feedback_ind), soci::into(erased, erased_ind);
  // Another office's case and a case that does not exist look the same.
  if (!tx.sql().got_data())
    throw Error(ErrorKind::not_found, N_("There is no case at this address."));
  if (ack_ind == soci::i_ok) f.acknowledged_at = ack;
  if (feedback_ind == soci::i_ok) f.feedback_at = feedback;
  if (erased_ind == soci::i_ok) f.erased_at = erased;
  return f;
}

// The report's own key, through the actor's copy of the office key.
std::string report_key(storage::Transaction& tx, const Actor& actor, const Found& f) {
  if (f.erased_at) {
    throw Error(ErrorKind::conflict,
                N_("The personal data of this case has been erased: nothing can be added to it."));
  }
  if (actor.user_secret.empty()) {
    throw Error(ErrorKind::unauthenticated, N_("Please sign in again to open cases."),
                "session without a user key");
  }
  auto office = keyring::open_office_key(tx, f.office_key_id, actor.user_id, actor.user_secret);
  if (!office) {
    throw Error(ErrorKind::forbidden,
                N_("You do not hold this office's key yet. A colleague who holds it shares it "
                   "when they next sign in."),
                "no grant of office key " + std::to_string(f.office_key_id));
  }
  return crypto::open_sealed(*office, crypto::from_base64(f.key_sealed));
}

std::string seal(const std::string& key, const std::string& text, const std::string& context) {
  return crypto::to_base64(crypto::encrypt(key, text, context));
}
std::string unseal(const std::string& key, const std::string& sealed, const std::string& context) {
  return crypto::decrypt(key, crypto::from_base64(sealed), context);
}

// The timeline entry and the audit entry of one change, in the same transaction.
void record(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, const Found& f,
            const std::string& kind, const std::string& detail, long long now) {
  tx.sql() << "INSERT INTO case_events (report_id, at, actor_user_id, kind, detail) "
              "VALUES (:r, :t, :a, :k, :d)",
      soci::use(f.id), soci::use(now), soci::use(actor.user_id), soci::use(kind), soci::use(detail);
  tx.sql() << "UPDATE reports SET updated_at = :t WHERE id = :r", soci::use(now), soci::use(f.id);
  audit::append(
      tx, keys,
      {actor.user_id, actor.organisation_id, "case." + kind, "case", f.reference, detail});
}

// Coding a case again, or reopening it, withdraws its approval for published statistics
// (statistics/service): audited as statistics.withdraw, as a coordinator's withdrawal is.
void withdraw_statistics_approval(storage::Transaction& tx, const crypto::Keys& keys,
                                  const Actor& actor, const Found& f, const std::string& why) {
  int approved = 0;
  tx.sql() << "SELECT COUNT(*) FROM reports WHERE id = :r AND statistics_approved_at IS NOT NULL",
      soci::use(f.id), soci::into(approved);
  if (approved == 0) return;
  tx.sql() << "UPDATE reports SET statistics_approved_at = NULL, statistics_approved_by = NULL "
              "WHERE id = :r",
      soci::use(f.id);
  audit::append(tx, keys,
                {actor.user_id, actor.organisation_id, "statistics.withdraw", "case",
                 std::to_string(f.id), f.reference + " " + why});
}

void check_text(std::map<std::string, std::string>& e, const std::string& field,
                const std::string& text, std::size_t max) {
  if (const char* problem = text_problem(text, max, true)) e[field] = problem;
}

void throw_if(const std::map<std::string, std::string>& e) {
  if (!e.empty())
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", e);
}

bool assignable(storage::Transaction& tx, long long organisation_id, long long user_id) {
  int n = 0;
  tx.sql() << "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id "
              "WHERE m.user_id = :u AND m.organisation_id = :o AND m.role IN ('advisor', "
              "'coordinator') AND u.disabled_at IS NULL",
      soci::use(user_id), soci::use(organisation_id), soci::into(n);
  return n > 0;
}

std::vector<std::string> codes_of(storage::Transaction& tx, const char* table, long long id) {
  std::vector<std::string> out;
  std::string code;
  soci::statement st = (tx.sql().prepare << std::string("SELECT code FROM ") + table +
                                                " WHERE report_id = :r ORDER BY code",
                        soci::use(id), soci::into(code));
  st.execute();
  while (st.fetch()) out.push_back(code);
  return out;
}

}  // namespace detail

namespace {

// A query whose WHERE clause grows with the filters chosen; every value is bound.
class Query {
 public:
  void where(const std::string& fragment) { where_ += " AND " + fragment; }
  template <typename... V>
  void where(const std::string& fragment, V... values) {
    where_ += " AND " + fragment;
    (values_.emplace_back(std::move(values)), ...);
  }
  const std::string& clause() const { return where_; }
  void bind(soci::statement& st) {
    for (auto& v : values_) {
      std::visit([&](auto& x) { st.exchange(soci::use(x)); }, v);
    }
  }

 private:
  std::string where_;
  std::deque<std::variant<std::string, long long>> values_;  // stable addresses for SOCI
};

std::string like_escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '!') out += '!';
    out += c;
  }
  return out;
}

long long start_of(Date d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d.time_since_epoch()).count();
}

}  // namespace

// ---- The queue ----

Page list(storage::Transaction& tx, const Actor& actor, const Filter& f, long long now) {
  Settings s = settings_of(tx, actor.organisation_id);
  auto limits = time_limits(tx, actor.organisation_id);
  Date today = date_of(now);
  Query q;
  q.where("r.organisation_id = :o", actor.organisation_id);

  if (f.status == "open") {
    q.where("r.status <> 'closed'");
  } else if (!f.status.empty()) {
    if (!intake::has_code(statuses(), f.status)) {
      throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
    }
    q.where("r.status = :s", f.status);
  }

  if (f.assignee == "me") {
    q.where("r.assigned_to = :me", actor.user_id);
  } else if (f.assignee == "none") {
    q.where("r.assigned_to IS NULL");
  } else if (!f.assignee.empty()) {
    long long uid = 0;
    try {
      std::size_t used = 0;
      uid = std::stoll(f.assignee, &used);
      if (used != f.assignee.size() || uid <= 0) throw std::invalid_argument("not an id");
    } catch (const std::exception&) {
      throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
    }
    q.where("r.assigned_to = :u", uid);
  }

  auto known = [&](reference::Category c, const std::string& code) {
    if (!office_list(tx, actor.organisation_id, c).find(code)) {
      throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
    }
  };
  if (!f.ground.empty()) {
    known(reference::Category::grounds, f.ground);
    q.where(
        "(EXISTS (SELECT 1 FROM report_grounds g WHERE g.report_id = r.id AND g.code = :g1) OR "
        "EXISTS (SELECT 1 FROM case_grounds c WHERE c.report_id = r.id AND c.code = :g2))",
        f.ground, f.ground);
  }
  if (!f.area.empty()) known(reference::Category::areas, f.area);
  if (!f.area.empty()) q.where("COALESCE(r.coded_area, r.area) = :a", f.area);

  if (!f.age.empty()) {
    static const std::map<std::string, std::pair<int, int>> kAges{
        {"week", {0, 7}}, {"month", {7, 31}}, {"quarter", {31, 92}}, {"older", {92, 0}}};
    auto it = kAges.find(f.age);
    if (it == kAges.end()) {
      throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
    }
    auto [younger, older] = it->second;
    if (younger > 0) q.where("r.created_at <= :young", now - younger * kDay);
    if (older > 0) q.where("r.created_at > :old", now - older * kDay);
  }

  if (!f.deadline.empty()) {
    bool overdue = f.deadline == "overdue";
    if (!overdue && f.deadline != "at_risk") {
      throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
    }
    // The same thresholds as deadlines(): due within the "soon" period, or already past.
    auto received_before = [&](int period, int soon) {
      return start_of(today + std::chrono::days{(overdue ? 0 : soon + 1) - period});
    };
    std::string limit_cut;  // events on or before this date have a time limit at risk
    if (!limits.empty()) {
      Date edge =
          overdue ? today - std::chrono::days{1} : today + std::chrono::days{s.limit_warning_days};
      limit_cut = format_date(add_months(edge, -limits.front().months));
    }
    std::string task_cut = format_date(overdue ? today - std::chrono::days{1}
                                               : today + std::chrono::days{kTaskSoonDays});
    q.where(
        "r.status <> 'closed' AND ((r.acknowledged_at IS NULL AND r.created_at < :ack) OR "
        "(r.feedback_at IS NULL AND r.created_at < :fb) OR "
        "(COALESCE(r.event_earliest, r.event_month || '-01') <= :limit_from) OR "
        "EXISTS (SELECT 1 FROM case_tasks t WHERE t.report_id = r.id AND t.done_at IS NULL AND "
        "t.due_on <= :task))",
        received_before(s.acknowledge_days, kAcknowledgeSoonDays),
        received_before(s.feedback_days, kFeedbackSoonDays), limit_cut, task_cut);
  }

  if (!f.query.empty()) {
    std::string upper = f.query, lower = f.query;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    q.where("(r.reference LIKE :ref ESCAPE '!' OR LOWER(r.municipality) LIKE :mun ESCAPE '!')",
            like_escaped(upper) + "%", "%" + like_escaped(lower) + "%");
  }

  static const std::map<std::string, std::string> kOrder{
      {"newest", "r.created_at DESC, r.id DESC"},
      {"oldest", "r.created_at ASC, r.id ASC"},
      {"updated", "r.updated_at DESC, r.id DESC"}};
  auto order = kOrder.find(f.sort);
  if (order == kOrder.end() || f.page < 1 || f.page > 100000) {
    throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
  }

  Page page;
  page.page = f.page;
  {
    soci::statement st(tx.sql());
    q.bind(st);
    st.exchange(soci::into(page.total));
    st.alloc();
    st.prepare("SELECT COUNT(*) FROM reports r WHERE 1 = 1" + q.clause());
    st.define_and_bind();
    st.execute(true);
  }

  Row r;
  long long ack = 0, feedback = 0, assigned = 0;
  soci::indicator ack_ind = soci::i_null, feedback_ind = soci::i_null, assigned_ind = soci::i_null,
                  task_ind = soci::i_null, from_ind = soci::i_null;
  std::string task_due, event_from;
  long long limit = kPageSize + 1;
  long long offset = static_cast<long long>(f.page - 1) * kPageSize;
  soci::statement st(tx.sql());
  q.bind(st);
  st.exchange(soci::use(limit));
  st.exchange(soci::use(offset));
  for (auto* into :
       {&r.reference, &r.status, &r.channel, &r.reporter_type, &r.area, &r.municipality}) {
    st.exchange(soci::into(*into));
  }
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.created_at));
  st.exchange(soci::into(r.updated_at));
  st.exchange(soci::into(ack, ack_ind));
  st.exchange(soci::into(feedback, feedback_ind));
  st.exchange(soci::into(assigned, assigned_ind));
  st.exchange(soci::into(event_from, from_ind));
  st.exchange(soci::into(task_due, task_ind));
  st.alloc();
  st.prepare(
      "SELECT r.reference, r.status, r.channel, r.reporter_type, COALESCE(r.coded_area, r.area), "
      "r.municipality, r.id, r.created_at, r.updated_at, r.acknowledged_at, r.feedback_at, "
      "r.assigned_to, COALESCE(r.event_earliest, r.event_month || '-01'), "
      "(SELECT MIN(t.due_on) FROM case_tasks t WHERE t.report_id = r.id AND t.done_at IS NULL) "
      "FROM reports r WHERE 1 = 1" +
      q.clause() + " ORDER BY " + order->second + " LIMIT :page_size OFFSET :skip");
  st.define_and_bind();
  st.execute();
  while (st.fetch()) {
    if (static_cast<int>(page.rows.size()) == kPageSize) {
      page.has_next = true;
      break;
    }
    Row row = r;
    row.acknowledged = ack_ind == soci::i_ok;
    if (assigned_ind == soci::i_ok) row.assigned_to = assigned;
    Clock c{row.created_at,
            row.acknowledged ? std::optional<long long>(ack) : std::nullopt,
            feedback_ind == soci::i_ok ? std::optional<long long>(feedback) : std::nullopt,
            row.status,
            from_ind == soci::i_ok ? event_from : std::string(),
            task_ind == soci::i_ok ? task_due : std::string()};
    row.deadlines = deadlines(c, s, limits, now);
    page.rows.push_back(std::move(row));
  }
  for (auto& row : page.rows) {
    row.grounds = codes_of(tx, "case_grounds", row.id);
    if (row.grounds.empty()) row.grounds = codes_of(tx, "report_grounds", row.id);
  }
  return page;
}

// ---- One case ----

Case open(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
          long long now) {
  Found f = find(tx, actor, id);
  // An erased case still has its codes, coding and timeline, and nothing to decrypt.
  std::string key = f.erased_at ? std::string() : report_key(tx, actor, f);
  Case c;
  c.erased_at = f.erased_at;
  Row& r = c.row;
  std::string content, consent, coded_area, event_earliest, event_month, outcome;
  long long assigned = 0, opened_by = 0;
  soci::indicator assigned_ind = soci::i_null, opened_ind = soci::i_null,
                  consent_ind = soci::i_null, coded_ind = soci::i_null, earliest_ind = soci::i_null,
                  month_ind = soci::i_null, outcome_ind = soci::i_null;
  tx.sql() << "SELECT reference, status, channel, reporter_type, area, municipality, created_at, "
              "updated_at, assigned_to, language, outcome, opened_by, event_month, "
              "event_earliest, coded_area, content_sealed, affected_consent, contact_mode, "
              "place_kind, party_kind FROM reports WHERE id = :id",
      soci::use(f.id), soci::into(r.reference), soci::into(r.status), soci::into(r.channel),
      soci::into(r.reporter_type), soci::into(c.report.area), soci::into(r.municipality),
      soci::into(r.created_at), soci::into(r.updated_at), soci::into(assigned, assigned_ind),
      soci::into(c.language), soci::into(outcome, outcome_ind), soci::into(opened_by, opened_ind),
      soci::into(event_month, month_ind), soci::into(event_earliest, earliest_ind),
      soci::into(coded_area, coded_ind), soci::into(content), soci::into(consent, consent_ind),
      soci::into(c.report.contact_mode), soci::into(c.report.place_kind),
      soci::into(c.report.party_kind);
  r.id = f.id;
  r.acknowledged = f.acknowledged_at.has_value();
  if (assigned_ind == soci::i_ok) r.assigned_to = assigned;
  if (opened_ind == soci::i_ok) c.opened_by = opened_by;
  if (outcome_ind == soci::i_ok) c.outcome = outcome;
  if (month_ind == soci::i_ok) c.event_month = event_month;
  if (consent_ind == soci::i_ok) c.report.affected_consent = consent;
  c.coding.area = coded_ind == soci::i_ok ? coded_area : std::string();
  c.coding.event_earliest = earliest_ind == soci::i_ok ? event_earliest : std::string();
  r.area = c.coding.area.empty() ? c.report.area : c.coding.area;
  c.report.reporter_type = r.reporter_type;
  c.report.organisation_id = actor.organisation_id;

  auto text =
      f.erased_at ? json::object() : json::parse(unseal(key, content, "report:" + r.reference));
  c.report.narrative = text.value("narrative", "");
  c.report.event_date = text.value("event_date", "");
  c.report.event_period = text.value("event_period", "");
  c.report.municipality = text.value("municipality", "");
  c.report.party_name = text.value("party_name", "");
  c.report.witnesses = text.value("witnesses", "");
  c.report.name = text.value("name", "");
  c.report.email = text.value("email", "");
  c.report.phone = text.value("phone", "");
  c.report.notify_email = text.value("notify_email", "");
  c.report.grounds = codes_of(tx, "report_grounds", f.id);
  c.report.wishes = codes_of(tx, "report_wishes", f.id);
  c.coding.grounds = codes_of(tx, "case_grounds", f.id);
  c.coding.forms = codes_of(tx, "case_forms", f.id);
  r.grounds = c.coding.grounds.empty() ? c.report.grounds : c.coding.grounds;

  {
    StaffMessage m;
    std::string body;
    long long author_id = 0, read_at = 0;
    soci::indicator author_ind = soci::i_null, read_ind = soci::i_null;
    soci::statement st =
        (tx.sql().prepare << "SELECT id, author, author_user_id, body_sealed, created_at, read_at "
                             "FROM report_messages WHERE report_id = :r ORDER BY id",
         soci::use(f.id), soci::into(m.id), soci::into(m.author), soci::into(author_id, author_ind),
         soci::into(body), soci::into(m.created_at), soci::into(read_at, read_ind));
    st.execute();
    while (st.fetch()) {
      StaffMessage out = m;
      out.body = unseal(key, body, "message:" + r.reference);
      if (author_ind == soci::i_ok) out.author_user_id = author_id;
      if (read_ind == soci::i_ok) out.read_at = read_at;
      c.messages.push_back(std::move(out));
    }
  }
  {
    Attachment a;
    std::string name;
    soci::statement st =
        (tx.sql().prepare << "SELECT id, name_sealed, content_type, size, created_at FROM "
                             "report_attachments WHERE report_id = :r ORDER BY id",
         soci::use(f.id), soci::into(a.id), soci::into(name), soci::into(a.content_type),
         soci::into(a.size), soci::into(a.created_at));
    st.execute();
    while (st.fetch()) {
      Attachment out = a;
      out.filename = unseal(key, name, "attachment:" + r.reference);
      c.attachments.push_back(std::move(out));
    }
  }
  {
    Note n;
    std::string body;
    soci::statement st =
        (tx.sql().prepare << "SELECT id, author_user_id, body_sealed, created_at FROM case_notes "
                             "WHERE report_id = :r ORDER BY id",
         soci::use(f.id), soci::into(n.id), soci::into(n.author), soci::into(body),
         soci::into(n.created_at));
    st.execute();
    while (st.fetch()) {
      Note out = n;
      out.body = unseal(key, body, "note:" + r.reference);
      c.notes.push_back(std::move(out));
    }
  }
  std::string next_task;
  {
    Task t;
    std::string title;
    long long assignee = 0, done = 0;
    soci::indicator assignee_ind = soci::i_null, done_ind = soci::i_null;
    soci::statement st =
        (tx.sql().prepare << "SELECT id, title_sealed, due_on, assigned_to, created_by, done_at "
                             "FROM case_tasks WHERE report_id = :r ORDER BY due_on, id",
         soci::use(f.id), soci::into(t.id), soci::into(title), soci::into(t.due_on),
         soci::into(assignee, assignee_ind), soci::into(t.created_by), soci::into(done, done_ind));
    st.execute();
    std::string today = format_date(date_of(now));
    while (st.fetch()) {
      Task out = t;
      out.title = unseal(key, title, "task:" + r.reference);
      if (assignee_ind == soci::i_ok) out.assigned_to = assignee;
      if (done_ind == soci::i_ok) out.done_at = done;
      out.overdue = !out.done_at && out.due_on < today;
      if (!out.done_at && next_task.empty()) next_task = out.due_on;
      c.tasks.push_back(std::move(out));
    }
  }
  {
    std::map<std::string, std::string> states;
    std::string item, state;
    soci::statement st = (tx.sql().prepare << "SELECT item, state FROM case_evidence WHERE "
                                              "report_id = :r",
                          soci::use(f.id), soci::into(item), soci::into(state));
    st.execute();
    while (st.fetch()) states[item] = state;
    for (const auto& o : evidence_items()) {
      auto it = states.find(o.code);
      c.evidence.emplace_back(o.code, it == states.end() ? "missing" : it->second);
    }
  }
  c.events.push_back({r.created_at, std::nullopt, "received", r.channel});
  {
    Event e;
    long long actor_id = 0;
    soci::indicator actor_ind = soci::i_null;
    soci::statement st =
        (tx.sql().prepare << "SELECT at, actor_user_id, kind, detail FROM case_events "
                             "WHERE report_id = :r ORDER BY id",
         soci::use(f.id), soci::into(e.at), soci::into(actor_id, actor_ind), soci::into(e.kind),
         soci::into(e.detail));
    st.execute();
    while (st.fetch()) {
      Event out = e;
      if (actor_ind == soci::i_ok) out.actor = actor_id;
      c.events.push_back(std::move(out));
    }
  }

  std::string event_from = c.coding.event_earliest;
  if (event_from.empty() && !c.event_month.empty()) event_from = c.event_month + "-01";
  Clock clock{r.created_at, f.acknowledged_at, f.feedback_at, r.status, event_from, next_task};
  r.deadlines = deadlines(clock, settings_of(tx, actor.organisation_id),
                          time_limits(tx, actor.organisation_id), now);

  // Messages from the person count as read once an advisor has opened the case.
  tx.sql() << "UPDATE report_messages SET read_at = :t WHERE report_id = :r AND "
              "author = 'reporter' AND read_at IS NULL",
      soci::use(now), soci::use(f.id);
  audit::append(tx, keys,
                {actor.user_id, actor.organisation_id, "personal_data.read", "case", f.reference,
                 "case page"});
  sodium_memzero(key.data(), key.size());
  return c;
}

// ---- Changes ----

void acknowledge(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                 long long id,
                 const std::function<std::string(const std::string& language)>& message_in,
                 long long now) {
  Found f = find(tx, actor, id);
  if (f.acknowledged_at) {
    throw Error(ErrorKind::conflict, N_("This report has already been acknowledged."));
  }
  if (f.status == "closed") {
    throw Error(ErrorKind::conflict, N_("This case is closed; reopen it first."));
  }
  std::string language;
  tx.sql() << "SELECT language FROM reports WHERE id = :id", soci::use(f.id), soci::into(language);
  std::string key = report_key(tx, actor, f);
  std::string body = seal(key, message_in(language), "message:" + f.reference);
  tx.sql() << "INSERT INTO report_messages (report_id, author, author_user_id, body_sealed, "
              "created_at) VALUES (:r, 'staff', :u, :b, :t)",
      soci::use(f.id), soci::use(actor.user_id), soci::use(body), soci::use(now);
  tx.sql() << "UPDATE reports SET acknowledged_at = :t, status = CASE WHEN status = 'received' "
              "THEN 'in_assessment' ELSE status END WHERE id = :r",
      soci::use(now), soci::use(f.id);
  record(tx, keys, actor, f, "acknowledged", "", now);
}

void assign(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
            std::optional<long long> assignee, long long now) {
  Found f = find(tx, actor, id);
  if (assignee && !assignable(tx, actor.organisation_id, *assignee)) {
    throw_if({{"assignee", N_("Choose an advisor or coordinator of this office.")}});
  }
  long long uid = assignee.value_or(0);
  soci::indicator ind = assignee ? soci::i_ok : soci::i_null;
  tx.sql() << "UPDATE reports SET assigned_to = :u WHERE id = :r", soci::use(uid, ind),
      soci::use(f.id);
  record(tx, keys, actor, f, "assigned", assignee ? std::to_string(*assignee) : "", now);
}

void move(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
          const std::string& to, const std::string& outcome, long long now) {
  Found f = find(tx, actor, id);
  if (!can_move(f.status, to)) {
    throw_if({{"status", N_("The case cannot move to that status from where it is now.")}});
  }
  if (to == "closed") {
    if (!intake::has_code(outcomes(), outcome)) {
      throw_if({{"outcome", N_("Choose how the case ended.")}});
    }
    tx.sql() << "UPDATE reports SET status = 'closed', outcome = :o, closed_at = :t WHERE id = :r",
        soci::use(outcome), soci::use(now), soci::use(f.id);
  } else {
    if (!outcome.empty()) throw_if({{"outcome", N_("Only a closed case has an outcome.")}});
    tx.sql() << "UPDATE reports SET status = :s, outcome = NULL, closed_at = NULL WHERE id = :r",
        soci::use(to), soci::use(f.id);
    withdraw_statistics_approval(tx, keys, actor, f, "reopened");
  }
  // Advice, a referral or mediation is feedback to the person.
  if (!f.feedback_at && (to == "advice_given" || to == "referred" || to == "in_mediation")) {
    tx.sql() << "UPDATE reports SET feedback_at = :t WHERE id = :r", soci::use(now),
        soci::use(f.id);
  }
  record(tx, keys, actor, f, "status", f.status + " " + to + (outcome.empty() ? "" : " " + outcome),
         now);
}

void code(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
          const Coding& coding, long long now) {
  Found f = find(tx, actor, id);
  auto before_grounds = codes_of(tx, "case_grounds", f.id);
  auto before_forms = codes_of(tx, "case_forms", f.id);
  std::string before_area;
  soci::indicator area_ind = soci::i_null;
  tx.sql() << "SELECT coded_area FROM reports WHERE id = :r", soci::use(f.id),
      soci::into(before_area, area_ind);

  // A code must be on the office's list; a retired one only if the case already had it.
  auto allowed = [&](reference::Category c, const std::vector<std::string>& codes,
                     const std::vector<std::string>& before) {
    auto list = office_list(tx, actor.organisation_id, c);
    std::set<std::string> seen;
    for (const auto& code : codes) {
      const auto* e = list.find(code);
      bool kept = std::find(before.begin(), before.end(), code) != before.end();
      if (!e || (e->retired && !kept) || !seen.insert(code).second) return false;
    }
    return true;
  };
  std::map<std::string, std::string> e;
  if (!allowed(reference::Category::grounds, coding.grounds, before_grounds))
    e["grounds"] = N_("Choose grounds from the list.");
  if (!allowed(reference::Category::forms, coding.forms, before_forms))
    e["forms"] = N_("Choose forms from the list.");
  if (!coding.area.empty() &&
      !allowed(reference::Category::areas, {coding.area},
               area_ind == soci::i_ok ? std::vector<std::string>{before_area}
                                      : std::vector<std::string>{}))
    e["area"] = N_("Choose an area from the list.");
  if (!coding.event_earliest.empty()) {
    auto d = parse_date(coding.event_earliest);
    if (!d || coding.event_earliest < "1950-01-01" || *d > date_of(now))
      e["event_earliest"] = N_("Enter a real date that is not in the future, such as 2025-03-14.");
  }
  throw_if(e);

  tx.sql() << "DELETE FROM case_grounds WHERE report_id = :r", soci::use(f.id);
  tx.sql() << "DELETE FROM case_forms WHERE report_id = :r", soci::use(f.id);
  for (const auto& g : coding.grounds) {
    tx.sql() << "INSERT INTO case_grounds (report_id, code) VALUES (:r, :c)", soci::use(f.id),
        soci::use(g);
  }
  for (const auto& m : coding.forms) {
    tx.sql() << "INSERT INTO case_forms (report_id, code) VALUES (:r, :c)", soci::use(f.id),
        soci::use(m);
  }
  std::string area = coding.area, earliest = coding.event_earliest;
  soci::indicator a_ind = area.empty() ? soci::i_null : soci::i_ok;
  soci::indicator e_ind = earliest.empty() ? soci::i_null : soci::i_ok;
  tx.sql() << "UPDATE reports SET coded_area = :a, event_earliest = :e WHERE id = :r",
      soci::use(area, a_ind), soci::use(earliest, e_ind), soci::use(f.id);
  withdraw_statistics_approval(tx, keys, actor, f, "coded again");
  auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
    return s;
  };
  record(tx, keys, actor, f, "coded",
         "grounds " + joined(coding.grounds) + "; forms " + joined(coding.forms) + "; area " +
             area + "; from " + earliest,
         now);
}

long long add_note(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, const std::string& text, long long now) {
  Found f = find(tx, actor, id);
  std::map<std::string, std::string> e;
  check_text(e, "note", text, kMaxNote);
  throw_if(e);
  std::string key = report_key(tx, actor, f);
  std::string body = seal(key, text, "note:" + f.reference);
  long long note_id = 0;
  tx.sql() << "INSERT INTO case_notes (report_id, author_user_id, body_sealed, created_at) "
              "VALUES (:r, :u, :b, :t) RETURNING id",
      soci::use(f.id), soci::use(actor.user_id), soci::use(body), soci::use(now),
      soci::into(note_id);
  record(tx, keys, actor, f, "note", std::to_string(note_id), now);
  return note_id;
}

long long send_message(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                       long long id, const std::string& text, long long now) {
  Found f = find(tx, actor, id);
  std::map<std::string, std::string> e;
  check_text(e, "message", text, intake::kMaxMessage);
  throw_if(e);
  std::string key = report_key(tx, actor, f);
  std::string body = seal(key, text, "message:" + f.reference);
  long long message_id = 0;
  tx.sql() << "INSERT INTO report_messages (report_id, author, author_user_id, body_sealed, "
              "created_at) VALUES (:r, 'staff', :u, :b, :t) RETURNING id",
      soci::use(f.id), soci::use(actor.user_id), soci::use(body), soci::use(now),
      soci::into(message_id);
  if (!f.feedback_at) {
    tx.sql() << "UPDATE reports SET feedback_at = :t WHERE id = :r", soci::use(now),
        soci::use(f.id);
  }
  record(tx, keys, actor, f, "message", std::to_string(message_id), now);
  return message_id;
}

long long add_task(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, const std::string& title, const std::string& due_on,
                   std::optional<long long> assignee, long long now) {
  Found f = find(tx, actor, id);
  std::map<std::string, std::string> e;
  check_text(e, "title", title, kMaxTaskTitle);
  auto due = parse_date(due_on);
  Date today = date_of(now);
  if (!due || *due < today || *due > add_months(today, 60)) {
    e["due_on"] = N_("Enter a date from today on, such as 2026-12-01.");
  }
  if (assignee && !assignable(tx, actor.organisation_id, *assignee)) {
    e["task_assignee"] = N_("Choose an advisor or coordinator of this office.");
  }
  throw_if(e);
  std::string key = report_key(tx, actor, f);
  std::string sealed = seal(key, title, "task:" + f.reference);
  long long uid = assignee.value_or(0);
  soci::indicator ind = assignee ? soci::i_ok : soci::i_null;
  long long task_id = 0;
  tx.sql() << "INSERT INTO case_tasks (report_id, title_sealed, due_on, assigned_to, created_by, "
              "created_at) VALUES (:r, :s, :d, :a, :u, :t) RETURNING id",
      soci::use(f.id), soci::use(sealed), soci::use(due_on), soci::use(uid, ind),
      soci::use(actor.user_id), soci::use(now), soci::into(task_id);
  record(tx, keys, actor, f, "task", std::to_string(task_id) + " due " + due_on, now);
  return task_id;
}

void complete_task(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, long long task_id, long long now) {
  Found f = find(tx, actor, id);
  long long done = 0;
  soci::indicator done_ind = soci::i_null;
  tx.sql() << "SELECT done_at FROM case_tasks WHERE id = :t AND report_id = :r", soci::use(task_id),
      soci::use(f.id), soci::into(done, done_ind);
  if (!tx.sql().got_data()) throw Error(ErrorKind::not_found, N_("There is no such task."));
  if (done_ind == soci::i_ok) throw Error(ErrorKind::conflict, N_("This task is already done."));
  tx.sql() << "UPDATE case_tasks SET done_at = :t, done_by = :u WHERE id = :id", soci::use(now),
      soci::use(actor.user_id), soci::use(task_id);
  record(tx, keys, actor, f, "task_done", std::to_string(task_id), now);
}

void set_evidence(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                  long long id, const std::string& item, const std::string& state, long long now) {
  Found f = find(tx, actor, id);
  std::map<std::string, std::string> e;
  if (!intake::has_code(evidence_items(), item)) e["item"] = N_("Choose an item from the list.");
  if (!intake::has_code(evidence_states(), state)) e["state"] = N_("Choose a state from the list.");
  throw_if(e);
  tx.sql() << "DELETE FROM case_evidence WHERE report_id = :r AND item = :i", soci::use(f.id),
      soci::use(item);
  tx.sql() << "INSERT INTO case_evidence (report_id, item, state, updated_by, updated_at) "
              "VALUES (:r, :i, :s, :u, :t)",
      soci::use(f.id), soci::use(item), soci::use(state), soci::use(actor.user_id), soci::use(now);
  record(tx, keys, actor, f, "evidence", item + " " + state, now);
}

File attachment(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                long long id, long long attachment_id) {
  Found f = find(tx, actor, id);
  File out;
  std::string name, data;
  tx.sql() << "SELECT name_sealed, content_type, data_sealed FROM report_attachments "
              "WHERE id = :a AND report_id = :r",
      soci::use(attachment_id), soci::use(f.id), soci::into(name), soci::into(out.content_type),
      soci::into(data);
  if (!tx.sql().got_data()) throw Error(ErrorKind::not_found, N_("There is no such file."));
  std::string key = report_key(tx, actor, f);
  out.filename = unseal(key, name, "attachment:" + f.reference);
  out.data = unseal(key, data, "attachment:" + f.reference);
  sodium_memzero(key.data(), key.size());
  audit::append(tx, keys,
                {actor.user_id, actor.organisation_id, "personal_data.read", "case", f.reference,
                 "attachment " + std::to_string(attachment_id)});
  return out;
}

// ---- Cases a union representative brought ----

std::vector<Row> brought_by(storage::Transaction& tx, long long organisation_id,
                            long long user_id) {
  std::vector<Row> out;
  Row r;
  soci::statement st =
      (tx.sql().prepare << "SELECT id, reference, status, created_at, updated_at FROM reports "
                           "WHERE organisation_id = :o AND opened_by = :u ORDER BY created_at "
                           "DESC, id DESC LIMIT 200",
       soci::use(organisation_id), soci::use(user_id), soci::into(r.id), soci::into(r.reference),
       soci::into(r.status), soci::into(r.created_at), soci::into(r.updated_at));
  st.execute();
  while (st.fetch()) out.push_back(r);
  return out;
}

// ---- Handover ----

std::map<long long, int> open_cases_by_assignee(storage::Transaction& tx,
                                                long long organisation_id) {
  std::map<long long, int> out;
  long long user = 0;
  int n = 0;
  soci::statement st =
      (tx.sql().prepare
           << "SELECT assigned_to, COUNT(*) FROM reports WHERE organisation_id = :o "
              "AND status <> 'closed' AND assigned_to IS NOT NULL GROUP BY assigned_to",
       soci::use(organisation_id), soci::into(user), soci::into(n));
  st.execute();
  while (st.fetch()) out[user] = n;
  return out;
}

int hand_over(storage::Transaction& tx, const crypto::Keys& keys, long long actor_user,
              long long organisation_id, long long from, long long to, long long now) {
  if (to == from || !assignable(tx, organisation_id, to)) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "",
                {{"to", N_("Choose an advisor or coordinator of this office.")}});
  }
  std::vector<std::pair<long long, std::string>> cases;
  {
    long long id = 0;
    std::string reference;
    soci::statement st =
        (tx.sql().prepare << "SELECT id, reference FROM reports WHERE organisation_id = :o AND "
                             "assigned_to = :u AND status <> 'closed'",
         soci::use(organisation_id), soci::use(from), soci::into(id), soci::into(reference));
    st.execute();
    while (st.fetch()) cases.emplace_back(id, reference);
  }
  Actor actor{actor_user, organisation_id, {}};
  for (const auto& [id, reference] : cases) {
    tx.sql() << "UPDATE reports SET assigned_to = :t WHERE id = :r", soci::use(to), soci::use(id);
    Found f;
    f.id = id;
    f.reference = reference;
    record(tx, keys, actor, f, "assigned", std::to_string(to), now);
  }
  tx.sql() << "UPDATE case_tasks SET assigned_to = :t WHERE assigned_to = :f AND done_at IS NULL "
              "AND report_id IN (SELECT id FROM reports WHERE organisation_id = :o)",
      soci::use(to), soci::use(from), soci::use(organisation_id);
  audit::append(tx, keys,
                {actor_user, organisation_id, "case.handover", "user", std::to_string(from),
                 "to " + std::to_string(to) + "; cases " + std::to_string(cases.size())});
  return static_cast<int>(cases.size());
}

}  // namespace dime::casework
