// Server configuration: filled from command-line options, DIME_* variables and a TOML file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace dime {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string database = "sqlite://./var/dime.sqlite";
  std::string data_dir = "./var";
  unsigned threads = 2;
  bool behind_tls = false;   // adds HSTS; set when a TLS proxy is in front
  bool trust_proxy = false;  // client address from the last X-Forwarded-For hop (proxy adds it)
  std::size_t max_body_bytes = 32UL * 1024 * 1024;   // hard cap; routes set lower limits
  std::int64_t session_idle_seconds = 2L * 60 * 60;  // staff sessions end after 2 h idle
  std::int64_t session_max_seconds = 12L * 60 * 60;  // and after 12 h in any case
  std::string default_language = "nb";
  // Outgoing e-mail (meeting invitations); empty: DiMe sends none and offers none.
  std::string smtp_url;   // smtp://host:port or smtps://host:port, user:password@ allowed
  std::string mail_from;  // the sender address, e.g. meglingsbenken@example.org
  // Published statistics: counts below this are shown as "fewer than N" (at least 3), and
  // periods are this coarse: quarter, half or year.
  long long statistics_threshold = 5;
  std::string statistics_period = "year";
};

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// Parses "host:port" (IPv6 as "[::1]:8080"); throws dime::Error on malformed input.
ListenAddress parse_listen(const std::string& listen);

}  // namespace dime
