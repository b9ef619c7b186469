// Staff account rules: validation, sealed storage, throttling, sessions, TOTP.
#include <gtest/gtest.h>

#include "accounts/service.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "support/test_support.hpp"

namespace dime {
namespace {

class AccountsTest : public ::testing::Test {
 protected:
  test::MigratedDatabase m;
  crypto::Keys keys = test::test_keys();
  Config config;
  long long org = test::make_organisation(*m.db, "Office A");
};

TEST_F(AccountsTest, NameAndEmailAreNeverStoredInClear) {
  test::make_user(*m.db, keys, "Amina.Yusuf@Example.no", test::kPassword, org,
                  accounts::Role::advisor);
  storage::Transaction tx(*m.db, storage::Transaction::Mode::read);
  std::string lookup, email, name, hash;
  tx.sql() << "SELECT email_lookup, email_sealed, name_sealed, password_hash FROM users",
      soci::into(lookup), soci::into(email), soci::into(name), soci::into(hash);
  for (const auto& column : {lookup, email, name, hash}) {
    EXPECT_EQ(column.find("amina"), std::string::npos);
    EXPECT_EQ(column.find("Amina"), std::string::npos);
    EXPECT_EQ(column.find("example"), std::string::npos);
  }
  auto id = accounts::find_user_id_by_email(tx, keys, "  amina.yusuf@EXAMPLE.no ");
  ASSERT_TRUE(id) << "look-up is case-insensitive and trims";
  EXPECT_EQ(accounts::find_user(tx, keys, *id)->email, "amina.yusuf@example.no");
}

TEST_F(AccountsTest, InvalidInputGivesAMessagePerField) {
  storage::Transaction tx(*m.db);
  try {
    accounts::create_user(tx, keys, {"not-an-email", "", "short", false, false});
    FAIL() << "expected a validation error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::unprocessable);
    EXPECT_EQ(e.fields().size(), 3u);
    EXPECT_TRUE(e.fields().count("email"));
    EXPECT_TRUE(e.fields().count("name"));
    EXPECT_TRUE(e.fields().count("password"));
  }
}

TEST_F(AccountsTest, DuplicateEmailIsAConflictWhateverTheCase) {
  test::make_user(*m.db, keys, "a@example.no", test::kPassword, org, accounts::Role::advisor);
  storage::Transaction tx(*m.db);
  try {
    accounts::create_user(tx, keys, {"A@EXAMPLE.NO", "Other", test::kPassword, false, false});
    FAIL() << "expected a conflict";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::conflict);
  }
}

TEST_F(AccountsTest, PasswordCheckAcceptsOnlyTheRightPassword) {
  long long id =
      test::make_user(*m.db, keys, "a@example.no", test::kPassword, org, accounts::Role::advisor);
  storage::Transaction tx(*m.db);
  long long now = now_seconds();
  auto ok = accounts::check_password(tx, keys, "a@example.no", test::kPassword, "127.0.0.1", now);
  EXPECT_EQ(ok.outcome, accounts::LoginOutcome::ok);
  EXPECT_EQ(ok.user_id, id);
  EXPECT_FALSE(ok.needs_second_factor);
  EXPECT_EQ(accounts::check_password(tx, keys, "a@example.no", "wrong password!", "127.0.0.1", now)
                .outcome,
            accounts::LoginOutcome::bad_credentials);
  EXPECT_EQ(
      accounts::check_password(tx, keys, "nobody@example.no", test::kPassword, "127.0.0.1", now)
          .outcome,
      accounts::LoginOutcome::bad_credentials);
}

TEST_F(AccountsTest, AccountIsThrottledAfterFiveFailuresEvenForTheRightPassword) {
  test::make_user(*m.db, keys, "a@example.no", test::kPassword, org, accounts::Role::advisor);
  storage::Transaction tx(*m.db);
  long long now = now_seconds();
  for (int i = 0; i < accounts::kMaxFailuresPerAccount; ++i) {
    // Different addresses: the per-account limit must hold on its own.
    accounts::check_password(tx, keys, "a@example.no", "wrong", "10.0.0." + std::to_string(i), now);
  }
  EXPECT_EQ(
      accounts::check_password(tx, keys, "a@example.no", test::kPassword, "10.9.9.9", now).outcome,
      accounts::LoginOutcome::throttled);
  // After the window the account may try again.
  EXPECT_EQ(accounts::check_password(tx, keys, "a@example.no", test::kPassword, "10.9.9.9",
                                     now + accounts::kThrottleWindowSeconds + 1)
                .outcome,
            accounts::LoginOutcome::ok);
}

TEST_F(AccountsTest, AddressIsThrottledAcrossAccounts) {
  test::make_user(*m.db, keys, "a@example.no", test::kPassword, org, accounts::Role::advisor);
  storage::Transaction tx(*m.db);
  long long now = now_seconds();
  for (int i = 0; i < accounts::kMaxFailuresPerAddress; ++i) {
    accounts::check_password(tx, keys, "user" + std::to_string(i) + "@example.no", "wrong",
                             "192.0.2.1", now);
  }
  EXPECT_EQ(
      accounts::check_password(tx, keys, "a@example.no", test::kPassword, "192.0.2.1", now).outcome,
      accounts::LoginOutcome::throttled);
  EXPECT_EQ(
      accounts::check_password(tx, keys, "a@example.no", test::kPassword, "192.0.2.2", now).outcome,
      accounts::LoginOutcome::ok);
}

TEST_F(AccountsTest, DisabledAccountCannotSignInAndLosesItsSessions) {
  long long id =
      test::make_user(*m.db, keys, "a@example.no", test::kPassword, org, accounts::Role::advisor);
  storage::Transaction tx(*m.db);
  long long now = now_seconds();
  auto s = accounts::create_session(tx, id, org, true, config, now);
  ASSERT_TRUE(accounts::load_session(tx, s.token, config, now));
  accounts::set_disabled(tx, id, true);
  EXPECT_FALSE(accounts::load_session(tx, s.token, config, now));
  EXPECT_EQ(
      accounts::check_password(tx, keys, "a@example.no", test::kPassword, "127.0.0.1", now).outcome,
      accounts::LoginOutcome::bad_credentials);
}

TEST_F(AccountsTest, SessionsStoreOnlyAHashAndExpire) {
  long long id = test::make_user(*m.db, keys, "a@example.no", test::kPassword, org,
                                 accounts::Role::coordinator);
  storage::Transaction tx(*m.db);
  long long now = now_seconds();
  auto s = accounts::create_session(tx, id, org, true, config, now);
  int with_token = -1;
  tx.sql() << "SELECT COUNT(*) FROM sessions WHERE token_hash = :t", soci::use(s.token),
      soci::into(with_token);
  EXPECT_EQ(with_token, 0);
  auto loaded = accounts::load_session(tx, s.token, config, now);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->roles, std::vector<accounts::Role>{accounts::Role::coordinator});
  EXPECT_FALSE(accounts::load_session(tx, s.token, config, now + config.session_idle_seconds));
  EXPECT_FALSE(accounts::load_session(tx, s.token + "x", config, now));
  EXPECT_FALSE(accounts::load_session(tx, "", config, now));
}

TEST_F(AccountsTest, TotpEnrolmentAndVerificationRejectWrongAndReplayedCodes) {
  long long id =
      test::make_user(*m.db, keys, "a@example.no", test::kPassword, org, accounts::Role::advisor);
  storage::Transaction tx(*m.db);
  long long now = now_seconds();
  auto e = accounts::begin_totp(tx, keys, id, "a@example.no");
  EXPECT_EQ(e.uri.rfind("otpauth://totp/DiMe:a@example.no?secret=", 0), 0u);
  EXPECT_NE(e.qr_svg.find("<svg"), std::string::npos);
  EXPECT_FALSE(accounts::confirm_totp(tx, keys, id, "000000", now - 3600));
  EXPECT_TRUE(accounts::confirm_totp(tx, keys, id, accounts::totp_code(e.secret_base32, now), now));
  EXPECT_EQ(accounts::check_password(tx, keys, "a@example.no", test::kPassword, "127.0.0.1", now)
                .needs_second_factor,
            true);
  // The enrolment code itself cannot be replayed; the next step's code works once.
  EXPECT_FALSE(accounts::verify_totp(tx, keys, id, accounts::totp_code(e.secret_base32, now), now));
  auto next = accounts::totp_code(e.secret_base32, now + 30);
  EXPECT_TRUE(accounts::verify_totp(tx, keys, id, next, now + 30));
  EXPECT_FALSE(accounts::verify_totp(tx, keys, id, next, now + 30));
  EXPECT_FALSE(accounts::verify_totp(tx, keys, id, "12345", now + 60));
  EXPECT_FALSE(accounts::verify_totp(tx, keys, id, "abcdef", now + 60));
}

TEST_F(AccountsTest, PasswordChangeNeedsTheCurrentPasswordAndAStrongNewOne) {
  long long id =
      test::make_user(*m.db, keys, "a@example.no", test::kPassword, org, accounts::Role::advisor);
  storage::Transaction tx(*m.db);
  try {
    accounts::change_password(tx, id, "wrong", "short");
    FAIL();
  } catch (const Error& e) {
    EXPECT_TRUE(e.fields().count("current_password"));
    EXPECT_TRUE(e.fields().count("new_password"));
  }
  accounts::change_password(tx, id, test::kPassword, "a brand new long passphrase");
  EXPECT_EQ(accounts::check_password(tx, keys, "a@example.no", "a brand new long passphrase",
                                     "127.0.0.1", now_seconds())
                .outcome,
            accounts::LoginOutcome::ok);
}

TEST_F(AccountsTest, FirstAdminIsCreatedOnlyOnAnEmptyDatabase) {
  test::MigratedDatabase empty;
  storage::Transaction tx(*empty.db);
  auto first = accounts::create_first_admin_if_empty(tx, keys);
  ASSERT_TRUE(first);
  EXPECT_GE(first->password.size(), 20u);
  EXPECT_FALSE(accounts::create_first_admin_if_empty(tx, keys));
  auto id = accounts::find_user_id_by_email(tx, keys, first->email);
  ASSERT_TRUE(id);
  EXPECT_TRUE(accounts::find_user(tx, keys, *id)->must_change_password);
  auto memberships = accounts::memberships(tx, *id);
  ASSERT_EQ(memberships.size(), 1u);
  EXPECT_EQ(memberships[0].role, accounts::Role::admin);
}

}  // namespace
}  // namespace dime
