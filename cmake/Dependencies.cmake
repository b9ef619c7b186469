# Finds every library DiMe links (all from Debian 12 packages) and bundles them as dime::deps.
find_package(PkgConfig REQUIRED)
find_package(fmt REQUIRED)          # RESTinio's config needs fmt found first
find_package(restinio REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(Boost REQUIRED COMPONENTS locale)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(OATH REQUIRED IMPORTED_TARGET liboath)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
pkg_check_modules(MAGIC REQUIRED IMPORTED_TARGET libmagic)  # file types sniffed from content
pkg_check_modules(PANGOCAIRO REQUIRED IMPORTED_TARGET pangocairo)  # PDF documents
pkg_check_modules(ICAL REQUIRED IMPORTED_TARGET libical)  # calendar invitations
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)  # statistics spreadsheets
find_package(CURL REQUIRED)  # SMTP

# SOCI ships no CMake or pkg-config files.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE soci_core REQUIRED)
find_library(SOCI_SQLITE3 soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL soci_postgresql REQUIRED)

add_library(dime_deps INTERFACE)
add_library(dime::deps ALIAS dime_deps)
target_include_directories(dime_deps SYSTEM INTERFACE ${SOCI_INCLUDE_DIR} ${PostgreSQL_INCLUDE_DIRS})
target_link_libraries(dime_deps INTERFACE
  restinio::restinio fmt::fmt spdlog::spdlog nlohmann_json::nlohmann_json CLI11::CLI11
  ${SOCI_SQLITE3} ${SOCI_POSTGRESQL} ${SOCI_CORE} SQLite::SQLite3 PostgreSQL::PostgreSQL
  Boost::locale PkgConfig::SODIUM PkgConfig::OATH PkgConfig::QRENCODE PkgConfig::MAGIC PkgConfig::PANGOCAIRO PkgConfig::ICAL PkgConfig::XLSXWRITER CURL::libcurl dl pthread)
