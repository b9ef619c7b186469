// HTTP adapters for an organisation's own settings (admin only).
#pragma once
#include "http/context.hpp"

namespace dime::organisations::routes {

http::Response settings_form(http::Context& ctx);
http::Response update_settings(http::Context& ctx);
http::Response update_case_settings(http::Context& ctx);

}  // namespace dime::organisations::routes
