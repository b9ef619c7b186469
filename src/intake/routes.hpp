// Public intake routes: the report form in steps, the receipt, follow-up, and the JSON API.
#pragma once
#include "http/context.hpp"

namespace dime::intake::routes {

http::Response report_form(http::Context& ctx);
http::Response report_step(http::Context& ctx);
http::Response follow_up_form(http::Context& ctx);
http::Response follow_up(http::Context& ctx);

http::Response api_submit(http::Context& ctx);
http::Response api_self(http::Context& ctx);
http::Response api_self_message(http::Context& ctx);

}  // namespace dime::intake::routes
