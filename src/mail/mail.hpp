// Outgoing e-mail over SMTP (libcurl): messages are composed as MIME, kept in an outbox in the
// same transaction as the change that causes them (so nothing acknowledged is lost), and sent
// after the commit; what the SMTP server does not take is retried with growing pauses.
// Recipients and messages in the outbox are sealed with the server key (crypto::Keys).
#pragma once
#include <optional>
#include <string>

#include "crypto/crypto.hpp"
#include "storage/database.hpp"

namespace dime::mail {

struct Settings {
  std::string smtp_url;  // smtp://host:port, smtps://host:port; user:password@ allowed
  std::string from;      // the office's sender address
  bool enabled() const { return !smtp_url.empty() && !from.empty(); }
};

struct Message {
  std::string to;
  std::string subject;
  std::string text;  // plain text, UTF-8
  // An iCalendar invitation, sent as a text/calendar part (with its METHOD) and as a file.
  std::string ics;
  std::string ics_method;  // REQUEST or CANCEL
};

// The RFC 5322 / MIME text of the message.
std::string compose(const Message& m, const std::string& from, long long now);

// Puts the message in the outbox.
void enqueue(storage::Transaction& tx, const crypto::Keys& keys,
             std::optional<long long> organisation_id, const Message& m, const std::string& from,
             long long now);

// Sends what is due in the outbox; returns how many messages the SMTP server took. Safe to
// run on several instances at once: each message is claimed before it is sent.
int flush(storage::Database& db, const crypto::Keys& keys, const Settings& settings, long long now);

// One SMTP delivery; throws Error(unavailable) with libcurl's reason when it fails.
void send(const Settings& settings, const std::string& to, const std::string& message);

}  // namespace dime::mail
