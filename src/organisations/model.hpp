// Organisations: help offices (with a jurisdiction) and municipalities; one database holds many.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace dime::organisations {

enum class Kind { help_office, municipality };

struct Organisation {
  long long id = 0;
  Kind kind = Kind::help_office;
  std::string name;
  std::string jurisdiction = "no";  // no, se, nl
  std::string default_language = "nb";
  bool mfa_required = false;
  bool is_demo = false;
  // Coordinates nationally: its coordinators see the statistics of every help office in its
  // jurisdiction together.
  bool national = false;
  // Set for a help office that runs its own server, registered on a national instance: the
  // base64 public key its statistics files are signed with. It receives no reports here.
  std::string statistics_signing_key{};
  bool receives_reports() const {
    return kind == Kind::help_office && !national && statistics_signing_key.empty();
  }
};

std::string_view to_string(Kind kind);
std::optional<Kind> kind_from_string(std::string_view name);
bool valid_jurisdiction(std::string_view j);
// The default staff language of a jurisdiction (nb, sv, en for the Netherlands until nl exists).
std::string language_for_jurisdiction(std::string_view j);
// The time zone of meetings in a jurisdiction's offices (an IANA name).
std::string timezone_for_jurisdiction(std::string_view j);

}  // namespace dime::organisations
