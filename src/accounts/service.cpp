// Staff accounts: storage, validation, login throttling, sessions and TOTP (liboath, libqrencode).
#include "accounts/service.hpp"

#include <liboath/oath.h>
#include <qrencode.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "keyring/service.hpp"
#include "organisations/service.hpp"

namespace dime::accounts {

namespace {

void ensure_oath() {
  static std::once_flag once;
  std::call_once(once, [] { oath_init(); });
}

// Problems with a new password, as a msgid, or nullptr when acceptable.
const char* password_problem(std::string_view password) {
  if (password.size() < kMinPasswordLength) return N_("Use at least 12 characters.");
  if (password.size() > kMaxPasswordLength) return N_("Use at most 1024 characters.");
  return nullptr;
}

// A fixed hash checked when the e-mail is unknown, so both cases take the same time.
const std::string& dummy_hash() {
  static const std::string hash = crypto::hash_password("not a real password, only for timing");
  return hash;
}

std::string account_subject(const crypto::Keys& keys, std::string_view email) {
  return "account:" + keys.lookup(normalise_email(email));
}
std::string address_subject(const crypto::Keys& keys, std::string_view address) {
  return "address:" + keys.lookup(address);
}

std::string qr_svg(const std::string& text) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!qr) throw Error(ErrorKind::internal, N_("Something went wrong."), "qrencode failed");
  const int quiet = 4;
  const int size = qr->width + 2 * quiet;
  std::string path;
  for (int y = 0; y < qr->width; ++y) {
    for (int x = 0; x < qr->width; ++x) {
      if ((qr->data[y * qr->width + x] & 1) != 0) {
        path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
      }
    }
  }
  const std::string s = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + s + " " + s +
         "\" width=\"240\" height=\"240\" role=\"img\" shape-rendering=\"crispEdges\">"
         "<rect width=\"" +
         s + "\" height=\"" + s +
         "\" fill=\"#fff\"/>"
         "<path fill=\"#000\" d=\"" +
         path + "\"/></svg>";
}

std::string base32(std::string_view raw) {
  ensure_oath();
  char* out = nullptr;
  std::size_t len = 0;
  if (oath_base32_encode(raw.data(), raw.size(), &out, &len) != OATH_OK) {
    throw Error(ErrorKind::internal, N_("Something went wrong."), "base32 failed");
  }
  std::string s(out, len);
  free(out);  // NOLINT(cppcoreguidelines-no-malloc): allocated by liboath
  s.erase(std::remove(s.begin(), s.end(), '='), s.end());
  return s;
}

std::string unbase32(const std::string& text) {
  ensure_oath();
  char* out = nullptr;
  std::size_t len = 0;
  if (oath_base32_decode(text.data(), text.size(), &out, &len) != OATH_OK) {
    throw Error(ErrorKind::internal, N_("Something went wrong."), "base32 decode failed");
  }
  std::string s(out, len);
  free(out);  // NOLINT(cppcoreguidelines-no-malloc): allocated by liboath
  return s;
}

// The time step a code matches within ±1 step, or nullopt.
std::optional<long long> matching_step(const std::string& secret_base32, std::string_view code,
                                       long long now) {
  ensure_oath();
  if (code.size() != 6 ||
      !std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  std::string secret = unbase32(secret_base32);
  std::string otp(code);
  int pos = 0;
  int rc = oath_totp_validate2(secret.data(), secret.size(), static_cast<time_t>(now),
                               OATH_TOTP_DEFAULT_TIME_STEP_SIZE, 0, 1, &pos, otp.c_str());
  if (rc < 0) return std::nullopt;
  return now / OATH_TOTP_DEFAULT_TIME_STEP_SIZE + pos;
}

struct UserRow {
  long long id = 0;
  std::string email_sealed, name_sealed, language;
  soci::indicator language_ind = soci::i_ok, totp_ind = soci::i_ok, disabled_ind = soci::i_ok;
  std::string totp;
  long long disabled_at = 0;
  int must_change = 0;

  User to_model(const crypto::Keys& keys) const {
    User u;
    u.id = id;
    u.email = keys.open(email_sealed);
    u.name = keys.open(name_sealed);
    u.must_change_password = must_change != 0;
    u.totp_enabled = totp_ind == soci::i_ok;
    if (language_ind == soci::i_ok) u.language = language;
    u.disabled = disabled_ind == soci::i_ok;
    return u;
  }
};

}  // namespace

std::string normalise_email(std::string_view email) {
  std::string out;
  auto first = email.find_first_not_of(" \t\r\n");
  auto last = email.find_last_not_of(" \t\r\n");
  if (first == std::string_view::npos) return out;
  for (char c : email.substr(first, last - first + 1)) {
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

long long create_user(storage::Transaction& tx, const crypto::Keys& keys, const NewUser& user) {
  std::map<std::string, std::string> fields;
  std::string email = normalise_email(user.email);
  if (!valid_email(email)) fields["email"] = N_("Enter a valid e-mail address.");
  if (user.name.empty() || user.name.size() > 200)
    fields["name"] = N_("Enter a name of at most 200 characters.");
  if (const char* p = password_problem(user.password)) fields["password"] = p;
  if (!fields.empty())
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", fields);
  std::string lookup = keys.lookup(email);
  int taken = 0;
  tx.sql() << "SELECT COUNT(*) FROM users WHERE email_lookup = :l", soci::use(lookup),
      soci::into(taken);
  if (taken > 0) {
    throw Error(ErrorKind::conflict, N_("Please correct the marked fields."), "e-mail taken",
                {{"email", N_("A user with this e-mail address already exists.")}});
  }
  std::string email_sealed = keys.seal(email);
  std::string name_sealed = keys.seal(user.name);
  std::string hash = crypto::hash_password(user.password);
  int must_change = user.must_change_password ? 1 : 0;
  int demo = user.is_demo ? 1 : 0;
  long long now = now_seconds();
  long long id = 0;
  tx.sql() << "INSERT INTO users (email_lookup, email_sealed, name_sealed, password_hash, "
              "must_change_password, is_demo, created_at) VALUES (:l, :e, :n, :h, :m, :d, :t) "
              "RETURNING id",
      soci::use(lookup), soci::use(email_sealed), soci::use(name_sealed), soci::use(hash),
      soci::use(must_change), soci::use(demo), soci::use(now), soci::into(id);
  return id;
}

void add_membership(storage::Transaction& tx, long long user_id, long long organisation_id,
                    Role role) {
  std::string name(to_string(role));
  long long now = now_seconds();
  int exists = 0;
  tx.sql() << "SELECT COUNT(*) FROM memberships WHERE user_id = :u AND organisation_id = :o AND "
              "role = :r",
      soci::use(user_id), soci::use(organisation_id), soci::use(name), soci::into(exists);
  if (exists > 0) return;
  tx.sql() << "INSERT INTO memberships (user_id, organisation_id, role, created_at) VALUES (:u, "
              ":o, :r, :t)",
      soci::use(user_id), soci::use(organisation_id), soci::use(name), soci::use(now);
  keyring::on_member_added(tx, organisation_id, user_id, name, now);
}

std::optional<User> find_user(storage::Transaction& tx, const crypto::Keys& keys, long long id) {
  UserRow r;
  tx.sql() << "SELECT id, email_sealed, name_sealed, must_change_password, totp_secret_sealed, "
              "language, disabled_at FROM users WHERE id = :id",
      soci::use(id), soci::into(r.id), soci::into(r.email_sealed), soci::into(r.name_sealed),
      soci::into(r.must_change), soci::into(r.totp, r.totp_ind),
      soci::into(r.language, r.language_ind), soci::into(r.disabled_at, r.disabled_ind);
  if (!tx.sql().got_data()) return std::nullopt;
  return r.to_model(keys);
}

std::optional<long long> find_user_id_by_email(storage::Transaction& tx, const crypto::Keys& keys,
                                               std::string_view email) {
  std::string lookup = keys.lookup(normalise_email(email));
  long long id = 0;
  tx.sql() << "SELECT id FROM users WHERE email_lookup = :l", soci::use(lookup), soci::into(id);
  if (!tx.sql().got_data()) return std::nullopt;
  return id;
}

std::vector<Membership> memberships(storage::Transaction& tx, long long user_id) {
  std::vector<Membership> out;
  long long org = 0;
  std::string name, role;
  soci::statement st =
      (tx.sql().prepare << "SELECT m.organisation_id, o.name, m.role FROM memberships m JOIN "
                           "organisations o ON o.id = m.organisation_id WHERE m.user_id = :u "
                           "ORDER BY o.name, m.role",
       soci::use(user_id), soci::into(org), soci::into(name), soci::into(role));
  st.execute();
  while (st.fetch()) {
    if (auto r = role_from_string(role)) out.push_back({org, name, *r});
  }
  return out;
}

std::vector<Role> roles_in(storage::Transaction& tx, long long user_id, long long organisation_id) {
  std::vector<Role> out;
  std::string role;
  soci::statement st = (tx.sql().prepare << "SELECT role FROM memberships WHERE user_id = :u AND "
                                            "organisation_id = :o ORDER BY role",
                        soci::use(user_id), soci::use(organisation_id), soci::into(role));
  st.execute();
  while (st.fetch()) {
    if (auto r = role_from_string(role)) out.push_back(*r);
  }
  return out;
}

long long count_users(storage::Transaction& tx) {
  long long n = 0;
  tx.sql() << "SELECT COUNT(*) FROM users", soci::into(n);
  return n;
}

std::optional<FirstAdmin> create_first_admin_if_empty(storage::Transaction& tx,
                                                      const crypto::Keys& keys) {
  if (count_users(tx) > 0) return std::nullopt;
  long long org = 0;
  soci::indicator ind = soci::i_null;
  tx.sql() << "SELECT MIN(id) FROM organisations", soci::into(org, ind);
  if (ind != soci::i_ok) {
    organisations::Organisation first;
    first.name = "DiMe";
    org = organisations::create(tx, first);
  }
  FirstAdmin admin{"admin@dime.local", crypto::random_token(15), 0, org};
  admin.user_id =
      create_user(tx, keys, {admin.email, "Administrator", admin.password, true, false});
  add_membership(tx, admin.user_id, org, Role::admin);
  unlock_keys_at_sign_in(tx, admin.user_id, admin.password, now_seconds());
  return admin;
}

std::vector<StaffMember> staff_of(storage::Transaction& tx, const crypto::Keys& keys,
                                  long long organisation_id) {
  std::vector<long long> ids;
  long long id = 0;
  soci::statement st = (tx.sql().prepare << "SELECT DISTINCT user_id FROM memberships WHERE "
                                            "organisation_id = :o ORDER BY user_id",
                        soci::use(organisation_id), soci::into(id));
  st.execute();
  while (st.fetch()) ids.push_back(id);
  std::vector<StaffMember> out;
  for (long long uid : ids) {
    if (auto u = find_user(tx, keys, uid)) {
      out.push_back({*u, roles_in(tx, uid, organisation_id)});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const StaffMember& a, const StaffMember& b) { return a.user.name < b.user.name; });
  return out;
}

void set_disabled(storage::Transaction& tx, long long user_id, bool disabled) {
  if (disabled) {
    long long now = now_seconds();
    tx.sql() << "UPDATE users SET disabled_at = :t WHERE id = :id", soci::use(now),
        soci::use(user_id);
    tx.sql() << "DELETE FROM sessions WHERE user_id = :id", soci::use(user_id);
    // A disabled account holds nothing that decrypts: its copies of office keys go too.
    keyring::revoke_all(tx, user_id);
  } else {
    tx.sql() << "UPDATE users SET disabled_at = NULL WHERE id = :id", soci::use(user_id);
  }
}

void change_password(storage::Transaction& tx, long long user_id, const std::string& current,
                     const std::string& next) {
  std::map<std::string, std::string> fields;
  if (!password_matches(tx, user_id, current))
    fields["current_password"] = N_("The current password is not correct.");
  if (const char* p = password_problem(next))
    fields["new_password"] = p;
  else if (next == current)
    fields["new_password"] = N_("Choose a password different from the current one.");
  if (!fields.empty())
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", fields);
  std::string new_hash = crypto::hash_password(next);
  tx.sql() << "UPDATE users SET password_hash = :h, must_change_password = 0 WHERE id = :id",
      soci::use(new_hash), soci::use(user_id);
  keyring::rewrap_user_key(tx, user_id, current, next);
}

bool password_matches(storage::Transaction& tx, long long user_id, std::string_view password) {
  std::string hash;
  tx.sql() << "SELECT password_hash FROM users WHERE id = :id", soci::use(user_id),
      soci::into(hash);
  return tx.sql().got_data() && password.size() <= kMaxPasswordLength &&
         crypto::verify_password(hash, password);
}

void set_language(storage::Transaction& tx, long long user_id, const std::string& language) {
  tx.sql() << "UPDATE users SET language = :l WHERE id = :id", soci::use(language),
      soci::use(user_id);
}

int recent_failures(storage::Transaction& tx, const std::string& subject, long long now) {
  int count = 0;
  long long since = now - kThrottleWindowSeconds;
  tx.sql() << "SELECT COUNT(*) FROM login_failures WHERE subject = :s AND at > :since",
      soci::use(subject), soci::use(since), soci::into(count);
  return count;
}

void record_failure(storage::Transaction& tx, const std::string& subject, long long now) {
  tx.sql() << "INSERT INTO login_failures (subject, at) VALUES (:s, :t)", soci::use(subject),
      soci::use(now);
}

LoginResult check_password(storage::Transaction& tx, const crypto::Keys& keys,
                           std::string_view email, std::string_view password,
                           std::string_view address, long long now) {
  LoginResult result;
  const std::string account = account_subject(keys, email);
  const std::string from = address_subject(keys, address);
  if (recent_failures(tx, account, now) >= kMaxFailuresPerAccount ||
      recent_failures(tx, from, now) >= kMaxFailuresPerAddress) {
    result.outcome = LoginOutcome::throttled;
    return result;
  }
  std::string lookup = keys.lookup(normalise_email(email));
  long long id = 0;
  std::string hash;
  soci::indicator disabled_ind = soci::i_null, totp_ind = soci::i_null;
  long long disabled_at = 0;
  std::string totp;
  tx.sql() << "SELECT id, password_hash, disabled_at, totp_secret_sealed FROM users WHERE "
              "email_lookup = :l",
      soci::use(lookup), soci::into(id), soci::into(hash), soci::into(disabled_at, disabled_ind),
      soci::into(totp, totp_ind);
  bool found = tx.sql().got_data();
  bool ok = crypto::verify_password(found ? hash : dummy_hash(), password) && found &&
            disabled_ind == soci::i_null && password.size() <= kMaxPasswordLength;
  if (!ok) {
    long long horizon = now - kThrottleWindowSeconds;
    tx.sql() << "DELETE FROM login_failures WHERE at < :h", soci::use(horizon);
    record_failure(tx, account, now);
    record_failure(tx, from, now);
    result.user_id = found ? id : 0;
    return result;
  }
  tx.sql() << "DELETE FROM login_failures WHERE subject = :s", soci::use(account);
  result.outcome = LoginOutcome::ok;
  result.user_id = id;
  result.needs_second_factor = totp_ind == soci::i_ok;
  return result;
}

NewSession create_session(storage::Transaction& tx, long long user_id,
                          std::optional<long long> organisation_id, bool mfa_passed,
                          const Config& config, long long now,
                          const std::optional<std::string>& user_secret) {
  // Sweep sessions that can no longer be used: sign-ins are rare enough to carry this.
  long long idle_horizon = now - config.session_idle_seconds;
  tx.sql() << "DELETE FROM sessions WHERE expires_at <= :now OR last_seen_at <= :idle",
      soci::use(now), soci::use(idle_horizon);
  NewSession s{crypto::random_token(32), crypto::random_token(32)};
  std::string hash = crypto::hash_hex(s.token);
  long long org = organisation_id.value_or(0);
  soci::indicator org_ind = organisation_id ? soci::i_ok : soci::i_null;
  int mfa = mfa_passed ? 1 : 0;
  long long expires = now + config.session_max_seconds;
  std::string wrapped;
  soci::indicator wrapped_ind = soci::i_null;
  if (user_secret) {
    auto w = keyring::wrap_for_session(*user_secret);
    wrapped = w.wrapped;
    wrapped_ind = soci::i_ok;
    s.token += "." + crypto::to_base64(w.session_key);
  }
  tx.sql() << "INSERT INTO sessions (token_hash, user_id, organisation_id, csrf_token, mfa_passed, "
              "created_at, last_seen_at, expires_at, user_key_wrapped) "
              "VALUES (:h, :u, :o, :c, :m, :t, :t2, :e, :w)",
      soci::use(hash), soci::use(user_id), soci::use(org, org_ind), soci::use(s.csrf_token),
      soci::use(mfa), soci::use(now), soci::use(now), soci::use(expires),
      soci::use(wrapped, wrapped_ind);
  return s;
}

std::string unlock_keys_at_sign_in(storage::Transaction& tx, long long user_id,
                                   std::string_view password, long long now) {
  std::optional<std::string> secret;
  try {
    secret = keyring::unlock_user_key(tx, user_id, password);
  } catch (const Error&) {
    // The password was changed outside DiMe (it always re-wraps the key): sign-in must still
    // work, so the member gets a new key pair; copies sealed to the old one are useless now.
    spdlog::warn("user {}: key pair did not open with the current password; replacing it", user_id);
    keyring::revoke_all(tx, user_id);
  }
  if (!secret) secret = keyring::create_user_key(tx, user_id, password, now);
  keyring::share_with_new_members(tx, user_id, *secret, now);
  return *secret;
}

std::optional<Session> load_session(storage::Transaction& tx, std::string_view cookie,
                                    const Config& config, long long now) {
  if (cookie.empty() || cookie.size() > 200) return std::nullopt;
  Session s;
  std::string_view token = cookie.substr(0, cookie.find('.'));
  if (token.size() < cookie.size()) {
    try {
      s.session_key = crypto::from_base64(cookie.substr(token.size() + 1));
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  s.token_hash = crypto::hash_hex(token);
  long long org = 0;
  soci::indicator org_ind = soci::i_null, totp_ind = soci::i_null, lang_ind = soci::i_null;
  soci::indicator mfa_req_ind = soci::i_null;
  int mfa = 0, must_change = 0, mfa_required = 0;
  std::string totp, language, wrapped;
  soci::indicator wrapped_ind = soci::i_null;
  tx.sql() << "SELECT s.user_id, s.organisation_id, s.csrf_token, s.mfa_passed, s.last_seen_at, "
              "s.expires_at, u.must_change_password, u.totp_secret_sealed, u.language, "
              "o.mfa_required, s.user_key_wrapped FROM sessions s JOIN users u ON u.id = s.user_id "
              "LEFT JOIN organisations o ON o.id = s.organisation_id "
              "WHERE s.token_hash = :h AND u.disabled_at IS NULL",
      soci::use(s.token_hash), soci::into(s.user_id), soci::into(org, org_ind),
      soci::into(s.csrf_token), soci::into(mfa), soci::into(s.last_seen_at),
      soci::into(s.expires_at), soci::into(must_change), soci::into(totp, totp_ind),
      soci::into(language, lang_ind), soci::into(mfa_required, mfa_req_ind),
      soci::into(wrapped, wrapped_ind);
  if (!tx.sql().got_data()) return std::nullopt;
  if (now >= s.expires_at || now - s.last_seen_at >= config.session_idle_seconds) {
    return std::nullopt;
  }
  if (org_ind == soci::i_ok) {
    s.organisation_id = org;
    s.roles = roles_in(tx, s.user_id, org);
  }
  s.mfa_passed = mfa != 0;
  s.must_change_password = must_change != 0;
  s.totp_enabled = totp_ind == soci::i_ok;
  s.organisation_requires_mfa = mfa_req_ind == soci::i_ok && mfa_required != 0;
  if (lang_ind == soci::i_ok) s.language = language;
  if (wrapped_ind == soci::i_ok) s.user_key_wrapped = wrapped;
  return s;
}

void touch_session(storage::Transaction& tx, const std::string& token_hash, long long now) {
  tx.sql() << "UPDATE sessions SET last_seen_at = :t WHERE token_hash = :h", soci::use(now),
      soci::use(token_hash);
}

void end_other_sessions(storage::Transaction& tx, long long user_id, const std::string& keep_hash) {
  tx.sql() << "DELETE FROM sessions WHERE user_id = :u AND token_hash <> :h", soci::use(user_id),
      soci::use(keep_hash);
}

void end_session(storage::Transaction& tx, const std::string& token_hash) {
  tx.sql() << "DELETE FROM sessions WHERE token_hash = :h", soci::use(token_hash);
}

void set_session_organisation(storage::Transaction& tx, const std::string& token_hash,
                              long long organisation_id) {
  tx.sql() << "UPDATE sessions SET organisation_id = :o WHERE token_hash = :h",
      soci::use(organisation_id), soci::use(token_hash);
}

void mark_second_factor_passed(storage::Transaction& tx, const std::string& token_hash) {
  tx.sql() << "UPDATE sessions SET mfa_passed = 1 WHERE token_hash = :h", soci::use(token_hash);
}

TotpEnrolment begin_totp(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                         const std::string& account_label) {
  // A 160-bit secret, as RFC 4226 recommends.
  const std::string raw = crypto::from_base64(crypto::random_token(20));
  TotpEnrolment e;
  e.secret_base32 = base32(raw);
  std::string sealed = keys.seal(e.secret_base32);
  tx.sql() << "UPDATE users SET totp_pending_sealed = :s WHERE id = :id", soci::use(sealed),
      soci::use(user_id);
  std::string label;
  for (char c : account_label) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '.' || c == '-' ||
        c == '_') {
      label += c;
    } else {
      label += '_';
    }
  }
  e.uri = "otpauth://totp/DiMe:" + label + "?secret=" + e.secret_base32 +
          "&issuer=DiMe&algorithm=SHA1&digits=6&period=30";
  e.qr_svg = qr_svg(e.uri);
  return e;
}

bool confirm_totp(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                  std::string_view code, long long now) {
  std::string pending;
  soci::indicator ind = soci::i_null;
  tx.sql() << "SELECT totp_pending_sealed FROM users WHERE id = :id", soci::use(user_id),
      soci::into(pending, ind);
  if (!tx.sql().got_data() || ind != soci::i_ok) return false;
  auto step = matching_step(keys.open(pending), code, now);
  if (!step) return false;
  tx.sql() << "UPDATE users SET totp_secret_sealed = totp_pending_sealed, totp_pending_sealed = "
              "NULL, totp_last_step = :step WHERE id = :id",
      soci::use(*step), soci::use(user_id);
  return true;
}

bool verify_totp(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                 std::string_view code, long long now) {
  std::string secret;
  soci::indicator ind = soci::i_null;
  long long last_step = 0;
  tx.sql() << "SELECT totp_secret_sealed, totp_last_step FROM users WHERE id = :id",
      soci::use(user_id), soci::into(secret, ind), soci::into(last_step);
  if (!tx.sql().got_data() || ind != soci::i_ok) return false;
  auto step = matching_step(keys.open(secret), code, now);
  if (!step || *step <= last_step) return false;  // wrong, or replayed
  tx.sql() << "UPDATE users SET totp_last_step = :s WHERE id = :id", soci::use(*step),
      soci::use(user_id);
  return true;
}

std::string totp_code(const std::string& secret_base32, long long now) {
  ensure_oath();
  std::string secret = unbase32(secret_base32);
  char out[7] = {};
  oath_totp_generate(secret.data(), secret.size(), static_cast<time_t>(now),
                     OATH_TOTP_DEFAULT_TIME_STEP_SIZE, 0, 6, out);
  return std::string(out, 6);
}

std::vector<std::pair<long long, std::string>> members_with_roles(storage::Transaction& tx,
                                                                  const crypto::Keys& keys,
                                                                  long long organisation_id,
                                                                  const std::vector<Role>& roles) {
  std::map<long long, std::string> found;
  for (Role role : roles) {
    std::string name(to_string(role));
    long long id = 0;
    std::string sealed;
    soci::statement st =
        (tx.sql().prepare << "SELECT u.id, u.name_sealed FROM users u JOIN memberships m ON "
                             "m.user_id = u.id WHERE m.organisation_id = :o AND m.role = :r AND "
                             "u.disabled_at IS NULL",
         soci::use(organisation_id), soci::use(name), soci::into(id), soci::into(sealed));
    st.execute();
    while (st.fetch()) found.emplace(id, sealed);
  }
  std::vector<std::pair<long long, std::string>> out;
  for (const auto& [id, sealed] : found) out.emplace_back(id, keys.open(sealed));
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  return out;
}

}  // namespace dime::accounts
