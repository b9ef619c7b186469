// HTTP adapters for signing in and out, the staff home, one's own account, and staff admin.
#pragma once
#include "http/context.hpp"

namespace dime::accounts::routes {

using http::Context;
using http::Response;

Response login_form(Context& ctx);
Response login(Context& ctx);
Response second_factor_form(Context& ctx);
Response second_factor(Context& ctx);
Response logout(Context& ctx);
Response staff_home(Context& ctx);
Response switch_organisation(Context& ctx);
Response password_form(Context& ctx);
Response change_password(Context& ctx);
Response totp_enrolment_form(Context& ctx);
Response confirm_totp_enrolment(Context& ctx);

Response admin_users(Context& ctx);
Response admin_add_user(Context& ctx);
Response admin_disable_user(Context& ctx);
// Moves every open case and open task of a staff member to a colleague (before they leave).
Response admin_hand_over(Context& ctx);
Response admin_enable_user(Context& ctx);

Response api_me(Context& ctx);
Response api_staff(Context& ctx);

}  // namespace dime::accounts::routes
