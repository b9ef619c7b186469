// SMTP with libcurl and the outbox: see mail.hpp.
#include "mail/mail.hpp"

#include <curl/curl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <mutex>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/translatable.hpp"

namespace dime::mail {

namespace {

constexpr int kMaxAttempts = 12;  // about a day of retries with the pauses below
constexpr long long kClaimSeconds = 300;

std::string base64_lines(const std::string& bytes) {
  std::string b64(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(b64.size() - 1);
  std::string out;
  for (std::size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
  return out;
}

// RFC 2047 encoded word for a UTF-8 header value.
std::string header_text(const std::string& text) {
  bool ascii = std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (ascii) return text;
  std::string b64 = base64_lines(text);
  b64.erase(std::remove(b64.begin(), b64.end(), '\r'), b64.end());
  b64.erase(std::remove(b64.begin(), b64.end(), '\n'), b64.end());
  return "=?UTF-8?B?" + b64 + "?=";
}

std::string rfc5322_date(long long now) {
  std::time_t t = now;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string domain_of(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? "localhost" : address.substr(at + 1);
}

void curl_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, up->data->size() - up->offset);
  std::copy_n(up->data->data() + up->offset, n, buffer);
  up->offset += n;
  return n;
}

}  // namespace

std::string compose(const Message& m, const std::string& from, long long now) {
  const std::string boundary = "dime-" + crypto::random_token(12);
  const std::string inner = "dime-alt-" + crypto::random_token(12);
  std::string out;
  out += "From: " + from + "\r\n";
  out += "To: " + m.to + "\r\n";
  out += "Subject: " + header_text(m.subject) + "\r\n";
  out += "Date: " + rfc5322_date(now) + "\r\n";
  out += "Message-ID: <" + crypto::random_token(18) + "@" + domain_of(from) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  if (m.ics.empty()) {
    out += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    out += base64_lines(m.text);
    return out;
  }
  out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + inner + "\"\r\n\r\n";
  out += "--" + inner + "\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  out += base64_lines(m.text);
  out += "--" + inner + "\r\n";
  out += "Content-Type: text/calendar; charset=UTF-8; method=" + m.ics_method + "\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  out += base64_lines(m.ics);
  out += "--" + inner + "--\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: application/ics; name=\"invitation.ics\"\r\n";
  out += "Content-Disposition: attachment; filename=\"invitation.ics\"\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  out += base64_lines(m.ics);
  out += "--" + boundary + "--\r\n";
  return out;
}

void enqueue(storage::Transaction& tx, const crypto::Keys& keys,
             std::optional<long long> organisation_id, const Message& m, const std::string& from,
             long long now) {
  if (!valid_email(m.to)) {
    throw Error(ErrorKind::unprocessable, N_("This e-mail address does not look right."));
  }
  std::string to = keys.seal(m.to);
  std::string body = keys.seal(compose(m, from, now));
  long long org = organisation_id.value_or(0);
  soci::indicator org_ind = organisation_id ? soci::i_ok : soci::i_null;
  tx.sql() << "INSERT INTO mail_outbox (organisation_id, recipient_sealed, message_sealed, "
              "created_at, next_attempt_at) VALUES (:o, :r, :m, :t, :n)",
      soci::use(org, org_ind), soci::use(to), soci::use(body), soci::use(now), soci::use(now);
}

void send(const Settings& settings, const std::string& to, const std::string& message) {
  curl_init_once();
  CURL* curl = curl_easy_init();
  if (!curl) throw Error(ErrorKind::unavailable, "The e-mail could not be sent.", "curl init");
  std::string from = "<" + settings.from + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  Upload up{&message};
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, settings.smtp_url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &up);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  // STARTTLS whenever the server offers it; smtps:// URLs are TLS from the start.
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    throw Error(ErrorKind::unavailable, "The e-mail could not be sent.",
                std::string(curl_easy_strerror(rc)) + ": " + error);
  }
}

int flush(storage::Database& db, const crypto::Keys& keys, const Settings& settings,
          long long now) {
  if (!settings.enabled()) return 0;
  struct Due {
    long long id = 0;
    long long next = 0;
    int attempts = 0;
  };
  std::vector<Due> due;
  {
    storage::Transaction tx(db, storage::Transaction::Mode::read);
    Due d;
    soci::statement st =
        (tx.sql().prepare << "SELECT id, next_attempt_at, attempts FROM "
                             "mail_outbox WHERE next_attempt_at <= :n "
                             "ORDER BY id LIMIT 50",
         soci::use(now), soci::into(d.id), soci::into(d.next), soci::into(d.attempts));
    st.execute();
    while (st.fetch()) due.push_back(d);
  }
  int sent = 0;
  for (const auto& d : due) {
    std::string to, message;
    {
      // Claim the message, so that another instance flushing at the same time skips it.
      storage::Transaction tx(db);
      long long until = now + kClaimSeconds;
      soci::statement claim =
          (tx.sql().prepare << "UPDATE mail_outbox SET next_attempt_at = :u WHERE id = :id AND "
                               "next_attempt_at = :n",
           soci::use(until), soci::use(d.id), soci::use(d.next));
      claim.execute(true);
      if (claim.get_affected_rows() != 1) continue;
      tx.sql() << "SELECT recipient_sealed, message_sealed FROM mail_outbox WHERE id = :id",
          soci::use(d.id), soci::into(to), soci::into(message);
      tx.commit();
    }
    std::string error;
    try {
      send(settings, keys.open(to), keys.open(message));
    } catch (const Error& e) {
      error = e.what();
    }
    storage::Transaction tx(db);
    if (error.empty()) {
      tx.sql() << "DELETE FROM mail_outbox WHERE id = :id", soci::use(d.id);
      ++sent;
    } else if (d.attempts + 1 >= kMaxAttempts) {
      spdlog::error("mail {}: giving up after {} attempts: {}", d.id, d.attempts + 1, error);
      tx.sql() << "DELETE FROM mail_outbox WHERE id = :id", soci::use(d.id);
    } else {
      // 1, 2, 4, ... minutes, at most 4 hours.
      long long pause = std::min(60LL << std::min(d.attempts, 8), 4LL * 3600);
      long long next = now + pause;
      int attempts = d.attempts + 1;
      spdlog::warn("mail {}: attempt {} failed: {}", d.id, attempts, error);
      tx.sql() << "UPDATE mail_outbox SET attempts = :a, next_attempt_at = :n, last_error = :e "
                  "WHERE id = :id",
          soci::use(attempts), soci::use(next), soci::use(error), soci::use(d.id);
    }
    tx.commit();
  }
  return sent;
}

}  // namespace dime::mail
