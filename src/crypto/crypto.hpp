// Thin, typed wrappers over libsodium: tokens, password hashes, keyed hashes, sealed fields.
#pragma once
#include <array>
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

 private:
  Keys() = default;
  void derive(const std::array<unsigned char, 32>& master);
  std::array<unsigned char, 32> lookup_key_{};
  std::array<unsigned char, 32> field_key_{};
  std::array<unsigned char, 32> audit_key_{};
};

}  // namespace dime::crypto
