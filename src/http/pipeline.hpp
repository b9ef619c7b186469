// The path of every request: route match, body limit, language, session, role, CSRF, handler,
// error mapping and security headers. The server adapter calls only this.
#pragma once
#include "app/app.hpp"
#include "core/error.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace dime::http {

Response handle(App& app, const Router& router, const Request& req);

// For a request too malformed to reach a route: the error page with the usual headers.
Response handle_error(App& app, const Request& req, const Error& error);

// The one mapping from ErrorKind to HTTP status.
int status_of(ErrorKind kind);
// The one place an Error becomes a response (a small page, or JSON under /api/).
Response error_response(Context& ctx, const Error& error);

}  // namespace dime::http
