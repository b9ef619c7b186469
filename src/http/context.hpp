// What a route handler gets: the request, the app, the session and the chosen language.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "accounts/model.hpp"
#include "app/app.hpp"
#include "audit/model.hpp"
#include "core/translatable.hpp"
#include "http/message.hpp"

namespace dime::http {

struct Context {
  Context(App& a, const Request& r) : app(a), req(r), lang(a.config.default_language) {}

  App& app;
  const Request& req;
  Params params;                             // from the route pattern
  std::optional<accounts::Session> session;  // set for signed-in routes
  std::string lang = "en";
  std::string csrf_token;                // to embed in every form of the page
  bool csrf_cookie_is_new = false;       // page() sends it as the double-submit cookie
  std::vector<std::string> set_cookies;  // added to the response

  const std::string& param(const std::string& name) const { return params.at(name); }
  // The form body (urlencoded or multipart), parsed once; a repeated name keeps its last value.
  const Params& form();
  // A form field, empty when absent.
  std::string field(const std::string& name);
  // A query parameter as sent, empty when absent.
  std::string query(const std::string& name) const;
  // Every value of a repeated field (checkboxes), in order.
  std::vector<std::string> field_values(const std::string& name);
  // Files of a multipart body (empty for urlencoded forms).
  const std::vector<UploadedFile>& files();
  // An audit entry by the signed-in staff member in their active organisation.
  audit::Event audit_event(std::string action, std::string object_type, std::string object_id,
                           std::string detail = {}) const;
  std::string tr(std::string_view msgid) const { return app.catalogues.translate(lang, msgid); }
  // Translates into `language` (documents and e-mail in someone else's language, labels).
  std::function<std::string(std::string_view)> translator(const std::string& language) const {
    return [this, language](std::string_view msgid) {
      return app.catalogues.translate(language, msgid);
    };
  }
  long long user_id() const { return session->user_id; }
  long long organisation_id() const { return session->organisation_id.value_or(0); }
  // The signed-in user's private key for this request, opened with the cookie's key half.
  // Error(unauthenticated) when the session has no key half or it was altered.
  std::string user_secret() const;
  std::string address() const { return req.remote_address; }

  // A page inside the layout (navigation, language switcher, CSRF token available as `csrf`).
  Response page(const std::string& template_name, const std::string& title_msgid,
                nlohmann::json data, int status = 200);

 private:
  void parse_body();
  std::optional<FormData> data_;
  std::optional<Params> form_;
};

}  // namespace dime::http
