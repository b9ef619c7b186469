// Pieces of the mediation bench that stand alone: local times in the office's zone, iCalendar
// files read back with libical, the MIME text of an invitation, and the statistics fields.
#include <gtest/gtest.h>

#include "calendar/ical.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "mail/mail.hpp"
#include "mediation/service.hpp"
#include "support/test_support.hpp"

namespace dime {
namespace {

TEST(Calendar, LocalTimesFollowTheOfficesZoneAcrossSummerTime) {
  // Oslo is UTC+1 in winter and UTC+2 in summer.
  EXPECT_EQ(calendar::local_to_utc("2026-12-03T10:00", "Europe/Oslo"), 1796288400);
  EXPECT_EQ(calendar::local_to_utc("2027-06-10T10:00", "Europe/Oslo"), 1812614400);
  EXPECT_EQ(calendar::local_to_utc("2027-06-10T10:00:00", "Europe/Oslo"), 1812614400);
  EXPECT_EQ(calendar::local_to_utc("2027-06-10T10:00", "Europe/Stockholm"), 1812614400);
  EXPECT_EQ(calendar::utc_to_local(1812614400, "Europe/Oslo"), "2027-06-10T10:00");
  EXPECT_EQ(calendar::utc_to_local(1796288400, "Europe/Amsterdam"), "2026-12-03T10:00");
  for (const char* bad :
       {"2026-02-30T10:00", "2026-12-03 10:00", "2026-12-03T24:00", "2026-12-03T10:60",
        "2026-12-03", "", "soon", "2026-12-03T10:00Z", "1999-12-03T10:00"}) {
    EXPECT_FALSE(calendar::local_to_utc(bad, "Europe/Oslo")) << bad;
  }
  EXPECT_FALSE(calendar::local_to_utc("2026-12-03T10:00", "Mars/Olympus_Mons"));
}

TEST(Calendar, AnInvitationReadsBackWithItsZoneUidAndSequence) {
  calendar::Event e;
  e.uid = "abc123@dime";
  e.sequence = 3;
  e.method = "REQUEST";
  e.starts_at = 1812614400;
  e.ends_at = 1812614400 + 5400;
  e.timezone = "Europe/Oslo";
  e.summary = "Møte ved meglingsbenken: Oslo";
  // Long enough to be folded, with letters outside ASCII.
  e.location =
      "Storgata 1, 3. etasje, møterom «Fjord» – ring på ved døren merket Diskrimineringshjelpen";
  e.organizer_email = "bench@oslo.example";
  e.organizer_name = "Oslo";
  e.attendees = {"person@example.org"};
  e.stamp = 1800000000;
  std::string ics = calendar::to_ics(e);
  EXPECT_NE(ics.find("\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTSTART;TZID=Europe/Oslo:20270610T100000"), std::string::npos) << ics;
  EXPECT_NE(ics.find("TZID:Europe/Oslo"), std::string::npos);
  auto p = calendar::parse(ics);
  EXPECT_EQ(p.method, "REQUEST");
  EXPECT_EQ(p.uid, e.uid);
  EXPECT_EQ(p.sequence, 3);
  EXPECT_EQ(p.tzid, "Europe/Oslo");
  EXPECT_EQ(p.starts_at, e.starts_at);
  EXPECT_EQ(p.ends_at, e.ends_at);
  EXPECT_EQ(p.location, e.location);
  EXPECT_EQ(p.summary, e.summary);
  EXPECT_EQ(p.status, "CONFIRMED");
  ASSERT_EQ(p.attendees.size(), 1U);
  EXPECT_EQ(p.attendees[0], "person@example.org");

  e.method = "CANCEL";
  e.sequence = 4;
  auto c = calendar::parse(calendar::to_ics(e));
  EXPECT_EQ(c.method, "CANCEL");
  EXPECT_EQ(c.status, "CANCELLED");
  EXPECT_EQ(c.uid, e.uid);
  EXPECT_THROW(calendar::parse("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"), Error);
  EXPECT_THROW(calendar::parse("not a calendar"), Error);
}

TEST(Mail, AnInvitationIsPlainTextPlusACalendarPart) {
  mail::Message m;
  m.to = "person@example.org";
  m.subject = "Invitasjon til møte – Oslo";
  m.text = "Når: 2026-12-03 10:00\nSted: Storgata 1\n";
  m.ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
  m.ics_method = "REQUEST";
  std::string raw = mail::compose(m, "bench@oslo.example", 1800000000);
  EXPECT_NE(raw.find("From: bench@oslo.example\r\n"), std::string::npos);
  EXPECT_NE(raw.find("To: person@example.org\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Subject: =?UTF-8?B?"), std::string::npos);  // encoded, not raw UTF-8
  EXPECT_NE(raw.find("Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("text/calendar; charset=UTF-8; method=REQUEST"), std::string::npos);
  auto parts = test::mime_parts(raw);
  ASSERT_EQ(parts.size(), 3U);  // the text, the calendar part, the .ics file
  EXPECT_EQ(parts[0].second, m.text);
  EXPECT_EQ(parts[1].second, m.ics);
  EXPECT_EQ(parts[2].second, m.ics);
  for (const auto& line : {std::string("From"), std::string("To")}) {
    EXPECT_EQ(raw.find(line + ": " + "\r\n"), std::string::npos);
  }
  // Addresses that could smuggle a second recipient or a header are not addresses.
  EXPECT_FALSE(valid_email("a@b.example, c@d.example"));
  EXPECT_FALSE(valid_email("a@b.example\r\nBcc: c@d.example"));
  EXPECT_FALSE(valid_email("a@b.example;c@d.example"));
}

TEST(MediationStatistics, TimesAndRatesCountOnlyWhatGotThatFar) {
  test::MigratedDatabase m;
  auto keys = test::test_keys();
  long long office = test::make_organisation(*m.db, "Oslo");
  long long user = test::make_key_holder(*m.db, keys, "adv@oslo.no", office);
  const long long day = 86400, t0 = 1767225600;  // 2026-01-01
  {
    storage::Transaction tx(*m.db);
    long long key_id = 0;
    tx.sql() << "SELECT id FROM office_keys WHERE organisation_id = :o", soci::use(office),
        soci::into(key_id);
    // created, consented, first meeting, agreement, stage, result
    struct Row {
      long long consented, met, agreed;
      const char* stage;
      const char* result;
      bool agreement;
    };
    const Row rows[] = {
        {t0 + 2 * day, t0 + 10 * day, t0 + 12 * day, "closed", "fulfilled", true},
        {t0 + 4 * day, t0 + 20 * day, t0 + 30 * day, "closed", "broken", true},
        {t0 + 6 * day, t0 + 30 * day, t0 + 31 * day, "closed", "no_agreement", false},
        {0, 0, 0, "closed", "declined", false},
        {t0 + 1 * day, 0, 0, "consented", nullptr, false},
    };
    int n = 0;
    for (const auto& r : rows) {
      std::string ref = "MB-TEST" + std::to_string(n++);
      soci::indicator c = r.consented ? soci::i_ok : soci::i_null;
      soci::indicator mt = r.met ? soci::i_ok : soci::i_null;
      soci::indicator a = r.agreed ? soci::i_ok : soci::i_null;
      std::string result = r.result ? r.result : "";
      soci::indicator res = r.result ? soci::i_ok : soci::i_null;
      std::string agreement = "sealed";
      soci::indicator ag = r.agreement ? soci::i_ok : soci::i_null;
      std::string stage = r.stage;
      tx.sql() << "INSERT INTO mediations (organisation_id, reference, office_key_id, key_sealed, "
                  "stage, result, consented_at, first_meeting_at, agreement_at, agreement_sealed, "
                  "created_by, created_at, updated_at) VALUES (:o, :r, :k, 'x', :s, :res, :c, :m, "
                  ":a, :ag, :u, :t, :t2)",
          soci::use(office), soci::use(ref), soci::use(key_id), soci::use(stage),
          soci::use(result, res), soci::use(r.consented, c), soci::use(r.met, mt),
          soci::use(r.agreed, a), soci::use(agreement, ag), soci::use(user), soci::use(t0),
          soci::use(t0);
    }
    tx.commit();
  }
  storage::Transaction tx(*m.db, storage::Transaction::Mode::read);
  auto s = mediation::statistics(tx, office, t0, t0 + 365 * day);
  EXPECT_EQ(s.opened, 5);
  EXPECT_EQ(s.consented, 4);
  EXPECT_EQ(s.met, 3);
  EXPECT_EQ(s.agreements, 2);
  EXPECT_EQ(s.no_agreement, 1);
  EXPECT_EQ(s.declined, 1);
  EXPECT_EQ(s.fulfilled, 1);
  EXPECT_EQ(s.broken, 1);
  EXPECT_EQ(s.open, 1);
  EXPECT_DOUBLE_EQ(*s.days_to_consent, 3.0);     // 1, 2, 4, 6
  EXPECT_DOUBLE_EQ(*s.days_to_meeting, 20.0);    // 10, 20, 30
  EXPECT_DOUBLE_EQ(*s.days_to_agreement, 21.0);  // 12 and 30 (no agreement does not count)
  EXPECT_DOUBLE_EQ(*s.agreement_rate, 2.0 / 3);  // of the three that met and ended
  EXPECT_DOUBLE_EQ(*s.fulfilment_rate, 0.5);
  // Another period: nothing, and no rates to divide by zero.
  auto none = mediation::statistics(tx, office, t0 + 400 * day, t0 + 500 * day);
  EXPECT_EQ(none.opened, 0);
  EXPECT_FALSE(none.agreement_rate);
  EXPECT_FALSE(none.days_to_consent);
}

}  // namespace
}  // namespace dime
