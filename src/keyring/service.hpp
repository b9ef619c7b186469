// The report key hierarchy (docs/security.md, "Report encryption"): each staff member's own
// key pair, each help office's key pair, the copies of an office's private key that its staff
// hold, and the session copy that lives half in the database and half in the session cookie.
#pragma once
#include <optional>
#include <string>

#include "crypto/crypto.hpp"
#include "storage/database.hpp"

namespace dime::keyring {

// Roles whose members hold a copy of their office's private key (SQL list and C++ check).
inline constexpr const char* kKeyRolesSql = "('admin', 'coordinator', 'advisor')";
bool is_key_role(const std::string& role);

// --- A staff member's own key pair: the private half wrapped with their password. ---
// Creates (or replaces) the user's key pair; returns the private key for this request only.
std::string create_user_key(storage::Transaction& tx, long long user_id, std::string_view password,
                            long long now);
// The user's private key, or nothing when the user has no key pair yet.
// Throws Error(internal) if the password does not open it (it always should after sign-in).
std::optional<std::string> unlock_user_key(storage::Transaction& tx, long long user_id,
                                           std::string_view password);
// The public half of a user's key pair (raw 32 bytes), or nothing before their first sign-in.
std::optional<std::string> user_public_key(storage::Transaction& tx, long long user_id);
// After a password change: the same key pair, wrapped with the new password.
void rewrap_user_key(storage::Transaction& tx, long long user_id, std::string_view old_password,
                     std::string_view new_password);

// --- An office's key pair: reports are sealed to its public half. ---
struct OfficeKey {
  long long id = 0;
  std::string public_key;  // raw 32 bytes
};
std::optional<OfficeKey> current_office_key(storage::Transaction& tx, long long organisation_id);
// The office key pair as `user_id` holds it (via their private key), or nothing.
std::optional<crypto::BoxKeyPair> open_office_key(storage::Transaction& tx, long long office_key_id,
                                                  long long user_id,
                                                  const std::string& user_secret);

// A member with a key role joined an office: if the office has no key pair yet, one is made
// and given to this member. Otherwise a holder shares it at their next sign-in.
void on_member_added(storage::Transaction& tx, long long organisation_id, long long user_id,
                     const std::string& role, long long now);
// At sign-in: every office key this user holds is shared with the office's other key-role
// members who have a key pair and no copy yet (new staff). Returns how many copies were made.
int share_with_new_members(storage::Transaction& tx, long long user_id,
                           const std::string& user_secret, long long now);
// A disabled or departed member: every copy they held is destroyed.
void revoke_all(storage::Transaction& tx, long long user_id);
// Whether the user holds a current office key that no other active account holds: disabling
// them would leave that office's reports unreadable for good.
bool is_sole_holder(storage::Transaction& tx, long long user_id);

// --- The session copy of a user's private key. ---
struct SessionWrap {
  std::string session_key;  // raw 32 bytes: goes into the session cookie only
  std::string wrapped;      // base64: stored with the session
};
SessionWrap wrap_for_session(const std::string& user_secret);
// Throws Error(internal) when the key or the wrapped value was tampered with.
std::string unwrap_session(const std::string& session_key, const std::string& wrapped);

}  // namespace dime::keyring
