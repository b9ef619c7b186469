// N_("...") marks a user-facing msgid for xgettext (scripts/update-catalogues.sh) without
// translating it here; translation happens where the language is known (Context::tr).
#pragma once

namespace dime {
// NOLINTNEXTLINE(readability-identifier-naming): the gettext convention
constexpr const char* N_(const char* msgid) {
  return msgid;
}
}  // namespace dime
