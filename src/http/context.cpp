// Context: form access, translation, audit events and page rendering for route handlers.
#include "http/context.hpp"

#include "core/error.hpp"
#include "core/translatable.hpp"
#include "i18n/i18n.hpp"
#include "keyring/service.hpp"
#include "web/views.hpp"

namespace dime::http {

std::string Context::user_secret() const {
  const auto& s = *session;
  if (!s.user_key_wrapped || s.session_key.empty()) {
    throw Error(ErrorKind::unauthenticated, N_("Please sign in again to open cases."),
                "session without its key half");
  }
  try {
    return keyring::unwrap_session(s.session_key, *s.user_key_wrapped);
  } catch (const Error&) {
    // The cookie's key half was altered: this session opens nothing.
    throw Error(ErrorKind::unauthenticated, N_("Please sign in again to open cases."),
                "session key does not open the wrapped user key");
  }
}

audit::Event Context::audit_event(std::string action, std::string object_type,
                                  std::string object_id, std::string detail) const {
  audit::Event e;
  if (session) {
    e.actor_user_id = session->user_id;
    e.organisation_id = session->organisation_id;
  }
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.detail = std::move(detail);
  return e;
}

void Context::parse_body() {
  if (data_) return;
  auto ct = req.header("content-type").value_or("");
  if (is_multipart_form(ct)) {
    data_ = parse_multipart(ct, req.body);
  } else {
    data_ = FormData{parse_urlencoded_pairs(req.body), {}};
  }
  Params last;
  for (const auto& [k, v] : data_->fields) last.insert_or_assign(k, v);
  form_ = std::move(last);
}

const Params& Context::form() {
  parse_body();
  return *form_;
}

std::vector<std::string> Context::field_values(const std::string& name) {
  parse_body();
  std::vector<std::string> out;
  for (const auto& [k, v] : data_->fields) {
    if (k == name) out.push_back(v);
  }
  return out;
}

const std::vector<UploadedFile>& Context::files() {
  parse_body();
  return data_->files;
}

std::string Context::query(const std::string& name) const {
  auto it = req.query.find(name);
  return it == req.query.end() ? std::string() : it->second;
}

std::string Context::field(const std::string& name) {
  const auto& f = form();
  auto it = f.find(name);
  return it == f.end() ? std::string() : it->second;
}

Response Context::page(const std::string& template_name, const std::string& title_msgid,
                       nlohmann::json data, int status) {
  auto translate = [this](const std::string& s) { return tr(s); };
  data["csrf"] = csrf_token;
  if (csrf_cookie_is_new) {
    set_cookies.push_back(make_cookie("dime_csrf", csrf_token, 60LL * 60 * 24));
    csrf_cookie_is_new = false;
  }
  std::string content = web::render(template_name, data, translate);
  const auto* language = i18n::find(lang);
  nlohmann::json languages = nlohmann::json::array();
  for (const auto& l : i18n::languages()) {
    languages.push_back({{"code", l.code},
                         {"name", l.native_name},
                         {"current", l.code == lang},
                         {"dir", l.rtl ? "rtl" : "ltr"}});
  }
  nlohmann::json layout{
      {"lang", lang},
      {"dir", language && language->rtl ? "rtl" : "ltr"},
      {"title", tr(title_msgid)},
      {"csrf", csrf_token},
      // After a language switch the browser comes back here: only a page it can GET.
      {"return_to", req.method == Method::get ? req.path : std::string("/")},
      {"languages", languages},
      {"content_html", content},
  };
  if (data.contains("errors")) {
    layout["has_errors"] = true;
    layout["errors"] = data["errors"];
  }
  if (session && session->pending() == accounts::Session::Pending::none) {
    layout["staff"] = true;
    layout["is_admin"] = session->has_any({accounts::Role::admin});
    layout["is_caseworker"] =
        session->has_any({accounts::Role::advisor, accounts::Role::coordinator});
    layout["is_coordinator"] = session->has_any({accounts::Role::coordinator});
    layout["is_union_rep"] = session->has_any({accounts::Role::union_representative});
    layout["is_bench"] = session->has_any({accounts::Role::mediator, accounts::Role::coordinator});
  } else if (session) {
    layout["signing_in"] = true;
  }
  return Response::html(web::render("layout/page", layout, translate), status);
}

}  // namespace dime::http
