// Organisation storage and validation.
#include "organisations/service.hpp"

#include <map>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "crypto/crypto.hpp"

namespace dime::organisations {

std::string_view to_string(Kind kind) {
  return kind == Kind::help_office ? "help_office" : "municipality";
}

std::optional<Kind> kind_from_string(std::string_view name) {
  if (name == "help_office") return Kind::help_office;
  if (name == "municipality") return Kind::municipality;
  return std::nullopt;
}

bool valid_jurisdiction(std::string_view j) {
  return j == "no" || j == "se" || j == "nl";
}

std::string language_for_jurisdiction(std::string_view j) {
  if (j == "se") return "sv";
  if (j == "nl") return "en";
  return "nb";
}

std::string timezone_for_jurisdiction(std::string_view j) {
  if (j == "se") return "Europe/Stockholm";
  if (j == "nl") return "Europe/Amsterdam";
  return "Europe/Oslo";
}

namespace {
constexpr const char* kBadSigningKey =
    N_("Enter the signing key the help office's own server shows (43 characters).");

struct Row {
  long long id = 0;
  std::string kind, name, jurisdiction, language;
  int mfa = 0, demo = 0, national = 0;
  std::string signing_key;
  soci::indicator signing_key_ind = soci::i_null;
  Organisation to_model() const {
    return {id,
            kind_from_string(kind).value_or(Kind::help_office),
            name,
            jurisdiction,
            language,
            mfa != 0,
            demo != 0,
            national != 0,
            signing_key_ind == soci::i_ok ? signing_key : std::string()};
  }
};
constexpr const char* kSelect =
    "SELECT id, kind, name, jurisdiction, default_language, mfa_required, is_demo, national, "
    "statistics_signing_key FROM organisations ";
}  // namespace

long long create(storage::Transaction& tx, const Organisation& org) {
  std::map<std::string, std::string> fields;
  if (org.name.empty() || org.name.size() > 200)
    fields["name"] = N_("Enter a name of at most 200 characters.");
  if (!valid_jurisdiction(org.jurisdiction))
    fields["jurisdiction"] = N_("Choose Norway, Sweden or the Netherlands.");
  if (!org.statistics_signing_key.empty() && (!valid_signing_key(org.statistics_signing_key) ||
                                              org.kind != Kind::help_office || org.national)) {
    fields["statistics_signing_key"] = kBadSigningKey;
  }
  if (!fields.empty())
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", fields);
  std::string kind(to_string(org.kind));
  int mfa = org.mfa_required ? 1 : 0;
  int demo = org.is_demo ? 1 : 0;
  int national = org.national ? 1 : 0;
  soci::indicator key_ind = org.statistics_signing_key.empty() ? soci::i_null : soci::i_ok;
  long long now = now_seconds();
  long long id = 0;
  tx.sql() << "INSERT INTO organisations (kind, name, jurisdiction, default_language, "
              "mfa_required, is_demo, national, statistics_signing_key, created_at) VALUES (:k, "
              ":n, :j, :l, :m, :d, :na, :sk, :t) RETURNING id",
      soci::use(kind), soci::use(org.name), soci::use(org.jurisdiction),
      soci::use(org.default_language), soci::use(mfa), soci::use(demo), soci::use(national),
      soci::use(org.statistics_signing_key, key_ind), soci::use(now), soci::into(id);
  return id;
}

std::optional<Organisation> find(storage::Transaction& tx, long long id) {
  Row r;
  tx.sql() << std::string(kSelect) + "WHERE id = :id", soci::use(id), soci::into(r.id),
      soci::into(r.kind), soci::into(r.name), soci::into(r.jurisdiction), soci::into(r.language),
      soci::into(r.mfa), soci::into(r.demo), soci::into(r.national),
      soci::into(r.signing_key, r.signing_key_ind);
  if (!tx.sql().got_data()) return std::nullopt;
  return r.to_model();
}

std::vector<Organisation> list(storage::Transaction& tx) {
  std::vector<Organisation> out;
  Row r;
  soci::statement st =
      (tx.sql().prepare << std::string(kSelect) + "ORDER BY name", soci::into(r.id),
       soci::into(r.kind), soci::into(r.name), soci::into(r.jurisdiction), soci::into(r.language),
       soci::into(r.mfa), soci::into(r.demo), soci::into(r.national),
       soci::into(r.signing_key, r.signing_key_ind));
  st.execute();
  while (st.fetch()) out.push_back(r.to_model());
  return out;
}

void set_mfa_required(storage::Transaction& tx, long long id, bool required) {
  int value = required ? 1 : 0;
  tx.sql() << "UPDATE organisations SET mfa_required = :m WHERE id = :id", soci::use(value),
      soci::use(id);
}

bool valid_signing_key(const std::string& key) {
  try {
    return key.size() <= 64 && crypto::from_base64(key).size() == 32;
  } catch (const Error&) {
    return false;
  }
}

void set_statistics_signing_key(storage::Transaction& tx, long long id, const std::string& key) {
  auto org = find(tx, id);
  long long members = 0;
  tx.sql() << "SELECT COUNT(*) FROM memberships WHERE organisation_id = :o", soci::use(id),
      soci::into(members);
  if (!org || !valid_signing_key(key) || org->kind != Kind::help_office || org->national ||
      members > 0) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."),
                "not an office on its own server, or a malformed key",
                {{"statistics_signing_key", kBadSigningKey}});
  }
  tx.sql() << "UPDATE organisations SET statistics_signing_key = :k WHERE id = :id", soci::use(key),
      soci::use(id);
}

}  // namespace dime::organisations
