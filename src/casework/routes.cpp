// Casework pages and API: read the input, call casework/service in one transaction, render or
// answer JSON. A form with problems is shown again with what was typed and a message per field.
#include "casework/routes.hpp"

#include <cctype>
#include <map>

#include "casework/referrals.hpp"
#include "casework/service.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "http/forms.hpp"
#include "i18n/i18n.hpp"
#include "mediation/service.hpp"
#include "organisations/service.hpp"
#include "reference/service.hpp"
#include "statistics/service.hpp"

namespace dime::casework::routes {

using http::Context;
using http::Response;
using nlohmann::json;

namespace {

Actor actor_of(const Context& ctx) {
  return {ctx.user_id(), ctx.organisation_id(), ctx.user_secret()};
}

// Labels the pages need: reference data in the reader's language, staff names.
struct Labels {
  reference::List grounds, forms, areas, bodies;
  std::map<long long, std::string> staff;

  std::string of(const reference::List& list, const std::string& code,
                 const std::string& lang) const {
    const auto* e = list.find(code);
    return e ? reference::label(*e, lang) : code;
  }
};

Labels labels_for(storage::Transaction& tx, const Context& ctx) {
  auto org = organisations::find(tx, ctx.organisation_id());
  if (!org) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  using C = reference::Category;
  auto list = [&](C c) { return reference::for_organisation(tx, org->id, org->jurisdiction, c); };
  Labels l{list(C::grounds), list(C::forms), list(C::areas), list(C::referral_bodies), {}};
  for (auto& [id, name] : assignable_staff(tx, ctx.app.keys, org->id)) l.staff[id] = name;
  return l;
}

std::string staff_name(const Context& ctx, const Labels& l, std::optional<long long> id) {
  if (!id) return {};
  auto it = l.staff.find(*id);
  return it != l.staff.end() ? it->second : ctx.tr(N_("a former colleague"));
}

std::string day(long long t) {
  return utc_date(t);
}

// The translated label of an option code; the code itself if it is not (or no longer) one.
std::string opt(const Context& ctx, const std::vector<Option>& options, const std::string& code) {
  const char* label = intake::option_label(options, code);
  return *label ? ctx.tr(label) : code;
}

json options_json(const Context& ctx, const std::vector<Option>& options,
                  const std::string& selected) {
  json out = json::array();
  for (const auto& o : options) {
    out.push_back({{"code", o.code}, {"label", ctx.tr(o.label)}, {"selected", selected == o.code}});
  }
  return out;
}

json reference_json(const Context& ctx, const reference::List& list,
                    const std::vector<std::string>& selected) {
  json out = json::array();
  for (const auto& e : list.entries) {
    bool on = std::find(selected.begin(), selected.end(), e.code) != selected.end();
    if (e.retired && !on) continue;
    out.push_back({{"code", e.code},
                   {"label", reference::label(e, ctx.lang)},
                   {"legal_reference", e.legal_reference},
                   {"selected", on}});
  }
  return out;
}

json deadline_json(const Context& ctx, const Labels& l, const Deadline& d) {
  std::string what;
  if (d.kind == "acknowledge") {
    what = ctx.tr(N_("Acknowledge the report"));
  } else if (d.kind == "feedback") {
    what = ctx.tr(N_("Give the person feedback"));
  } else if (d.kind == "task") {
    what = ctx.tr(N_("Open task"));
  } else {
    what = ctx.tr(N_("Time limit:")) + " " + l.of(l.bodies, d.body, ctx.lang);
  }
  json j{{"kind", d.kind},       {"what", what},         {"due", d.due},
         {"overdue", d.overdue}, {"at_risk", d.at_risk}, {"days_left", d.days_left}};
  if (!d.body.empty()) j["body"] = d.body;
  return j;
}

json row_json(const Context& ctx, const Labels& l, const Row& r) {
  json grounds = json::array();
  for (const auto& g : r.grounds) grounds.push_back(l.of(l.grounds, g, ctx.lang));
  json deadlines = json::array();
  for (const auto& d : r.deadlines) deadlines.push_back(deadline_json(ctx, l, d));
  return {{"id", r.id},
          {"reference", r.reference},
          {"status", r.status},
          {"status_label", opt(ctx, statuses(), r.status)},
          {"channel", r.channel},
          {"received", day(r.created_at)},
          {"updated", day(r.updated_at)},
          {"new", !r.acknowledged},
          {"assignee", staff_name(ctx, l, r.assigned_to)},
          {"area", l.of(l.areas, r.area, ctx.lang)},
          {"municipality", r.municipality},
          {"grounds", grounds},
          {"deadlines", deadlines}};
}

// ---- The queue ----

Filter filter_from_query(const Context& ctx) {
  auto q = [&](const char* name) { return http::filter_value(ctx, name); };
  Filter f;
  f.status = q("status");
  f.assignee = q("assignee");
  f.ground = q("ground");
  f.area = q("area");
  f.age = q("age");
  f.deadline = q("deadline");
  f.query = q("q");
  std::string sort = q("sort");
  if (!sort.empty()) f.sort = sort;
  std::string page = q("page");
  if (!page.empty()) {
    try {
      std::size_t used = 0;
      f.page = std::stoi(page, &used);
      if (used != page.size()) f.page = 0;
    } catch (const std::exception&) {
      f.page = 0;
    }
  }
  return f;
}

json filter_json(const Context& ctx, const Labels& l, const Filter& f) {
  json statuses_j = json::array();
  statuses_j.push_back({{"code", "open"},
                        {"label", ctx.tr(N_("All open cases"))},
                        {"selected", f.status == "open"}});
  for (auto& o : options_json(ctx, statuses(), f.status)) statuses_j.push_back(o);
  json assignees = json::array();
  assignees.push_back(
      {{"code", "me"}, {"label", ctx.tr(N_("Me"))}, {"selected", f.assignee == "me"}});
  assignees.push_back(
      {{"code", "none"}, {"label", ctx.tr(N_("Nobody yet"))}, {"selected", f.assignee == "none"}});
  for (const auto& [id, name] : l.staff) {
    assignees.push_back({{"code", std::to_string(id)},
                         {"label", name},
                         {"selected", f.assignee == std::to_string(id)}});
  }
  static const std::vector<Option> kAges{{"week", N_("Less than a week")},
                                         {"month", N_("1 to 4 weeks")},
                                         {"quarter", N_("1 to 3 months")},
                                         {"older", N_("More than 3 months")}};
  static const std::vector<Option> kDeadlines{{"at_risk", N_("Due soon or overdue")},
                                              {"overdue", N_("Overdue")}};
  static const std::vector<Option> kSorts{{"newest", N_("Newest first")},
                                          {"oldest", N_("Oldest first")},
                                          {"updated", N_("Recently changed")}};
  return {{"statuses", statuses_j},
          {"assignees", assignees},
          {"grounds", reference_json(ctx, l.grounds, {f.ground})},
          {"areas", reference_json(ctx, l.areas, {f.area})},
          {"ages", options_json(ctx, kAges, f.age)},
          {"deadlines", options_json(ctx, kDeadlines, f.deadline)},
          {"sorts", options_json(ctx, kSorts, f.sort)},
          {"q", f.query}};
}

// The current filters as hidden fields, so that "next page" keeps them without JavaScript.
json filter_hidden(const Filter& f) {
  json out = json::array();
  auto add = [&](const char* name, const std::string& v) {
    if (!v.empty()) out.push_back({{"name", name}, {"value", v}});
  };
  add("status", f.status);
  add("assignee", f.assignee);
  add("ground", f.ground);
  add("area", f.area);
  add("age", f.age);
  add("deadline", f.deadline);
  add("q", f.query);
  add("sort", f.sort);
  return out;
}

Response render_queue(Context& ctx, const Filter& f, bool deadline_view, const char* title) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  Labels l = labels_for(tx, ctx);
  Page page = list(tx, actor_of(ctx), f, now_seconds());
  json rows = json::array();
  for (const auto& r : page.rows) rows.push_back(row_json(ctx, l, r));
  json data{{"filter", filter_json(ctx, l, f)},
            {"hidden", filter_hidden(f)},
            {"rows", rows},
            {"empty", rows.empty()},
            {"total", page.total},
            {"page", page.page},
            {"has_previous", page.page > 1},
            {"previous", page.page - 1},
            {"has_next", page.has_next},
            {"next", page.page + 1},
            {"deadline_view", deadline_view},
            {"action", deadline_view ? "/deadlines" : "/cases"}};
  return ctx.page("casework/queue", title, data);
}

// ---- The case page ----

long long case_id(const Context& ctx) {
  return http::parse_id(ctx.param("id"));
}

void require(const http::FormInput& in) {
  if (!in.ok()) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", in.errors);
  }
}

// The standard acknowledgement, in the language the person reported in.
std::string acknowledgement_in(const Context& ctx, const std::string& language) {
  return ctx.app.catalogues.translate(
      language.empty() ? ctx.lang : language,
      N_("We have received your report. An advisor is looking at it and will write to you here."));
}

// One line of the timeline in the reader's language (details are codes and ids).
std::string event_label(const Context& ctx, const Labels& l, const Event& e) {
  static const std::map<std::string, const char*> kLabels{
      {"received", N_("Report received")},
      {"acknowledged", N_("Acknowledged to the person")},
      {"assigned", N_("Assigned to")},
      {"status", N_("Status changed to")},
      {"coded", N_("Legal assessment saved")},
      {"note", N_("Internal note added")},
      {"message", N_("Message sent to the person")},
      {"task", N_("Task added")},
      {"task_done", N_("Task done")},
      {"evidence", N_("Evidence checklist updated")},
      {"erased", N_("Personal data erased")},
      {"referral", N_("Referral prepared")},
      {"referral_draft", N_("Referral document edited")},
      {"referral_status", N_("Referral status changed")},
  };
  auto it = kLabels.find(e.kind);
  std::string out = it == kLabels.end() ? e.kind : ctx.tr(it->second);
  if (e.kind == "assigned") {
    out +=
        " " + (e.detail.empty() ? ctx.tr(N_("nobody")) : staff_name(ctx, l, std::stoll(e.detail)));
  } else if (e.kind == "status") {
    // "from to [outcome]"
    auto first = e.detail.find(' ');
    std::string rest = first == std::string::npos ? e.detail : e.detail.substr(first + 1);
    std::string to = rest.substr(0, rest.find(' '));
    out += " " + opt(ctx, statuses(), to);
  }
  return out;
}

json case_json(const Context& ctx, const Labels& l, const Case& c) {
  json j = row_json(ctx, l, c.row);
  const auto& in = c.report;
  json reported_grounds = json::array();
  for (const auto& g : in.grounds) {
    reported_grounds.push_back(g == "dont_know" ? ctx.tr(N_("Does not know"))
                                                : l.of(l.grounds, g, ctx.lang));
  }
  json wishes = json::array();
  for (const auto& w : in.wishes) wishes.push_back(opt(ctx, intake::wishes(), w));
  j["report"] = {
      {"narrative", in.narrative},
      {"event_date", in.event_date},
      {"event_period", in.event_period},
      {"municipality", in.municipality},
      {"place_kind", opt(ctx, intake::place_kinds(), in.place_kind)},
      {"area", l.of(l.areas, in.area, ctx.lang)},
      {"grounds", reported_grounds},
      {"party_kind", opt(ctx, intake::party_kinds(), in.party_kind)},
      {"party_name", in.party_name},
      {"witnesses", in.witnesses},
      {"wishes", wishes},
      {"reporter_type", opt(ctx, intake::reporter_types(), in.reporter_type)},
      {"affected_consent", in.affected_consent.empty()
                               ? std::string()
                               : opt(ctx, intake::consent_answers(), in.affected_consent)},
      {"contact_mode", opt(ctx, intake::contact_modes(), in.contact_mode)},
      {"anonymous", in.contact_mode == "none"},
      {"name", in.name},
      {"email", in.email},
      {"phone", in.phone},
      {"notify", !in.notify_email.empty()}};
  const auto* language = i18n::find(c.language);
  j["language"] = language ? language->native_name : c.language;
  j["outcome"] = c.outcome ? opt(ctx, outcomes(), *c.outcome) : std::string();
  json files = json::array();
  for (const auto& a : c.attachments) {
    files.push_back({{"id", a.id},
                     {"name", a.filename},
                     {"type", a.content_type},
                     {"size_kb", (a.size + 1023) / 1024},
                     {"received", day(a.created_at)}});
  }
  j["files"] = files;
  j["has_files"] = !files.empty();
  j["has_deadlines"] = !c.row.deadlines.empty();
  j["case_id"] = c.row.id;
  json messages = json::array();
  for (const auto& m : c.messages) {
    bool office = m.author == "staff";
    messages.push_back({{"from_office", office},
                        {"author", office ? staff_name(ctx, l, m.author_user_id) : std::string()},
                        {"body", m.body},
                        {"at", day(m.created_at)},
                        {"read", m.read_at.has_value()}});
  }
  j["messages"] = messages;
  json notes = json::array();
  for (const auto& n : c.notes) {
    notes.push_back(
        {{"author", staff_name(ctx, l, n.author)}, {"body", n.body}, {"at", day(n.created_at)}});
  }
  j["notes"] = notes;
  json tasks = json::array();
  for (const auto& t : c.tasks) {
    tasks.push_back({{"id", t.id},
                     {"title", t.title},
                     {"due_on", t.due_on},
                     {"assignee", staff_name(ctx, l, t.assigned_to)},
                     {"done", t.done_at.has_value()},
                     {"overdue", t.overdue}});
  }
  j["tasks"] = tasks;
  json events = json::array();
  for (const auto& e : c.events) {
    events.push_back({{"at", day(e.at)},
                      {"kind", e.kind},
                      {"label", event_label(ctx, l, e)},
                      {"actor", staff_name(ctx, l, e.actor)},
                      {"detail", e.detail}});
  }
  j["events"] = events;
  json evidence = json::array();
  for (const auto& [item, state] : c.evidence) {
    evidence.push_back({{"item", item},
                        {"label", opt(ctx, evidence_items(), item)},
                        {"state", state},
                        {"states", options_json(ctx, evidence_states(), state)}});
  }
  j["evidence"] = evidence;
  json coding{
      {"grounds", reference_json(ctx, l.grounds, c.coding.grounds)},
      {"forms", reference_json(ctx, l.forms, c.coding.forms)},
      {"areas", reference_json(ctx, l.areas, {c.coding.area})},
      {"event_earliest", c.coding.event_earliest},
      {"coded", !c.coding.grounds.empty() || !c.coding.forms.empty() || !c.coding.area.empty()}};
  // The legal basis follows from the coding: each chosen ground's and form's reference.
  json basis = json::array();
  for (const auto* list : {&l.grounds, &l.forms}) {
    const auto& chosen = list == &l.grounds ? c.coding.grounds : c.coding.forms;
    for (const auto& code : chosen) {
      if (const auto* e = list->find(code); e && !e->legal_reference.empty()) {
        basis.push_back(
            {{"label", reference::label(*e, ctx.lang)}, {"reference", e->legal_reference}});
      }
    }
  }
  coding["has_basis"] = !basis.empty();
  coding["basis"] = basis;
  j["coding"] = coding;
  return j;
}

json case_page_data(Context& ctx, storage::Transaction& tx, long long id) {
  Labels l = labels_for(tx, ctx);
  Case c = open(tx, ctx.app.keys, actor_of(ctx), id, now_seconds());
  json data = case_json(ctx, l, c);
  json next = json::array();
  for (const auto& s : next_statuses(c.row.status)) {
    next.push_back({{"code", s}, {"label", opt(ctx, statuses(), s)}});
  }
  data["next_statuses"] = next;
  data["can_close"] = can_move(c.row.status, "closed");
  data["outcomes"] = options_json(ctx, outcomes(), "");
  json staff = json::array();
  for (const auto& [uid, name] : l.staff) {
    staff.push_back({{"id", uid}, {"name", name}, {"selected", c.row.assigned_to == uid}});
  }
  data["staff"] = staff;
  data["today"] = utc_date(now_seconds());
  data["erased"] = c.erased_at.has_value();
  data["erased_on"] = c.erased_at ? day(*c.erased_at) : std::string();
  data["coordinator"] = ctx.session->has_any({accounts::Role::coordinator});
  if (auto approved = statistics::approved_at(tx, ctx.organisation_id(), id)) {
    data["statistics_approved_on"] = day(*approved);
  }
  json referrals = json::array();
  for (const auto& r : referrals_of(tx, actor_of(ctx), id)) {
    referrals.push_back(
        {{"id", r.id},
         {"body", l.of(l.bodies, r.body, ctx.lang)},
         {"status", opt(ctx, referral_statuses(), r.status)},
         {"outcome", r.outcome.empty() ? std::string() : opt(ctx, referral_outcomes(), r.outcome)},
         {"created", day(r.created_at)}});
  }
  data["referrals"] = referrals;
  data["has_referrals"] = !referrals.empty();
  // The bench's mediations of this case: stage and result only (the mediation is theirs).
  json mediations = json::array();
  for (const auto& m : mediation::of_case(tx, ctx.organisation_id(), id)) {
    mediations.push_back(
        {{"reference", m.reference},
         {"stage", opt(ctx, mediation::stages(), m.stage)},
         {"result", m.result.empty() ? std::string() : opt(ctx, mediation::results(), m.result)},
         {"follow_up_on", m.follow_up_on}});
  }
  data["mediations"] = mediations;
  data["has_mediations"] = !mediations.empty();
  json bodies = json::array();
  for (const auto& e : l.bodies.entries) {
    if (!e.retired) bodies.push_back({{"code", e.code}, {"label", reference::label(e, ctx.lang)}});
  }
  data["bodies"] = bodies;
  data["consent_ways"] = options_json(ctx, consent_ways(), "");
  return data;
}

// The case page, or the page again with the problems of one form and what was typed in it.
Response render_case(Context& ctx, long long id, const std::map<std::string, std::string>& errors,
                     const json& typed, int status) {
  storage::Transaction tx(ctx.app.db);
  json data = case_page_data(ctx, tx, id);
  tx.commit();  // the read is audited
  data.update(http::error_data(ctx, errors));
  for (const auto& [k, v] : typed.items()) {
    if (v.is_string()) data["typed_" + k] = v;
  }
  // A referral form with problems keeps the body and the way of consent chosen in it.
  for (const auto& [list, field] : {std::pair{"bodies", "body"}, {"consent_ways", "consent_how"}}) {
    if (!typed.contains(field)) continue;
    for (auto& item : data[list]) item["selected"] = item["code"] == typed[field];
  }
  // A coding form with problems keeps every choice made in it, not only the typed date.
  if (typed.contains("event_earliest")) {
    auto& coding = data["coding"];
    coding["event_earliest"] = typed["event_earliest"];
    auto keep = [&](const char* list, const json& chosen) {
      for (auto& item : coding[list]) {
        item["selected"] = std::find(chosen.begin(), chosen.end(), item["code"]) != chosen.end();
      }
    };
    keep("grounds", typed["grounds"]);
    keep("forms", typed["forms"]);
    keep("areas", json::array({typed["area"]}));
  }
  return ctx.page("casework/case", N_("Case"), data, status);
}

// Runs one change; on per-field problems shows the case page again with what was typed.
template <typename Change>
Response change(Context& ctx, const std::string& anchor, const json& typed, Change&& fn) {
  long long id = case_id(ctx);
  try {
    storage::Transaction tx(ctx.app.db);
    fn(tx, actor_of(ctx), id);
    tx.commit();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unprocessable) throw;
    return render_case(ctx, id, e.fields(), typed, 422);
  }
  return Response::redirect("/cases/" + std::to_string(id) + "#" + anchor);
}

std::optional<long long> assignee_from(const std::string& v, const Context& ctx,
                                       const char* field) {
  if (v.empty()) return std::nullopt;
  if (v == "me") return ctx.user_id();
  try {
    return http::parse_id(v);
  } catch (const Error&) {
    // Not an id: a problem of this field, not a missing page.
  }
  throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "",
              {{field, N_("Choose an advisor or coordinator of this office.")}});
}

}  // namespace

Response queue(Context& ctx) {
  return render_queue(ctx, filter_from_query(ctx), false, N_("Cases"));
}

Response my_cases(Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  json rows = json::array();
  for (const auto& r : brought_by(tx, ctx.organisation_id(), ctx.user_id())) {
    rows.push_back({{"reference", r.reference},
                    {"status", opt(ctx, intake::statuses(), r.status)},
                    {"received", day(r.created_at)},
                    {"updated", day(r.updated_at)}});
  }
  return ctx.page("casework/my_cases", N_("My cases"), {{"rows", rows}, {"empty", rows.empty()}});
}

Response deadlines_page(Context& ctx) {
  Filter f;
  f.deadline = "at_risk";
  f.sort = "oldest";
  auto it = ctx.req.query.find("page");
  if (it != ctx.req.query.end()) f.page = filter_from_query(ctx).page;
  return render_queue(ctx, f, true, N_("Deadlines at risk"));
}

Response case_page(Context& ctx) {
  return render_case(ctx, case_id(ctx), {}, json::object(), 200);
}

Response download(Context& ctx) {
  long long id = case_id(ctx);
  long long file_id = http::parse_id(ctx.param("file"));
  storage::Transaction tx(ctx.app.db);
  File f = attachment(tx, ctx.app.keys, actor_of(ctx), id, file_id);
  tx.commit();
  // Never rendered by the browser as a page of ours: a download, in a sandbox, type as sniffed.
  Response r = Response::text(std::move(f.data), f.content_type);
  std::string safe;
  for (char c : f.filename) {
    safe +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  }
  if (safe.empty() || safe.size() > 100) safe = "evidence";
  r.set_header("Content-Disposition", "attachment; filename=\"" + safe + "\"");
  r.set_header("Content-Security-Policy", "sandbox; default-src 'none'");
  r.set_header("Cache-Control", "no-store");
  return r;
}

Response post_acknowledge(Context& ctx) {
  long long id = case_id(ctx);
  storage::Transaction tx(ctx.app.db);
  acknowledge(
      tx, ctx.app.keys, actor_of(ctx), id,
      [&](const std::string& language) { return acknowledgement_in(ctx, language); },
      now_seconds());
  tx.commit();
  return Response::redirect("/cases/" + std::to_string(id));
}

Response post_assign(Context& ctx) {
  auto in = http::read_form(ctx, {http::Field{"assignee", 20, false}});
  return change(ctx, "assignment", json::object(), [&](auto& tx, const Actor& a, long long id) {
    if (!in.ok()) require(in);
    assign(tx, ctx.app.keys, a, id, assignee_from(in.get("assignee"), ctx, "assignee"),
           now_seconds());
  });
}

Response post_status(Context& ctx) {
  auto in = http::read_form(ctx, {http::Field{"status", 40}, http::Field{"outcome", 40, false}});
  json typed{{"status", in.get("status")}, {"outcome", in.get("outcome")}};
  return change(ctx, "status-form", typed, [&](auto& tx, const Actor& a, long long id) {
    if (!in.ok()) require(in);
    move(tx, ctx.app.keys, a, id, in.get("status"), in.get("outcome"), now_seconds());
  });
}

Response post_coding(Context& ctx) {
  auto in = http::read_form(
      ctx, {http::Field{"area", 60, false}, http::Field{"event_earliest", 10, false}});
  Coding coding{ctx.field_values("grounds"), ctx.field_values("forms"), in.get("area"),
                in.get("event_earliest")};
  json typed{{"event_earliest", in.get("event_earliest")},
             {"grounds", coding.grounds},
             {"forms", coding.forms},
             {"area", coding.area}};
  return change(ctx, "coding", typed, [&](auto& tx, const Actor& a, long long id) {
    if (!in.ok()) require(in);
    code(tx, ctx.app.keys, a, id, coding, now_seconds());
  });
}

Response post_evidence(Context& ctx) {
  return change(ctx, "evidence", json::object(), [&](auto& tx, const Actor& a, long long id) {
    for (const auto& item : evidence_items()) {
      std::string state = ctx.field(std::string("evidence_") + item.code);
      if (!state.empty()) set_evidence(tx, ctx.app.keys, a, id, item.code, state, now_seconds());
    }
  });
}

Response post_note(Context& ctx) {
  auto in = http::read_form(ctx, {http::Field{"note", kMaxNote + 1, false}});
  return change(ctx, "notes", {{"note", in.get("note")}},
                [&](auto& tx, const Actor& a, long long id) {
                  if (!in.ok()) require(in);
                  add_note(tx, ctx.app.keys, a, id, in.get("note"), now_seconds());
                });
}

Response post_message(Context& ctx) {
  auto in = http::read_form(ctx, {http::Field{"message", intake::kMaxMessage + 1, false}});
  return change(ctx, "messages", {{"message", in.get("message")}},
                [&](auto& tx, const Actor& a, long long id) {
                  if (!in.ok()) require(in);
                  send_message(tx, ctx.app.keys, a, id, in.get("message"), now_seconds());
                });
}

Response post_task(Context& ctx) {
  auto in = http::read_form(
      ctx, {http::Field{"title", kMaxTaskTitle + 1, false}, http::Field{"due_on", 10, false},
            http::Field{"task_assignee", 20, false}});
  json typed{{"title", in.get("title")},
             {"due_on", in.get("due_on")},
             {"task_assignee", in.get("task_assignee")}};
  return change(ctx, "tasks", typed, [&](auto& tx, const Actor& a, long long id) {
    if (!in.ok()) require(in);
    add_task(tx, ctx.app.keys, a, id, in.get("title"), in.get("due_on"),
             assignee_from(in.get("task_assignee"), ctx, "task_assignee"), now_seconds());
  });
}

Response post_task_done(Context& ctx) {
  long long task = http::parse_id(ctx.param("task"));
  return change(ctx, "tasks", json::object(), [&](auto& tx, const Actor& a, long long id) {
    complete_task(tx, ctx.app.keys, a, id, task, now_seconds());
  });
}

Response post_erase(Context& ctx) {
  auto in = http::read_form(ctx, {http::Field{"confirm", 40, false}});
  return change(ctx, "erase", {{"confirm", in.get("confirm")}},
                [&](auto& tx, const Actor& a, long long id) {
                  require(in);
                  erase_on_request(tx, ctx.app.keys, a, id, in.get("confirm"), now_seconds());
                  mediation::erase_for_case(tx, ctx.app.keys, a.user_id, a.organisation_id, id,
                                            now_seconds());
                });
}

Response export_for_person(Context& ctx) {
  long long id = case_id(ctx);
  storage::Transaction tx(ctx.app.db);
  std::string body = export_case(tx, ctx.app.keys, actor_of(ctx), id, now_seconds());
  tx.commit();
  Response r = Response::text(std::move(body), "application/json; charset=utf-8");
  r.set_header("Content-Disposition",
               "attachment; filename=\"case-" + std::to_string(id) + ".json\"");
  return r;
}

// ---- Referrals ----

namespace {

long long referral_id(const Context& ctx) {
  return http::parse_id(ctx.param("referral"));
}

// Documents are written in the office's own language: the body they go to reads it.
struct DocumentLanguage {
  std::string language;
  std::string office_name;
};
DocumentLanguage document_language(storage::Transaction& tx, const Context& ctx) {
  auto org = organisations::find(tx, ctx.organisation_id());
  if (!org) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  return {org->default_language, org->name};
}

Response render_referral(Context& ctx, long long id, long long rid,
                         const std::map<std::string, std::string>& errors, const json& typed,
                         int status) {
  storage::Transaction tx(ctx.app.db);
  Labels l = labels_for(tx, ctx);
  Referral r = open_referral(tx, ctx.app.keys, actor_of(ctx), id, rid);
  tx.commit();  // the read is audited
  json sections = json::array();
  for (const auto& sec : document_sections(r.kind)) {
    std::string field = std::string("section_") + sec.code;
    sections.push_back(
        {{"key", sec.code},
         {"heading", ctx.tr(sec.label)},
         {"text", typed.contains(field) ? typed[field].get<std::string>() : r.sections[sec.code]},
         {"error", errors.count(field) ? ctx.tr(errors.at(field)) : std::string()}});
  }
  json next = json::array();
  for (const auto& o : referral_statuses()) {
    if (can_move_referral(r.status, o.code)) {
      next.push_back({{"code", o.code}, {"label", ctx.tr(o.label)}});
    }
  }
  json data = http::error_data(ctx, errors);
  data.update(
      {{"case_id", id},
       {"referral_id", rid},
       {"reference", r.case_reference},
       {"body", r.other_body.empty() ? l.of(l.bodies, r.body, ctx.lang) : r.other_body},
       {"kind", r.kind},
       {"status", opt(ctx, referral_statuses(), r.status)},
       {"outcome", r.outcome.empty() ? std::string() : opt(ctx, referral_outcomes(), r.outcome)},
       {"consent_how", opt(ctx, consent_ways(), r.consent_how)},
       {"consent_on", r.consent_on},
       {"editable", r.status == "draft"},
       {"sections", sections},
       {"next_statuses", next},
       {"has_next", !next.empty()},
       {"outcomes", options_json(ctx, referral_outcomes(), "")},
       {"tribunal", r.kind == "tribunal"}});
  return ctx.page("casework/referral", N_("Referral"), data, status);
}

}  // namespace

Response post_referral(Context& ctx) {
  auto in = http::read_form(
      ctx, {http::Field{"body", 60, false}, http::Field{"other_body", 201, false},
            http::Field{"consent_how", 40, false}, http::Field{"consent_on", 10, false}});
  json typed = json::object();
  for (const auto& [k, v] : in.values) typed[k] = v;
  long long id = case_id(ctx);
  long long rid = 0;
  try {
    storage::Transaction tx(ctx.app.db);
    require(in);
    auto doc = document_language(tx, ctx);
    rid = create_referral(tx, ctx.app.keys, actor_of(ctx), id, in.get("body"), in.get("other_body"),
                          in.get("consent_how"), in.get("consent_on"), ctx.translator(doc.language),
                          now_seconds());
    tx.commit();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unprocessable) throw;
    return render_case(ctx, id, e.fields(), typed, 422);
  }
  return Response::redirect("/cases/" + std::to_string(id) + "/referrals/" + std::to_string(rid));
}

Response referral_page(Context& ctx) {
  return render_referral(ctx, case_id(ctx), referral_id(ctx), {}, json::object(), 200);
}

Response post_referral_draft(Context& ctx) {
  long long id = case_id(ctx), rid = referral_id(ctx);
  std::map<std::string, std::string> sections;
  json typed = json::object();
  for (const auto& [name, value] : ctx.form()) {
    if (name.rfind("section_", 0) == 0) {
      sections[name.substr(8)] = value;
      typed[name] = valid_text(value) ? value : std::string();
    }
  }
  try {
    storage::Transaction tx(ctx.app.db);
    save_draft(tx, ctx.app.keys, actor_of(ctx), id, rid, sections, now_seconds());
    tx.commit();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unprocessable) throw;
    return render_referral(ctx, id, rid, e.fields(), typed, 422);
  }
  return Response::redirect("/cases/" + std::to_string(id) + "/referrals/" + std::to_string(rid) +
                            "#document");
}

// A referral to the office's own bench, once sent, opens the mediation there with what the
// referral document and the report say (mediation/service.hpp).
void open_bench_mediation(const Context& ctx, storage::Transaction& tx, const Actor& a,
                          long long id, long long rid, const std::string& status) {
  if (status != "sent") return;
  auto doc = document_language(tx, ctx);
  auto bench = for_bench(tx, ctx.app.keys, a, id, rid, ctx.translator(doc.language));
  if (bench.kind != "mediation_bench") return;
  mediation::Actor m{a.user_id, a.organisation_id, false, true, a.user_secret};
  std::string language = i18n::find(bench.language) ? bench.language : doc.language;
  mediation::PartyInput complainant{
      "complainant", "person", language, std::nullopt, {bench.name, "", bench.email, bench.phone}};
  mediation::PartyInput other{"other_party",
                              mediation::party_kind_from_report(bench.party_kind),
                              doc.language,
                              std::nullopt,
                              {bench.party_name, "", "", ""}};
  mediation::open_from_referral(tx, ctx.app.keys, m, id, rid, complainant, other, bench.brief,
                                now_seconds());
}

Response post_referral_status(Context& ctx) {
  long long id = case_id(ctx), rid = referral_id(ctx);
  auto in = http::read_form(
      ctx, {http::Field{"referral_status", 40, false}, http::Field{"referral_outcome", 40, false}});
  try {
    storage::Transaction tx(ctx.app.db);
    require(in);
    Actor a = actor_of(ctx);
    set_referral_status(tx, ctx.app.keys, a, id, rid, in.get("referral_status"),
                        in.get("referral_outcome"), now_seconds());
    open_bench_mediation(ctx, tx, a, id, rid, in.get("referral_status"));
    tx.commit();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unprocessable) throw;
    return render_referral(ctx, id, rid, e.fields(), json::object(), 422);
  }
  return Response::redirect("/cases/" + std::to_string(id) + "/referrals/" + std::to_string(rid));
}

Response referral_document(Context& ctx) {
  long long id = case_id(ctx), rid = referral_id(ctx);
  storage::Transaction tx(ctx.app.db);
  auto doc = document_language(tx, ctx);
  std::string pdf = referral_pdf(tx, ctx.app.keys, actor_of(ctx), id, rid,
                                 ctx.translator(doc.language), doc.language, doc.office_name);
  tx.commit();
  Response r = Response::text(std::move(pdf), "application/pdf");
  r.set_header("Content-Disposition",
               "attachment; filename=\"referral-" + std::to_string(rid) + ".pdf\"");
  return r;
}

// ---- JSON API ----

namespace {

json case_api_json(const Context& ctx, const Labels& l, const Case& c) {
  json j = case_json(ctx, l, c);
  // Codes rather than labels where a client computes with them; no page-only members.
  j["area"] = c.row.area;
  j["grounds"] = c.row.grounds;
  for (const char* page_only : {"assignee", "case_id", "has_files", "has_deadlines"}) {
    j.erase(page_only);
  }
  j["erased"] = c.erased_at.has_value();
  j["language"] = c.language;
  j["report"]["grounds"] = c.report.grounds;
  j["report"]["wishes"] = c.report.wishes;
  j["report"]["area"] = c.report.area;
  j["report"]["place_kind"] = c.report.place_kind;
  j["report"]["party_kind"] = c.report.party_kind;
  j["report"]["reporter_type"] = c.report.reporter_type;
  j["report"]["contact_mode"] = c.report.contact_mode;
  j["report"]["affected_consent"] = c.report.affected_consent;
  j["coding"] = {{"grounds", c.coding.grounds},
                 {"forms", c.coding.forms},
                 {"area", c.coding.area},
                 {"event_earliest", c.coding.event_earliest}};
  j["outcome"] = c.outcome.value_or("");
  j["assigned_to"] = c.row.assigned_to ? json(*c.row.assigned_to) : json(nullptr);
  json evidence = json::object();
  for (const auto& [item, state] : c.evidence) evidence[item] = state;
  j["evidence"] = evidence;
  for (auto& t : j["tasks"]) t.erase("assignee");
  for (std::size_t i = 0; i < c.tasks.size(); ++i) {
    j["tasks"][i]["assigned_to"] =
        c.tasks[i].assigned_to ? json(*c.tasks[i].assigned_to) : json(nullptr);
  }
  return j;
}

// Runs one change from a JSON body (an empty body is an empty object). The rules name fields as
// the page's forms do; `renames` gives their names in the API (e.g. note -> body).
template <typename Change>
Response api_change(Context& ctx, int status, Change&& fn,
                    const std::map<std::string, std::string>& renames = {}) {
  json body = ctx.req.body.empty() ? json::object() : http::json_body(ctx);
  long long id = case_id(ctx);
  try {
    storage::Transaction tx(ctx.app.db);
    json out = fn(tx, actor_of(ctx), id, body);
    tx.commit();
    return Response::json(out.dump(), status);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unprocessable || renames.empty()) throw;
    std::map<std::string, std::string> fields;
    for (const auto& [k, v] : e.fields()) {
      auto it = renames.find(k);
      fields[it == renames.end() ? k : it->second] = v;
    }
    throw Error(ErrorKind::unprocessable, e.message(), "", fields);
  }
}

std::optional<long long> json_assignee(const json& body, const char* name,
                                       std::map<std::string, std::string>& errors) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<long long>() <= 0) {
    errors[name] = N_("Choose an advisor or coordinator of this office.");
    return std::nullopt;
  }
  return it->get<long long>();
}

void throw_fields(const std::map<std::string, std::string>& errors) {
  if (!errors.empty()) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", errors);
  }
}

}  // namespace

Response api_list(Context& ctx) {
  Filter f = filter_from_query(ctx);
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  Labels l = labels_for(tx, ctx);
  Page page = list(tx, actor_of(ctx), f, now_seconds());
  json rows = json::array();
  for (const auto& r : page.rows) {
    json j = row_json(ctx, l, r);
    j["grounds"] = r.grounds;
    j["area"] = r.area;
    j["assigned_to"] = r.assigned_to ? json(*r.assigned_to) : json(nullptr);
    j.erase("assignee");
    rows.push_back(j);
  }
  json out{
      {"cases", rows}, {"total", page.total}, {"page", page.page}, {"has_next", page.has_next}};
  return Response::json(out.dump());
}

Response api_read(Context& ctx) {
  storage::Transaction tx(ctx.app.db);
  Labels l = labels_for(tx, ctx);
  Case c = open(tx, ctx.app.keys, actor_of(ctx), case_id(ctx), now_seconds());
  json out = case_api_json(ctx, l, c);
  json referrals = json::array();
  for (const auto& r : referrals_of(tx, actor_of(ctx), c.row.id)) {
    referrals.push_back({{"id", r.id},
                         {"body", r.body},
                         {"kind", r.kind},
                         {"status", r.status},
                         {"outcome", r.outcome},
                         {"created", utc_date(r.created_at)}});
  }
  out["referrals"] = referrals;
  json mediations = json::array();
  for (const auto& m : mediation::of_case(tx, ctx.organisation_id(), c.row.id)) {
    mediations.push_back(
        {{"reference", m.reference},
         {"stage", m.stage},
         {"result", m.result.empty() ? json() : json(m.result)},
         {"follow_up_on", m.follow_up_on.empty() ? json() : json(m.follow_up_on)}});
  }
  out["mediations"] = mediations;
  tx.commit();
  return Response::json(out.dump());
}

Response api_acknowledge(Context& ctx) {
  return api_change(ctx, 200, [&](auto& tx, const Actor& a, long long id, const json& body) {
    std::map<std::string, std::string> errors;
    std::string text = http::json_text(body, "message", errors);
    throw_fields(errors);
    if (!valid_text(text)) {
      throw_fields({{"message", N_("This field contains characters we cannot read.")}});
    } else if (text.size() > intake::kMaxMessage) {
      throw_fields({{"message", N_("This is too long.")}});
    }
    acknowledge(
        tx, ctx.app.keys, a, id,
        [&](const std::string& language) {
          return text.empty() ? acknowledgement_in(ctx, language) : text;
        },
        now_seconds());
    return json{{"acknowledged", true}};
  });
}

Response api_assign(Context& ctx) {
  return api_change(ctx, 200, [&](auto& tx, const Actor& a, long long id, const json& body) {
    std::map<std::string, std::string> errors;
    if (!body.contains("assignee")) {
      errors["assignee"] = N_("Choose an advisor or coordinator of this office.");
    }
    auto who = json_assignee(body, "assignee", errors);
    throw_fields(errors);
    assign(tx, ctx.app.keys, a, id, who, now_seconds());
    return json{{"assigned_to", who ? json(*who) : json(nullptr)}};
  });
}

Response api_status(Context& ctx) {
  return api_change(ctx, 200, [&](auto& tx, const Actor& a, long long id, const json& body) {
    std::map<std::string, std::string> errors;
    std::string to = http::json_text(body, "status", errors);
    std::string outcome = http::json_text(body, "outcome", errors);
    throw_fields(errors);
    move(tx, ctx.app.keys, a, id, to, outcome, now_seconds());
    return json{{"status", to}};
  });
}

Response api_coding(Context& ctx) {
  return api_change(ctx, 200, [&](auto& tx, const Actor& a, long long id, const json& body) {
    std::map<std::string, std::string> errors;
    Coding c{http::json_codes(body, "grounds", errors), http::json_codes(body, "forms", errors),
             http::json_text(body, "area", errors),
             http::json_text(body, "event_earliest", errors)};
    throw_fields(errors);
    code(tx, ctx.app.keys, a, id, c, now_seconds());
    return json{{"grounds", c.grounds},
                {"forms", c.forms},
                {"area", c.area},
                {"event_earliest", c.event_earliest}};
  });
}

Response api_evidence(Context& ctx) {
  return api_change(ctx, 200, [&](auto& tx, const Actor& a, long long id, const json& body) {
    std::map<std::string, std::string> errors;
    std::string item = http::json_text(body, "item", errors);
    std::string state = http::json_text(body, "state", errors);
    throw_fields(errors);
    set_evidence(tx, ctx.app.keys, a, id, item, state, now_seconds());
    return json{{"item", item}, {"state", state}};
  });
}

Response api_note(Context& ctx) {
  return api_change(ctx, 201,
                    [&](auto& tx, const Actor& a, long long id, const json& body) {
                      std::map<std::string, std::string> errors;
                      std::string text = http::json_text(body, "body", errors);
                      throw_fields(errors);
                      return json{{"id", add_note(tx, ctx.app.keys, a, id, text, now_seconds())}};
                    },
                    {{"note", "body"}});
}

Response api_message(Context& ctx) {
  return api_change(
      ctx, 201,
      [&](auto& tx, const Actor& a, long long id, const json& body) {
        std::map<std::string, std::string> errors;
        std::string text = http::json_text(body, "body", errors);
        throw_fields(errors);
        return json{{"id", send_message(tx, ctx.app.keys, a, id, text, now_seconds())}};
      },
      {{"message", "body"}});
}

Response api_task(Context& ctx) {
  return api_change(ctx, 201,
                    [&](auto& tx, const Actor& a, long long id, const json& body) {
                      std::map<std::string, std::string> errors;
                      std::string title = http::json_text(body, "title", errors);
                      std::string due = http::json_text(body, "due_on", errors);
                      auto who = json_assignee(body, "assigned_to", errors);
                      throw_fields(errors);
                      long long task =
                          add_task(tx, ctx.app.keys, a, id, title, due, who, now_seconds());
                      return json{{"id", task}};
                    },
                    {{"task_assignee", "assigned_to"}});
}

Response api_task_done(Context& ctx) {
  long long task = http::parse_id(ctx.param("task"));
  return api_change(ctx, 200, [&](auto& tx, const Actor& a, long long id, const json&) {
    complete_task(tx, ctx.app.keys, a, id, task, now_seconds());
    return json{{"done", true}};
  });
}

Response api_referral_create(Context& ctx) {
  return api_change(ctx, 201, [&](auto& tx, const Actor& a, long long id, const json& body) {
    std::map<std::string, std::string> errors;
    std::string to = http::json_text(body, "body", errors);
    std::string other = http::json_text(body, "other_body", errors);
    std::string how = http::json_text(body, "consent_how", errors);
    std::string on = http::json_text(body, "consent_on", errors);
    throw_fields(errors);
    auto doc = document_language(tx, ctx);
    long long rid = create_referral(tx, ctx.app.keys, a, id, to, other, how, on,
                                    ctx.translator(doc.language), now_seconds());
    return json{{"id", rid}};
  });
}

Response api_referral_read(Context& ctx) {
  storage::Transaction tx(ctx.app.db);
  Referral r = open_referral(tx, ctx.app.keys, actor_of(ctx), case_id(ctx), referral_id(ctx));
  tx.commit();
  json out{{"id", r.id},
           {"body", r.body},
           {"kind", r.kind},
           {"other_body", r.other_body},
           {"consent_how", r.consent_how},
           {"consent_on", r.consent_on},
           {"status", r.status},
           {"outcome", r.outcome},
           {"created", utc_date(r.created_at)},
           {"sent", r.sent_at ? json(utc_date(*r.sent_at)) : json(nullptr)},
           {"sections", r.sections}};
  return Response::json(out.dump());
}

Response api_referral_draft(Context& ctx) {
  long long rid = referral_id(ctx);
  return api_change(ctx, 200, [&](auto& tx, const Actor& a, long long id, const json& body) {
    std::map<std::string, std::string> sections;
    auto it = body.find("sections");
    if (it == body.end() || !it->is_object()) {
      throw_fields({{"sections", N_("This must be an object of texts.")}});
    }
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) throw_fields({{"sections", N_("This must be an object of texts.")}});
      sections[k] = v.template get<std::string>();
    }
    save_draft(tx, ctx.app.keys, a, id, rid, sections, now_seconds());
    return json{{"saved", true}};
  });
}

Response api_referral_status(Context& ctx) {
  long long rid = referral_id(ctx);
  return api_change(ctx, 200,
                    [&](auto& tx, const Actor& a, long long id, const json& body) {
                      std::map<std::string, std::string> errors;
                      std::string status = http::json_text(body, "status", errors);
                      std::string outcome = http::json_text(body, "outcome", errors);
                      throw_fields(errors);
                      set_referral_status(tx, ctx.app.keys, a, id, rid, status, outcome,
                                          now_seconds());
                      open_bench_mediation(ctx, tx, a, id, rid, status);
                      return json{{"status", status}};
                    },
                    {{"referral_status", "status"}, {"referral_outcome", "outcome"}});
}

}  // namespace dime::casework::routes
