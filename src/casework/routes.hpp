// Casework over HTTP: the queue, the case page and its forms, the deadline view, and the JSON
// API under /api/v1/cases. Thin adapters over casework/service.
#pragma once
#include "http/context.hpp"

namespace dime::casework::routes {

http::Response queue(http::Context& ctx);
// A union representative's own cases: reference, status and dates only.
http::Response my_cases(http::Context& ctx);
http::Response deadlines_page(http::Context& ctx);
http::Response case_page(http::Context& ctx);
http::Response download(http::Context& ctx);
http::Response post_acknowledge(http::Context& ctx);
http::Response post_assign(http::Context& ctx);
http::Response post_status(http::Context& ctx);
http::Response post_coding(http::Context& ctx);
http::Response post_evidence(http::Context& ctx);
http::Response post_note(http::Context& ctx);
http::Response post_message(http::Context& ctx);
http::Response post_task(http::Context& ctx);
http::Response post_task_done(http::Context& ctx);
http::Response post_erase(http::Context& ctx);
http::Response post_referral(http::Context& ctx);
http::Response referral_page(http::Context& ctx);
http::Response post_referral_draft(http::Context& ctx);
http::Response post_referral_status(http::Context& ctx);
http::Response referral_document(http::Context& ctx);
http::Response export_for_person(http::Context& ctx);

http::Response api_list(http::Context& ctx);
http::Response api_read(http::Context& ctx);
http::Response api_acknowledge(http::Context& ctx);
http::Response api_assign(http::Context& ctx);
http::Response api_status(http::Context& ctx);
http::Response api_coding(http::Context& ctx);
http::Response api_evidence(http::Context& ctx);
http::Response api_note(http::Context& ctx);
http::Response api_message(http::Context& ctx);
http::Response api_task(http::Context& ctx);
http::Response api_task_done(http::Context& ctx);
http::Response api_referral_create(http::Context& ctx);
http::Response api_referral_read(http::Context& ctx);
http::Response api_referral_draft(http::Context& ctx);
http::Response api_referral_status(http::Context& ctx);

}  // namespace dime::casework::routes
