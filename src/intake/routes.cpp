// HTTP adapters for the intake: parse the form or JSON, call intake/service, render.
// The report form keeps every value of earlier steps in hidden fields, so each step works
// without JavaScript and without server-side drafts.
#include "intake/routes.hpp"

#include <spdlog/spdlog.h>

#include "accounts/model.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "http/forms.hpp"
#include "i18n/i18n.hpp"
#include "intake/service.hpp"
#include "organisations/service.hpp"
#include "reference/model.hpp"

namespace dime::intake::routes {

using nlohmann::json;

namespace {

constexpr const char* kHoneypot = "homepage";  // hidden from people; bots fill it in

std::string address_subject(http::Context& ctx, const char* purpose) {
  return std::string(purpose) + ":" + ctx.app.keys.lookup(ctx.address());
}

// ---- Reading the form ----

ReportInput read_input(http::Context& ctx) {
  ReportInput in;
  auto text = [&](const char* name) { return trimmed(ctx.field(name)); };
  try {
    std::string office = text("office");
    in.organisation_id = office.empty() ? 0 : std::stoll(office);
  } catch (const std::exception&) {
    in.organisation_id = -1;
  }
  in.reporter_type = text("reporter_type");
  in.affected_consent = text("affected_consent");
  in.narrative = trimmed(ctx.field("narrative"));
  in.event_date = text("event_date");
  in.event_period = text("event_period");
  in.municipality = text("municipality");
  in.place_kind = text("place_kind");
  in.area = text("area");
  in.grounds = ctx.field_values("grounds");
  in.party_kind = text("party_kind");
  in.party_name = text("party_name");
  in.witnesses = trimmed(ctx.field("witnesses"));
  in.wishes = ctx.field_values("wishes");
  in.contact_mode = text("contact_mode");
  in.name = text("name");
  in.email = text("email");
  in.phone = text("phone");
  in.notify_email = text("notify_email");
  in.consent = ctx.field("consent") == "yes";
  return in;
}

std::vector<std::pair<std::string, std::string>> as_pairs(const ReportInput& in) {
  std::vector<std::pair<std::string, std::string>> out{
      {"office", in.organisation_id > 0 ? std::to_string(in.organisation_id) : ""},
      {"reporter_type", in.reporter_type},
      {"affected_consent", in.affected_consent},
      {"narrative", in.narrative},
      {"event_date", in.event_date},
      {"event_period", in.event_period},
      {"municipality", in.municipality},
      {"place_kind", in.place_kind},
      {"area", in.area},
      {"party_kind", in.party_kind},
      {"party_name", in.party_name},
      {"witnesses", in.witnesses},
      {"contact_mode", in.contact_mode},
      {"name", in.name},
      {"email", in.email},
      {"phone", in.phone},
      {"notify_email", in.notify_email},
      {"consent", in.consent ? "yes" : ""},
  };
  for (const auto& g : in.grounds) out.emplace_back("grounds", g);
  for (const auto& w : in.wishes) out.emplace_back("wishes", w);
  return out;
}

int step_of_field(const std::string& field) {
  for (int s = 1; s <= kSteps; ++s) {
    const auto& f = step_fields(s);
    if (std::find(f.begin(), f.end(), field) != f.end()) return s;
  }
  return kSteps;
}

// ---- Rendering ----

json multi(http::Context& ctx, const std::vector<Option>& list,
           const std::vector<std::string>& chosen) {
  json out = json::array();
  for (const auto& o : list) {
    bool on = std::find(chosen.begin(), chosen.end(), o.code) != chosen.end();
    out.push_back({{"code", o.code}, {"label", ctx.tr(o.label)}, {"selected", on}});
  }
  return out;
}

json options(http::Context& ctx, const std::vector<Option>& list, const std::string& selected) {
  return multi(ctx, list, {selected});
}

json reference_options(const reference::List& list, const std::string& lang,
                       const std::vector<std::string>& chosen) {
  json out = json::array();
  for (const auto& e : list.entries) {
    if (e.retired) continue;
    bool on = std::find(chosen.begin(), chosen.end(), e.code) != chosen.end();
    out.push_back({{"code", e.code}, {"label", reference::label(e, lang)}, {"selected", on}});
  }
  return out;
}

std::string ref_label(const reference::List& list, const std::string& code,
                      const std::string& lang) {
  const auto* e = list.find(code);
  return e ? reference::label(*e, lang) : code;
}

// A staff member taking a report for someone: an advisor or coordinator on the phone or at
// the desk, or a union representative for a member. Only in their active office.
struct Taker {
  long long user_id = 0;
  std::string channel;  // phone, walk_in, union
  bool union_rep = false;
};
std::optional<Taker> taker(http::Context& ctx) {
  if (!ctx.session || ctx.session->pending() != accounts::Session::Pending::none) return {};
  using accounts::Role;
  if (ctx.session->has_any({Role::advisor, Role::coordinator})) {
    std::string channel = ctx.field("channel");
    if (channel != "walk_in") channel = "phone";
    return Taker{ctx.user_id(), channel, false};
  }
  if (ctx.session->has_any({Role::union_representative})) {
    return Taker{ctx.user_id(), "union", true};
  }
  return {};
}

http::Response render_step(http::Context& ctx, const FormOptions& opts,
                           const std::vector<organisations::Organisation>& offices,
                           const ReportInput& in, int step,
                           const std::map<std::string, std::string>& errors, int status,
                           const std::string& notice = {}) {
  json data = http::error_data(ctx, errors);
  data["step"] = step;
  data["steps"] = kSteps;
  data["step" + std::to_string(step)] = true;
  data["notice"] = notice;
  // Hidden fields: every value that is not on this step.
  const auto& here = step_fields(step);
  json hidden = json::array();
  for (const auto& [name, value] : as_pairs(in)) {
    if (value.empty()) continue;
    bool shown = std::find(here.begin(), here.end(), name) != here.end();
    if (name == "office" && offices.size() == 1) shown = false;
    if (!shown) hidden.push_back({{"name", name}, {"value", value}});
  }
  if (auto t = taker(ctx)) {
    data["taker"] = true;
    data["taker_union"] = t->union_rep;
    data["channel_phone"] = t->channel == "phone";
    data["channel_walk_in"] = t->channel == "walk_in";
    if (step != 1 && !t->union_rep) hidden.push_back({{"name", "channel"}, {"value", t->channel}});
  }
  data["hidden"] = hidden;
  const std::string& lang = ctx.lang;
  data["several_offices"] = offices.size() > 1;
  json office_list = json::array();
  for (const auto& o : offices) {
    office_list.push_back(
        {{"id", o.id}, {"name", o.name}, {"selected", o.id == in.organisation_id}});
  }
  data["offices"] = office_list;
  data["reporter_types"] = options(ctx, reporter_types(), in.reporter_type);
  data["consent_answers"] = options(ctx, consent_answers(), in.affected_consent);
  data["place_kinds"] = options(ctx, place_kinds(), in.place_kind);
  data["party_kinds"] = options(ctx, party_kinds(), in.party_kind);
  data["wishes"] = multi(ctx, wishes(), in.wishes);
  data["contact_modes"] = options(ctx, contact_modes(), in.contact_mode);
  data["areas"] = reference_options(opts.areas, lang, {in.area});
  data["grounds"] = reference_options(opts.grounds, lang, in.grounds);
  data["narrative"] = in.narrative;
  data["event_date"] = in.event_date;
  data["event_period"] = in.event_period;
  data["municipality"] = in.municipality;
  data["party_name"] = in.party_name;
  data["witnesses"] = in.witnesses;
  data["name"] = in.name;
  data["email"] = in.email;
  data["phone"] = in.phone;
  data["notify_email"] = in.notify_email;
  data["consent"] = in.consent;
  data["max_files"] = kMaxFiles;
  if (step == kSteps) {
    // The summary to check before sending.
    json grounds = json::array();
    for (const auto& g : in.grounds) grounds.push_back(ref_label(opts.grounds, g, lang));
    json wish_list = json::array();
    for (const auto& w : in.wishes) wish_list.push_back(ctx.tr(option_label(wishes(), w)));
    data["summary"] = {
        {"office", opts.office.name},
        {"reporter_type", ctx.tr(option_label(reporter_types(), in.reporter_type))},
        {"on_behalf", in.reporter_type != "self"},
        {"affected_consent", ctx.tr(option_label(consent_answers(), in.affected_consent))},
        {"when", in.event_date.empty() ? in.event_period : in.event_date},
        {"place_kind", ctx.tr(option_label(place_kinds(), in.place_kind))},
        {"area", ref_label(opts.areas, in.area, lang)},
        {"grounds", grounds},
        {"party_kind", ctx.tr(option_label(party_kinds(), in.party_kind))},
        {"wishes", wish_list},
        {"contact_mode", ctx.tr(option_label(contact_modes(), in.contact_mode))},
    };
  }
  return ctx.page("intake/report", N_("Report discrimination"), data, status);
}

std::vector<organisations::Organisation> offices_or_fail(storage::Transaction& tx) {
  auto offices = receiving_offices(tx);
  if (offices.empty()) {
    throw Error(ErrorKind::unavailable,
                N_("We cannot receive reports here yet. Please contact your local help office."),
                "no office with a key pair");
  }
  return offices;
}

const organisations::Organisation& office_for(
    const std::vector<organisations::Organisation>& offices, long long id) {
  if (offices.size() == 1) return offices.front();
  for (const auto& o : offices) {
    if (o.id == id) return o;
  }
  return offices.front();  // only to show options; validation asks for a choice
}

std::vector<Attachment> read_files(http::Context& ctx) {
  std::vector<Attachment> out;
  for (const auto& f : ctx.files()) {
    if (f.field != "files") continue;
    out.push_back({f.filename, sniff(f.data), std::string(f.data)});
  }
  return out;
}

}  // namespace

http::Response report_form(http::Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  auto offices = offices_or_fail(tx);
  ReportInput in;
  if (auto q = ctx.req.query.find("office"); q != ctx.req.query.end()) {
    for (const auto& o : offices) {
      if (std::to_string(o.id) == q->second) in.organisation_id = o.id;
    }
  }
  if (offices.size() == 1) in.organisation_id = offices.front().id;
  // Staff taking a report for someone take it for their own office.
  if (taker(ctx) && in.organisation_id == 0) in.organisation_id = ctx.organisation_id();
  auto opts = options_for(tx, office_for(offices, in.organisation_id));
  return render_step(ctx, opts, offices, in, 1, {}, 200);
}

http::Response report_step(http::Context& ctx) {
  long long now = now_seconds();
  std::vector<organisations::Organisation> offices;
  FormOptions opts;
  ReportInput in = read_input(ctx);
  if (taker(ctx) && in.organisation_id == 0) in.organisation_id = ctx.organisation_id();
  {
    storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
    offices = offices_or_fail(tx);
    if (offices.size() == 1) in.organisation_id = offices.front().id;
    opts = options_for(tx, office_for(offices, in.organisation_id));
  }
  int step = 1;
  try {
    step = std::clamp(std::stoi(ctx.field("step")), 1, kSteps);
  } catch (const std::exception&) {
    throw Error(ErrorKind::bad_request, N_("The form data was malformed."), "bad step");
  }
  std::string action = ctx.field("action");
  if (action == "back") return render_step(ctx, opts, offices, in, std::max(1, step - 1), {}, 200);

  auto errors = validate(in, opts, step, now);
  if (step == 1) {
    bool known = std::any_of(offices.begin(), offices.end(),
                             [&](const auto& o) { return o.id == in.organisation_id; });
    if (!known) errors["office"] = N_("Choose the office that should receive your report.");
  }
  if (!errors.empty()) return render_step(ctx, opts, offices, in, step, errors, 422);
  if (step < kSteps) return render_step(ctx, opts, offices, in, step + 1, {}, 200);

  // The last step sends the report.
  if (!ctx.field(kHoneypot).empty()) {
    return render_step(ctx, opts, offices, in, step,
                       {{"send", N_("Your report could not be sent. Please try again.")}}, 422);
  }
  auto files = read_files(ctx);
  const auto receipt = new_receipt(ctx.app.keys);  // outside the write transaction
  // Staff take reports for people in their own office only; the office counts as chosen.
  auto staff = taker(ctx);
  if (staff && in.organisation_id != ctx.organisation_id()) staff.reset();
  Submitted sent;
  {
    storage::Transaction tx(ctx.app.db);
    std::string subject = address_subject(ctx, "report-address");
    if (!staff && throttle::exceeded(tx, subject, kSubmissionsPerAddress, now)) {
      return render_step(
          ctx, opts, offices, in, step,
          {{"send", N_("Many reports have come from your network in the last hour. Please wait a "
                       "few minutes and send again. What you wrote is kept on this page.")}},
          429);
    }
    try {
      sent = staff ? submit(tx, ctx.app.keys, in, files, staff->channel, ctx.lang, now, receipt,
                            staff->user_id)
                   : submit(tx, ctx.app.keys, in, files, "web", ctx.lang, now, receipt);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::unprocessable) throw;
      // Show the first step with a problem (files are on the last one).
      int first = kSteps;
      for (const auto& [field, msg] : e.fields()) first = std::min(first, step_of_field(field));
      std::map<std::string, std::string> here;
      for (const auto& [field, msg] : e.fields()) {
        if (step_of_field(field) == first) here[field] = msg;
      }
      return render_step(ctx, opts, offices, in, first, here, 422);
    }
    throttle::sweep(tx, now);
    throttle::record(tx, subject, now);
    tx.commit();  // the receipt is shown only after the report is durable
  }
  spdlog::info("report {} received", sent.reference);
  json data{{"reference", sent.reference},
            {"receipt", format_receipt(sent.receipt)},
            {"taken_by_staff", staff.has_value()}};
  return ctx.page("intake/receipt", N_("Your report has been sent"), data, 201);
}

// ---- Follow-up ----

namespace {

json view_data(http::Context& ctx, const ReporterView& v) {
  json messages = json::array();
  for (const auto& m : v.messages) {
    messages.push_back(
        {{"from_office", m.author == "staff"}, {"body", m.body}, {"at", utc_date(m.created_at)}});
  }
  json files = json::array();
  for (const auto& a : v.attachments) {
    files.push_back(
        {{"name", a.filename}, {"type", a.content_type}, {"size_kb", (a.size + 1023) / 1024}});
  }
  return {{"reference", v.reference},
          {"status", ctx.tr(option_label(statuses(), v.status))},
          {"received", utc_date(v.created_at)},
          {"narrative", v.report.narrative},
          {"messages", messages},
          {"has_messages", !messages.empty()},
          {"attachments", files},
          {"has_attachments", !files.empty()},
          {"erased", v.erased}};
}

}  // namespace

http::Response follow_up_form(http::Context& ctx) {
  return ctx.page("intake/follow_up_login", N_("Follow up your report"), json::object());
}

http::Response follow_up(http::Context& ctx) {
  long long now = now_seconds();
  std::string receipt = trimmed(ctx.field("receipt"));
  std::string message = trimmed(ctx.field("message"));
  bool sending = ctx.field("action") == "send";
  auto files = sending ? read_files(ctx) : std::vector<Attachment>{};
  storage::Transaction tx(ctx.app.db);
  auto opened =
      open_with_receipt(tx, ctx.app.keys, receipt, address_subject(ctx, "receipt-address"), now);
  if (opened.outcome != ReceiptOutcome::ok) {
    tx.commit();  // the failed attempt counts
    bool throttled = opened.outcome == ReceiptOutcome::throttled;
    json data = http::error_data(
        ctx, {{"receipt", throttled ? N_("Too many attempts. Please wait 15 minutes and try again.")
                                    : N_("We found no report with this receipt. Check the "
                                         "16 digits and try again.")}});
    return ctx.page("intake/follow_up_login", N_("Follow up your report"), data,
                    throttled ? 429 : 422);
  }
  json data;
  int status = 200;
  if (sending) {
    try {
      add_reporter_message(tx, opened, message, files, now);
      tx.commit();
      // Show what was just stored without opening the report a second time.
      auto& view = *opened.view;
      if (!message.empty() || !files.empty()) view.messages.push_back({"reporter", message, now});
      for (const auto& f : files) {
        view.attachments.push_back(
            {f.filename, f.content_type, static_cast<long long>(f.data.size())});
      }
      data = view_data(ctx, view);
      data["sent"] = true;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::unprocessable && e.kind() != ErrorKind::too_many_requests) throw;
      data = view_data(ctx, *opened.view);
      json errs = http::error_data(
          ctx, e.fields().empty() ? std::map<std::string, std::string>{{"message", e.message()}}
                                  : e.fields());
      data.update(errs);
      data["message"] = message;
      status = e.kind() == ErrorKind::too_many_requests ? 429 : 422;
    }
  } else {
    tx.commit();
    data = view_data(ctx, *opened.view);
  }
  data["receipt"] = receipt;
  data["max_files"] = kMaxFiles;
  return ctx.page("intake/follow_up", N_("Your report"), data, status);
}

// ---- JSON API ----

namespace {

std::string receipt_from_header(http::Context& ctx) {
  auto h = ctx.req.header("authorization");
  // Auth schemes are case-insensitive (RFC 9110).
  auto lower = [](std::string_view v) {
    std::string out(v.substr(0, 8));
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  if (!h || lower(*h) != "receipt ") {
    throw Error(ErrorKind::unauthenticated,
                N_("Send your receipt as \"Authorization: Receipt …\"."));
  }
  return std::string(h->substr(8));
}

Opened open_or_fail(storage::Transaction& tx, http::Context& ctx, long long now) {
  auto opened = open_with_receipt(tx, ctx.app.keys, receipt_from_header(ctx),
                                  address_subject(ctx, "receipt-address"), now);
  if (opened.outcome == ReceiptOutcome::ok) return opened;
  tx.commit();
  if (opened.outcome == ReceiptOutcome::throttled) {
    throw Error(ErrorKind::too_many_requests,
                N_("Too many attempts. Please wait 15 minutes and try again."));
  }
  throw Error(ErrorKind::unauthenticated,
              N_("We found no report with this receipt. Check the 16 digits and try again."));
}

json view_json(const ReporterView& v) {
  json messages = json::array();
  for (const auto& m : v.messages) {
    messages.push_back({{"from", m.author == "staff" ? "office" : "you"},
                        {"body", m.body},
                        {"created_at", m.created_at}});
  }
  json files = json::array();
  for (const auto& a : v.attachments) {
    files.push_back({{"name", a.filename}, {"content_type", a.content_type}, {"size", a.size}});
  }
  return {{"reference", v.reference},
          {"status", v.status},
          {"language", v.language},
          {"created_at", v.created_at},
          {"report",
           {{"reporter_type", v.report.reporter_type},
            {"narrative", v.report.narrative},
            {"event_date", v.report.event_date},
            {"event_period", v.report.event_period},
            {"municipality", v.report.municipality},
            {"place_kind", v.report.place_kind},
            {"area", v.report.area},
            {"grounds", v.report.grounds},
            {"party_kind", v.report.party_kind},
            {"wishes", v.report.wishes},
            {"contact_mode", v.report.contact_mode}}},
          {"messages", messages},
          {"attachments", files},
          {"erased", v.erased}};
}

}  // namespace

http::Response api_submit(http::Context& ctx) {
  long long now = now_seconds();
  json body = http::json_body(ctx);
  std::map<std::string, std::string> errors;
  ReportInput in;
  if (auto it = body.find("office_id"); it != body.end() && !it->is_null()) {
    if (it->is_number_integer()) {
      in.organisation_id = it->get<long long>();
    } else {
      errors["office_id"] = N_("Choose the office that should receive your report.");
    }
  }
  in.reporter_type = http::json_text(body, "reporter_type", errors);
  in.affected_consent = http::json_text(body, "affected_consent", errors);
  in.narrative = http::json_text(body, "narrative", errors);
  in.event_date = http::json_text(body, "event_date", errors);
  in.event_period = http::json_text(body, "event_period", errors);
  in.municipality = http::json_text(body, "municipality", errors);
  in.place_kind = http::json_text(body, "place_kind", errors);
  in.area = http::json_text(body, "area", errors);
  in.grounds = http::json_codes(body, "grounds", errors);
  in.party_kind = http::json_text(body, "party_kind", errors);
  in.party_name = http::json_text(body, "party_name", errors);
  in.witnesses = http::json_text(body, "witnesses", errors);
  in.wishes = http::json_codes(body, "wishes", errors);
  in.contact_mode = http::json_text(body, "contact_mode", errors);
  in.name = http::json_text(body, "name", errors);
  in.email = http::json_text(body, "email", errors);
  in.phone = http::json_text(body, "phone", errors);
  in.notify_email = http::json_text(body, "notify_email", errors);
  if (auto it = body.find("consent"); it != body.end()) {
    if (it->is_boolean()) {
      in.consent = it->get<bool>();
    } else {
      errors["consent"] = N_("This must be true or false.");
    }
  }
  std::string language = http::json_text(body, "language", errors);
  if (language.empty()) language = ctx.lang;
  if (!i18n::find(language)) errors["language"] = N_("This language is not offered.");

  if (!errors.empty()) {
    // Type errors first, without sealing anything; the service adds what it finds.
    storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
    auto office = organisations::find(tx, in.organisation_id);
    if (office) {
      for (auto& [field, msg] : validate(in, options_for(tx, *office), 0, now)) {
        errors.emplace(field, msg);
      }
    }
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", errors);
  }
  const auto receipt = new_receipt(ctx.app.keys);  // outside the write transaction
  storage::Transaction tx(ctx.app.db);
  if (in.organisation_id == 0 && !errors.count("office_id")) {
    auto offices = offices_or_fail(tx);
    if (offices.size() == 1) {
      in.organisation_id = offices.front().id;
    } else {
      errors["office_id"] = N_("Choose the office that should receive your report.");
    }
  }
  std::string subject = address_subject(ctx, "report-address");
  if (throttle::exceeded(tx, subject, kSubmissionsPerAddress, now)) {
    throw Error(ErrorKind::too_many_requests,
                N_("Many reports have come from your network in the last hour. Please wait a "
                   "few minutes and send again."));
  }
  Submitted sent;
  try {
    sent = submit(tx, ctx.app.keys, in, {}, "api", language, now, receipt);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unprocessable) throw;
    auto fields = e.fields();
    if (auto it = fields.find("office"); it != fields.end()) {  // the API calls it office_id
      fields.emplace("office_id", it->second);
      fields.erase(it);
    }
    fields.insert(errors.begin(), errors.end());
    throw Error(ErrorKind::unprocessable, e.message(), "", fields);
  }
  spdlog::info("report {} received", sent.reference);
  throttle::sweep(tx, now);
  throttle::record(tx, subject, now);
  tx.commit();  // the receipt is answered only after the report is durable
  json out{{"reference", sent.reference}, {"receipt", sent.receipt}};
  auto r = http::Response::json(out.dump(), 201);
  r.set_header("Location", "/api/v1/reports/self");
  return r;
}

http::Response api_self(http::Context& ctx) {
  long long now = now_seconds();
  storage::Transaction tx(ctx.app.db);
  auto opened = open_or_fail(tx, ctx, now);
  tx.commit();
  return http::Response::json(view_json(*opened.view).dump());
}

http::Response api_self_message(http::Context& ctx) {
  long long now = now_seconds();
  json body = http::json_body(ctx);
  std::map<std::string, std::string> errors;
  std::string message = http::json_text(body, "message", errors);
  storage::Transaction tx(ctx.app.db);
  auto opened = open_or_fail(tx, ctx, now);
  if (!errors.empty()) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", errors);
  }
  add_reporter_message(tx, opened, message, {}, now);
  tx.commit();
  return http::Response::json(json{{"status", "sent"}}.dump(), 201);
}

}  // namespace dime::intake::routes
