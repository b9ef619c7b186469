// Thin, typed wrappers over libsodium: tokens, password hashes, keyed hashes, sealed fields.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace dime::crypto {

// Must be called once before anything else here (idempotent, thread-safe).
void init();

// Random bytes as URL-safe base64 without padding.
std::string random_token(std::size_t bytes = 32);

// Argon2id (libsodium crypto_pwhash_str, INTERACTIVE limits): self-describing string.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);

// Unkeyed BLAKE2b-256 as lowercase hex: for values that are already high-entropy (tokens).
std::string hash_hex(std::string_view message);

// Constant-time comparison; different lengths compare unequal.
bool equal(std::string_view a, std::string_view b);

std::string to_base64(std::string_view bytes);
std::string from_base64(std::string_view text);  // throws dime::Error(bad_request) if malformed

// --- Keys that are not the server's: reports, the office key pair, staff key copies. ---
// All keys and ciphertexts here are raw bytes; callers base64 them for storage.

// 32 random bytes: a symmetric key (per report, per session).
std::string random_key();

// XChaCha20-Poly1305 (IETF AEAD) under a 32-byte key; `context` is authenticated, not stored.
// Output: nonce || ciphertext.
std::string encrypt(std::string_view key, std::string_view plaintext, std::string_view context);
// Throws Error(internal) when the key, context or ciphertext does not match.
std::string decrypt(std::string_view key, std::string_view sealed, std::string_view context);

// An X25519 key pair for crypto_box_seal.
struct BoxKeyPair {
  std::string public_key;  // 32 bytes
  std::string secret_key;  // 32 bytes
};
BoxKeyPair box_keypair();
// Anonymous sealed box to a public key: only the secret key opens it.
std::string seal_to(std::string_view public_key, std::string_view message);
// Throws Error(internal) when the box does not open with this key pair.
std::string open_sealed(const BoxKeyPair& pair, std::string_view box);

// Ed25519 signatures (crypto_sign_detached), for files one instance hands to another.
struct SignKeyPair {
  std::string public_key;  // 32 bytes
  std::string secret_key;  // 64 bytes
};
// The signing key pair derived from a 32-byte secret key: crypto_kdf subkey `subkey_id` of
// `secret` under an 8-character `context`, as the seed. The same secret gives the same pair.
SignKeyPair derive_sign_keypair(std::string_view secret, std::uint64_t subkey_id,
                                const char (&context)[9]);
// A 64-byte detached signature of `message`.
std::string sign(const SignKeyPair& pair, std::string_view message);
// Whether `signature` is `public_key`'s signature of `message` (false for malformed sizes).
bool verify(std::string_view public_key, std::string_view message, std::string_view signature);

// Argon2id (crypto_pwhash, raw) of a secret the person knows: `bytes` of output from a
// 16-byte salt. INTERACTIVE limits (~80 ms, 64 MiB).
std::string derive_from_secret(std::string_view secret, std::string_view salt, std::size_t bytes);
inline constexpr std::size_t kSaltBytes = 16;

// The server keyring: one 32-byte master key in a file of the data directory (never in the
// database), from which purpose-specific subkeys are derived. See docs/security.md.
class Keys {
 public:
  // Reads `path`, creating it with a fresh random key (mode 0600) if it does not exist.
  static Keys load_or_create(const std::filesystem::path& path);
  // A fixed key, for unit tests only.
  static Keys from_master(const std::array<unsigned char, 32>& master);

  Keys(const Keys&) = default;
  Keys& operator=(const Keys&) = default;
  ~Keys();

  // Keyed BLAKE2b of a normalised value (e.g. an e-mail address) for equality look-ups.
  std::string lookup(std::string_view value) const;
  // XSalsa20-Poly1305 (crypto_secretbox) of a small field, base64(nonce || ciphertext).
  std::string seal(std::string_view plaintext) const;
  std::string open(std::string_view sealed) const;  // throws dime::Error(internal) if tampered
  // Keyed BLAKE2b for the audit chain, hex.
  std::string mac(std::string_view message) const;
  // A 16-byte salt fixed for this installation (and unknown without master.key), for
  // argon2id look-up hashes of receipts: the same receipt always gives the same hash.
  std::string receipt_salt() const;

 private:
  Keys() = default;
  void derive(const std::array<unsigned char, 32>& master);
  std::array<unsigned char, 32> lookup_key_{};
  std::array<unsigned char, 32> field_key_{};
  std::array<unsigned char, 32> audit_key_{};
  std::array<unsigned char, 32> receipt_key_{};
};

}  // namespace dime::crypto
