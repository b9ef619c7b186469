-- Casework on reports (docs/architecture.md, "Casework"): assignment, the advisor's own coding
-- kept apart from what the person reported, a timeline, internal notes, tasks, the evidence
-- checklist, and the office's deadline settings. Free text (notes, task titles) is ciphertext
-- under the report's own key; everything else is codes, ids, dates and times.

ALTER TABLE reports ADD COLUMN assigned_to BIGINT REFERENCES users (id);
-- The staff member who opened the case for a phone call, a walk-in or a union member.
ALTER TABLE reports ADD COLUMN opened_by BIGINT REFERENCES users (id);
-- The advisor's coding of the area (the person's own answer stays in `area`).
ALTER TABLE reports ADD COLUMN coded_area TEXT;
-- The earliest event of the case (YYYY-MM-DD) as the advisor established it: time limits run
-- from it. Until it is set, the first day of `event_month` stands in (earlier is safer).
ALTER TABLE reports ADD COLUMN event_earliest TEXT;
-- First feedback to the person (advice, a message, a referral); deadlines watch for it.
ALTER TABLE reports ADD COLUMN feedback_at BIGINT;
ALTER TABLE reports ADD COLUMN closed_at BIGINT;
CREATE INDEX reports_assigned ON reports (organisation_id, assigned_to, status);
CREATE INDEX reports_created ON reports (organisation_id, created_at);

-- The advisor's coding: grounds and forms from the jurisdiction's reference data.
CREATE TABLE case_grounds (
  report_id BIGINT NOT NULL REFERENCES reports (id),
  code TEXT NOT NULL,
  PRIMARY KEY (report_id, code)
);
CREATE TABLE case_forms (
  report_id BIGINT NOT NULL REFERENCES reports (id),
  code TEXT NOT NULL,
  PRIMARY KEY (report_id, code)
);

-- The case timeline: what happened to the case, by whom. `detail` holds codes and ids only.
CREATE TABLE case_events (
  id @ID@,
  report_id BIGINT NOT NULL REFERENCES reports (id),
  at BIGINT NOT NULL,
  actor_user_id BIGINT REFERENCES users (id),
  kind TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_report ON case_events (report_id, id);

-- Internal notes: never shown to the person. Ciphertext under the report key.
CREATE TABLE case_notes (
  id @ID@,
  report_id BIGINT NOT NULL REFERENCES reports (id),
  author_user_id BIGINT NOT NULL REFERENCES users (id),
  body_sealed TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX case_notes_report ON case_notes (report_id, id);

CREATE TABLE case_tasks (
  id @ID@,
  report_id BIGINT NOT NULL REFERENCES reports (id),
  title_sealed TEXT NOT NULL,
  due_on TEXT NOT NULL,
  assigned_to BIGINT REFERENCES users (id),
  created_by BIGINT NOT NULL REFERENCES users (id),
  created_at BIGINT NOT NULL,
  done_at BIGINT,
  done_by BIGINT REFERENCES users (id)
);
CREATE INDEX case_tasks_report ON case_tasks (report_id, done_at, due_on);

-- What helps under the shared burden of proof, and how far it has come.
CREATE TABLE case_evidence (
  report_id BIGINT NOT NULL REFERENCES reports (id),
  item TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('missing', 'requested', 'received', 'not_relevant')),
  updated_by BIGINT REFERENCES users (id),
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (report_id, item)
);

-- Deadlines of the office: acknowledge a report, give first feedback, warn before time limits;
-- and how long personal data is kept after a case closes.
ALTER TABLE organisations ADD COLUMN acknowledge_days INTEGER NOT NULL DEFAULT 7;
ALTER TABLE organisations ADD COLUMN feedback_days INTEGER NOT NULL DEFAULT 90;
ALTER TABLE organisations ADD COLUMN limit_warning_days INTEGER NOT NULL DEFAULT 180;
ALTER TABLE organisations ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 24;
