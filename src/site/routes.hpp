// Public site routes: start page, health check, static files, language choice.
#pragma once
#include "http/context.hpp"

namespace dime::site::routes {

http::Response start_page(http::Context& ctx);
http::Response healthz(http::Context& ctx);
http::Response static_file(http::Context& ctx);
http::Response choose_language(http::Context& ctx);

}  // namespace dime::site::routes
