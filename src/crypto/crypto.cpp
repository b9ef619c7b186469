// libsodium behind the small API of crypto.hpp.
#include "crypto/crypto.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <array>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "core/error.hpp"

namespace dime::crypto {

namespace {
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "dimekeys";
constexpr int kB64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

std::string hex(const unsigned char* data, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

std::string keyed_hash_hex(const std::array<unsigned char, 32>& key, std::string_view message) {
  std::array<unsigned char, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), key.data(), key.size());
  return hex(out.data(), out.size());
}
}  // namespace

void init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string to_base64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), kB64), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kB64);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

std::string from_base64(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, kB64) != 0) {
    throw Error(ErrorKind::bad_request, N_("Malformed request."), "bad base64");
  }
  out.resize(len);
  return out;
}

std::string random_token(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return to_base64(raw);
}

std::string hash_password(std::string_view password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw Error(ErrorKind::internal, N_("Something went wrong."), "argon2id ran out of memory");
  }
  return std::string(out.data());
}

bool verify_password(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string hash_hex(std::string_view message) {
  std::array<unsigned char, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), nullptr, 0);
  return hex(out.data(), out.size());
}

bool equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Keys Keys::load_or_create(const std::filesystem::path& path) {
  std::array<unsigned char, 32> master{};
  if (std::filesystem::exists(path)) {
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(master.data()), master.size());
    if (in.gcount() != static_cast<std::streamsize>(master.size())) {
      throw std::runtime_error("key file " + path.string() + " is not 32 bytes");
    }
  } else {
    crypto_kdf_keygen(master.data());
    std::filesystem::create_directories(path.parent_path().empty() ? "." : path.parent_path());
    auto tmp = path;
    tmp += ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      ::chmod(tmp.c_str(), S_IRUSR | S_IWUSR);
      out.write(reinterpret_cast<const char*>(master.data()), master.size());
      out.flush();
      if (!out) throw std::runtime_error("cannot write key file " + tmp.string());
    }
    std::filesystem::rename(tmp, path);
  }
  Keys keys;
  keys.derive(master);
  sodium_memzero(master.data(), master.size());
  return keys;
}

Keys Keys::from_master(const std::array<unsigned char, 32>& master) {
  Keys keys;
  keys.derive(master);
  return keys;
}

Keys::~Keys() {
  sodium_memzero(lookup_key_.data(), lookup_key_.size());
  sodium_memzero(field_key_.data(), field_key_.size());
  sodium_memzero(audit_key_.data(), audit_key_.size());
  sodium_memzero(receipt_key_.data(), receipt_key_.size());
}

void Keys::derive(const std::array<unsigned char, 32>& master) {
  crypto_kdf_derive_from_key(lookup_key_.data(), lookup_key_.size(), 1, kKdfContext, master.data());
  crypto_kdf_derive_from_key(field_key_.data(), field_key_.size(), 2, kKdfContext, master.data());
  crypto_kdf_derive_from_key(audit_key_.data(), audit_key_.size(), 3, kKdfContext, master.data());
  crypto_kdf_derive_from_key(receipt_key_.data(), receipt_key_.size(), 4, kKdfContext,
                             master.data());
}

std::string Keys::receipt_salt() const {
  return {reinterpret_cast<const char*>(receipt_key_.data()), kSaltBytes};
}

std::string Keys::lookup(std::string_view value) const {
  return keyed_hash_hex(lookup_key_, value);
}

std::string Keys::mac(std::string_view message) const {
  return keyed_hash_hex(audit_key_, message);
}

std::string Keys::seal(std::string_view plaintext) const {
  std::vector<unsigned char> buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plaintext.size());
  randombytes_buf(buf.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(buf.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        buf.data(), field_key_.data());
  return to_base64(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

std::string Keys::open(std::string_view sealed) const {
  std::string raw = from_base64(sealed);
  if (raw.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    throw Error(ErrorKind::internal, N_("Something went wrong."), "sealed field too short");
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  std::string out(raw.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(
          reinterpret_cast<unsigned char*>(out.data()), bytes + crypto_secretbox_NONCEBYTES,
          raw.size() - crypto_secretbox_NONCEBYTES, bytes, field_key_.data()) != 0) {
    throw Error(ErrorKind::internal, N_("Something went wrong."), "sealed field failed to open");
  }
  return out;
}

namespace {
const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes_of(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

[[noreturn]] void fail(const char* detail) {
  throw Error(ErrorKind::internal, N_("Something went wrong."), detail);
}
}  // namespace

std::string random_key() {
  std::string key(32, '\0');
  randombytes_buf(key.data(), key.size());
  return key;
}

std::string encrypt(std::string_view key, std::string_view plaintext, std::string_view context) {
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) fail("encrypt: bad key size");
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string out(kNonce + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  randombytes_buf(out.data(), kNonce);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(bytes_of(out) + kNonce, &len, bytes_of(plaintext),
                                             plaintext.size(), bytes_of(context), context.size(),
                                             nullptr, bytes_of(out), bytes_of(key));
  out.resize(kNonce + len);
  return out;
}

std::string decrypt(std::string_view key, std::string_view sealed, std::string_view context) {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) fail("decrypt: bad key size");
  if (sealed.size() < kNonce + crypto_aead_xchacha20poly1305_ietf_ABYTES) fail("decrypt: short");
  std::string out(sealed.size() - kNonce, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          bytes_of(out), &len, nullptr, bytes_of(sealed) + kNonce, sealed.size() - kNonce,
          bytes_of(context), context.size(), bytes_of(sealed), bytes_of(key)) != 0) {
    fail("decrypt: authentication failed");
  }
  out.resize(len);
  return out;
}

BoxKeyPair box_keypair() {
  BoxKeyPair pair{std::string(crypto_box_PUBLICKEYBYTES, '\0'),
                  std::string(crypto_box_SECRETKEYBYTES, '\0')};
  crypto_box_keypair(bytes_of(pair.public_key), bytes_of(pair.secret_key));
  return pair;
}

std::string seal_to(std::string_view public_key, std::string_view message) {
  if (public_key.size() != crypto_box_PUBLICKEYBYTES) fail("seal_to: bad public key");
  std::string out(message.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(bytes_of(out), bytes_of(message), message.size(), bytes_of(public_key));
  return out;
}

std::string open_sealed(const BoxKeyPair& pair, std::string_view box) {
  if (box.size() < crypto_box_SEALBYTES || pair.public_key.size() != crypto_box_PUBLICKEYBYTES ||
      pair.secret_key.size() != crypto_box_SECRETKEYBYTES) {
    fail("open_sealed: bad sizes");
  }
  std::string out(box.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(bytes_of(out), bytes_of(box), box.size(), bytes_of(pair.public_key),
                           bytes_of(pair.secret_key)) != 0) {
    fail("open_sealed: wrong key or tampered box");
  }
  return out;
}

SignKeyPair derive_sign_keypair(std::string_view secret, std::uint64_t subkey_id,
                                const char (&context)[9]) {
  static_assert(crypto_kdf_CONTEXTBYTES == 8);
  if (secret.size() != crypto_kdf_KEYBYTES) fail("derive_sign_keypair: bad secret");
  std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
  crypto_kdf_derive_from_key(seed.data(), seed.size(), subkey_id, context, bytes_of(secret));
  SignKeyPair pair{std::string(crypto_sign_PUBLICKEYBYTES, '\0'),
                   std::string(crypto_sign_SECRETKEYBYTES, '\0')};
  crypto_sign_seed_keypair(bytes_of(pair.public_key), bytes_of(pair.secret_key), seed.data());
  sodium_memzero(seed.data(), seed.size());
  return pair;
}

std::string sign(const SignKeyPair& pair, std::string_view message) {
  if (pair.secret_key.size() != crypto_sign_SECRETKEYBYTES) fail("sign: bad secret key");
  std::string out(crypto_sign_BYTES, '\0');
  crypto_sign_detached(bytes_of(out), nullptr, bytes_of(message), message.size(),
                       bytes_of(pair.secret_key));
  return out;
}

bool verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  return crypto_sign_verify_detached(bytes_of(signature), bytes_of(message), message.size(),
                                     bytes_of(public_key)) == 0;
}

std::string derive_from_secret(std::string_view secret, std::string_view salt, std::size_t bytes) {
  if (salt.size() != crypto_pwhash_SALTBYTES) fail("derive_from_secret: bad salt");
  std::string out(bytes, '\0');
  if (crypto_pwhash(bytes_of(out), out.size(), secret.data(), secret.size(), bytes_of(salt),
                    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    fail("argon2id ran out of memory");
  }
  return out;
}

}  // namespace dime::crypto
