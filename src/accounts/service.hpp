// Staff account rules over a transaction: users, memberships, login, sessions, TOTP.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "accounts/model.hpp"
#include "core/config.hpp"
#include "crypto/crypto.hpp"
#include "storage/database.hpp"

namespace dime::accounts {

struct NewUser {
  std::string email;
  std::string name;
  std::string password;
  bool must_change_password = false;
  bool is_demo = false;
};

inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 1024;

std::string normalise_email(std::string_view email);
// Throws Error(unprocessable) with a message per invalid field; (conflict) for a taken e-mail.
long long create_user(storage::Transaction& tx, const crypto::Keys& keys, const NewUser& user);
void add_membership(storage::Transaction& tx, long long user_id, long long organisation_id,
                    Role role);
std::optional<User> find_user(storage::Transaction& tx, const crypto::Keys& keys, long long id);
std::optional<long long> find_user_id_by_email(storage::Transaction& tx, const crypto::Keys& keys,
                                               std::string_view email);
std::vector<Membership> memberships(storage::Transaction& tx, long long user_id);
std::vector<Role> roles_in(storage::Transaction& tx, long long user_id, long long organisation_id);
// Active members of the organisation who hold one of `roles` there: id and name, by name.
std::vector<std::pair<long long, std::string>> members_with_roles(storage::Transaction& tx,
                                                                  const crypto::Keys& keys,
                                                                  long long organisation_id,
                                                                  const std::vector<Role>& roles);
long long count_users(storage::Transaction& tx);

struct FirstAdmin {
  std::string email;
  std::string password;  // one-time: must be changed at first sign-in
  long long user_id = 0;
  long long organisation_id = 0;
};
// On an empty database: creates a first help office and its administrator.
std::optional<FirstAdmin> create_first_admin_if_empty(storage::Transaction& tx,
                                                      const crypto::Keys& keys);

struct StaffMember {
  User user;
  std::vector<Role> roles;
};
// Everyone with a role in the organisation (names and e-mails decrypted: audit the read).
std::vector<StaffMember> staff_of(storage::Transaction& tx, const crypto::Keys& keys,
                                  long long organisation_id);
// Disabling also ends every session of the user.
void set_disabled(storage::Transaction& tx, long long user_id, bool disabled);
// Throws Error(unprocessable) when the current password is wrong or the new one too weak.
void change_password(storage::Transaction& tx, long long user_id, const std::string& current,
                     const std::string& next);
void set_language(storage::Transaction& tx, long long user_id, const std::string& language);
// For confirming a sensitive change with the password the user already has.
bool password_matches(storage::Transaction& tx, long long user_id, std::string_view password);

// Password login with throttling per account and per address.
enum class LoginOutcome { ok, bad_credentials, throttled };
struct LoginResult {
  LoginOutcome outcome = LoginOutcome::bad_credentials;
  long long user_id = 0;
  bool needs_second_factor = false;
};
inline constexpr long long kThrottleWindowSeconds = 15LL * 60;
inline constexpr int kMaxFailuresPerAccount = 5;
inline constexpr int kMaxFailuresPerAddress = 20;
// Failed attempts of a subject ("account:...", "address:...", "totp:<user id>") in the window.
int recent_failures(storage::Transaction& tx, const std::string& subject, long long now);
void record_failure(storage::Transaction& tx, const std::string& subject, long long now);
// Records failures in `tx`: the caller commits whatever the outcome.
LoginResult check_password(storage::Transaction& tx, const crypto::Keys& keys,
                           std::string_view email, std::string_view password,
                           std::string_view address, long long now);

struct NewSession {
  // The cookie value: "<token>" or "<token>.<session key>". The database keeps the token's
  // hash and, with a session key, the user's private key wrapped under it.
  std::string token;
  std::string csrf_token;
};
// `user_secret`: the user's private key (keyring), unlocked by the password at sign-in.
NewSession create_session(storage::Transaction& tx, long long user_id,
                          std::optional<long long> organisation_id, bool mfa_passed,
                          const Config& config, long long now,
                          const std::optional<std::string>& user_secret = std::nullopt);
// Unlocks (or, for accounts made before keys existed, creates) the user's private key with the
// password just checked, and shares office keys with new colleagues (keyring/service.hpp).
std::string unlock_keys_at_sign_in(storage::Transaction& tx, long long user_id,
                                   std::string_view password, long long now);
std::optional<Session> load_session(storage::Transaction& tx, std::string_view token,
                                    const Config& config, long long now);
void touch_session(storage::Transaction& tx, const std::string& token_hash, long long now);
void end_session(storage::Transaction& tx, const std::string& token_hash);
// After a password change: every other session of the user ends.
void end_other_sessions(storage::Transaction& tx, long long user_id, const std::string& keep_hash);
void set_session_organisation(storage::Transaction& tx, const std::string& token_hash,
                              long long organisation_id);
void mark_second_factor_passed(storage::Transaction& tx, const std::string& token_hash);

struct TotpEnrolment {
  std::string secret_base32;
  std::string uri;     // otpauth://totp/...
  std::string qr_svg;  // the URI as an SVG QR code
};
// Creates (or replaces) a pending secret that confirm_totp activates.
TotpEnrolment begin_totp(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                         const std::string& account_label);
// Activates the pending secret if `code` matches it.
bool confirm_totp(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                  std::string_view code, long long now);
// Checks a code against the active secret; a code is accepted once only.
bool verify_totp(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                 std::string_view code, long long now);
// The code for a secret at a time (tests and the demo use it).
std::string totp_code(const std::string& secret_base32, long long now);

}  // namespace dime::accounts
