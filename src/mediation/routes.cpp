// Mediation pages and API: read the input, call mediation/service in one transaction, render or
// answer JSON, then hand queued invitations to the SMTP server. A form with problems is shown
// again with what was typed and a message per field.
#include "mediation/routes.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <map>

#include "calendar/ical.hpp"
#include "core/clock.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "http/forms.hpp"
#include "i18n/i18n.hpp"
#include "mediation/service.hpp"
#include "organisations/service.hpp"

namespace dime::mediation::routes {

using http::Context;
using http::Response;
using nlohmann::json;

namespace {

Actor actor_of(const Context& ctx) {
  const auto& roles = ctx.session->roles;
  auto has = [&](accounts::Role r) {
    return std::find(roles.begin(), roles.end(), r) != roles.end();
  };
  return {ctx.user_id(), ctx.organisation_id(), has(accounts::Role::mediator),
          has(accounts::Role::coordinator), ctx.user_secret()};
}

organisations::Organisation office_of(storage::Transaction& tx, const Context& ctx) {
  auto org = organisations::find(tx, ctx.organisation_id());
  if (!org) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  return *org;
}

Mailing mailing_of(storage::Transaction& tx, const Context& ctx) {
  Mailing m;
  m.office_name = office_of(tx, ctx).name;
  m.settings = {ctx.app.config.smtp_url, ctx.app.config.mail_from};
  const auto& catalogues = ctx.app.catalogues;
  m.tr = [&catalogues](const std::string& language, std::string_view msgid) {
    return catalogues.translate(language, msgid);
  };
  return m;
}

// After the commit: what the change queued goes out now; what fails is retried by the server.
void send_queued(const Context& ctx) {
  try {
    mail::flush(ctx.app.db, ctx.app.keys, {ctx.app.config.smtp_url, ctx.app.config.mail_from},
                now_seconds());
  } catch (const std::exception& e) {
    spdlog::warn("mail: {}", e.what());
  }
}

long long mediation_id(const Context& ctx) {
  return http::parse_id(ctx.param("id"));
}
long long meeting_id(const Context& ctx) {
  return http::parse_id(ctx.param("meeting"));
}

std::string opt(const Context& ctx, const std::vector<Option>& options, const std::string& code) {
  const char* label = intake::option_label(options, code);
  return *label ? ctx.tr(label) : code;
}

json options_json(const Context& ctx, const std::vector<Option>& options,
                  const std::string& selected = {}) {
  json out = json::array();
  for (const auto& o : options) {
    out.push_back({{"code", o.code}, {"label", ctx.tr(o.label)}, {"selected", selected == o.code}});
  }
  return out;
}

json languages_json(const std::string& selected) {
  json out = json::array();
  for (const auto& l : i18n::languages()) {
    out.push_back({{"code", l.code}, {"label", l.native_name}, {"selected", l.code == selected}});
  }
  return out;
}

std::string local_time(long long t, const std::string& zone) {
  std::string s = calendar::utc_to_local(t, zone);
  s[10] = ' ';
  return s;
}

std::map<long long, std::string> staff_names(storage::Transaction& tx, const Context& ctx) {
  std::map<long long, std::string> out;
  for (auto& [id, name] : mediators_of(tx, ctx.app.keys, ctx.organisation_id())) out[id] = name;
  return out;
}

std::string name_of(const Context& ctx, const std::map<long long, std::string>& names,
                    long long id) {
  auto it = names.find(id);
  return it != names.end() ? it->second : ctx.tr(N_("a former colleague"));
}

std::string event_label(const Context& ctx, const Event& e) {
  static const std::map<std::string, const char*> kLabels{
      {"opened", N_("Mediation opened")},
      {"mediator", N_("Mediator assigned")},
      {"declaration", N_("Conflict-of-interest declaration")},
      {"contact", N_("First contact with the other party")},
      {"party", N_("Party added")},
      {"party_changed", N_("Party's details corrected")},
      {"consent", N_("Consent recorded")},
      {"note", N_("Journal entry added")},
      {"meeting", N_("Meeting")},
      {"invitation", N_("Invitation e-mailed")},
      {"agreement", N_("Agreement recorded")},
      {"closed", N_("Mediation closed")},
      {"erased", N_("Personal data erased")},
  };
  auto it = kLabels.find(e.kind);
  std::string out = it == kLabels.end() ? e.kind : ctx.tr(it->second);
  if (e.kind == "closed") out += ": " + opt(ctx, results(), e.detail);
  if (e.kind == "meeting") {
    auto space = e.detail.find(' ');
    std::string what = space == std::string::npos ? "" : e.detail.substr(space + 1);
    static const std::map<std::string, const char*> kMeeting{{"scheduled", N_("scheduled")},
                                                             {"moved", N_("moved")},
                                                             {"cancelled", N_("cancelled")},
                                                             {"held", N_("held")}};
    auto m = kMeeting.find(what);
    if (m != kMeeting.end()) out += " " + ctx.tr(m->second);
  }
  return out;
}

json summary_json(const Context& ctx, const std::map<long long, std::string>& names,
                  const Summary& s, const std::string& zone, long long now) {
  json mediators = json::array();
  for (long long m : s.mediators) mediators.push_back(name_of(ctx, names, m));
  json j{{"id", s.id},
         {"reference", s.reference},
         {"stage", s.stage},
         {"stage_label", opt(ctx, stages(), s.stage)},
         {"result", s.result},
         {"result_label", s.result.empty() ? std::string() : opt(ctx, results(), s.result)},
         {"case_reference", s.case_reference},
         {"opened", utc_date(s.created_at)},
         {"updated", utc_date(s.updated_at)},
         {"mediators", mediators},
         {"declaration_due", s.declaration_due},
         {"follow_up_on", s.follow_up_on},
         {"next_meeting", s.next_meeting_at ? local_time(*s.next_meeting_at, zone) : ""}};
  if (!s.follow_up_on.empty() && s.stage == "follow_up") {
    auto due = parse_date(s.follow_up_on);
    j["follow_up_overdue"] = due && *due < date_of(now);
  }
  return j;
}

std::string zone_of(storage::Transaction& tx, const Context& ctx) {
  return organisations::timezone_for_jurisdiction(office_of(tx, ctx).jurisdiction);
}

// ---- The mediation page ----

// The party's row, with its correction form: what was typed and the problems come back under
// "party<id>_<field>" after a 422.
json party_json(const Context& ctx, const Party& p, const std::vector<Party>& all,
                const std::map<std::string, std::string>& errors, const json& typed) {
  const auto* language = i18n::find(p.language);
  std::string with;
  if (p.for_party) {
    for (const auto& o : all) {
      if (o.id == *p.for_party) with = o.details.name;
    }
  }
  std::string consent;
  if (!p.consent_on.empty())
    consent = p.consent_on + ", " + opt(ctx, consent_ways(), p.consent_how);
  const std::string prefix = "party" + std::to_string(p.id) + "_";
  json fields = json::array();
  static const std::vector<std::pair<const char*, const char*>> kFields{
      {"name", N_("Name")},
      {"organisation", N_("Employer, business or public body")},
      {"email", N_("E-mail")},
      {"phone", N_("Phone")}};
  const std::map<std::string, std::string> current{{"name", p.details.name},
                                                   {"organisation", p.details.organisation},
                                                   {"email", p.details.email},
                                                   {"phone", p.details.phone}};
  bool open = false;
  for (const auto& [field, label] : kFields) {
    std::string key = prefix + field;
    auto e = errors.find(key);
    open |= e != errors.end();
    std::string value = typed.contains(key) && typed[key].is_string()
                            ? typed[key].get<std::string>()
                            : current.at(field);
    fields.push_back({{"id", key},
                      {"field", field},
                      {"label", ctx.tr(label)},
                      {"value", value},
                      {"type", std::string(field) == "email" ? "email" : "text"},
                      {"error", e == errors.end() ? std::string() : ctx.tr(e->second)}});
  }
  return {{"id", p.id},
          {"fields", fields},
          {"edit_open", open},
          {"languages", languages_json(p.language)},
          {"role", p.role},
          {"role_label", opt(ctx, party_roles(), p.role)},
          {"kind_label", opt(ctx, party_kinds(), p.kind)},
          {"name", p.details.name},
          {"organisation", p.details.organisation},
          {"email", p.details.email},
          {"phone", p.details.phone},
          {"language", language ? language->native_name : p.language},
          {"with", with},
          {"principal", p.principal()},
          {"consent", consent},
          {"withdrawn_on", p.withdrawn_on},
          {"can_consent", p.principal() && !p.consents() && p.withdrawn_on.empty()}};
}

Response render_declaration(Context& ctx, storage::Transaction& tx, long long id, const Actor& a) {
  auto d = for_declaration(tx, ctx.app.keys, a, id);
  tx.commit();  // the read is audited
  json parties = json::array();
  for (const auto& [role, who] : d.parties) {
    parties.push_back({{"role", opt(ctx, party_roles(), role)}, {"who", who}});
  }
  return ctx.page("mediation/declaration", N_("Conflict of interest"),
                  {{"id", id}, {"reference", d.reference}, {"parties", parties}});
}

Response render(Context& ctx, long long id, const std::map<std::string, std::string>& errors,
                const json& typed, int status) {
  storage::Transaction tx(ctx.app.db);
  Actor a = actor_of(ctx);
  long long now = now_seconds();
  if (must_declare(tx, a, id)) return render_declaration(ctx, tx, id, a);
  Mediation m = open(tx, ctx.app.keys, a, id, now);
  auto names = staff_names(tx, ctx);
  const std::string zone = m.timezone;
  tx.commit();  // the read is audited

  bool mine = std::any_of(m.mediators.begin(), m.mediators.end(), [&](const Mediator& x) {
    return x.user_id == a.user_id && x.declaration == "no_conflict";
  });
  bool closed = m.summary.stage == "closed";
  bool erased = m.erased_at.has_value();
  bool can_change = mine && !closed && !erased;
  auto typed_text = [&](const char* name) {
    return typed.contains(name) && typed[name].is_string() ? typed[name].get<std::string>()
                                                           : std::string();
  };

  json data = summary_json(ctx, names, m.summary, zone, now);
  data["mediation_id"] = m.summary.id;
  data["brief"] = m.brief;
  data["closed"] = closed;
  data["erased"] = erased;
  data["can_change"] = can_change;
  data["today"] = utc_date(now);
  data["timezone"] = zone;

  json stage_list = json::array();
  int current = 0;
  for (std::size_t i = 0; i < stages().size(); ++i) {
    if (m.summary.stage == stages()[i].code) current = static_cast<int>(i);
  }
  for (std::size_t i = 0; i < stages().size(); ++i) {
    stage_list.push_back({{"label", ctx.tr(stages()[i].label)},
                          {"done", static_cast<int>(i) < current},
                          {"current", static_cast<int>(i) == current}});
  }
  data["stages"] = stage_list;

  json parties = json::array(), principals = json::array(), participants = json::array();
  for (const auto& p : m.parties) {
    parties.push_back(party_json(ctx, p, m.parties, errors, typed));
    if (p.principal()) {
      principals.push_back(
          {{"id", p.id}, {"label", p.details.name + " (" + opt(ctx, party_roles(), p.role) + ")"}});
    }
    // Everyone is invited unless the form came back with a choice (422).
    bool chosen =
        !typed.contains("parties") || std::find(typed["parties"].begin(), typed["parties"].end(),
                                                std::to_string(p.id)) != typed["parties"].end();
    participants.push_back(
        {{"id", p.id},
         {"label", p.details.name + " (" + opt(ctx, party_roles(), p.role) + ")"},
         {"selected", chosen}});
  }
  data["parties"] = parties;
  data["can_record_consent"] = std::any_of(m.parties.begin(), m.parties.end(), [](const Party& p) {
    return p.principal() && !p.consents() && p.withdrawn_on.empty();
  });
  data["principals"] = principals;
  data["has_principals"] = !principals.empty();
  data["participants"] = participants;

  json mediators = json::array();
  for (const auto& md : m.mediators) {
    std::string state = md.declaration == "no_conflict" ? ctx.tr(N_("no conflict of interest"))
                        : md.declaration == "conflict" ? ctx.tr(N_("declared a conflict: withdrew"))
                                                       : ctx.tr(N_("declaration due"));
    mediators.push_back({{"name", name_of(ctx, names, md.user_id)}, {"state", state}});
  }
  data["mediator_list"] = mediators;
  int active = 0;
  for (const auto& md : m.mediators) active += md.declaration != "conflict";
  data["can_assign"] = !closed && !erased && active < kMaxMediators && (a.supervisor || mine);
  json office_mediators = json::array();
  for (const auto& entry : names) {
    long long uid = entry.first;
    bool taken = std::any_of(m.mediators.begin(), m.mediators.end(),
                             [uid](const Mediator& x) { return x.user_id == uid; });
    if (!taken) office_mediators.push_back({{"id", uid}, {"name", entry.second}});
  }
  data["office_mediators"] = office_mediators;

  data["contacted_on"] = m.contacted_on;
  data["contact_how"] = m.contact_how.empty() ? "" : opt(ctx, contact_ways(), m.contact_how);
  data["show_contact_form"] = can_change && m.contacted_on.empty();
  data["all_consent"] = m.all_consent;
  data["can_schedule"] = can_change && m.all_consent;
  data["needs_consent"] = can_change && !m.all_consent;

  json meetings = json::array();
  for (const auto& mt : m.meetings) {
    json who = json::array(), choose = json::array();
    for (const auto& p : m.parties) {
      bool in = std::find(mt.parties.begin(), mt.parties.end(), p.id) != mt.parties.end();
      if (in) who.push_back(p.details.name);
      choose.push_back({{"id", p.id}, {"label", p.details.name}, {"selected", in}});
    }
    std::string status_label = mt.status == "held"        ? ctx.tr(N_("Held"))
                               : mt.status == "cancelled" ? ctx.tr(N_("Cancelled"))
                                                          : ctx.tr(N_("Scheduled"));
    bool scheduled = mt.status == "scheduled";
    meetings.push_back({{"id", mt.id},
                        {"meeting_id", mt.id},
                        {"when", local_time(mt.starts_at, mt.timezone) + "–" +
                                     local_time(mt.ends_at, mt.timezone).substr(11)},
                        {"starts_local", calendar::utc_to_local(mt.starts_at, mt.timezone)},
                        {"minutes", (mt.ends_at - mt.starts_at) / 60},
                        {"place", mt.place},
                        {"interpreter", mt.interpreter_language},
                        {"status_label", status_label},
                        {"who", who},
                        {"choose", choose},
                        {"can_move", can_change && scheduled},
                        {"can_hold", can_change && scheduled && mt.starts_at <= now},
                        {"sequence", mt.sequence}});
  }
  data["meetings"] = meetings;
  data["has_meetings"] = !meetings.empty();
  data["mail_enabled"] = !ctx.app.config.smtp_url.empty() && !ctx.app.config.mail_from.empty();
  data["invite_checked"] = !typed.contains("starts") || typed_text("email") == "yes";

  json notes = json::array();
  for (const auto& n : m.notes) {
    notes.push_back({{"kind", opt(ctx, note_kinds(), n.kind)},
                     {"body", n.body},
                     {"author", name_of(ctx, names, n.author_user_id)},
                     {"at", local_time(n.created_at, zone)}});
  }
  data["notes"] = notes;

  bool at_meeting = m.summary.stage == "meeting" && m.meeting_held;
  data["can_agree"] = can_change && at_meeting && m.all_consent;
  data["can_no_agreement"] = can_change && at_meeting;
  data["can_outcome"] = can_change && m.summary.stage == "follow_up";
  if (m.agreement) {
    json items = json::array();
    for (const auto& item : agreement_items()) {
      auto it = m.agreement->items.find(item.code);
      if (it != m.agreement->items.end()) {
        items.push_back({{"label", ctx.tr(item.label)}, {"text", it->second}});
      }
    }
    data["agreement"] = {{"items", items}, {"fulfil_by", m.agreement->fulfil_by}};
  }
  json item_fields = json::array();
  for (const auto& item : agreement_items()) {
    std::string field = std::string("item_") + item.code;
    item_fields.push_back({{"code", item.code},
                           {"label", ctx.tr(item.label)},
                           {"text", typed_text(field.c_str())},
                           {"error", errors.count(field) ? ctx.tr(errors.at(field)) : ""}});
  }
  data["item_fields"] = item_fields;

  json events = json::array();
  for (const auto& e : m.events) {
    if (e.kind == "invitation") continue;  // one line per e-mail is noise on the page
    events.push_back({{"at", local_time(e.at, zone)}, {"label", event_label(ctx, e)}});
  }
  data["events"] = events;

  data["contact_ways"] = options_json(ctx, contact_ways(), typed_text("contact_how"));
  data["consent_ways"] = options_json(ctx, consent_ways(), typed_text("consent_how"));
  data["party_roles"] = options_json(ctx, party_roles(), typed_text("role"));
  data["party_kinds"] = options_json(ctx, party_kinds(), typed_text("kind"));
  data["note_kinds"] = options_json(ctx, note_kinds(), typed_text("note_kind"));
  data["outcomes"] = options_json(ctx, agreement_outcomes());
  std::string lang = typed_text("language");
  data["languages"] = languages_json(lang.empty() ? ctx.lang : lang);
  for (const auto& [k, v] : typed.items()) {
    if (v.is_string()) data["typed_" + k] = v;
  }
  data.update(http::error_data(ctx, errors));
  return ctx.page("mediation/mediation", N_("Mediation"), data, status);
}

// Runs a change from a page form: 422 shows the page again with the problems.
template <typename Change>
Response form_change(Context& ctx, const http::FormInput& in, const char* anchor, bool mail,
                     Change&& fn) {
  long long id = mediation_id(ctx);
  try {
    if (!in.ok()) {
      throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", in.errors);
    }
    storage::Transaction tx(ctx.app.db);
    fn(tx, actor_of(ctx), id);
    tx.commit();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unprocessable) throw;
    json typed = json::object();
    for (const auto& [k, v] : in.values) typed[k] = v;
    if (in.values.count("starts")) typed["parties"] = ctx.field_values("parties");  // meetings
    return render(ctx, id, e.fields(), typed, 422);
  }
  if (mail) send_queued(ctx);
  return Response::redirect("/mediations/" + std::to_string(id) + anchor);
}

// A party id from a select; 0 (no such party) when it is not a number.
long long party_field(const std::string& text) {
  return parse_integer(text).value_or(0);
}

MeetingInput meeting_from_form(Context& ctx, const http::FormInput& in) {
  MeetingInput m;
  m.starts = in.get("starts");
  m.minutes = static_cast<int>(parse_integer(in.get("minutes")).value_or(0));
  m.place = in.get("place");
  m.interpreter_language = in.get("interpreter_language");
  for (const auto& p : ctx.field_values("parties")) m.parties.push_back(party_field(p));
  m.email = in.get("email") == "yes";
  return m;
}

std::initializer_list<http::Field> meeting_fields() {
  static const std::initializer_list<http::Field> kFields{{"starts", 20, false},
                                                          {"minutes", 4, false},
                                                          {"place", kMaxPlace, false},
                                                          {"interpreter_language", 60, false},
                                                          {"email", 3, false}};
  return kFields;
}

}  // namespace

// ---- Pages ----

Response list_page(Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  Actor a = actor_of(ctx);
  long long now = now_seconds();
  auto rows = list(tx, a, now);
  auto names = staff_names(tx, ctx);
  std::string zone = zone_of(tx, ctx);
  json out = json::array();
  for (const auto& s : rows) out.push_back(summary_json(ctx, names, s, zone, now));
  json data{{"rows", out}, {"empty", out.empty()}, {"can_start", a.mediator}};
  if (a.supervisor) {
    // This year so far, for the coordinator: the figures the statistics module builds on.
    Date today = date_of(now);
    auto year = std::chrono::year_month_day(today).year();
    long long from =
        std::chrono::sys_seconds(std::chrono::sys_days(year / 1 / 1)).time_since_epoch().count();
    auto st = statistics(tx, ctx.organisation_id(), from, now + 1);
    auto pct = [](const std::optional<double>& r) {
      return r ? std::to_string(std::lround(*r * 100)) + " %" : std::string("–");
    };
    auto days = [](const std::optional<double>& d) {
      return d ? std::to_string(std::lround(*d)) : std::string("–");
    };
    data["statistics"] = {{"year", static_cast<int>(year)},
                          {"opened", st.opened},
                          {"consented", st.consented},
                          {"met", st.met},
                          {"agreements", st.agreements},
                          {"agreement_rate", pct(st.agreement_rate)},
                          {"fulfilment_rate", pct(st.fulfilment_rate)},
                          {"days_to_consent", days(st.days_to_consent)},
                          {"days_to_meeting", days(st.days_to_meeting)},
                          {"days_to_agreement", days(st.days_to_agreement)}};
  }
  return ctx.page("mediation/list", N_("Mediations"), data);
}

namespace {
Response render_new(Context& ctx, const std::map<std::string, std::string>& errors,
                    const std::map<std::string, std::string>& typed, int status) {
  json data = json::object();
  for (const auto& [k, v] : typed) data["typed_" + k] = v;
  auto typed_or = [&](const char* k, const std::string& d) {
    auto it = typed.find(k);
    return it == typed.end() || it->second.empty() ? d : it->second;
  };
  data["complainant_languages"] = languages_json(typed_or("complainant_language", ctx.lang));
  data["other_languages"] = languages_json(typed_or("other_language", ctx.lang));
  data["party_kinds"] = options_json(ctx, party_kinds(), typed_or("other_kind", ""));
  data.update(http::error_data(ctx, errors));
  return ctx.page("mediation/new", N_("Start a mediation"), data, status);
}
}  // namespace

Response new_form(Context& ctx) {
  return render_new(ctx, {}, {}, 200);
}

Response post_start(Context& ctx) {
  auto in = http::read_form(ctx, {{"complainant_name", 200, false},
                                  {"complainant_email", 254, false},
                                  {"complainant_phone", 40, false},
                                  {"complainant_language", 10, false},
                                  {"other_kind", 40, false},
                                  {"other_name", 200, false},
                                  {"other_organisation", 200, false},
                                  {"other_email", 254, false},
                                  {"other_phone", 40, false},
                                  {"other_language", 10, false},
                                  {"brief", kMaxBrief, false},
                                  {"no_conflict", 3, false}});
  long long id = 0;
  try {
    if (!in.ok()) {
      throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", in.errors);
    }
    PartyInput c{
        "complainant",
        "person",
        in.get("complainant_language"),
        std::nullopt,
        {in.get("complainant_name"), "", in.get("complainant_email"), in.get("complainant_phone")}};
    PartyInput o{"other_party",
                 in.get("other_kind"),
                 in.get("other_language"),
                 std::nullopt,
                 {in.get("other_name"), in.get("other_organisation"), in.get("other_email"),
                  in.get("other_phone")}};
    storage::Transaction tx(ctx.app.db);
    id = start(tx, ctx.app.keys, actor_of(ctx), c, o, in.get("brief"),
               in.get("no_conflict") == "yes", now_seconds());
    tx.commit();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unprocessable) throw;
    return render_new(ctx, e.fields(), in.values, 422);
  }
  return Response::redirect("/mediations/" + std::to_string(id));
}

Response page(Context& ctx) {
  return render(ctx, mediation_id(ctx), {}, json::object(), 200);
}

Response post_declaration(Context& ctx) {
  auto in = http::read_form(ctx, {{"declaration", 20, true}});
  long long id = mediation_id(ctx);
  const std::string& d = in.ok() ? in.get("declaration") : std::string();
  if (d != "no_conflict" && d != "conflict") {
    throw Error(ErrorKind::bad_request, N_("The request is not valid."), "declaration");
  }
  storage::Transaction tx(ctx.app.db);
  declare(tx, ctx.app.keys, actor_of(ctx), id, d == "no_conflict", now_seconds());
  tx.commit();
  // After declaring a conflict the mediation is no longer theirs: back to the list.
  return Response::redirect(d == "no_conflict" ? "/mediations/" + std::to_string(id)
                                               : "/mediations");
}

Response post_mediator(Context& ctx) {
  auto in = http::read_form(ctx, {{"mediator", 20, true}});
  return form_change(ctx, in, "#mediators", false, [&](auto& tx, const Actor& a, long long id) {
    assign(tx, ctx.app.keys, a, id, party_field(in.get("mediator")), now_seconds());
  });
}

Response post_contact(Context& ctx) {
  auto in = http::read_form(ctx, {{"contacted_on", 10, true}, {"contact_how", 20, true}});
  return form_change(ctx, in, "#stage", false, [&](auto& tx, const Actor& a, long long id) {
    record_contact(tx, ctx.app.keys, a, id, in.get("contacted_on"), in.get("contact_how"),
                   now_seconds());
  });
}

Response post_party(Context& ctx) {
  auto in = http::read_form(ctx, {{"role", 20, true},
                                  {"kind", 20, true},
                                  {"for_party", 20, false},
                                  {"language", 10, true},
                                  {"name", 200, true},
                                  {"organisation", 200, false},
                                  {"email", 254, false},
                                  {"phone", 40, false}});
  return form_change(ctx, in, "#party-section", false, [&](auto& tx, const Actor& a, long long id) {
    PartyInput p{in.get("role"),
                 in.get("kind"),
                 in.get("language"),
                 std::nullopt,
                 {in.get("name"), in.get("organisation"), in.get("email"), in.get("phone")}};
    if (!in.get("for_party").empty()) p.for_party = party_field(in.get("for_party"));
    add_party(tx, ctx.app.keys, a, id, p, now_seconds());
  });
}

Response post_party_update(Context& ctx) {
  long long party = http::parse_id(ctx.param("party"));
  auto in = http::read_form(ctx, {{"name", 200, true},
                                  {"organisation", 200, false},
                                  {"email", 254, false},
                                  {"phone", 40, false},
                                  {"language", 10, true}});
  long long id = mediation_id(ctx);
  const std::string prefix = "party" + std::to_string(party) + "_";
  try {
    if (!in.ok()) {
      throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", in.errors);
    }
    storage::Transaction tx(ctx.app.db);
    update_party(tx, ctx.app.keys, actor_of(ctx), id, party,
                 {in.get("name"), in.get("organisation"), in.get("email"), in.get("phone")},
                 in.get("language"), now_seconds());
    tx.commit();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unprocessable) throw;
    // The fields of this party's form are named after the party on the page.
    std::map<std::string, std::string> errors;
    for (const auto& [k, v] : e.fields()) errors[prefix + k] = v;
    json typed = json::object();
    for (const auto& [k, v] : in.values) typed[prefix + k] = v;
    return render(ctx, id, errors, typed, 422);
  }
  return Response::redirect("/mediations/" + std::to_string(id) + "#party-section");
}

Response post_consent(Context& ctx) {
  auto in = http::read_form(
      ctx, {{"party", 20, true}, {"consent_on", 10, true}, {"consent_how", 20, true}});
  return form_change(ctx, in, "#party-section", false, [&](auto& tx, const Actor& a, long long id) {
    record_consent(tx, ctx.app.keys, a, id, party_field(in.get("party")), in.get("consent_on"),
                   in.get("consent_how"), now_seconds());
  });
}

Response post_withdrawal(Context& ctx) {
  auto in = http::read_form(ctx, {{"party", 20, true}, {"withdrawn_on", 10, true}});
  return form_change(ctx, in, "#stage", true, [&](auto& tx, const Actor& a, long long id) {
    end_by_party(tx, ctx.app.keys, a, id, party_field(in.get("party")), in.get("withdrawn_on"),
                 mailing_of(tx, ctx), now_seconds());
  });
}

Response post_note(Context& ctx) {
  auto in = http::read_form(ctx, {{"note_kind", 20, true}, {"note", kMaxNote, true}});
  return form_change(ctx, in, "#journal", false, [&](auto& tx, const Actor& a, long long id) {
    add_note(tx, ctx.app.keys, a, id, in.get("note_kind"), in.get("note"), now_seconds());
  });
}

Response post_meeting(Context& ctx) {
  auto in = http::read_form(ctx, meeting_fields());
  return form_change(ctx, in, "#meetings", true, [&](auto& tx, const Actor& a, long long id) {
    schedule(tx, ctx.app.keys, a, id, meeting_from_form(ctx, in), mailing_of(tx, ctx),
             now_seconds());
  });
}

Response post_reschedule(Context& ctx) {
  auto in = http::read_form(ctx, meeting_fields());
  long long meeting = meeting_id(ctx);
  return form_change(ctx, in, "#meetings", true, [&](auto& tx, const Actor& a, long long id) {
    reschedule(tx, ctx.app.keys, a, id, meeting, meeting_from_form(ctx, in), mailing_of(tx, ctx),
               now_seconds());
  });
}

Response post_cancel(Context& ctx) {
  auto in = http::read_form(ctx, {});
  long long meeting = meeting_id(ctx);
  return form_change(ctx, in, "#meetings", true, [&](auto& tx, const Actor& a, long long id) {
    cancel(tx, ctx.app.keys, a, id, meeting, mailing_of(tx, ctx), now_seconds());
  });
}

Response post_held(Context& ctx) {
  auto in = http::read_form(ctx, {});
  long long meeting = meeting_id(ctx);
  return form_change(ctx, in, "#meetings", false, [&](auto& tx, const Actor& a, long long id) {
    mark_held(tx, ctx.app.keys, a, id, meeting, now_seconds());
  });
}

Response meeting_calendar(Context& ctx) {
  long long id = mediation_id(ctx), meeting = meeting_id(ctx);
  storage::Transaction tx(ctx.app.db);
  auto office = office_of(tx, ctx);
  std::string ics = meeting_ics(tx, ctx.app.keys, actor_of(ctx), id, meeting, office.name,
                                ctx.translator(office.default_language), now_seconds());
  tx.commit();
  Response r = Response::text(std::move(ics), "text/calendar; charset=utf-8");
  r.set_header("Content-Disposition",
               "attachment; filename=\"meeting-" + std::to_string(meeting) + ".ics\"");
  return r;
}

Response post_agreement(Context& ctx) {
  auto in = http::read_form(ctx, {{"item_apology", kMaxAgreementItem, false},
                                  {"item_changed_practice", kMaxAgreementItem, false},
                                  {"item_training", kMaxAgreementItem, false},
                                  {"item_compensation", kMaxAgreementItem, false},
                                  {"item_future_conduct", kMaxAgreementItem, false},
                                  {"item_other", kMaxAgreementItem, false},
                                  {"fulfil_by", 10, true}});
  return form_change(ctx, in, "#agreement", false, [&](auto& tx, const Actor& a, long long id) {
    Agreement ag;
    for (const auto& item : agreement_items())
      ag.items[item.code] = in.get(std::string("item_") + item.code);
    ag.fulfil_by = in.get("fulfil_by");
    record_agreement(tx, ctx.app.keys, a, id, ag, now_seconds());
  });
}

Response post_no_agreement(Context& ctx) {
  auto in = http::read_form(ctx, {});
  return form_change(ctx, in, "#stage", true, [&](auto& tx, const Actor& a, long long id) {
    record_no_agreement(tx, ctx.app.keys, a, id, mailing_of(tx, ctx), now_seconds());
  });
}

Response post_outcome(Context& ctx) {
  auto in = http::read_form(ctx, {{"outcome", 20, true}});
  return form_change(ctx, in, "#stage", false, [&](auto& tx, const Actor& a, long long id) {
    record_outcome(tx, ctx.app.keys, a, id, in.get("outcome"), now_seconds());
  });
}

Response agreement_document(Context& ctx) {
  long long id = mediation_id(ctx);
  storage::Transaction tx(ctx.app.db);
  auto office = office_of(tx, ctx);
  std::string pdf = agreement_pdf(tx, ctx.app.keys, actor_of(ctx), id, office.name,
                                  ctx.translator(office.default_language), now_seconds());
  tx.commit();
  Response r = Response::text(std::move(pdf), "application/pdf");
  r.set_header("Content-Disposition",
               "attachment; filename=\"agreement-" + std::to_string(id) + ".pdf\"");
  return r;
}

// ---- JSON API ----

namespace {

json mediation_api_json(const Mediation& m) {
  const auto& s = m.summary;
  json parties = json::array();
  for (const auto& p : m.parties) {
    json j{{"id", p.id},
           {"role", p.role},
           {"kind", p.kind},
           {"language", p.language},
           {"name", p.details.name},
           {"organisation", p.details.organisation},
           {"email", p.details.email},
           {"phone", p.details.phone},
           {"consent_on", p.consent_on.empty() ? json() : json(p.consent_on)},
           {"consent_how", p.consent_how.empty() ? json() : json(p.consent_how)},
           {"withdrawn_on", p.withdrawn_on.empty() ? json() : json(p.withdrawn_on)}};
    j["for_party"] = p.for_party ? json(*p.for_party) : json();
    parties.push_back(j);
  }
  json mediators = json::array();
  for (const auto& md : m.mediators) {
    mediators.push_back({{"user_id", md.user_id},
                         {"declaration", md.declaration.empty() ? json() : json(md.declaration)}});
  }
  json meetings = json::array();
  for (const auto& mt : m.meetings) {
    meetings.push_back({{"id", mt.id},
                        {"uid", mt.uid},
                        {"sequence", mt.sequence},
                        {"starts", calendar::utc_to_local(mt.starts_at, mt.timezone)},
                        {"ends", calendar::utc_to_local(mt.ends_at, mt.timezone)},
                        {"starts_at", mt.starts_at},
                        {"ends_at", mt.ends_at},
                        {"timezone", mt.timezone},
                        {"place", mt.place},
                        {"interpreter_language", mt.interpreter_language},
                        {"status", mt.status},
                        {"parties", mt.parties}});
  }
  json notes = json::array();
  for (const auto& n : m.notes) {
    notes.push_back({{"id", n.id},
                     {"kind", n.kind},
                     {"body", n.body},
                     {"author_user_id", n.author_user_id},
                     {"created_at", n.created_at}});
  }
  json events = json::array();
  for (const auto& e : m.events) {
    events.push_back({{"at", e.at}, {"kind", e.kind}, {"detail", e.detail}});
  }
  auto opt_time = [](const std::optional<long long>& t) { return t ? json(*t) : json(); };
  json out{{"id", s.id},
           {"reference", s.reference},
           {"stage", s.stage},
           {"result", s.result.empty() ? json() : json(s.result)},
           {"case_reference", s.case_reference.empty() ? json() : json(s.case_reference)},
           {"created_at", s.created_at},
           {"updated_at", s.updated_at},
           {"brief", m.brief},
           {"contacted_on", m.contacted_on.empty() ? json() : json(m.contacted_on)},
           {"contact_how", m.contact_how.empty() ? json() : json(m.contact_how)},
           {"consented_at", opt_time(m.consented_at)},
           {"first_meeting_at", opt_time(m.first_meeting_at)},
           {"agreement_at", opt_time(m.agreement_at)},
           {"closed_at", opt_time(m.closed_at)},
           {"erased_at", opt_time(m.erased_at)},
           {"follow_up_on", s.follow_up_on.empty() ? json() : json(s.follow_up_on)},
           {"all_consent", m.all_consent},
           {"parties", parties},
           {"mediators", mediators},
           {"meetings", meetings},
           {"notes", notes},
           {"events", events}};
  if (m.agreement) {
    out["agreement"] = {{"items", m.agreement->items}, {"fulfil_by", m.agreement->fulfil_by}};
  } else {
    out["agreement"] = nullptr;
  }
  return out;
}

template <typename Change>
// Runs a change from the API. The rules name fields as the page forms do; `renames` gives the
// body's own names for them (e.g. consent_on -> on), so the problems name what was sent.
Response api_change(Context& ctx, int status, bool mail, Change&& fn,
                    const std::map<std::string, std::string>& renames = {}) {
  json body = ctx.req.body.empty() ? json::object() : http::json_body(ctx);
  long long id = mediation_id(ctx);
  try {
    storage::Transaction tx(ctx.app.db);
    json out = fn(tx, actor_of(ctx), id, body);
    tx.commit();
    if (mail) send_queued(ctx);
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

// A whole number member (an id or a count), or 0 with a problem when it is not one.
long long json_number(const json& body, const char* name, std::map<std::string, std::string>& e) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return 0;
  if (!it->is_number_integer()) {
    e[name] = N_("This must be a whole number.");
    return 0;
  }
  return it->get<long long>();
}

bool json_flag(const json& body, const char* name, std::map<std::string, std::string>& e) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean()) {
    e[name] = N_("This must be true or false.");
    return false;
  }
  return it->get<bool>();
}

void throw_if(const std::map<std::string, std::string>& e) {
  if (!e.empty()) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", e);
  }
}

PartyInput party_from_json(const json& body, const std::string& role,
                           std::map<std::string, std::string>& e) {
  PartyInput p;
  p.role = role.empty() ? http::json_text(body, "role", e) : role;
  p.kind = http::json_text(body, "kind", e);
  p.language = http::json_text(body, "language", e);
  p.details.name = http::json_text(body, "name", e);
  p.details.organisation = http::json_text(body, "organisation", e);
  p.details.email = http::json_text(body, "email", e);
  p.details.phone = http::json_text(body, "phone", e);
  if (long long f = json_number(body, "for_party", e)) p.for_party = f;
  return p;
}

MeetingInput meeting_from_json(const json& body, std::map<std::string, std::string>& e) {
  MeetingInput m;
  m.starts = http::json_text(body, "starts", e);
  m.minutes = static_cast<int>(json_number(body, "minutes", e));
  m.place = http::json_text(body, "place", e);
  m.interpreter_language = http::json_text(body, "interpreter_language", e);
  m.email = json_flag(body, "email", e);
  auto it = body.find("parties");
  if (it != body.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > 20) {
      e["parties"] = N_("Choose who takes part.");
    } else {
      for (const auto& p : *it) {
        if (!p.is_number_integer()) {
          e["parties"] = N_("Choose who takes part.");
          break;
        }
        m.parties.push_back(p.get<long long>());
      }
    }
  }
  return m;
}

}  // namespace

Response api_list(Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  Actor a = actor_of(ctx);
  long long now = now_seconds();
  json out = json::array();
  for (const auto& s : list(tx, a, now)) {
    out.push_back({{"id", s.id},
                   {"reference", s.reference},
                   {"stage", s.stage},
                   {"result", s.result.empty() ? json() : json(s.result)},
                   {"case_reference", s.case_reference.empty() ? json() : json(s.case_reference)},
                   {"created_at", s.created_at},
                   {"updated_at", s.updated_at},
                   {"follow_up_on", s.follow_up_on.empty() ? json() : json(s.follow_up_on)},
                   {"next_meeting_at", s.next_meeting_at ? json(*s.next_meeting_at) : json()},
                   {"mediators", s.mediators},
                   {"declaration_due", s.declaration_due}});
  }
  return Response::json(json{{"mediations", out}}.dump());
}

Response api_start(Context& ctx) {
  json body = http::json_body(ctx);
  std::map<std::string, std::string> e;
  auto member = [&](const char* name) {
    auto it = body.find(name);
    if (it != body.end() && !it->is_object()) e[name] = N_("This must be an object.");
    return it != body.end() && it->is_object() ? *it : json::object();
  };
  json c = member("complainant"), o = member("other_party");
  std::map<std::string, std::string> ce, oe;
  PartyInput complainant = party_from_json(c, "complainant", ce);
  complainant.kind = complainant.kind.empty() ? "person" : complainant.kind;
  PartyInput other = party_from_json(o, "other_party", oe);
  for (auto& [k, v] : ce) e["complainant." + k] = v;
  for (auto& [k, v] : oe) e["other_party." + k] = v;
  std::string brief = http::json_text(body, "brief", e);
  bool no_conflict = json_flag(body, "no_conflict", e);
  throw_if(e);
  long long id = 0;
  try {
    storage::Transaction tx(ctx.app.db);
    id = start(tx, ctx.app.keys, actor_of(ctx), complainant, other, brief, no_conflict,
               now_seconds());
    tx.commit();
  } catch (const Error& err) {
    if (err.kind() != ErrorKind::unprocessable) throw;
    // complainant_name -> complainant.name, as the body names them.
    std::map<std::string, std::string> fields;
    for (const auto& [k, v] : err.fields()) {
      std::string key = k;
      if (key.rfind("complainant_", 0) == 0) key = "complainant." + key.substr(12);
      if (key.rfind("other_", 0) == 0) key = "other_party." + key.substr(6);  // before _for_party
      fields[key] = v;
    }
    throw Error(ErrorKind::unprocessable, err.message(), "", fields);
  }
  return Response::json(json{{"id", id}}.dump(), 201);
}

Response api_statistics(Context& ctx) {
  auto q = [&](const char* name) { return ctx.query(name); };
  long long now = now_seconds();
  auto from = parse_date(q("from")), to = parse_date(q("to"));
  if ((!q("from").empty() && !from) || (!q("to").empty() && !to)) {
    throw Error(ErrorKind::bad_request, N_("Please enter a date as YYYY-MM-DD."));
  }
  auto seconds = [](Date d) { return std::chrono::sys_seconds(d).time_since_epoch().count(); };
  long long f = from ? seconds(*from) : 0;
  long long t = to ? seconds(*to + std::chrono::days{1}) : now + 1;
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  auto s = statistics(tx, ctx.organisation_id(), f, t);
  auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(); };
  return Response::json(json{{"opened", s.opened},
                             {"open", s.open},
                             {"consented", s.consented},
                             {"met", s.met},
                             {"agreements", s.agreements},
                             {"no_agreement", s.no_agreement},
                             {"withdrawn", s.withdrawn},
                             {"declined", s.declined},
                             {"fulfilled", s.fulfilled},
                             {"partly_fulfilled", s.partly_fulfilled},
                             {"broken", s.broken},
                             {"median_days_to_consent", opt(s.days_to_consent)},
                             {"median_days_to_meeting", opt(s.days_to_meeting)},
                             {"median_days_to_agreement", opt(s.days_to_agreement)},
                             {"agreement_rate", opt(s.agreement_rate)},
                             {"fulfilment_rate", opt(s.fulfilment_rate)}}
                            .dump());
}

Response api_read(Context& ctx) {
  storage::Transaction tx(ctx.app.db);
  Mediation m = open(tx, ctx.app.keys, actor_of(ctx), mediation_id(ctx), now_seconds());
  tx.commit();
  return Response::json(mediation_api_json(m).dump());
}

Response api_declaration(Context& ctx) {
  return api_change(ctx, 200, false, [&](auto& tx, const Actor& a, long long id, const json& b) {
    std::map<std::string, std::string> e;
    auto it = b.find("no_conflict");
    if (it == b.end() || !it->is_boolean()) e["no_conflict"] = N_("This must be true or false.");
    throw_if(e);
    declare(tx, ctx.app.keys, a, id, it->get<bool>(), now_seconds());
    return json{{"declaration", it->get<bool>() ? "no_conflict" : "conflict"}};
  });
}

Response api_mediator(Context& ctx) {
  return api_change(ctx, 200, false,
                    [&](auto& tx, const Actor& a, long long id, const json& b) {
                      std::map<std::string, std::string> e;
                      long long user = json_number(b, "user_id", e);
                      throw_if(e);
                      assign(tx, ctx.app.keys, a, id, user, now_seconds());
                      return json{{"user_id", user}};
                    },
                    {{"mediator", "user_id"}});
}

Response api_contact(Context& ctx) {
  return api_change(ctx, 200, false,
                    [&](auto& tx, const Actor& a, long long id, const json& b) {
                      std::map<std::string, std::string> e;
                      std::string on = http::json_text(b, "on", e),
                                  how = http::json_text(b, "how", e);
                      throw_if(e);
                      record_contact(tx, ctx.app.keys, a, id, on, how, now_seconds());
                      return json{{"contacted_on", on}};
                    },
                    {{"contacted_on", "on"}, {"contact_how", "how"}});
}

Response api_party(Context& ctx) {
  return api_change(ctx, 201, false, [&](auto& tx, const Actor& a, long long id, const json& b) {
    std::map<std::string, std::string> e;
    PartyInput p = party_from_json(b, "", e);
    throw_if(e);
    return json{{"id", add_party(tx, ctx.app.keys, a, id, p, now_seconds())}};
  });
}

Response api_party_update(Context& ctx) {
  long long party = http::parse_id(ctx.param("party"));
  return api_change(ctx, 200, false, [&](auto& tx, const Actor& a, long long id, const json& b) {
    std::map<std::string, std::string> e;
    PartyDetails d{http::json_text(b, "name", e), http::json_text(b, "organisation", e),
                   http::json_text(b, "email", e), http::json_text(b, "phone", e)};
    std::string language = http::json_text(b, "language", e);
    throw_if(e);
    update_party(tx, ctx.app.keys, a, id, party, d, language, now_seconds());
    return json{{"id", party}};
  });
}

Response api_consent(Context& ctx) {
  return api_change(ctx, 200, false,
                    [&](auto& tx, const Actor& a, long long id, const json& b) {
                      std::map<std::string, std::string> e;
                      long long party = json_number(b, "party_id", e);
                      std::string on = http::json_text(b, "on", e),
                                  how = http::json_text(b, "how", e);
                      throw_if(e);
                      record_consent(tx, ctx.app.keys, a, id, party, on, how, now_seconds());
                      return json{{"party_id", party}, {"consent_on", on}};
                    },
                    {{"party", "party_id"}, {"consent_on", "on"}, {"consent_how", "how"}});
}

Response api_withdrawal(Context& ctx) {
  return api_change(ctx, 200, true,
                    [&](auto& tx, const Actor& a, long long id, const json& b) {
                      std::map<std::string, std::string> e;
                      long long party = json_number(b, "party_id", e);
                      std::string on = http::json_text(b, "on", e);
                      throw_if(e);
                      end_by_party(tx, ctx.app.keys, a, id, party, on, mailing_of(tx, ctx),
                                   now_seconds());
                      return json{{"stage", "closed"}};
                    },
                    {{"party", "party_id"}, {"withdrawn_on", "on"}});
}

Response api_note(Context& ctx) {
  return api_change(
      ctx, 201, false,
      [&](auto& tx, const Actor& a, long long id, const json& b) {
        std::map<std::string, std::string> e;
        std::string kind = http::json_text(b, "kind", e), text = http::json_text(b, "body", e);
        throw_if(e);
        return json{{"id", add_note(tx, ctx.app.keys, a, id, kind, text, now_seconds())}};
      },
      {{"note_kind", "kind"}, {"note", "body"}});
}

Response api_meeting(Context& ctx) {
  return api_change(ctx, 201, true, [&](auto& tx, const Actor& a, long long id, const json& b) {
    std::map<std::string, std::string> e;
    MeetingInput m = meeting_from_json(b, e);
    throw_if(e);
    return json{{"id", schedule(tx, ctx.app.keys, a, id, m, mailing_of(tx, ctx), now_seconds())}};
  });
}

Response api_reschedule(Context& ctx) {
  long long meeting = meeting_id(ctx);
  return api_change(ctx, 200, true, [&](auto& tx, const Actor& a, long long id, const json& b) {
    std::map<std::string, std::string> e;
    MeetingInput m = meeting_from_json(b, e);
    throw_if(e);
    reschedule(tx, ctx.app.keys, a, id, meeting, m, mailing_of(tx, ctx), now_seconds());
    return json{{"id", meeting}};
  });
}

Response api_cancel(Context& ctx) {
  long long meeting = meeting_id(ctx);
  return api_change(ctx, 200, true, [&](auto& tx, const Actor& a, long long id, const json&) {
    cancel(tx, ctx.app.keys, a, id, meeting, mailing_of(tx, ctx), now_seconds());
    return json{{"id", meeting}, {"status", "cancelled"}};
  });
}

Response api_held(Context& ctx) {
  long long meeting = meeting_id(ctx);
  return api_change(ctx, 200, false, [&](auto& tx, const Actor& a, long long id, const json&) {
    mark_held(tx, ctx.app.keys, a, id, meeting, now_seconds());
    return json{{"id", meeting}, {"status", "held"}};
  });
}

namespace {
// item_apology -> items.apology, and so on: the body holds the items as one object.
std::map<std::string, std::string> item_renames() {
  std::map<std::string, std::string> out;
  for (const auto& item : agreement_items()) {
    out[std::string("item_") + item.code] = std::string("items.") + item.code;
  }
  return out;
}
}  // namespace

Response api_agreement(Context& ctx) {
  return api_change(
      ctx, 200, false,
      [&](auto& tx, const Actor& a, long long id, const json& b) {
        std::map<std::string, std::string> e;
        Agreement ag;
        ag.fulfil_by = http::json_text(b, "fulfil_by", e);
        auto it = b.find("items");
        if (it == b.end() || !it->is_object()) {
          e["items"] = N_("Write down what the parties agreed.");
        } else {
          for (const auto& [code, text] : it->items()) {
            if (!intake::has_code(agreement_items(), code) || !text.is_string()) {
              e["items." + code] = N_("Choose one of the options.");
            } else {
              ag.items[code] = trimmed(text.template get<std::string>());
            }
          }
        }
        throw_if(e);
        record_agreement(tx, ctx.app.keys, a, id, ag, now_seconds());
        return json{{"stage", "follow_up"}, {"follow_up_on", ag.fulfil_by}};
      },
      item_renames());
}

Response api_no_agreement(Context& ctx) {
  return api_change(ctx, 200, true, [&](auto& tx, const Actor& a, long long id, const json&) {
    record_no_agreement(tx, ctx.app.keys, a, id, mailing_of(tx, ctx), now_seconds());
    return json{{"stage", "closed"}, {"result", "no_agreement"}};
  });
}

Response api_outcome(Context& ctx) {
  return api_change(ctx, 200, false, [&](auto& tx, const Actor& a, long long id, const json& b) {
    std::map<std::string, std::string> e;
    std::string outcome = http::json_text(b, "outcome", e);
    throw_if(e);
    record_outcome(tx, ctx.app.keys, a, id, outcome, now_seconds());
    return json{{"stage", "closed"}, {"result", outcome}};
  });
}

}  // namespace dime::mediation::routes
