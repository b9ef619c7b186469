// Statistics over HTTP: the coordinator's dashboard, exports and annual report, approval of
// cases for publication, and the public figures (page, JSON and open-data CSV). Thin
// adapters over statistics/service and statistics/export.
#pragma once
#include "http/context.hpp"

namespace dime::statistics::routes {

// Staff (coordinators; a national organisation's coordinators see every office together)
http::Response dashboard(http::Context& ctx);
http::Response api_figures(http::Context& ctx);
http::Response export_csv(http::Context& ctx);
http::Response export_xlsx(http::Context& ctx);
http::Response export_jurisdiction(http::Context& ctx);
http::Response annual_report(http::Context& ctx);
http::Response post_approve(http::Context& ctx);
http::Response post_case_approval(http::Context& ctx);

// Between instances: an office on its own server signs its figures for a national unit, which
// imports them (statistics/exchange.hpp)
http::Response share_page(http::Context& ctx);
http::Response share_file(http::Context& ctx);
http::Response national_page(http::Context& ctx);
http::Response post_import(http::Context& ctx);
http::Response api_import(http::Context& ctx);

// Public: no sign-in, approved cases only, suppressed
http::Response public_page(http::Context& ctx);
http::Response api_public(http::Context& ctx);
http::Response open_data_csv(http::Context& ctx);

}  // namespace dime::statistics::routes
