// HTTP adapter for reading one's own organisation's audit log (admin only).
#pragma once
#include "http/context.hpp"

namespace dime::audit::routes {

http::Response log_page(http::Context& ctx);

}  // namespace dime::audit::routes
