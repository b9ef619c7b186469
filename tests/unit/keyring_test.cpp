// The report key hierarchy: who holds an office key, how it spreads to new staff at sign-in,
// what a password change, a disabled account and a session do to the copies.
#include <gtest/gtest.h>

#include "accounts/service.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "crypto/crypto.hpp"
#include "keyring/service.hpp"
#include "support/test_support.hpp"

namespace dime {
namespace {

using accounts::Role;

class KeyringTest : public ::testing::Test {
 protected:
  test::MigratedDatabase m;
  crypto::Keys keys = test::test_keys();
  long long office = test::make_organisation(*m.db, "Office A");
  long long other = test::make_organisation(*m.db, "Office B", "se");

  // What a sign-in does with the password.
  std::string sign_in(long long user, const std::string& password = test::kPassword) {
    storage::Transaction tx(*m.db);
    auto secret = accounts::unlock_keys_at_sign_in(tx, user, password, now_seconds());
    tx.commit();
    return secret;
  }
  bool holds(long long user, long long org, const std::string& secret) {
    storage::Transaction tx(*m.db, storage::Transaction::Mode::read);
    auto key = keyring::current_office_key(tx, org);
    if (!key) return false;
    auto pair = keyring::open_office_key(tx, key->id, user, secret);
    return pair && pair->public_key == key->public_key;
  }
};

TEST_F(KeyringTest, TheFirstKeyRoleMemberToSignInCreatesTheOfficeKeyAndHoldsIt) {
  long long admin = test::make_user(*m.db, keys, "a@x.no", test::kPassword, office, Role::admin);
  {
    storage::Transaction tx(*m.db, storage::Transaction::Mode::read);
    EXPECT_FALSE(keyring::current_office_key(tx, office));
  }
  auto secret = sign_in(admin);
  EXPECT_TRUE(holds(admin, office, secret));
  // A mediator or union representative does not get a copy of the office key.
  long long mediator =
      test::make_user(*m.db, keys, "m@x.no", test::kPassword, office, Role::mediator);
  auto mediator_secret = sign_in(mediator);
  sign_in(admin);
  EXPECT_FALSE(holds(mediator, office, mediator_secret));
}

TEST_F(KeyringTest, NewStaffGetTheKeyWhenAHolderSignsIn) {
  long long admin = test::make_key_holder(*m.db, keys, "a@x.no", office, Role::admin);
  long long advisor =
      test::make_user(*m.db, keys, "b@x.no", test::kPassword, office, Role::advisor);
  auto advisor_secret = sign_in(advisor);  // makes the advisor's own key pair
  EXPECT_FALSE(holds(advisor, office, advisor_secret));
  sign_in(admin);  // the holder shares it
  EXPECT_TRUE(holds(advisor, office, advisor_secret));
  // Nobody in another office gets it.
  long long stranger = test::make_key_holder(*m.db, keys, "c@y.se", other, Role::advisor);
  storage::Transaction tx(*m.db, storage::Transaction::Mode::read);
  auto key = keyring::current_office_key(tx, office);
  auto stranger_secret = keyring::unlock_user_key(tx, stranger, test::kPassword);
  EXPECT_FALSE(keyring::open_office_key(tx, key->id, stranger, *stranger_secret));
}

TEST_F(KeyringTest, APasswordChangeKeepsTheKeyAndTheOldPasswordNoLongerOpensIt) {
  long long advisor = test::make_key_holder(*m.db, keys, "a@x.no", office);
  auto before = sign_in(advisor);
  const std::string next = "a brand new passphrase here";
  {
    storage::Transaction tx(*m.db);
    accounts::change_password(tx, advisor, test::kPassword, next);
    tx.commit();
  }
  storage::Transaction tx(*m.db, storage::Transaction::Mode::read);
  EXPECT_EQ(keyring::unlock_user_key(tx, advisor, next), before);
  EXPECT_THROW(keyring::unlock_user_key(tx, advisor, test::kPassword), Error);
}

TEST_F(KeyringTest, ADisabledAccountHoldsNothingThatDecrypts) {
  long long admin = test::make_key_holder(*m.db, keys, "a@x.no", office, Role::admin);
  long long advisor = test::make_key_holder(*m.db, keys, "b@x.no", office);
  auto admin_secret = sign_in(admin);
  auto secret = sign_in(advisor);
  ASSERT_TRUE(holds(advisor, office, secret));
  {
    storage::Transaction tx(*m.db);
    accounts::set_disabled(tx, advisor, true);
    tx.commit();
  }
  EXPECT_FALSE(holds(advisor, office, secret));
  // Sign-ins of holders do not hand it back while the account stays disabled.
  sign_in(admin);
  EXPECT_FALSE(holds(advisor, office, secret));
  EXPECT_TRUE(holds(admin, office, admin_secret));
}

TEST_F(KeyringTest, TheSessionCookieHalfIsNeededToUnwrapTheSessionCopy) {
  long long advisor = test::make_key_holder(*m.db, keys, "a@x.no", office);
  auto secret = sign_in(advisor);
  Config config;
  long long now = now_seconds();
  storage::Transaction tx(*m.db);
  auto s = accounts::create_session(tx, advisor, office, true, config, now, secret);
  ASSERT_NE(s.token.find('.'), std::string::npos) << "the cookie carries the session key";
  auto loaded = accounts::load_session(tx, s.token, config, now);
  ASSERT_TRUE(loaded && loaded->user_key_wrapped);
  EXPECT_EQ(keyring::unwrap_session(loaded->session_key, *loaded->user_key_wrapped), secret);
  // The token alone still finds the session, but opens no key.
  auto token_only = accounts::load_session(tx, s.token.substr(0, s.token.find('.')), config, now);
  ASSERT_TRUE(token_only);
  EXPECT_TRUE(token_only->session_key.empty());
  // A tampered key half is refused by the AEAD check.
  std::string tampered =
      s.token.substr(0, s.token.find('.') + 1) + crypto::to_base64(crypto::random_key());
  auto t = accounts::load_session(tx, tampered, config, now);
  ASSERT_TRUE(t);
  EXPECT_THROW(keyring::unwrap_session(t->session_key, *t->user_key_wrapped), Error);
  // The database row holds only the wrapped copy, never the user's private key.
  std::string stored;
  tx.sql() << "SELECT user_key_wrapped FROM sessions", soci::into(stored);
  EXPECT_EQ(crypto::from_base64(stored).find(secret), std::string::npos);
}

}  // namespace
}  // namespace dime
