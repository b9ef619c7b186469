// iCalendar files with libical: see ical.hpp. libical keeps its built-in time zones in global
// caches, so every call here holds one mutex.
#include "calendar/ical.hpp"

#include <libical/ical.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "core/error.hpp"
#include "core/text.hpp"

namespace dime::calendar {

namespace {

std::mutex& ical_mutex() {
  static std::mutex m;
  return m;
}

icaltimezone* zone_of(const std::string& name) {
  if (name.empty()) return nullptr;
  return icaltimezone_get_builtin_timezone(name.c_str());
}

struct ComponentDeleter {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using Component = std::unique_ptr<icalcomponent, ComponentDeleter>;

icalproperty_method method_of(const std::string& m) {
  if (m == "REQUEST") return ICAL_METHOD_REQUEST;
  if (m == "CANCEL") return ICAL_METHOD_CANCEL;
  return ICAL_METHOD_PUBLISH;
}

// The wall-clock time of `t` in `zone`, written with TZID=<the zone's IANA name> (calendars
// expect "Europe/Oslo", not libical's "/freeassociation.sourceforge.net/Europe/Oslo").
icaltimetype local_in(long long t, icaltimezone* zone) {
  icaltimetype tt = icaltime_from_timet_with_zone(t, 0, zone);
  tt.zone = nullptr;  // floating: the TZID parameter says where
  return tt;
}
icalproperty* zoned(icalproperty* p, icaltimezone* zone) {
  icalproperty_add_parameter(p, icalparameter_new_tzid(icaltimezone_get_location(zone)));
  return p;
}

std::string text_of(icalcomponent* c, icalproperty_kind kind) {
  icalproperty* p = icalcomponent_get_first_property(c, kind);
  if (!p) return {};
  const char* v = nullptr;
  switch (kind) {
    case ICAL_UID_PROPERTY: v = icalproperty_get_uid(p); break;
    case ICAL_SUMMARY_PROPERTY: v = icalproperty_get_summary(p); break;
    case ICAL_LOCATION_PROPERTY: v = icalproperty_get_location(p); break;
    case ICAL_DESCRIPTION_PROPERTY: v = icalproperty_get_description(p); break;
    default: break;
  }
  return v ? v : "";
}

}  // namespace

std::string to_ics(const Event& e) {
  std::lock_guard guard(ical_mutex());
  icaltimezone* zone = zone_of(e.timezone);
  if (!zone) throw Error(ErrorKind::internal, "unknown time zone", e.timezone);
  Component cal(icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT, icalproperty_new_version("2.0"),
                                    icalproperty_new_prodid("-//DiMe//Mediation bench//EN"),
                                    icalproperty_new_method(method_of(e.method)), nullptr));
  // The zone's rules from a year before the meeting on: enough for any calendar to place it,
  // without a century of history.
  icalcomponent* vtz = icalcomponent_new_clone(icaltimezone_get_component(zone));
  icaltimetype from = icaltime_from_timet_with_zone(e.starts_at - 366LL * 24 * 3600, 0,
                                                    icaltimezone_get_utc_timezone());
  icaltimezone_truncate_vtimezone(vtz, from, icaltime_null_time(), 1);
  if (auto* id = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY)) {
    icalproperty_set_tzid(id, icaltimezone_get_location(zone));
  }
  icalcomponent_add_component(cal.get(), vtz);

  icalcomponent* ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  icalcomponent_add_property(ev, icalproperty_new_uid(e.uid.c_str()));
  icalcomponent_add_property(ev, icalproperty_new_sequence(e.sequence));
  icalcomponent_add_property(ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone(
                                     e.stamp, 0, icaltimezone_get_utc_timezone())));
  icalcomponent_add_property(ev,
                             zoned(icalproperty_new_dtstart(local_in(e.starts_at, zone)), zone));
  icalcomponent_add_property(ev, zoned(icalproperty_new_dtend(local_in(e.ends_at, zone)), zone));
  icalcomponent_add_property(ev, icalproperty_new_summary(e.summary.c_str()));
  if (!e.location.empty()) {
    icalcomponent_add_property(ev, icalproperty_new_location(e.location.c_str()));
  }
  if (!e.description.empty()) {
    icalcomponent_add_property(ev, icalproperty_new_description(e.description.c_str()));
  }
  bool cancelled = e.method == "CANCEL";
  icalcomponent_add_property(
      ev, icalproperty_new_status(cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
  if (!e.organizer_email.empty()) {
    icalproperty* org = icalproperty_new_organizer(("mailto:" + e.organizer_email).c_str());
    if (!e.organizer_name.empty()) {
      icalproperty_add_parameter(org, icalparameter_new_cn(e.organizer_name.c_str()));
    }
    icalcomponent_add_property(ev, org);
  }
  for (const auto& a : e.attendees) {
    icalproperty* att = icalproperty_new_attendee(("mailto:" + a).c_str());
    icalproperty_add_parameter(att, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
    icalproperty_add_parameter(att, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
    icalproperty_add_parameter(att, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
    icalcomponent_add_property(ev, att);
  }
  icalcomponent_add_component(cal.get(), ev);
  char* text = icalcomponent_as_ical_string_r(cal.get());
  std::string out = text ? text : "";
  free(text);  // NOLINT(cppcoreguidelines-no-malloc): libical's _r functions return malloc'd text
  return out;
}

std::optional<long long> local_to_utc(const std::string& local, const std::string& zone_name) {
  // Exactly YYYY-MM-DDTHH:MM (seconds are accepted as browsers may send them).
  if (local.size() != 16 && local.size() != 19) return std::nullopt;
  auto at = [&](std::size_t pos, std::size_t len) {
    auto v = parse_integer(std::string_view(local).substr(pos, len));
    return v && *v >= 0 ? static_cast<int>(*v) : -1;
  };
  if (local[4] != '-' || local[7] != '-' || local[10] != 'T' || local[13] != ':' ||
      (local.size() == 19 && local[16] != ':')) {
    return std::nullopt;
  }
  int y = at(0, 4), mo = at(5, 2), d = at(8, 2), h = at(11, 2), mi = at(14, 2);
  int s = local.size() == 19 ? at(17, 2) : 0;
  if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 ||
      mi > 59 || s < 0 || s > 59) {
    return std::nullopt;
  }
  if (d > icaltime_days_in_month(mo, y)) return std::nullopt;
  std::lock_guard guard(ical_mutex());
  icaltimezone* zone = zone_of(zone_name);
  if (!zone) return std::nullopt;
  icaltimetype tt = icaltime_null_time();
  tt.year = y;
  tt.month = mo;
  tt.day = d;
  tt.hour = h;
  tt.minute = mi;
  tt.second = s;
  tt.is_date = 0;
  return static_cast<long long>(icaltime_as_timet_with_zone(tt, zone));
}

std::string utc_to_local(long long t, const std::string& zone_name) {
  std::lock_guard guard(ical_mutex());
  icaltimezone* zone = zone_of(zone_name);
  if (!zone) zone = icaltimezone_get_utc_timezone();
  icaltimetype tt = icaltime_from_timet_with_zone(t, 0, zone);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d", tt.year, tt.month, tt.day, tt.hour,
                tt.minute);
  return buf;
}

Parsed parse(const std::string& ics) {
  std::lock_guard guard(ical_mutex());
  Component cal(icalparser_parse_string(ics.c_str()));
  if (!cal || icalcomponent_isa(cal.get()) != ICAL_VCALENDAR_COMPONENT) {
    throw Error(ErrorKind::bad_request, "not an iCalendar file");
  }
  icalcomponent* ev = icalcomponent_get_first_component(cal.get(), ICAL_VEVENT_COMPONENT);
  if (!ev || icalcomponent_get_next_component(cal.get(), ICAL_VEVENT_COMPONENT)) {
    throw Error(ErrorKind::bad_request, "not exactly one event");
  }
  Parsed p;
  if (auto* m = icalcomponent_get_first_property(cal.get(), ICAL_METHOD_PROPERTY)) {
    p.method = icalproperty_method_to_string(icalproperty_get_method(m));
  }
  p.uid = text_of(ev, ICAL_UID_PROPERTY);
  p.summary = text_of(ev, ICAL_SUMMARY_PROPERTY);
  p.location = text_of(ev, ICAL_LOCATION_PROPERTY);
  p.description = text_of(ev, ICAL_DESCRIPTION_PROPERTY);
  if (auto* s = icalcomponent_get_first_property(ev, ICAL_SEQUENCE_PROPERTY)) {
    p.sequence = icalproperty_get_sequence(s);
  }
  if (auto* s = icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY)) {
    p.status = icalproperty_status_to_string(icalproperty_get_status(s));
  }
  if (auto* d = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY)) {
    if (auto* tz = icalproperty_get_first_parameter(d, ICAL_TZID_PARAMETER)) {
      p.tzid = icalparameter_get_tzid(tz);
    }
  }
  // DTSTART/DTEND with their TZID resolved against the file's own VTIMEZONE.
  icaltimetype start = icalcomponent_get_dtstart(ev);
  icaltimetype end = icalcomponent_get_dtend(ev);
  if (icaltime_is_null_time(start) || icaltime_is_null_time(end) || !start.zone || !end.zone) {
    throw Error(ErrorKind::bad_request, "event without zoned start and end");
  }
  p.starts_at = icaltime_as_timet_with_zone(start, start.zone);
  p.ends_at = icaltime_as_timet_with_zone(end, end.zone);
  for (auto* a = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); a;
       a = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
    std::string v = icalproperty_get_attendee(a);
    if (v.rfind("mailto:", 0) == 0) v = v.substr(7);
    p.attendees.push_back(v);
  }
  return p;
}

}  // namespace dime::calendar
