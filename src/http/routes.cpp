// THE route table of DiMe: every address, who may call it, and how large its body may be.
// Access is enforced by http/pipeline.cpp before the handler runs; handlers check the record.
#include "accounts/routes.hpp"

#include "audit/routes.hpp"
#include "casework/routes.hpp"
#include "http/router.hpp"
#include "intake/model.hpp"
#include "intake/routes.hpp"
#include "mediation/routes.hpp"
#include "organisations/routes.hpp"
#include "reference/routes.hpp"
#include "site/routes.hpp"
#include "statistics/routes.hpp"

namespace dime::http {

Router make_router() {
  using accounts::Role;
  namespace acc = accounts::routes;
  namespace cw = casework::routes;
  namespace st = statistics::routes;
  const Access admin = Access::roles_of({Role::admin});
  // Casework: advisors and coordinators of the active office (the rules keep them inside it).
  const Access casework = Access::roles_of({Role::advisor, Role::coordinator});
  const Access coordinator = Access::roles_of({Role::coordinator});
  // The mediation bench: mediators run their own mediations; coordinators oversee the office's
  // and give them to mediators (the rules keep each mediator to theirs).
  namespace md = mediation::routes;
  const Access bench = Access::roles_of({Role::mediator, Role::coordinator});
  const Access mediator = Access::roles_of({Role::mediator});
  // A narrative of 20,000 bytes may grow sixfold as JSON escapes (\uXXXX).
  constexpr std::size_t kReportJsonBody = 160UL * 1024;
  // A brief (20,000 bytes) or an agreement (6 x 5,000 bytes) grows up to sixfold as JSON
  // escapes and threefold percent-encoded.
  constexpr std::size_t kMediationFormBody = 192UL * 1024;
  constexpr std::size_t kAggregateBody = 4UL * 1024 * 1024;
  return Router({
      // Public
      {Method::get, "/", Access::anyone(), site::routes::start_page},
      {Method::get, "/healthz", Access::anyone(), site::routes::healthz},
      {Method::get, "/static/{file}", Access::anyone(), site::routes::static_file},
      {Method::post, "/language", Access::anyone(), site::routes::choose_language},

      // Published statistics: approved cases only, small counts suppressed
      {Method::get, "/statistics", Access::anyone(), st::public_page},
      {Method::get, "/statistics/open-data.csv", Access::anyone(), st::open_data_csv},
      {Method::get, "/api/v1/public/statistics", Access::anyone(), st::api_public},

      // Reporting and following up (anyone, no account; uploads bounded per route)
      {Method::get, "/report", Access::anyone(), intake::routes::report_form},
      {Method::post, "/report", Access::anyone(), intake::routes::report_step,
       intake::kMaxUploadBody},
      {Method::get, "/follow-up", Access::anyone(), intake::routes::follow_up_form},
      {Method::post, "/follow-up", Access::anyone(), intake::routes::follow_up,
       intake::kMaxUploadBody},

      // Signing in and out
      {Method::get, "/login", Access::anyone(), acc::login_form},
      {Method::post, "/login", Access::anyone(), acc::login},
      {Method::get, "/login/totp", Access::after_password(), acc::second_factor_form},
      {Method::post, "/login/totp", Access::after_password(), acc::second_factor},
      {Method::post, "/logout", Access::after_password(), acc::logout},

      // Any signed-in staff member
      {Method::get, "/staff", Access::signed_in(), acc::staff_home},
      {Method::post, "/staff/organisation", Access::signed_in(), acc::switch_organisation},
      {Method::get, "/account/password", Access::during_setup(), acc::password_form},
      {Method::post, "/account/password", Access::during_setup(), acc::change_password},
      {Method::get, "/account/totp", Access::during_setup(), acc::totp_enrolment_form},
      {Method::post, "/account/totp", Access::during_setup(), acc::confirm_totp_enrolment},

      // Casework in the active office
      {Method::get, "/cases", casework, cw::queue},
      {Method::get, "/deadlines", coordinator, cw::deadlines_page},
      {Method::get, "/my-cases", Access::roles_of({Role::union_representative}), cw::my_cases},
      {Method::get, "/cases/{id}", casework, cw::case_page},
      {Method::get, "/cases/{id}/files/{file}", casework, cw::download},
      {Method::post, "/cases/{id}/acknowledge", casework, cw::post_acknowledge},
      {Method::post, "/cases/{id}/assign", casework, cw::post_assign},
      {Method::post, "/cases/{id}/status", casework, cw::post_status},
      {Method::post, "/cases/{id}/coding", casework, cw::post_coding},
      {Method::post, "/cases/{id}/evidence", casework, cw::post_evidence},
      {Method::post, "/cases/{id}/notes", casework, cw::post_note},
      {Method::post, "/cases/{id}/messages", casework, cw::post_message},
      {Method::post, "/cases/{id}/tasks", casework, cw::post_task},
      {Method::post, "/cases/{id}/tasks/{task}/done", casework, cw::post_task_done},
      {Method::post, "/cases/{id}/referrals", casework, cw::post_referral},
      {Method::get, "/cases/{id}/referrals/{referral}", casework, cw::referral_page},
      {Method::post, "/cases/{id}/referrals/{referral}/draft", casework, cw::post_referral_draft,
       256UL * 1024},
      {Method::post, "/cases/{id}/referrals/{referral}/status", casework, cw::post_referral_status},
      {Method::get, "/cases/{id}/referrals/{referral}/pdf", casework, cw::referral_document},
      // The person's rights: what the office holds about them, and erasure (coordinators).
      {Method::get, "/cases/{id}/export", coordinator, cw::export_for_person},
      // Approval of a coded case for published statistics (coordinators).
      {Method::post, "/cases/{id}/statistics", coordinator, st::post_case_approval},

      // Statistics of the office (or, for a national organisation, of every office together)
      {Method::get, "/staff/statistics", coordinator, st::dashboard},
      {Method::get, "/staff/statistics/annual", coordinator, st::annual_report},
      {Method::get, "/staff/statistics/export.csv", coordinator, st::export_csv},
      {Method::get, "/staff/statistics/export.xlsx", coordinator, st::export_xlsx},
      {Method::get, "/staff/statistics/report.csv", coordinator, st::export_jurisdiction},
      {Method::post, "/staff/statistics/approve", coordinator, st::post_approve},
      // Between instances: an office on its own server signs its figures (share); a national
      // unit imports them (national). Files of twenty years fit well within 4 MiB.
      {Method::get, "/staff/statistics/share", coordinator, st::share_page},
      {Method::get, "/staff/statistics/share/aggregate.json", coordinator, st::share_file},
      {Method::get, "/staff/statistics/national", coordinator, st::national_page},
      {Method::post, "/staff/statistics/national", coordinator, st::post_import, kAggregateBody},

      // The mediation bench
      {Method::get, "/mediations", bench, md::list_page},
      {Method::get, "/mediations/new", mediator, md::new_form},
      {Method::post, "/mediations", mediator, md::post_start, kMediationFormBody},
      {Method::get, "/mediations/{id}", bench, md::page},
      {Method::post, "/mediations/{id}/declaration", mediator, md::post_declaration},
      {Method::post, "/mediations/{id}/mediators", bench, md::post_mediator},
      {Method::post, "/mediations/{id}/contact", mediator, md::post_contact},
      {Method::post, "/mediations/{id}/parties", mediator, md::post_party},
      {Method::post, "/mediations/{id}/parties/{party}", mediator, md::post_party_update},
      {Method::post, "/mediations/{id}/consents", mediator, md::post_consent},
      {Method::post, "/mediations/{id}/withdrawal", mediator, md::post_withdrawal},
      {Method::post, "/mediations/{id}/notes", mediator, md::post_note},
      {Method::post, "/mediations/{id}/meetings", mediator, md::post_meeting},
      {Method::post, "/mediations/{id}/meetings/{meeting}", mediator, md::post_reschedule},
      {Method::post, "/mediations/{id}/meetings/{meeting}/cancel", mediator, md::post_cancel},
      {Method::post, "/mediations/{id}/meetings/{meeting}/held", mediator, md::post_held},
      {Method::get, "/mediations/{id}/meetings/{meeting}/ics", bench, md::meeting_calendar},
      {Method::post, "/mediations/{id}/agreement", mediator, md::post_agreement,
       kMediationFormBody},
      {Method::post, "/mediations/{id}/no-agreement", mediator, md::post_no_agreement},
      {Method::post, "/mediations/{id}/outcome", mediator, md::post_outcome},
      {Method::get, "/mediations/{id}/agreement/pdf", bench, md::agreement_document},
      {Method::post, "/cases/{id}/erase", coordinator, cw::post_erase},

      // Administrators of the active organisation
      {Method::get, "/admin/users", admin, acc::admin_users},
      {Method::post, "/admin/users", admin, acc::admin_add_user},
      {Method::post, "/admin/users/{id}/disable", admin, acc::admin_disable_user},
      {Method::post, "/admin/users/{id}/handover", admin, acc::admin_hand_over},
      {Method::post, "/admin/users/{id}/enable", admin, acc::admin_enable_user},
      {Method::get, "/admin/settings", admin, organisations::routes::settings_form},
      {Method::post, "/admin/settings", admin, organisations::routes::update_settings},
      {Method::post, "/admin/settings/cases", admin, organisations::routes::update_case_settings},
      {Method::get, "/admin/audit", admin, audit::routes::log_page},
      {Method::get, "/admin/reference", admin, reference::routes::admin_page},
      {Method::post, "/admin/reference/{category}", admin, reference::routes::admin_add_entry},
      {Method::post, "/admin/reference/{category}/{code}/label", admin,
       reference::routes::admin_set_label},
      {Method::post, "/admin/reference/{category}/{code}/retire", admin,
       reference::routes::admin_retire},
      {Method::post, "/admin/reference/{category}/{code}/restore", admin,
       reference::routes::admin_restore},

      // JSON API (docs/openapi.yaml)
      {Method::get, "/api/v1/me", Access::signed_in(), acc::api_me},
      {Method::get, "/api/v1/staff", admin, acc::api_staff},
      {Method::get, "/api/v1/cases", casework, cw::api_list},
      {Method::get, "/api/v1/cases/{id}", casework, cw::api_read},
      {Method::post, "/api/v1/cases/{id}/acknowledge", casework, cw::api_acknowledge},
      {Method::post, "/api/v1/cases/{id}/assign", casework, cw::api_assign},
      {Method::post, "/api/v1/cases/{id}/status", casework, cw::api_status},
      {Method::post, "/api/v1/cases/{id}/coding", casework, cw::api_coding},
      {Method::post, "/api/v1/cases/{id}/evidence", casework, cw::api_evidence},
      {Method::post, "/api/v1/cases/{id}/notes", casework, cw::api_note},
      {Method::post, "/api/v1/cases/{id}/messages", casework, cw::api_message},
      {Method::post, "/api/v1/cases/{id}/tasks", casework, cw::api_task},
      {Method::post, "/api/v1/cases/{id}/tasks/{task}/done", casework, cw::api_task_done},
      {Method::post, "/api/v1/cases/{id}/referrals", casework, cw::api_referral_create},
      {Method::get, "/api/v1/cases/{id}/referrals/{referral}", casework, cw::api_referral_read},
      {Method::post, "/api/v1/cases/{id}/referrals/{referral}/draft", casework,
       cw::api_referral_draft, 256UL * 1024},
      {Method::post, "/api/v1/cases/{id}/referrals/{referral}/status", casework,
       cw::api_referral_status},
      {Method::get, "/api/v1/mediations", bench, md::api_list},
      {Method::post, "/api/v1/mediations", mediator, md::api_start, kMediationFormBody},
      {Method::get, "/api/v1/mediations/statistics", coordinator, md::api_statistics},
      {Method::get, "/api/v1/statistics", coordinator, st::api_figures},
      {Method::get, "/api/v1/statistics/aggregate", coordinator, st::share_file},
      {Method::post, "/api/v1/statistics/aggregates", coordinator, st::api_import, kAggregateBody},
      {Method::get, "/api/v1/mediations/{id}", bench, md::api_read},
      {Method::post, "/api/v1/mediations/{id}/declaration", mediator, md::api_declaration},
      {Method::post, "/api/v1/mediations/{id}/mediators", bench, md::api_mediator},
      {Method::post, "/api/v1/mediations/{id}/contact", mediator, md::api_contact},
      {Method::post, "/api/v1/mediations/{id}/parties", mediator, md::api_party},
      {Method::post, "/api/v1/mediations/{id}/parties/{party}", mediator, md::api_party_update},
      {Method::post, "/api/v1/mediations/{id}/consents", mediator, md::api_consent},
      {Method::post, "/api/v1/mediations/{id}/withdrawal", mediator, md::api_withdrawal},
      {Method::post, "/api/v1/mediations/{id}/notes", mediator, md::api_note},
      {Method::post, "/api/v1/mediations/{id}/meetings", mediator, md::api_meeting},
      {Method::post, "/api/v1/mediations/{id}/meetings/{meeting}", mediator, md::api_reschedule},
      {Method::post, "/api/v1/mediations/{id}/meetings/{meeting}/cancel", mediator, md::api_cancel},
      {Method::post, "/api/v1/mediations/{id}/meetings/{meeting}/held", mediator, md::api_held},
      {Method::get, "/api/v1/mediations/{id}/meetings/{meeting}/ics", bench, md::meeting_calendar},
      {Method::post, "/api/v1/mediations/{id}/agreement", mediator, md::api_agreement,
       kMediationFormBody},
      {Method::post, "/api/v1/mediations/{id}/no-agreement", mediator, md::api_no_agreement},
      {Method::post, "/api/v1/mediations/{id}/outcome", mediator, md::api_outcome},
      {Method::get, "/api/v1/mediations/{id}/agreement/pdf", bench, md::agreement_document},
      {Method::get, "/api/v1/reference/{jurisdiction}", Access::anyone(),
       reference::routes::api_list},
      {Method::post, "/api/v1/reports", Access::public_api(), intake::routes::api_submit,
       kReportJsonBody},
      {Method::get, "/api/v1/reports/self", Access::public_api(), intake::routes::api_self},
      {Method::post, "/api/v1/reports/self/messages", Access::public_api(),
       intake::routes::api_self_message, kReportJsonBody},
  });
}

}  // namespace dime::http
