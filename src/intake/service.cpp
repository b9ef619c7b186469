// Intake rules: see service.hpp. Free text is encrypted under a per-report key before it is
// stored; that key is sealed to the office public key and wrapped with the receipt.
#include "intake/service.hpp"

#include <magic.h>
#include <sodium.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "audit/service.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/translatable.hpp"
#include "keyring/service.hpp"
#include "organisations/service.hpp"
#include "reference/service.hpp"

namespace dime::intake {

using nlohmann::json;

// ---- Option lists ----

const std::vector<Option>& reporter_types() {
  static const std::vector<Option> v{
      {"self", N_("It happened to me")},
      {"witness", N_("I saw it happen to someone else")},
      {"relative", N_("It happened to a family member or friend")},
      {"union_representative", N_("I am a union representative reporting for a member")},
      {"other", N_("Other")},
  };
  return v;
}

const std::vector<Option>& consent_answers() {
  static const std::vector<Option> v{
      {"yes", N_("Yes, they know and agree")},
      {"no", N_("No, they do not know or do not agree")},
      {"unknown", N_("I do not know")},
  };
  return v;
}

const std::vector<Option>& place_kinds() {
  static const std::vector<Option> v{
      {"workplace", N_("A workplace or job interview")},
      {"housing", N_("Housing: renting, buying, neighbours")},
      {"school", N_("A school, university or kindergarten")},
      {"shop", N_("A shop, restaurant, bar or other business")},
      {"public_office", N_("A public office, such as NAV or the municipality")},
      {"health", N_("A hospital, doctor or care service")},
      {"police", N_("The police or a court")},
      {"transport", N_("Public transport")},
      {"online", N_("Online or social media")},
      {"public_space", N_("A street, park or other public place")},
      {"other", N_("Somewhere else")},
  };
  return v;
}

const std::vector<Option>& party_kinds() {
  static const std::vector<Option> v{
      {"employer", N_("An employer or manager")},
      {"colleague", N_("A colleague")},
      {"landlord", N_("A landlord or housing company")},
      {"business", N_("A shop, restaurant or other business")},
      {"public_service", N_("A public service")},
      {"school", N_("A school or teacher")},
      {"police", N_("The police")},
      {"health", N_("Health or care staff")},
      {"private_person", N_("A private person")},
      {"other", N_("Someone else")},
      {"unknown", N_("I do not know")},
  };
  return v;
}

const std::vector<Option>& wishes() {
  static const std::vector<Option> v{
      {"counted", N_("Just to be counted, so that it is known that this happens")},
      {"advice", N_("Advice about my rights")},
      {"mediation", N_("A meeting with the other party, with a mediator")},
      {"complaint", N_("Help to complain")},
      {"police", N_("Help to report it to the police")},
  };
  return v;
}

const std::vector<Option>& contact_modes() {
  static const std::vector<Option> v{
      {"none", N_("Do not contact me. I will follow up with my receipt.")},
      {"email", N_("By e-mail")},
      {"phone", N_("By phone")},
  };
  return v;
}

const std::vector<Option>& statuses() {
  static const std::vector<Option> v{
      {"received", N_("Received: not read yet")},
      {"in_assessment", N_("An advisor is looking at it")},
      {"advice_given", N_("Advice given")},
      {"referred", N_("Sent on to another body")},
      {"in_mediation", N_("In mediation")},
      {"closed", N_("Closed")},
  };
  return v;
}

bool has_code(const std::vector<Option>& options, const std::string& code) {
  return std::any_of(options.begin(), options.end(),
                     [&](const Option& o) { return code == o.code; });
}

const char* option_label(const std::vector<Option>& options, const std::string& code) {
  for (const auto& o : options) {
    if (code == o.code) return o.label;
  }
  return "";
}

const std::vector<std::string>& step_fields(int step) {
  static const std::vector<std::vector<std::string>> steps{
      {"office", "reporter_type", "affected_consent"},
      {"narrative", "event_date", "event_period", "municipality", "place_kind", "area"},
      {"grounds", "party_kind", "party_name", "witnesses"},
      {"wishes", "contact_mode", "name", "email", "phone", "notify_email", "consent"},
      {"files"},
  };
  static const std::vector<std::string> none;
  if (step < 1 || step > static_cast<int>(steps.size())) return none;
  return steps[static_cast<std::size_t>(step - 1)];
}

const std::vector<std::string>& accepted_file_types() {
  static const std::vector<std::string> v{
      "image/jpeg",      "image/png",  "image/webp",  "image/gif",  "image/heic", "image/heif",
      "application/pdf", "audio/mpeg", "audio/x-m4a", "audio/mp4",  "audio/ogg",  "audio/x-wav",
      "audio/wav",       "audio/webm", "video/webm",  "text/plain",
  };
  return v;
}

// ---- Offices and options ----

std::vector<organisations::Organisation> receiving_offices(storage::Transaction& tx) {
  std::vector<organisations::Organisation> out;
  for (auto& o : organisations::list(tx)) {
    // A national coordination unit receives no reports of its own, nor does an office that
    // runs its own server.
    if (o.receives_reports() && keyring::current_office_key(tx, o.id)) {
      out.push_back(std::move(o));
    }
  }
  return out;
}

FormOptions options_for(storage::Transaction& tx, const organisations::Organisation& office) {
  return {
      office,
      reference::for_organisation(tx, office.id, office.jurisdiction, reference::Category::areas),
      reference::for_organisation(tx, office.id, office.jurisdiction,
                                  reference::Category::grounds)};
}

// ---- Validation ----

namespace {

bool valid_past_date(const std::string& d, const std::string& today) {
  auto date = parse_date(d);
  return date && d >= "1950-01-01" && d <= today;
}

bool valid_phone(const std::string& p) {
  int digits = 0;
  for (char c : p) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')') {
      return false;
    }
  }
  return digits >= 5 && digits <= 20;
}

void check_text(std::map<std::string, std::string>& errors, const std::string& field,
                const std::string& value, std::size_t max, bool required) {
  if (const char* problem = text_problem(value, max, required)) errors[field] = problem;
}

bool offered(const reference::List& list, const std::string& code) {
  const auto* e = list.find(code);
  return e != nullptr && !e->retired;
}

}  // namespace

std::map<std::string, std::string> validate(const ReportInput& in, const FormOptions& options,
                                            int step, long long now) {
  std::map<std::string, std::string> e;
  auto wants = [&](int s) { return step == 0 || step == s; };
  if (wants(1)) {
    if (!has_code(reporter_types(), in.reporter_type)) {
      e["reporter_type"] = N_("Choose who is reporting.");
    } else if (in.reporter_type != "self" && !has_code(consent_answers(), in.affected_consent)) {
      e["affected_consent"] = N_("Tell us whether the person knows about this report.");
    }
  }
  if (wants(2)) {
    check_text(e, "narrative", in.narrative, kMaxNarrative, true);
    if (e.count("narrative") && in.narrative.empty())
      e["narrative"] = N_("Tell us in your own words what happened.");
    check_text(e, "event_period", in.event_period, kMaxShortText, false);
    if (!in.event_date.empty() && !valid_past_date(in.event_date, utc_date(now, false))) {
      e["event_date"] = N_("Enter a real date that is not in the future, such as 2025-03-14.");
    } else if (in.event_date.empty() && in.event_period.empty() && !e.count("event_period")) {
      e["event_date"] =
          N_("Give the date, or an approximate time in the box below, such as \"spring 2025\".");
    }
    check_text(e, "municipality", in.municipality, 100, false);
    if (!has_code(place_kinds(), in.place_kind)) e["place_kind"] = N_("Choose where it happened.");
    if (!offered(options.areas, in.area)) e["area"] = N_("Choose the part of life it concerns.");
  }
  if (wants(3)) {
    if (in.grounds.empty()) {
      e["grounds"] = N_("Choose at least one reason, or \"I do not know\".");
    } else {
      std::set<std::string> seen;
      for (const auto& g : in.grounds) {
        if (!offered(options.grounds, g) || !seen.insert(g).second) {
          e["grounds"] = N_("Choose reasons from the list.");
        }
      }
    }
    if (!has_code(party_kinds(), in.party_kind)) e["party_kind"] = N_("Choose who did it.");
    check_text(e, "party_name", in.party_name, kMaxShortText, false);
    check_text(e, "witnesses", in.witnesses, kMaxWitnesses, false);
  }
  if (wants(4)) {
    if (in.wishes.empty()) {
      e["wishes"] = N_("Choose at least one thing you would like us to do.");
    } else {
      std::set<std::string> seen;
      for (const auto& w : in.wishes) {
        if (!has_code(wishes(), w) || !seen.insert(w).second)
          e["wishes"] = N_("Choose from the list.");
      }
    }
    check_text(e, "name", in.name, kMaxShortText, false);
    if (!has_code(contact_modes(), in.contact_mode)) {
      e["contact_mode"] = N_("Choose how we may contact you.");
    } else if (in.contact_mode == "email" && !valid_email(in.email)) {
      e["email"] = N_("Enter the e-mail address we should write to.");
    } else if (in.contact_mode == "phone" && !valid_phone(in.phone)) {
      e["phone"] = N_("Enter a phone number with digits only, for example +47 912 34 567.");
    }
    if (in.contact_mode != "email" && !in.email.empty() && !valid_email(in.email))
      e["email"] = N_("Enter a valid e-mail address.");
    if (in.contact_mode != "phone" && !in.phone.empty() && !valid_phone(in.phone))
      e["phone"] = N_("Enter a phone number with digits only, for example +47 912 34 567.");
    if (!in.notify_email.empty() && !valid_email(in.notify_email))
      e["notify_email"] = N_("Enter a valid e-mail address, or leave this empty.");
    if (!in.consent) e["consent"] = N_("We can only take your report if you agree to this.");
  }
  return e;
}

// ---- Files ----

std::string sniff(std::string_view data) {
  // libmagic handles are not thread-safe: one per thread, loaded once.
  struct Handle {
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF);
    bool loaded = m != nullptr && magic_load(m, nullptr) == 0;
    ~Handle() {
      if (m) magic_close(m);
    }
  };
  thread_local Handle h;
  if (!h.loaded) throw Error(ErrorKind::internal, N_("Something went wrong."), "libmagic failed");
  const char* type = magic_buffer(h.m, data.data(), data.size());
  return type ? type : "application/octet-stream";
}

std::map<std::string, std::string> check_files(const std::vector<Attachment>& files) {
  std::map<std::string, std::string> e;
  if (files.size() > kMaxFiles) {
    e["files"] = N_("You can add at most 3 files at a time.");
    return e;
  }
  for (const auto& f : files) {
    if (f.data.size() > kMaxFileBytes) {
      e["files"] = N_("A file is larger than 8 MB. Please send a smaller one.");
    } else if (f.data.empty()) {
      e["files"] = N_("A file was empty.");
    } else {
      const auto& ok = accepted_file_types();
      if (std::find(ok.begin(), ok.end(), f.content_type) == ok.end()) {
        e["files"] =
            N_("We can take photos (JPEG, PNG, WebP, HEIC), PDF documents, sound "
               "recordings (MP3, M4A, OGG, WAV) and text files.");
      }
    }
    if (f.filename.size() > 255 || !valid_text(f.filename))
      e["files"] = N_("A file name is too long or unreadable. Please rename the file.");
  }
  return e;
}

// ---- Submitting ----

namespace {

std::string new_reference(storage::Transaction& tx, const std::string& jurisdiction,
                          long long now) {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32
  std::string prefix = jurisdiction;
  std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  prefix += "-" + utc_date(now, false).substr(0, 4) + "-";
  for (;;) {
    std::string ref = prefix;
    for (int i = 0; i < 6; ++i) ref += kAlphabet[randombytes_uniform(32)];
    int taken = 0;
    tx.sql() << "SELECT COUNT(*) FROM reports WHERE reference = :r", soci::use(ref),
        soci::into(taken);
    if (taken == 0) return ref;
  }
}

std::string random_receipt() {
  std::string digits;
  for (int i = 0; i < 16; ++i) digits += static_cast<char>('0' + randombytes_uniform(10));
  return digits;
}

struct ReceiptKey {
  std::string lookup;    // hex, stored
  std::string wrapping;  // raw, never stored
};
// One argon2id run per receipt: the first half (hashed again) is the stored look-up value,
// the second half wraps the report key.
ReceiptKey derive_receipt(const crypto::Keys& keys, const std::string& digits) {
  std::string out = crypto::derive_from_secret(digits, keys.receipt_salt(), 64);
  return {crypto::hash_hex(out.substr(0, 32)), out.substr(32)};
}

json content_of(const ReportInput& in) {
  return {{"narrative", in.narrative},
          {"event_date", in.event_date},
          {"event_period", in.event_period},
          {"party_name", in.party_name},
          {"witnesses", in.witnesses},
          {"name", in.name},
          {"email", in.email},
          {"phone", in.phone},
          {"notify_email", in.notify_email},
          {"municipality", in.municipality}};
}

void store_attachments(storage::Transaction& tx, long long report_id,
                       std::optional<long long> message_id, const std::string& reference,
                       const std::string& report_key, const std::vector<Attachment>& files,
                       long long now) {
  for (const auto& f : files) {
    std::string context = "attachment:" + reference;
    std::string name = crypto::to_base64(crypto::encrypt(report_key, f.filename, context));
    std::string data = crypto::to_base64(crypto::encrypt(report_key, f.data, context));
    long long size = static_cast<long long>(f.data.size());
    long long mid = message_id.value_or(0);
    soci::indicator mid_ind = message_id ? soci::i_ok : soci::i_null;
    tx.sql() << "INSERT INTO report_attachments (report_id, message_id, content_type, size, "
                "name_sealed, data_sealed, created_at) VALUES (:r, :m, :c, :s, :n, :d, :t)",
        soci::use(report_id), soci::use(mid, mid_ind), soci::use(f.content_type), soci::use(size),
        soci::use(name), soci::use(data), soci::use(now);
  }
}

}  // namespace

NewReceipt new_receipt(const crypto::Keys& keys) {
  NewReceipt r;
  r.digits = random_receipt();
  auto k = derive_receipt(keys, r.digits);
  r.lookup = std::move(k.lookup);
  r.wrapping = std::move(k.wrapping);
  return r;
}

Submitted submit(storage::Transaction& tx, const crypto::Keys& keys, const ReportInput& in,
                 const std::vector<Attachment>& files, const std::string& channel,
                 const std::string& language, long long now, const NewReceipt& receipt,
                 std::optional<long long> opened_by) {
  auto office = organisations::find(tx, in.organisation_id);
  if (!office || !office->receives_reports()) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "no office",
                {{"office", N_("Choose the office that should receive your report.")}});
  }
  auto office_key = keyring::current_office_key(tx, office->id);
  if (!office_key) {
    throw Error(ErrorKind::unavailable,
                N_("This office cannot receive reports yet. Please try again later."),
                "office has no key pair");
  }
  auto errors = validate(in, options_for(tx, *office), 0, now);
  auto file_errors = check_files(files);
  errors.insert(file_errors.begin(), file_errors.end());
  if (!errors.empty()) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", errors);
  }

  Submitted out;
  out.reference = new_reference(tx, office->jurisdiction, now);
  out.receipt = receipt.digits;
  const NewReceipt& rk = receipt;
  std::string report_key = crypto::random_key();
  std::string key_sealed = crypto::to_base64(crypto::seal_to(office_key->public_key, report_key));
  std::string key_receipt =
      crypto::to_base64(crypto::encrypt(rk.wrapping, report_key, "receipt:" + out.reference));
  std::string content = crypto::to_base64(
      crypto::encrypt(report_key, content_of(in).dump(), "report:" + out.reference));

  std::string consent = in.reporter_type == "self" ? "" : in.affected_consent;
  soci::indicator consent_ind = consent.empty() ? soci::i_null : soci::i_ok;
  std::string event_month = in.event_date.empty() ? "" : in.event_date.substr(0, 7);
  soci::indicator month_ind = event_month.empty() ? soci::i_null : soci::i_ok;
  std::string received_month = utc_date(now, true);
  int notify = in.notify_email.empty() ? 0 : 1;
  // The municipality is readable for statistics as the person typed it (trimmed, at most 100
  // bytes): the one typed value in clear (docs/security.md); it is also in the sealed content.
  std::string municipality = in.municipality;
  tx.sql() << "INSERT INTO reports (organisation_id, reference, receipt_lookup, office_key_id, "
              "key_sealed, key_receipt, content_sealed, language, channel, reporter_type, "
              "affected_consent, contact_mode, area, place_kind, party_kind, municipality, "
              "event_month, received_month, wants_notification, created_at, updated_at) "
              "VALUES (:o, :r, :l, :k, :ks, :kr, :c, :lang, :ch, :rt, :ac, :cm, :a, :pk, :pt, "
              ":mu, :em, :rm, :n, :t, :t2) RETURNING id",
      soci::use(office->id), soci::use(out.reference), soci::use(rk.lookup),
      soci::use(office_key->id), soci::use(key_sealed), soci::use(key_receipt), soci::use(content),
      soci::use(language), soci::use(channel), soci::use(in.reporter_type),
      soci::use(consent, consent_ind), soci::use(in.contact_mode), soci::use(in.area),
      soci::use(in.place_kind), soci::use(in.party_kind), soci::use(municipality),
      soci::use(event_month, month_ind), soci::use(received_month), soci::use(notify),
      soci::use(now), soci::use(now), soci::into(out.report_id);
  for (const auto& g : in.grounds) {
    tx.sql() << "INSERT INTO report_grounds (report_id, code) VALUES (:r, :c)",
        soci::use(out.report_id), soci::use(g);
  }
  for (const auto& w : in.wishes) {
    tx.sql() << "INSERT INTO report_wishes (report_id, code) VALUES (:r, :c)",
        soci::use(out.report_id), soci::use(w);
  }
  if (opened_by) {
    tx.sql() << "UPDATE reports SET opened_by = :u WHERE id = :r", soci::use(*opened_by),
        soci::use(out.report_id);
  }
  store_attachments(tx, out.report_id, std::nullopt, out.reference, report_key, files, now);
  sodium_memzero(report_key.data(), report_key.size());
  // In the same transaction: no report without its audit entry. Nothing personal in it.
  audit::append(tx, keys,
                {std::nullopt, office->id, "report.create", "report", out.reference,
                 "channel " + channel + "; files " + std::to_string(files.size())});
  return out;
}

// ---- Receipts and the person's view ----

std::string normalise_receipt(std::string_view typed) {
  std::string digits;
  for (char c : typed) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != ' ' && c != '-') {
      return {};
    }
    if (digits.size() > 16) return {};
  }
  return digits.size() == 16 ? digits : std::string();
}

std::string format_receipt(const std::string& digits) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += ' ';
    out += digits[i];
  }
  return out;
}

Opened open_with_receipt(storage::Transaction& tx, const crypto::Keys& keys,
                         const std::string& typed_receipt, const std::string& address_subject,
                         long long now) {
  Opened out;
  if (throttle::exceeded(tx, address_subject, kWrongReceiptsPerAddress, now)) {
    out.outcome = ReceiptOutcome::throttled;
    return out;
  }
  std::string digits = normalise_receipt(typed_receipt);
  std::optional<ReceiptKey> rk;
  ReporterView v;
  std::string key_receipt, content;
  if (!digits.empty()) {
    rk = derive_receipt(keys, digits);
    tx.sql() << "SELECT id, organisation_id, reference, status, language, created_at, "
                "key_receipt, content_sealed, reporter_type, COALESCE(affected_consent, ''), "
                "contact_mode, area, place_kind, party_kind FROM reports WHERE receipt_lookup = :l",
        soci::use(rk->lookup), soci::into(v.report_id), soci::into(v.organisation_id),
        soci::into(v.reference), soci::into(v.status), soci::into(v.language),
        soci::into(v.created_at), soci::into(key_receipt), soci::into(content),
        soci::into(v.report.reporter_type), soci::into(v.report.affected_consent),
        soci::into(v.report.contact_mode), soci::into(v.report.area),
        soci::into(v.report.place_kind), soci::into(v.report.party_kind);
  }
  if (!rk || !tx.sql().got_data()) {
    throttle::record(tx, address_subject, now);
    out.outcome = ReceiptOutcome::wrong;
    return out;
  }
  if (key_receipt.empty()) {
    // Erased (casework::erase): the receipt is right, but nothing remains to decrypt.
    v.erased = true;
    out.outcome = ReceiptOutcome::ok;
    out.view = std::move(v);
    return out;
  }
  out.report_key =
      crypto::decrypt(rk->wrapping, crypto::from_base64(key_receipt), "receipt:" + v.reference);
  auto c = json::parse(
      crypto::decrypt(out.report_key, crypto::from_base64(content), "report:" + v.reference));
  v.report.organisation_id = v.organisation_id;
  v.report.narrative = c.value("narrative", "");
  v.report.event_date = c.value("event_date", "");
  v.report.event_period = c.value("event_period", "");
  v.report.municipality = c.value("municipality", "");
  v.report.party_name = c.value("party_name", "");
  v.report.witnesses = c.value("witnesses", "");
  v.report.name = c.value("name", "");
  v.report.email = c.value("email", "");
  v.report.phone = c.value("phone", "");
  v.report.notify_email = c.value("notify_email", "");
  {
    std::string code;
    soci::statement st = (tx.sql().prepare << "SELECT code FROM report_grounds WHERE "
                                              "report_id = :r ORDER BY code",
                          soci::use(v.report_id), soci::into(code));
    st.execute();
    while (st.fetch()) v.report.grounds.push_back(code);
  }
  {
    std::string code;
    soci::statement st = (tx.sql().prepare << "SELECT code FROM report_wishes WHERE "
                                              "report_id = :r ORDER BY code",
                          soci::use(v.report_id), soci::into(code));
    st.execute();
    while (st.fetch()) v.report.wishes.push_back(code);
  }
  {
    Message m;
    std::string body;
    soci::statement st =
        (tx.sql().prepare << "SELECT author, body_sealed, created_at FROM report_messages "
                             "WHERE report_id = :r ORDER BY id",
         soci::use(v.report_id), soci::into(m.author), soci::into(body), soci::into(m.created_at));
    st.execute();
    while (st.fetch()) {
      m.body = crypto::decrypt(out.report_key, crypto::from_base64(body), "message:" + v.reference);
      v.messages.push_back(m);
    }
  }
  {
    AttachmentInfo a;
    std::string name;
    soci::statement st =
        (tx.sql().prepare << "SELECT name_sealed, content_type, size FROM report_attachments "
                             "WHERE report_id = :r ORDER BY id",
         soci::use(v.report_id), soci::into(name), soci::into(a.content_type), soci::into(a.size));
    st.execute();
    while (st.fetch()) {
      a.filename =
          crypto::decrypt(out.report_key, crypto::from_base64(name), "attachment:" + v.reference);
      v.attachments.push_back(a);
    }
  }
  // The office can see that the person has read its messages.
  tx.sql() << "UPDATE report_messages SET read_at = :t WHERE report_id = :r AND author = 'staff' "
              "AND read_at IS NULL",
      soci::use(now), soci::use(v.report_id);
  out.outcome = ReceiptOutcome::ok;
  out.view = std::move(v);
  return out;
}

void add_reporter_message(storage::Transaction& tx, const Opened& opened, const std::string& text,
                          const std::vector<Attachment>& files, long long now) {
  const auto& v = *opened.view;
  if (v.erased) {
    throw Error(ErrorKind::conflict,
                N_("This case is closed and its details have been erased. Please contact the "
                   "office if you need help again."));
  }
  std::map<std::string, std::string> errors;
  check_text(errors, "message", text, kMaxMessage, files.empty());
  auto file_errors = check_files(files);
  errors.insert(file_errors.begin(), file_errors.end());
  if (!errors.empty()) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", errors);
  }
  std::string subject = "report-messages:" + std::to_string(v.report_id);
  if (throttle::exceeded(tx, subject, kMessagesPerReport, now)) {
    throw Error(ErrorKind::too_many_requests,
                N_("You have sent many messages today. Please wait until tomorrow, or call the "
                   "office."));
  }
  throttle::record(tx, subject, now);
  std::optional<long long> message_id;
  if (!text.empty() || !files.empty()) {
    std::string body =
        crypto::to_base64(crypto::encrypt(opened.report_key, text, "message:" + v.reference));
    long long id = 0;
    tx.sql() << "INSERT INTO report_messages (report_id, author, body_sealed, created_at) "
                "VALUES (:r, 'reporter', :b, :t) RETURNING id",
        soci::use(v.report_id), soci::use(body), soci::use(now), soci::into(id);
    message_id = id;
  }
  store_attachments(tx, v.report_id, message_id, v.reference, opened.report_key, files, now);
  tx.sql() << "UPDATE reports SET updated_at = :t WHERE id = :r", soci::use(now),
      soci::use(v.report_id);
}

}  // namespace dime::intake
