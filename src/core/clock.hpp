// Wall-clock time in seconds since the epoch: the only time unit stored in the database.
#pragma once
#include <chrono>
#include <cstdint>

namespace dime {

inline std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace dime
