// The route table type: each route declares its method, path pattern, who may call it and how
// large its body may be. Access is enforced in http/pipeline.cpp before the body is parsed.
#pragma once
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "accounts/model.hpp"
#include "http/context.hpp"
#include "http/message.hpp"

namespace dime::http {

using Handler = std::function<Response(Context&)>;

struct Access {
  enum class Kind { anyone, signed_in, roles };
  // How far sign-in must have come: complete; past the second factor (so that a password
  // change or TOTP enrolment can be finished); or only past the password.
  enum class Stage { complete, setup, password };
  Kind kind = Kind::anyone;
  std::vector<accounts::Role>
      roles;  // for Kind::roles: any one of these in the active organisation
  Stage stage = Stage::complete;
  bool csrf = true;  // unsafe methods must carry the CSRF token

  static Access anyone() { return {}; }
  // Public JSON endpoints whose handlers use no ambient credential (no session, only what the
  // body or the Authorization header carries): no CSRF token, but the handler insists on a
  // JSON body, which a cross-site form cannot send without a CORS preflight we never allow.
  static Access public_api() { return {Kind::anyone, {}, Stage::complete, false}; }
  static Access signed_in() { return {Kind::signed_in, {}, Stage::complete, true}; }
  static Access during_setup() { return {Kind::signed_in, {}, Stage::setup, true}; }
  static Access after_password() { return {Kind::signed_in, {}, Stage::password, true}; }
  static Access roles_of(std::initializer_list<accounts::Role> r) {
    return {Kind::roles, r, Stage::complete, true};
  }
};

inline constexpr std::size_t kSmallBody = 64UL * 1024;

struct Route {
  Method method;
  std::string pattern;  // "/admin/users/{id}/disable"
  Access access;
  Handler handler;
  std::size_t max_body = kSmallBody;
};

struct Match {
  const Route* route = nullptr;
  Params params;
  std::vector<Method> allowed;  // when the path matched but the method did not
};

class Router {
 public:
  explicit Router(std::vector<Route> routes) : routes_(std::move(routes)) {}
  Match match(Method method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The one route table of DiMe (http/routes.cpp).
Router make_router();

}  // namespace dime::http
