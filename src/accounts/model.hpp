// Staff accounts: roles, users, memberships in organisations, and login sessions.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dime::accounts {

enum class Role {
  admin,                 // manages the organisation's staff and settings
  coordinator,           // assigns work, watches deadlines, statistics
  advisor,               // casework
  mediator,              // the mediation bench
  union_representative,  // follows the cases they brought
  municipal_analyst,     // benchmarking and staff surveys of a municipality
  peer_reviewer,         // reviews another municipality's self-assessment
};

const std::vector<Role>& all_roles();
std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view name);
// The msgid of the role's human name, e.g. "Advisor".
const char* role_label(Role role);

struct User {
  long long id = 0;
  std::string email;
  std::string name;
  bool must_change_password = false;
  bool totp_enabled = false;
  std::optional<std::string> language;
  bool disabled = false;
};

struct Membership {
  long long organisation_id = 0;
  std::string organisation_name;
  Role role = Role::advisor;
};

// A live session, with what every request needs to decide access.
struct Session {
  std::string token_hash;
  long long user_id = 0;
  std::optional<long long> organisation_id;  // the active organisation
  std::string csrf_token;
  // The cookie's second half (raw) and the wrapped user key it opens (keyring/service.hpp).
  std::string session_key;
  std::optional<std::string> user_key_wrapped;
  bool mfa_passed = false;
  long long last_seen_at = 0;
  long long expires_at = 0;
  // Joined from the user and the active organisation:
  bool must_change_password = false;
  bool totp_enabled = false;
  bool organisation_requires_mfa = false;
  std::optional<std::string> language;
  std::vector<Role> roles;  // roles in the active organisation

  bool has_any(const std::vector<Role>& wanted) const;
  // Why this session may only reach the pages that finish signing in, if it must.
  enum class Pending { none, second_factor, password_change, mfa_enrolment };
  Pending pending() const;
};

}  // namespace dime::accounts
