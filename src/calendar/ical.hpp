// Calendar invitations as iCalendar (RFC 5545) files, made with libical: one event per meeting,
// with the office's time zone, a UID that stays the same across reschedules and a SEQUENCE
// that grows with each change, so calendars update (or cancel) the event they already have.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace dime::calendar {

struct Event {
  std::string uid;
  int sequence = 0;
  // PUBLISH (a file to import), REQUEST (an invitation by e-mail) or CANCEL.
  std::string method = "PUBLISH";
  long long starts_at = 0;  // seconds since the epoch
  long long ends_at = 0;
  std::string timezone;  // an IANA zone, e.g. Europe/Oslo
  std::string summary;
  std::string location;  // an address or a video link
  std::string description;
  std::string organizer_email;  // required for REQUEST and CANCEL
  std::string organizer_name;
  std::vector<std::string> attendees;  // e-mail addresses (REQUEST and CANCEL)
  long long stamp = 0;                 // when the file was made
};

// The .ics text (CRLF line ends, folded lines). Throws Error(internal) for an unknown zone.
std::string to_ics(const Event& event);

// "YYYY-MM-DDTHH:MM" (an <input type="datetime-local">) in `zone` as seconds since the epoch;
// nothing when malformed, not a real date or time, or the zone is unknown.
std::optional<long long> local_to_utc(const std::string& local, const std::string& zone);
// The local wall-clock time of `t` in `zone` as "YYYY-MM-DDTHH:MM".
std::string utc_to_local(long long t, const std::string& zone);

// What a calendar program reads back from a .ics file (tests and checks).
struct Parsed {
  std::string method, uid, status, summary, location, description, tzid;
  int sequence = 0;
  long long starts_at = 0, ends_at = 0;  // resolved with the file's own VTIMEZONE
  std::vector<std::string> attendees;
};
// Throws Error(bad_request) when the text is not a calendar with one event.
Parsed parse(const std::string& ics);

}  // namespace dime::calendar
