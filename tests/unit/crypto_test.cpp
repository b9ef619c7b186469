// Unit tests of the libsodium wrappers: tokens, password hashes, sealed fields, keyed hashes.
#include "crypto/crypto.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "support/test_support.hpp"

namespace dime {
namespace {

TEST(Crypto, PasswordHashVerifiesOnlyTheRightPassword) {
  auto hash = crypto::hash_password("a long enough password");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(crypto::verify_password(hash, "a long enough password"));
  EXPECT_FALSE(crypto::verify_password(hash, "a long enough passwore"));
  EXPECT_FALSE(crypto::verify_password("not a hash", "anything"));
}

TEST(Crypto, SealedFieldsRoundTripAndHideThePlaintext) {
  auto keys = test::test_keys();
  auto sealed = keys.seal("Amina Yusuf");
  EXPECT_EQ(sealed.find("Amina"), std::string::npos);
  EXPECT_NE(keys.seal("Amina Yusuf"), sealed) << "a fresh nonce every time";
  EXPECT_EQ(keys.open(sealed), "Amina Yusuf");
}

TEST(Crypto, TamperedSealedFieldIsRejected) {
  auto keys = test::test_keys();
  auto sealed = keys.seal("secret");
  sealed[sealed.size() / 2] = sealed[sealed.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_THROW(keys.open(sealed), Error);
  EXPECT_THROW(keys.open("%%%not base64"), Error);
  EXPECT_THROW(keys.open(""), Error);
}

TEST(Crypto, AnotherKeyCannotOpenAField) {
  std::array<unsigned char, 32> other{};
  other.fill(9);
  auto sealed = test::test_keys().seal("secret");
  EXPECT_THROW(crypto::Keys::from_master(other).open(sealed), Error);
}

TEST(Crypto, LookupIsKeyedAndDeterministic) {
  auto keys = test::test_keys();
  std::array<unsigned char, 32> other{};
  other.fill(9);
  EXPECT_EQ(keys.lookup("a@b.no"), keys.lookup("a@b.no"));
  EXPECT_NE(keys.lookup("a@b.no"), crypto::Keys::from_master(other).lookup("a@b.no"));
  EXPECT_NE(keys.lookup("a@b.no"), crypto::hash_hex("a@b.no"));
}

TEST(Crypto, TokensAreRandomAndUrlSafe) {
  auto a = crypto::random_token(32);
  EXPECT_NE(a, crypto::random_token(32));
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

TEST(Crypto, KeyFileIsCreatedPrivateAndReused) {
  auto dir = std::filesystem::temp_directory_path() / ("dime-key-" + crypto::random_token(6));
  auto path = dir / "master.key";
  auto k1 = crypto::Keys::load_or_create(path);
  auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  auto k2 = crypto::Keys::load_or_create(path);
  EXPECT_EQ(k2.open(k1.seal("x")), "x");
  std::filesystem::remove_all(dir);
}

TEST(Crypto, SigningKeysDeriveFromTheSecretAndSignaturesVerifyOnlyTheSignedBytes) {
  crypto::init();
  std::string secret = crypto::random_key(), other = crypto::random_key();
  auto a = crypto::derive_sign_keypair(secret, 1, "dimestat");
  EXPECT_EQ(a.public_key, crypto::derive_sign_keypair(secret, 1, "dimestat").public_key);
  EXPECT_NE(a.public_key, crypto::derive_sign_keypair(secret, 2, "dimestat").public_key);
  EXPECT_NE(a.public_key, crypto::derive_sign_keypair(secret, 1, "dimeelse").public_key);
  auto b = crypto::derive_sign_keypair(other, 1, "dimestat");
  EXPECT_NE(a.public_key, b.public_key);
  ASSERT_EQ(a.public_key.size(), 32U);

  std::string message = "cases: 12";
  std::string signature = crypto::sign(a, message);
  ASSERT_EQ(signature.size(), 64U);
  EXPECT_TRUE(crypto::verify(a.public_key, message, signature));
  EXPECT_FALSE(crypto::verify(a.public_key, "cases: 13", signature));  // changed message
  EXPECT_FALSE(crypto::verify(b.public_key, message, signature));      // another key
  std::string flipped = signature;
  flipped[10] = static_cast<char>(flipped[10] ^ 1);
  EXPECT_FALSE(crypto::verify(a.public_key, message, flipped));
  EXPECT_FALSE(crypto::verify(a.public_key, message, signature.substr(1)));  // malformed
  EXPECT_FALSE(crypto::verify("short", message, signature));
  EXPECT_THROW(crypto::derive_sign_keypair("short", 1, "dimestat"), Error);
}

}  // namespace
}  // namespace dime
