// HTTP adapters for reference data: the public JSON lists and the office's admin page.
#pragma once
#include "http/context.hpp"

namespace dime::reference::routes {

http::Response api_list(http::Context& ctx);
http::Response admin_page(http::Context& ctx);
http::Response admin_set_label(http::Context& ctx);
http::Response admin_add_entry(http::Context& ctx);
http::Response admin_retire(http::Context& ctx);
http::Response admin_restore(http::Context& ctx);

}  // namespace dime::reference::routes
