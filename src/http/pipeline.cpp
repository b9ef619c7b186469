// Request pipeline and error mapping; see pipeline.hpp.
#include "http/pipeline.hpp"

#include <spdlog/spdlog.h>

#include "accounts/service.hpp"
#include "core/clock.hpp"
#include "organisations/service.hpp"
#include "web/views.hpp"

namespace dime::http {

namespace {

constexpr const char* kSessionCookie = "dime_session";
constexpr const char* kCsrfCookie = "dime_csrf";
constexpr const char* kLanguageCookie = "dime_lang";

void add_security_headers(const App& app, Response& r) {
  // A handler may set a stricter policy (evidence downloads are sandboxed).
  if (!r.header("Content-Security-Policy")) {
    r.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  }
  r.set_header("X-Content-Type-Options", "nosniff");
  r.set_header("Referrer-Policy", "no-referrer");
  r.set_header("X-Frame-Options", "DENY");
  r.set_header("Cross-Origin-Opener-Policy", "same-origin");
  r.set_header("Permissions-Policy",
               "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  if (app.config.behind_tls) {
    r.set_header("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  }
  if (!r.header("Cache-Control")) r.set_header("Cache-Control", "no-store");
}

std::string pending_page(accounts::Session::Pending p) {
  switch (p) {
    case accounts::Session::Pending::second_factor: return "/login/totp";
    case accounts::Session::Pending::password_change: return "/account/password";
    case accounts::Session::Pending::mfa_enrolment: return "/account/totp";
    case accounts::Session::Pending::none: break;
  }
  return "/staff";
}

std::optional<std::string> organisation_language(App& app, const accounts::Session& s) {
  if (!s.organisation_id) return std::nullopt;
  storage::Transaction tx(app.db, storage::Transaction::Mode::read);
  auto org = organisations::find(tx, *s.organisation_id);
  if (!org) return std::nullopt;
  return org->default_language;
}

// User choice (cookie, then profile) > Accept-Language > organisation default > server default.
std::string choose_language(const Context& ctx, const std::optional<std::string>& saved,
                            const std::optional<std::string>& organisation) {
  std::optional<std::string> chosen = ctx.req.cookie(kLanguageCookie);
  if (!chosen) chosen = saved;
  std::vector<std::string> accept;
  if (auto al = ctx.req.header("accept-language")) accept = parse_accept_language(*al);
  return i18n::negotiate(chosen, accept,
                         organisation ? organisation : ctx.app.config.default_language);
}

Response run(Context& ctx, const Router& router) {
  const Request& req = ctx.req;
  App& app = ctx.app;
  // Chosen before anything can fail, so that even a 404 or 413 speaks the visitor's language.
  ctx.lang = choose_language(ctx, std::nullopt, std::nullopt);
  Match m = router.match(req.method, req.path);
  if (!m.route) {
    if (!m.allowed.empty()) {
      std::string allow;
      for (auto meth : m.allowed) {
        if (!allow.empty()) allow += ", ";
        allow += method_name(meth);
      }
      Response r =
          error_response(ctx, Error(ErrorKind::method_not_allowed,
                                    N_("This address does not accept that kind of request.")));
      r.set_header("Allow", allow);
      return r;
    }
    throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  }
  const Route& route = *m.route;
  ctx.params = std::move(m.params);

  // Refuse oversize bodies before anything looks at them.
  if (auto cl = req.header("content-length")) {
    unsigned long long declared = 0;
    try {
      declared = std::stoull(std::string(*cl));
    } catch (const std::exception&) {
      throw Error(ErrorKind::bad_request, N_("The request was malformed."), "bad Content-Length");
    }
    if (declared > route.max_body) {
      throw Error(ErrorKind::payload_too_large, N_("What you sent is too large."));
    }
  }
  if (req.body.size() > route.max_body) {
    throw Error(ErrorKind::payload_too_large, N_("What you sent is too large."));
  }

  // Session (a database read: sessions are shared by every server instance).
  long long now = now_seconds();
  if (auto token = req.cookie(kSessionCookie)) {
    storage::Transaction tx(app.db, storage::Transaction::Mode::read);
    ctx.session = accounts::load_session(tx, *token, app.config, now);
  }
  if (ctx.session && now - ctx.session->last_seen_at >= 60) {
    storage::Transaction tx(app.db);
    accounts::touch_session(tx, ctx.session->token_hash, now);
    tx.commit();
  }

  // A signed-in user's saved language and organisation refine the early choice.
  if (ctx.session && !req.cookie(kLanguageCookie)) {
    std::optional<std::string> office;
    if (!ctx.session->language && !req.header("accept-language")) {
      office = organisation_language(app, *ctx.session);
    }
    ctx.lang = choose_language(ctx, ctx.session->language, office);
  }

  // CSRF token for this page's forms: the session's, or a double-submit cookie when signed
  // out (sent by Context::page only, so that static files and JSON carry no cookie).
  if (ctx.session) {
    ctx.csrf_token = ctx.session->csrf_token;
  } else if (auto c = req.cookie(kCsrfCookie); c && c->size() >= 32 && c->size() <= 64) {
    ctx.csrf_token = *c;
  } else {
    ctx.csrf_token = crypto::random_token(32);
    ctx.csrf_cookie_is_new = true;
  }

  // Who may call the route: decided before the body is parsed.
  const Access& access = route.access;
  if (access.kind != Access::Kind::anyone) {
    if (!ctx.session) {
      if (req.wants_json()) throw Error(ErrorKind::unauthenticated, N_("Please sign in."));
      return Response::redirect("/login");
    }
    using P = accounts::Session::Pending;
    auto pending = ctx.session->pending();
    bool allowed = pending == P::none || access.stage == Access::Stage::password ||
                   (access.stage == Access::Stage::setup && pending != P::second_factor);
    if (!allowed) {
      if (req.wants_json())
        throw Error(ErrorKind::forbidden, N_("Please finish signing in first."));
      return Response::redirect(pending_page(pending));
    }
    if (access.kind == Access::Kind::roles && !ctx.session->has_any(access.roles)) {
      throw Error(ErrorKind::forbidden, N_("You do not have access to this page."));
    }
  }

  if (is_unsafe(req.method) && access.csrf) {
    std::string sent;
    if (auto h = req.header("x-csrf-token")) {
      sent = std::string(*h);
    } else if (auto ct = req.header("content-type");
               ct && (ct->find("application/x-www-form-urlencoded") != std::string_view::npos ||
                      is_multipart_form(*ct))) {
      sent = ctx.field("_csrf");
    }
    std::string expected =
        ctx.session ? ctx.session->csrf_token : req.cookie(kCsrfCookie).value_or("");
    if (expected.empty() || !crypto::equal(sent, expected)) {
      throw Error(ErrorKind::forbidden,
                  N_("The form had expired or came from another site. Please try again."),
                  "CSRF check failed");
    }
  }
  return route.handler(ctx);
}

}  // namespace

int status_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::bad_request: return 400;
    case ErrorKind::unauthenticated: return 401;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::not_found: return 404;
    case ErrorKind::method_not_allowed: return 405;
    case ErrorKind::conflict: return 409;
    case ErrorKind::payload_too_large: return 413;
    case ErrorKind::unprocessable: return 422;
    case ErrorKind::too_many_requests: return 429;
    case ErrorKind::unsupported_media: return 415;
    case ErrorKind::unavailable: return 503;
    case ErrorKind::internal: break;
  }
  return 500;
}

Response error_response(Context& ctx, const Error& error) {
  int status = status_of(error.kind());
  static const char* const kCodes[] = {
      "bad_request",        "unauthenticated",   "forbidden",         "not_found",
      "method_not_allowed", "conflict",          "payload_too_large", "unprocessable",
      "too_many_requests",  "unsupported_media", "unavailable",       "internal"};
  const char* code = kCodes[static_cast<int>(error.kind())];
  if (ctx.req.wants_json()) {
    nlohmann::json body{{"error", {{"code", code}, {"message", ctx.tr(error.message())}}}};
    if (!error.fields().empty()) {
      nlohmann::json fields = nlohmann::json::object();
      for (const auto& [k, v] : error.fields()) fields[k] = ctx.tr(v);
      body["error"]["fields"] = fields;
    }
    return Response::json(body.dump(), status);
  }
  try {
    return ctx.page(
        "errors/error",
        error.kind() == ErrorKind::not_found ? N_("Page not found") : N_("Something went wrong"),
        {{"message", ctx.tr(error.message())}, {"status", status}}, status);
  } catch (const std::exception& e) {
    spdlog::error("error page failed: {}", e.what());
    return Response::text(std::to_string(status) + " " + reason_phrase(status) + "\n",
                          "text/plain; charset=utf-8", status);
  }
}

namespace {
Response finish(Context& ctx, Response r) {
  for (auto& c : ctx.set_cookies) r.headers.emplace_back("Set-Cookie", std::move(c));
  add_security_headers(ctx.app, r);
  if (ctx.req.method == Method::head) r.body.clear();
  return r;
}
}  // namespace

Response handle_error(App& app, const Request& req, const Error& error) {
  Context ctx(app, req);
  ctx.lang = choose_language(ctx, std::nullopt, std::nullopt);
  return finish(ctx, error_response(ctx, error));
}

Response handle(App& app, const Router& router, const Request& req) {
  Context ctx(app, req);
  Response r;
  try {
    r = run(ctx, router);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::internal)
      spdlog::error("{} {}: {}", method_name(req.method), req.path, e.what());
    r = error_response(ctx, e);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", method_name(req.method), req.path, e.what());
    r = error_response(ctx, Error(ErrorKind::internal,
                                  N_("Something went wrong on our side. Please try again later.")));
  }
  return finish(ctx, std::move(r));
}

}  // namespace dime::http
