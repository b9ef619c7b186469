// Everything a request handler may use, built once at start-up and shared by all threads.
#pragma once
#include "core/config.hpp"
#include "crypto/crypto.hpp"
#include "i18n/i18n.hpp"
#include "storage/database.hpp"

namespace dime {

struct App {
  Config config;
  storage::Database& db;
  crypto::Keys keys;
  i18n::Catalogues catalogues;
};

}  // namespace dime
