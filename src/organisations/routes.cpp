// Organisation settings: whether two-step verification is mandatory for its staff, and a help
// office's case deadlines.
#include "organisations/routes.hpp"

#include "audit/service.hpp"
#include "casework/service.hpp"
#include "core/error.hpp"
#include "http/forms.hpp"
#include "organisations/service.hpp"

namespace dime::organisations::routes {

using nlohmann::json;

namespace {

http::Response render_settings(http::Context& ctx, const std::map<std::string, std::string>& errors,
                               const json& typed, int status) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  auto org = find(tx, ctx.organisation_id());
  if (!org) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  auto s = casework::settings_of(tx, org->id);
  json data{{"name", org->name},
            {"jurisdiction", org->jurisdiction},
            {"mfa_required", org->mfa_required},
            {"is_demo", org->is_demo},
            {"help_office", org->kind == Kind::help_office},
            {"acknowledge_days", std::to_string(s.acknowledge_days)},
            {"feedback_days", std::to_string(s.feedback_days)},
            {"limit_warning_days", std::to_string(s.limit_warning_days)},
            {"retention_months", std::to_string(s.retention_months)}};
  data.update(typed);
  data.update(http::error_data(ctx, errors));
  return ctx.page("organisations/settings", N_("Organisation settings"), data, status);
}

int number_or(const std::string& text, int fallback) {
  try {
    std::size_t used = 0;
    int n = std::stoi(text, &used);
    return used == text.size() ? n : fallback;
  } catch (const std::exception&) {
    return fallback;
  }
}

}  // namespace

http::Response settings_form(http::Context& ctx) {
  return render_settings(ctx, {}, json::object(), 200);
}

http::Response update_settings(http::Context& ctx) {
  auto in = http::read_form(ctx, {http::Field{"mfa_required", 3, false}});
  const std::string& value = in.get("mfa_required");
  if (!in.ok() || !(value.empty() || value == "on")) {
    throw Error(ErrorKind::bad_request, N_("The form data was malformed."));
  }
  bool required = value == "on";
  storage::Transaction tx(ctx.app.db);
  set_mfa_required(tx, ctx.organisation_id(), required);
  audit::append(
      tx, ctx.app.keys,
      ctx.audit_event("organisation.update", "organisation", std::to_string(ctx.organisation_id()),
                      required ? "mfa_required on" : "mfa_required off"));
  tx.commit();
  return http::Response::redirect("/admin/settings");
}

http::Response update_case_settings(http::Context& ctx) {
  auto in = http::read_form(
      ctx, {http::Field{"acknowledge_days", 4}, http::Field{"feedback_days", 4},
            http::Field{"limit_warning_days", 4}, http::Field{"retention_months", 4}});
  json typed = json::object();
  for (const auto& [k, v] : in.values) typed[k] = v;
  try {
    storage::Transaction tx(ctx.app.db);
    casework::Settings s{
        number_or(in.get("acknowledge_days"), -1), number_or(in.get("feedback_days"), -1),
        number_or(in.get("limit_warning_days"), -1), number_or(in.get("retention_months"), -1)};
    auto org = find(tx, ctx.organisation_id());
    if (!org || org->kind != Kind::help_office) {
      throw Error(ErrorKind::not_found, N_("There is no page at this address."));
    }
    casework::set_settings(tx, org->id, s);
    audit::append(tx, ctx.app.keys,
                  ctx.audit_event("organisation.update", "organisation", std::to_string(org->id),
                                  "case deadlines " + std::to_string(s.acknowledge_days) + "/" +
                                      std::to_string(s.feedback_days) + "/" +
                                      std::to_string(s.limit_warning_days) + "; retention " +
                                      std::to_string(s.retention_months)));
    tx.commit();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unprocessable) throw;
    return render_settings(ctx, e.fields(), typed, 422);
  }
  return http::Response::redirect("/admin/settings");
}

}  // namespace dime::organisations::routes
