// The report key hierarchy over a transaction: see service.hpp and docs/security.md.
#include "keyring/service.hpp"

#include <vector>

#include "core/error.hpp"

namespace dime::keyring {

namespace {
using crypto::from_base64;
using crypto::to_base64;

std::string user_key_context(long long user_id) {
  return "user-key:" + std::to_string(user_id);
}
constexpr const char* kSessionContext = "session-user-key";

void store_grant(storage::Transaction& tx, long long office_key_id, long long user_id,
                 const std::string& user_public, const std::string& office_secret,
                 std::optional<long long> granted_by, long long now) {
  std::string sealed = to_base64(crypto::seal_to(user_public, office_secret));
  long long by = granted_by.value_or(0);
  soci::indicator by_ind = granted_by ? soci::i_ok : soci::i_null;
  tx.sql() << "INSERT INTO office_key_grants (office_key_id, user_id, secret_sealed, granted_by, "
              "granted_at) VALUES (:k, :u, :s, :b, :t)",
      soci::use(office_key_id), soci::use(user_id), soci::use(sealed), soci::use(by, by_ind),
      soci::use(now);
}
}  // namespace

std::optional<std::string> user_public_key(storage::Transaction& tx, long long user_id) {
  std::string pk;
  soci::indicator ind = soci::i_null;
  tx.sql() << "SELECT public_key FROM user_keys WHERE user_id = :u", soci::into(pk, ind),
      soci::use(user_id);
  if (!tx.sql().got_data() || ind != soci::i_ok) return std::nullopt;
  return from_base64(pk);
}

bool is_key_role(const std::string& role) {
  return role == "admin" || role == "coordinator" || role == "advisor";
}

std::string create_user_key(storage::Transaction& tx, long long user_id, std::string_view password,
                            long long now) {
  auto pair = crypto::box_keypair();
  std::string salt = crypto::random_key().substr(0, crypto::kSaltBytes);
  std::string wrapping = crypto::derive_from_secret(password, salt, 32);
  std::string wrapped =
      to_base64(crypto::encrypt(wrapping, pair.secret_key, user_key_context(user_id)));
  std::string pk = to_base64(pair.public_key);
  std::string salt64 = to_base64(salt);
  tx.sql() << "DELETE FROM user_keys WHERE user_id = :u", soci::use(user_id);
  tx.sql() << "INSERT INTO user_keys (user_id, public_key, secret_wrapped, salt, created_at) "
              "VALUES (:u, :p, :w, :s, :t)",
      soci::use(user_id), soci::use(pk), soci::use(wrapped), soci::use(salt64), soci::use(now);
  return pair.secret_key;
}

std::optional<std::string> unlock_user_key(storage::Transaction& tx, long long user_id,
                                           std::string_view password) {
  std::string wrapped;
  std::string salt;
  tx.sql() << "SELECT secret_wrapped, salt FROM user_keys WHERE user_id = :u", soci::into(wrapped),
      soci::into(salt), soci::use(user_id);
  if (!tx.sql().got_data()) return std::nullopt;
  std::string wrapping = crypto::derive_from_secret(password, from_base64(salt), 32);
  return crypto::decrypt(wrapping, from_base64(wrapped), user_key_context(user_id));
}

void rewrap_user_key(storage::Transaction& tx, long long user_id, std::string_view old_password,
                     std::string_view new_password) {
  auto secret = unlock_user_key(tx, user_id, old_password);
  if (!secret) return;  // created at the next sign-in
  std::string salt = crypto::random_key().substr(0, crypto::kSaltBytes);
  std::string wrapping = crypto::derive_from_secret(new_password, salt, 32);
  std::string wrapped = to_base64(crypto::encrypt(wrapping, *secret, user_key_context(user_id)));
  std::string salt64 = to_base64(salt);
  tx.sql() << "UPDATE user_keys SET secret_wrapped = :w, salt = :s WHERE user_id = :u",
      soci::use(wrapped), soci::use(salt64), soci::use(user_id);
}

std::optional<OfficeKey> current_office_key(storage::Transaction& tx, long long organisation_id) {
  OfficeKey key;
  std::string pk;
  tx.sql() << "SELECT id, public_key FROM office_keys WHERE organisation_id = :o AND "
              "retired_at IS NULL ORDER BY id DESC LIMIT 1",
      soci::into(key.id), soci::into(pk), soci::use(organisation_id);
  if (!tx.sql().got_data()) return std::nullopt;
  key.public_key = from_base64(pk);
  return key;
}

std::optional<crypto::BoxKeyPair> open_office_key(storage::Transaction& tx, long long office_key_id,
                                                  long long user_id,
                                                  const std::string& user_secret) {
  std::string sealed;
  std::string office_pk;
  std::string user_pk;
  tx.sql() << "SELECT g.secret_sealed, k.public_key, u.public_key FROM office_key_grants g "
              "JOIN office_keys k ON k.id = g.office_key_id "
              "JOIN user_keys u ON u.user_id = g.user_id "
              "WHERE g.office_key_id = :k AND g.user_id = :u",
      soci::into(sealed), soci::into(office_pk), soci::into(user_pk), soci::use(office_key_id),
      soci::use(user_id);
  if (!tx.sql().got_data()) return std::nullopt;
  crypto::BoxKeyPair mine{from_base64(user_pk), user_secret};
  crypto::BoxKeyPair office{from_base64(office_pk), crypto::open_sealed(mine, from_base64(sealed))};
  return office;
}

void on_member_added(storage::Transaction& tx, long long organisation_id, long long user_id,
                     const std::string& role, long long now) {
  if (!is_key_role(role)) return;
  std::string kind;
  tx.sql() << "SELECT kind FROM organisations WHERE id = :o", soci::into(kind),
      soci::use(organisation_id);
  if (kind != "help_office" || current_office_key(tx, organisation_id)) return;
  auto user_pk = user_public_key(tx, user_id);
  if (!user_pk) return;  // made at their first sign-in, which then calls this again
  auto pair = crypto::box_keypair();
  std::string pk = to_base64(pair.public_key);
  tx.sql() << "INSERT INTO office_keys (organisation_id, public_key, created_at) "
              "VALUES (:o, :p, :t)",
      soci::use(organisation_id), soci::use(pk), soci::use(now);
  auto key = current_office_key(tx, organisation_id);
  store_grant(tx, key->id, user_id, *user_pk, pair.secret_key, std::nullopt, now);
}

int share_with_new_members(storage::Transaction& tx, long long user_id,
                           const std::string& user_secret, long long now) {
  // The keys this user holds, and for each the members who should hold it and do not.
  std::vector<long long> held;
  {
    soci::rowset<long long> rows =
        (tx.sql().prepare << "SELECT g.office_key_id FROM office_key_grants g JOIN office_keys k "
                             "ON k.id = g.office_key_id WHERE g.user_id = :u AND "
                             "k.retired_at IS NULL",
         soci::use(user_id));
    held.assign(rows.begin(), rows.end());
  }
  int made = 0;
  for (long long key_id : held) {
    std::vector<long long> missing;
    {
      soci::rowset<long long> rows =
          (tx.sql().prepare << std::string(
                                   "SELECT DISTINCT m.user_id FROM office_keys k "
                                   "JOIN memberships m ON m.organisation_id = k.organisation_id "
                                   "JOIN users u ON u.id = m.user_id "
                                   "JOIN user_keys uk ON uk.user_id = m.user_id "
                                   "WHERE k.id = :k AND u.disabled_at IS NULL AND m.role IN ") +
                                   kKeyRolesSql +
                                   " AND NOT EXISTS (SELECT 1 FROM office_key_grants g WHERE "
                                   "g.office_key_id = k.id AND g.user_id = m.user_id)",
           soci::use(key_id));
      missing.assign(rows.begin(), rows.end());
    }
    if (missing.empty()) continue;
    auto office = open_office_key(tx, key_id, user_id, user_secret);
    if (!office) continue;
    for (long long member : missing) {
      auto pk = user_public_key(tx, member);
      if (!pk) continue;
      store_grant(tx, key_id, member, *pk, office->secret_key, user_id, now);
      ++made;
    }
  }
  // Offices this user belongs to that have no key pair yet (e.g. the user's key pair was made
  // after they joined): make one now.
  std::vector<std::string> roles;
  std::vector<long long> orgs;
  {
    soci::rowset<soci::row> rows =
        (tx.sql().prepare << "SELECT organisation_id, role FROM memberships WHERE user_id = :u",
         soci::use(user_id));
    for (const auto& r : rows) {
      orgs.push_back(r.get<long long>(0));
      roles.push_back(r.get<std::string>(1));
    }
  }
  for (std::size_t i = 0; i < orgs.size(); ++i)
    on_member_added(tx, orgs[i], user_id, roles[i], now);
  return made;
}

void revoke_all(storage::Transaction& tx, long long user_id) {
  tx.sql() << "DELETE FROM office_key_grants WHERE user_id = :u", soci::use(user_id);
  // Their copies of mediation keys too (a coordinator can give a mediation again).
  tx.sql() << "UPDATE mediation_mediators SET key_sealed = NULL WHERE user_id = :u",
      soci::use(user_id);
}

SessionWrap wrap_for_session(const std::string& user_secret) {
  SessionWrap w;
  w.session_key = crypto::random_key();
  w.wrapped = to_base64(crypto::encrypt(w.session_key, user_secret, kSessionContext));
  return w;
}

std::string unwrap_session(const std::string& session_key, const std::string& wrapped) {
  return crypto::decrypt(session_key, from_base64(wrapped), kSessionContext);
}

bool is_sole_holder(storage::Transaction& tx, long long user_id) {
  int n = 0;
  tx.sql() << "SELECT COUNT(*) FROM office_key_grants g JOIN office_keys k ON k.id = "
              "g.office_key_id WHERE g.user_id = :u AND k.retired_at IS NULL AND NOT EXISTS "
              "(SELECT 1 FROM office_key_grants g2 JOIN users u2 ON u2.id = g2.user_id WHERE "
              "g2.office_key_id = g.office_key_id AND g2.user_id <> :u2 AND u2.disabled_at IS "
              "NULL)",
      soci::use(user_id), soci::use(user_id), soci::into(n);
  return n > 0;
}

}  // namespace dime::keyring
