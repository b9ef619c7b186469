-- The case list counts and filters an office's cases by status, age, assignee, area and
-- deadlines. Report rows are wide (their ciphertexts), so this covering index lets SQLite and
-- PostgreSQL answer those counts from the index alone (bench/RESULTS.md: the "at risk" count
-- over 100,000 cases went from about 390 ms to about 46 ms on SQLite).
CREATE INDEX reports_case_list ON reports (organisation_id, status, created_at, acknowledged_at,
  feedback_at, event_earliest, event_month, assigned_to, coded_area, area);
