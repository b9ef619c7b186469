// Thin HTTP adapters over accounts/service: parse the form, call the rule, audit, render.
#include "accounts/routes.hpp"

#include "accounts/service.hpp"
#include "audit/service.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "http/forms.hpp"
#include "casework/service.hpp"
#include "keyring/service.hpp"
#include "organisations/service.hpp"

namespace dime::accounts::routes {

using http::Field;
using http::parse_id;
using nlohmann::json;

namespace {

constexpr const char* kSessionCookie = "dime_session";

Response login_page(Context& ctx, const std::string& email,
                    const std::map<std::string, std::string>& errors, int status) {
  json data = http::error_data(ctx, errors);
  data["email"] = email;
  return ctx.page("accounts/login", N_("Sign in"), data, status);
}

json roles_json(const Context& ctx, const std::vector<Role>& roles) {
  json out = json::array();
  for (Role r : roles) out.push_back({{"code", to_string(r)}, {"label", ctx.tr(role_label(r))}});
  return out;
}

// The target user must belong to the admin's active organisation; otherwise, as for an
// unknown id, the answer is 404 so that nothing about other organisations leaks.
void require_member_of_active(storage::Transaction& tx, const Context& ctx, long long user_id) {
  if (roles_in(tx, user_id, ctx.organisation_id()).empty()) {
    throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  }
}

// Sensitive changes ask for the current password again. Wrong answers count like failed
// sign-ins (5 per 15 minutes, then the session ends) and are audited, so that a borrowed
// session cannot be used to guess the password.
std::string password_subject(const Context& ctx) {
  return "password:" + std::to_string(ctx.user_id());
}

void refuse_if_too_many_password_attempts(Context& ctx) {
  storage::Transaction tx(ctx.app.db);
  if (recent_failures(tx, password_subject(ctx), now_seconds()) < kMaxFailuresPerAccount) return;
  end_session(tx, ctx.session->token_hash);
  audit::append(tx, ctx.app.keys,
                ctx.audit_event("login.throttled", "user", std::to_string(ctx.user_id()),
                                "password confirmation"));
  tx.commit();
  ctx.set_cookies.push_back(http::make_cookie(kSessionCookie, "", 0));
  throw Error(ErrorKind::too_many_requests,
              N_("Too many attempts. Please wait 15 minutes and try again."));
}

void note_wrong_password(Context& ctx, storage::Transaction& tx) {
  record_failure(tx, password_subject(ctx), now_seconds());
  audit::append(
      tx, ctx.app.keys,
      ctx.audit_event("user.password_confirmation_failed", "user", std::to_string(ctx.user_id())));
}

}  // namespace

Response login_form(Context& ctx) {
  if (ctx.session && ctx.session->pending() == Session::Pending::none)
    return Response::redirect("/staff");
  return login_page(ctx, "", {}, 200);
}

Response login(Context& ctx) {
  auto in = http::read_form(
      ctx, {Field{"email", 254}, Field{"password", kMaxPasswordLength, true, false}});
  if (!in.ok()) return login_page(ctx, in.get("email"), in.errors, 422);
  auto& app = ctx.app;
  long long now = now_seconds();
  storage::Transaction tx(app.db);
  auto result =
      check_password(tx, app.keys, in.get("email"), in.get("password"), ctx.address(), now);
  if (result.outcome != LoginOutcome::ok) {
    bool throttled = result.outcome == LoginOutcome::throttled;
    // The address is recorded only as a keyed hash prefix: enough to see a pattern.
    const bool known = result.user_id != 0;
    audit::append(tx, app.keys,
                  {known ? std::optional(result.user_id) : std::nullopt, std::nullopt,
                   throttled ? "login.throttled" : "login.failure", "user",
                   known ? std::to_string(result.user_id) : "unknown",
                   "address " + app.keys.lookup(ctx.address()).substr(0, 16)});
    tx.commit();
    if (throttled) {
      return login_page(
          ctx, in.get("email"),
          {{"password", N_("Too many attempts. Please wait 15 minutes and try again.")}}, 429);
    }
    return login_page(ctx, in.get("email"),
                      {{"password", N_("The e-mail address or the password is not correct.")}},
                      422);
  }
  auto orgs = memberships(tx, result.user_id);
  std::optional<long long> org;
  if (!orgs.empty()) org = orgs.front().organisation_id;
  if (ctx.session) end_session(tx, ctx.session->token_hash);
  std::string user_secret = unlock_keys_at_sign_in(tx, result.user_id, in.get("password"), now);
  auto s = create_session(tx, result.user_id, org, !result.needs_second_factor, app.config, now,
                          user_secret);
  audit::append(
      tx, app.keys,
      {result.user_id, org, result.needs_second_factor ? "login.password_ok" : "login.success",
       "user", std::to_string(result.user_id), ""});
  tx.commit();
  ctx.set_cookies.push_back(
      http::make_cookie(kSessionCookie, s.token, app.config.session_max_seconds));
  return Response::redirect(result.needs_second_factor ? "/login/totp" : "/staff");
}

Response second_factor_form(Context& ctx) {
  if (ctx.session->mfa_passed) return Response::redirect("/staff");
  return ctx.page("accounts/second_factor", N_("Two-step verification"), json::object());
}

Response second_factor(Context& ctx) {
  if (ctx.session->mfa_passed) return Response::redirect("/staff");
  auto in = http::read_form(ctx, {Field{"code", 10}});
  auto& app = ctx.app;
  long long now = now_seconds();
  const std::string subject = "totp:" + std::to_string(ctx.user_id());
  storage::Transaction tx(app.db);
  if (recent_failures(tx, subject, now) >= kMaxFailuresPerAccount) {
    end_session(tx, ctx.session->token_hash);
    audit::append(
        tx, app.keys,
        ctx.audit_event("login.throttled", "user", std::to_string(ctx.user_id()), "second factor"));
    tx.commit();
    ctx.set_cookies.push_back(http::make_cookie(kSessionCookie, "", 0));
    return login_page(
        ctx, "", {{"password", N_("Too many attempts. Please wait 15 minutes and try again.")}},
        429);
  }
  if (in.ok() && verify_totp(tx, app.keys, ctx.user_id(), in.get("code"), now)) {
    mark_second_factor_passed(tx, ctx.session->token_hash);
    audit::append(tx, app.keys,
                  ctx.audit_event("login.success", "user", std::to_string(ctx.user_id()),
                                  "with second factor"));
    tx.commit();
    return Response::redirect("/staff");
  }
  record_failure(tx, subject, now);
  audit::append(
      tx, app.keys,
      ctx.audit_event("login.failure", "user", std::to_string(ctx.user_id()), "second factor"));
  tx.commit();
  json data = http::error_data(
      ctx,
      {{"code",
        N_("That code is not correct. Check the time on your phone and try the newest code.")}});
  return ctx.page("accounts/second_factor", N_("Two-step verification"), data, 422);
}

Response logout(Context& ctx) {
  storage::Transaction tx(ctx.app.db);
  end_session(tx, ctx.session->token_hash);
  audit::append(tx, ctx.app.keys, ctx.audit_event("logout", "user", std::to_string(ctx.user_id())));
  tx.commit();
  ctx.set_cookies.push_back(http::make_cookie(kSessionCookie, "", 0));
  return Response::redirect("/login");
}

Response staff_home(Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  auto user = find_user(tx, ctx.app.keys, ctx.user_id());
  if (!user) throw Error(ErrorKind::unauthenticated, N_("Please sign in."));
  json orgs = json::array();
  std::map<long long, json> by_org;
  for (const auto& m : memberships(tx, ctx.user_id())) {
    auto& o = by_org[m.organisation_id];
    if (o.is_null()) {
      o = {{"id", m.organisation_id},
           {"name", m.organisation_name},
           {"current", m.organisation_id == ctx.organisation_id()},
           {"roles", json::array()}};
    }
    o["roles"].push_back({{"label", ctx.tr(role_label(m.role))}});
  }
  for (auto& [id, o] : by_org) orgs.push_back(o);
  json data{{"name", user->name},
            {"organisations", orgs},
            {"several", orgs.size() > 1},
            {"totp_enabled", user->totp_enabled},
            {"roles", roles_json(ctx, ctx.session->roles)},
            {"is_admin", ctx.session->has_any({Role::admin})}};
  return ctx.page("accounts/staff_home", N_("Staff home"), data);
}

Response switch_organisation(Context& ctx) {
  auto in = http::read_form(ctx, {Field{"organisation_id", 20}});
  if (!in.ok()) throw Error(ErrorKind::bad_request, N_("The form data was malformed."));
  long long org = parse_id(in.get("organisation_id"));
  storage::Transaction tx(ctx.app.db);
  if (roles_in(tx, ctx.user_id(), org).empty()) {
    throw Error(ErrorKind::forbidden, N_("You do not have access to this page."));
  }
  set_session_organisation(tx, ctx.session->token_hash, org);
  audit::append(
      tx, ctx.app.keys,
      ctx.audit_event("session.switch_organisation", "organisation", std::to_string(org)));
  tx.commit();
  return Response::redirect("/staff");
}

Response password_form(Context& ctx) {
  json data{{"must_change", ctx.session->must_change_password}};
  return ctx.page("accounts/password", N_("Change password"), data);
}

Response change_password(Context& ctx) {
  auto in = http::read_form(ctx, {Field{"current_password", kMaxPasswordLength, true, false},
                                  Field{"new_password", kMaxPasswordLength, true, false},
                                  Field{"confirm_password", kMaxPasswordLength, true, false}});
  auto errors = in.errors;
  if (errors.empty() && in.get("new_password") != in.get("confirm_password")) {
    errors["confirm_password"] = N_("The two new passwords are not the same.");
  }
  refuse_if_too_many_password_attempts(ctx);
  if (errors.empty()) {
    try {
      storage::Transaction tx(ctx.app.db);
      if (!password_matches(tx, ctx.user_id(), in.get("current_password"))) {
        note_wrong_password(ctx, tx);
        tx.commit();
        errors["current_password"] = N_("The current password is not correct.");
        json data = http::error_data(ctx, errors);
        data["must_change"] = ctx.session->must_change_password;
        return ctx.page("accounts/password", N_("Change password"), data, 422);
      }
      accounts::change_password(tx, ctx.user_id(), in.get("current_password"),
                                in.get("new_password"));
      end_other_sessions(tx, ctx.user_id(), ctx.session->token_hash);
      audit::append(tx, ctx.app.keys,
                    ctx.audit_event("user.change_password", "user", std::to_string(ctx.user_id())));
      tx.commit();
      return Response::redirect("/staff");
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::unprocessable) throw;
      errors = e.fields();
    }
  }
  json data = http::error_data(ctx, errors);
  data["must_change"] = ctx.session->must_change_password;
  return ctx.page("accounts/password", N_("Change password"), data, 422);
}

namespace {
Response totp_page(Context& ctx, const std::map<std::string, std::string>& errors, int status) {
  storage::Transaction tx(ctx.app.db);
  auto user = find_user(tx, ctx.app.keys, ctx.user_id());
  if (!user) throw Error(ErrorKind::unauthenticated, N_("Please sign in."));
  auto enrolment = begin_totp(tx, ctx.app.keys, ctx.user_id(), user->email);
  tx.commit();
  json data = http::error_data(ctx, errors);
  data["secret"] = enrolment.secret_base32;
  data["qr_svg_html"] = enrolment.qr_svg;  // built by the server from our own URI
  data["already_enabled"] = user->totp_enabled;
  data["required"] = ctx.session->organisation_requires_mfa;
  return ctx.page("accounts/totp", N_("Two-step verification"), data, status);
}
}  // namespace

Response totp_enrolment_form(Context& ctx) {
  return totp_page(ctx, {}, 200);
}

Response confirm_totp_enrolment(Context& ctx) {
  auto in = http::read_form(
      ctx, {Field{"code", 10}, Field{"current_password", kMaxPasswordLength, false, false}});
  if (in.ok()) {
    // Replacing a working second factor needs the password too: a borrowed session alone
    // must not be enough to take the account over.
    if (ctx.session->totp_enabled) refuse_if_too_many_password_attempts(ctx);
    storage::Transaction tx(ctx.app.db);
    if (ctx.session->totp_enabled &&
        !password_matches(tx, ctx.user_id(), in.get("current_password"))) {
      note_wrong_password(ctx, tx);
      tx.commit();
      return totp_page(ctx, {{"current_password", N_("The current password is not correct.")}},
                       422);
    }
    if (confirm_totp(tx, ctx.app.keys, ctx.user_id(), in.get("code"), now_seconds())) {
      audit::append(tx, ctx.app.keys,
                    ctx.audit_event("user.enable_totp", "user", std::to_string(ctx.user_id())));
      tx.commit();
      return Response::redirect("/staff");
    }
  }
  return totp_page(
      ctx, {{"code", N_("That code is not correct. Scan the new code below and try again.")}}, 422);
}

namespace {
Response users_page(Context& ctx, const std::map<std::string, std::string>& errors, json form,
                    int status, json created = nullptr) {
  storage::Transaction tx(ctx.app.db);
  auto staff = staff_of(tx, ctx.app.keys, ctx.organisation_id());
  audit::append(
      tx, ctx.app.keys,
      ctx.audit_event("personal_data.read", "staff_list", std::to_string(ctx.organisation_id())));
  auto org = organisations::find(tx, ctx.organisation_id());
  auto open_cases = casework::open_cases_by_assignee(tx, ctx.organisation_id());
  auto colleagues = casework::assignable_staff(tx, ctx.app.keys, ctx.organisation_id());
  tx.commit();
  json rows = json::array();
  for (const auto& s : staff) {
    auto it = open_cases.find(s.user.id);
    int cases = it == open_cases.end() ? 0 : it->second;
    json to = json::array();
    for (const auto& [cid, cname] : colleagues) {
      if (cid != s.user.id) to.push_back({{"id", cid}, {"name", cname}});
    }
    rows.push_back({{"id", s.user.id},
                    {"open_cases", cases},
                    {"has_cases", cases > 0},
                    {"colleagues", to},
                    {"name", s.user.name},
                    {"email", s.user.email},
                    {"roles", roles_json(ctx, s.roles)},
                    {"disabled", s.user.disabled},
                    {"totp", s.user.totp_enabled},
                    {"self", s.user.id == ctx.user_id()}});
  }
  json role_options = json::array();
  for (Role r : all_roles()) {
    role_options.push_back({{"code", to_string(r)},
                            {"label", ctx.tr(role_label(r))},
                            {"selected", form.value("role", "") == to_string(r)}});
  }
  json data = http::error_data(ctx, errors);
  data["staff"] = rows;
  data["roles"] = role_options;
  data["form"] = form;
  data["created"] = created;
  data["organisation"] = org ? org->name : "";
  data["mfa_required"] = org && org->mfa_required;
  return ctx.page("accounts/admin_users", N_("Staff"), data, status);
}
}  // namespace

Response admin_users(Context& ctx) {
  // Staff who joined since (and have signed in once, so they have a key pair) get their copy
  // of the office key from this admin's session now, rather than at the next sign-in.
  if (ctx.session->user_key_wrapped && !ctx.session->session_key.empty()) {
    storage::Transaction tx(ctx.app.db);
    auto secret = keyring::unwrap_session(ctx.session->session_key, *ctx.session->user_key_wrapped);
    keyring::share_with_new_members(tx, ctx.user_id(), secret, now_seconds());
    tx.commit();
  }
  return users_page(ctx, {}, json::object(), 200);
}

Response admin_add_user(Context& ctx) {
  auto in = http::read_form(ctx, {Field{"email", 254}, Field{"name", 200}, Field{"role", 40}});
  auto role = role_from_string(in.get("role"));
  auto errors = in.errors;
  if (!role && !errors.count("role")) errors["role"] = N_("Choose a role.");
  json form{{"email", in.get("email")}, {"name", in.get("name")}, {"role", in.get("role")}};
  if (!errors.empty()) return users_page(ctx, errors, form, 422);
  auto& app = ctx.app;
  storage::Transaction tx(app.db);
  std::string one_time;
  auto existing = find_user_id_by_email(tx, app.keys, in.get("email"));
  long long user_id = 0;
  if (existing) {
    // The person already works elsewhere: give them a role here too, keeping their password.
    user_id = *existing;
  } else {
    one_time = crypto::random_token(12);
    try {
      user_id = create_user(tx, app.keys, {in.get("email"), in.get("name"), one_time, true, false});
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::unprocessable && e.kind() != ErrorKind::conflict) throw;
      return users_page(ctx, e.fields(), form, 422);
    }
  }
  add_membership(tx, user_id, ctx.organisation_id(), *role);
  audit::append(tx, app.keys,
                ctx.audit_event(existing ? "membership.create" : "user.create", "user",
                                std::to_string(user_id),
                                std::string("role ") + std::string(to_string(*role))));
  tx.commit();
  json created{
      {"email", in.get("email")}, {"password", one_time}, {"existing", existing.has_value()}};
  return users_page(ctx, {}, json::object(), 201, created);
}

namespace {
Response set_user_disabled(Context& ctx, bool disabled) {
  long long target = parse_id(ctx.param("id"));
  auto& app = ctx.app;
  storage::Transaction tx(app.db);
  require_member_of_active(tx, ctx, target);
  if (target == ctx.user_id()) {
    throw Error(ErrorKind::conflict, N_("You cannot disable your own account."));
  }
  for (const auto& m : memberships(tx, target)) {
    if (m.organisation_id != ctx.organisation_id()) {
      throw Error(ErrorKind::forbidden, N_("This person also works for another organisation. Ask "
                                           "its administrator, or remove the role here."));
    }
  }
  if (disabled && keyring::is_sole_holder(tx, target)) {
    throw Error(ErrorKind::conflict,
                N_("This person is the only one who holds the office's key: disabling them now "
                   "would make every report unreadable for good. Add another advisor or "
                   "coordinator first, and let them sign in once while this person can still "
                   "share the key."));
  }
  set_disabled(tx, target, disabled);
  audit::append(
      tx, app.keys,
      ctx.audit_event(disabled ? "user.disable" : "user.enable", "user", std::to_string(target)));
  tx.commit();
  return Response::redirect("/admin/users");
}
}  // namespace

Response admin_hand_over(Context& ctx) {
  long long from = parse_id(ctx.param("id"));
  auto in = http::read_form(ctx, {Field{"to", 20}});
  storage::Transaction tx(ctx.app.db);
  require_member_of_active(tx, ctx, from);
  long long to = 0;
  try {
    to = in.ok() ? parse_id(in.get("to")) : 0;
  } catch (const Error&) {
  }
  if (to == 0) {
    throw Error(ErrorKind::unprocessable, N_("Choose an advisor or coordinator of this office."));
  }
  casework::hand_over(tx, ctx.app.keys, ctx.user_id(), ctx.organisation_id(), from, to,
                      now_seconds());
  tx.commit();
  return Response::redirect("/admin/users");
}

Response admin_disable_user(Context& ctx) {
  return set_user_disabled(ctx, true);
}
Response admin_enable_user(Context& ctx) {
  return set_user_disabled(ctx, false);
}

Response api_me(Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  auto user = find_user(tx, ctx.app.keys, ctx.user_id());
  if (!user) throw Error(ErrorKind::unauthenticated, N_("Please sign in."));
  json roles = json::array();
  for (Role r : ctx.session->roles) roles.push_back(to_string(r));
  json body{{"id", user->id},
            {"name", user->name},
            {"email", user->email},
            {"organisation_id", ctx.organisation_id()},
            {"roles", roles},
            {"language", ctx.lang},
            {"totp_enabled", user->totp_enabled},
            // JSON clients send this back in X-CSRF-Token on unsafe requests.
            {"csrf_token", ctx.session->csrf_token}};
  return Response::json(body.dump());
}

Response api_staff(Context& ctx) {
  storage::Transaction tx(ctx.app.db);
  auto staff = staff_of(tx, ctx.app.keys, ctx.organisation_id());
  audit::append(tx, ctx.app.keys,
                ctx.audit_event("personal_data.read", "staff_list",
                                std::to_string(ctx.organisation_id()), "api"));
  tx.commit();
  json items = json::array();
  for (const auto& s : staff) {
    json roles = json::array();
    for (Role r : s.roles) roles.push_back(to_string(r));
    items.push_back({{"id", s.user.id},
                     {"name", s.user.name},
                     {"email", s.user.email},
                     {"roles", roles},
                     {"disabled", s.user.disabled},
                     {"totp_enabled", s.user.totp_enabled}});
  }
  return Response::json(json{{"items", items}}.dump());
}

}  // namespace dime::accounts::routes
