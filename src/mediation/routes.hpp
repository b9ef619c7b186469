// The mediation bench over HTTP: the list, the mediation page and its forms, documents
// (agreement PDF, meeting .ics), and the JSON API under /api/v1/mediations. Thin adapters over
// mediation/service.
#pragma once
#include "http/context.hpp"

namespace dime::mediation::routes {

http::Response list_page(http::Context& ctx);
http::Response new_form(http::Context& ctx);
http::Response post_start(http::Context& ctx);
http::Response page(http::Context& ctx);
http::Response post_declaration(http::Context& ctx);
http::Response post_mediator(http::Context& ctx);
http::Response post_contact(http::Context& ctx);
http::Response post_party(http::Context& ctx);
http::Response post_party_update(http::Context& ctx);
http::Response post_consent(http::Context& ctx);
http::Response post_withdrawal(http::Context& ctx);
http::Response post_note(http::Context& ctx);
http::Response post_meeting(http::Context& ctx);
http::Response post_reschedule(http::Context& ctx);
http::Response post_cancel(http::Context& ctx);
http::Response post_held(http::Context& ctx);
http::Response meeting_calendar(http::Context& ctx);
http::Response post_agreement(http::Context& ctx);
http::Response post_no_agreement(http::Context& ctx);
http::Response post_outcome(http::Context& ctx);
http::Response agreement_document(http::Context& ctx);

http::Response api_list(http::Context& ctx);
http::Response api_start(http::Context& ctx);
http::Response api_statistics(http::Context& ctx);
http::Response api_read(http::Context& ctx);
http::Response api_declaration(http::Context& ctx);
http::Response api_mediator(http::Context& ctx);
http::Response api_contact(http::Context& ctx);
http::Response api_party(http::Context& ctx);
http::Response api_party_update(http::Context& ctx);
http::Response api_consent(http::Context& ctx);
http::Response api_withdrawal(http::Context& ctx);
http::Response api_note(http::Context& ctx);
http::Response api_meeting(http::Context& ctx);
http::Response api_reschedule(http::Context& ctx);
http::Response api_cancel(http::Context& ctx);
http::Response api_held(http::Context& ctx);
http::Response api_agreement(http::Context& ctx);
http::Response api_no_agreement(http::Context& ctx);
http::Response api_outcome(http::Context& ctx);

}  // namespace dime::mediation::routes
