// Everything a request handler may use, built once at start-up and shared by all threads.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "core/config.hpp"
#include "crypto/crypto.hpp"
#include "i18n/i18n.hpp"
#include "storage/database.hpp"

namespace dime {

// Results a handler may serve for a short while before computing them again (the public
// statistics): work saved, never state another instance would need.
class Memo {
 public:
  // The value under `key` if it is younger than `ttl` seconds, else `make()` (one thread
  // computes; the others wait for its result).
  template <typename T>
  std::shared_ptr<const T> get(const std::string& key, long long now, long long ttl,
                               const std::function<T()>& make) {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(key);
    if (it != slots_.end() && now - it->second.first < ttl && now >= it->second.first) {
      return std::static_pointer_cast<const T>(it->second.second);
    }
    auto value = std::make_shared<const T>(make());
    slots_[key] = {now, value};
    return value;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::pair<long long, std::shared_ptr<const void>>> slots_;
};

struct App {
  Config config;
  storage::Database& db;
  crypto::Keys keys;
  i18n::Catalogues catalogues;
  std::shared_ptr<Memo> memo = std::make_shared<Memo>();
};

}  // namespace dime
