// Role names and session rules.
#include "accounts/model.hpp"

#include <algorithm>
#include <array>

#include "core/translatable.hpp"

namespace dime::accounts {

namespace {
struct RoleInfo {
  Role role;
  std::string_view name;
  const char* label;
};
constexpr std::array<RoleInfo, 7> kRoles{{
    {Role::admin, "admin", N_("Administrator")},
    {Role::coordinator, "coordinator", N_("Coordinator")},
    {Role::advisor, "advisor", N_("Advisor")},
    {Role::mediator, "mediator", N_("Mediator")},
    {Role::union_representative, "union_representative", N_("Union representative")},
    {Role::municipal_analyst, "municipal_analyst", N_("Municipal analyst")},
    {Role::peer_reviewer, "peer_reviewer", N_("Peer reviewer")},
}};
}  // namespace

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> r;
    r.reserve(kRoles.size());
    for (const auto& info : kRoles) r.push_back(info.role);
    return r;
  }();
  return roles;
}

std::string_view to_string(Role role) {
  for (const auto& info : kRoles) {
    if (info.role == role) return info.name;
  }
  return "unknown";
}

const char* role_label(Role role) {
  for (const auto& info : kRoles) {
    if (info.role == role) return info.label;
  }
  return N_("Unknown");
}

std::optional<Role> role_from_string(std::string_view name) {
  for (const auto& info : kRoles) {
    if (info.name == name) return info.role;
  }
  return std::nullopt;
}

bool Session::has_any(const std::vector<Role>& wanted) const {
  return std::any_of(wanted.begin(), wanted.end(), [&](Role w) {
    return std::find(roles.begin(), roles.end(), w) != roles.end();
  });
}

Session::Pending Session::pending() const {
  if (!mfa_passed) return Pending::second_factor;
  if (must_change_password) return Pending::password_change;
  if (organisation_requires_mfa && !totp_enabled) return Pending::mfa_enrolment;
  return Pending::none;
}

}  // namespace dime::accounts
