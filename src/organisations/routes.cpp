// Organisation settings: currently whether two-step verification is mandatory for its staff.
#include "organisations/routes.hpp"

#include "audit/service.hpp"
#include "core/error.hpp"
#include "http/forms.hpp"
#include "organisations/service.hpp"

namespace dime::organisations::routes {

using nlohmann::json;

http::Response settings_form(http::Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  auto org = find(tx, ctx.organisation_id());
  if (!org) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  json data{{"name", org->name},
            {"jurisdiction", org->jurisdiction},
            {"mfa_required", org->mfa_required},
            {"is_demo", org->is_demo}};
  return ctx.page("organisations/settings", N_("Organisation settings"), data);
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

}  // namespace dime::organisations::routes
