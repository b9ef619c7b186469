// Consistent online backup of the SQLite database (sqlite3 backup API).
#pragma once
#include <string>

namespace dime::storage {

// Copies the live database at `from` into a new file `to` while the server keeps running.
void backup_sqlite(const std::string& from, const std::string& to);

}  // namespace dime::storage
