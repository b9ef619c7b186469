// SQLite online backup through the raw sqlite3 API (SOCI does not expose it).
#include "storage/backup.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

namespace dime::storage {

void backup_sqlite(const std::string& from, const std::string& to) {
  if (std::filesystem::exists(to)) throw std::runtime_error("refusing to overwrite " + to);
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  auto closer = [](sqlite3* db) { sqlite3_close(db); };
  if (sqlite3_open_v2(from.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(src);
    throw std::runtime_error("cannot open " + from);
  }
  std::unique_ptr<sqlite3, decltype(closer)> src_guard(src, closer);
  if (sqlite3_open(to.c_str(), &dst) != SQLITE_OK) {
    sqlite3_close(dst);
    throw std::runtime_error("cannot create " + to);
  }
  std::unique_ptr<sqlite3, decltype(closer)> dst_guard(dst, closer);
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (b == nullptr) throw std::runtime_error(sqlite3_errmsg(dst));
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(b, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(dst));
  ::chmod(to.c_str(), 0600);
}

}  // namespace dime::storage
