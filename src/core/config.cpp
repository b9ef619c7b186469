// Parsing of configuration values that are more than a plain string.
#include "core/config.hpp"

#include <charconv>

#include "core/error.hpp"

namespace dime {

ListenAddress parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    throw Error(ErrorKind::bad_request, N_("listen address must be host:port"), listen);
  }
  ListenAddress out;
  out.host = listen.substr(0, colon);
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  const char* first = listen.data() + colon + 1;
  const char* last = listen.data() + listen.size();
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || ptr != last || port > 65535) {
    throw Error(ErrorKind::bad_request, N_("listen port must be a number from 0 to 65535"), listen);
  }
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

}  // namespace dime
