-- Statistics (docs/architecture.md, "Statistics"). Public figures count only the cases the
-- office has approved for statistics: their coding checked. Coding a case again withdraws
-- the approval until it is given again.
ALTER TABLE reports ADD COLUMN statistics_approved_at BIGINT;
ALTER TABLE reports ADD COLUMN statistics_approved_by BIGINT REFERENCES users (id);

-- An organisation that coordinates nationally: its coordinators see the statistics of every
-- help office in its jurisdiction together.
ALTER TABLE organisations ADD COLUMN national INTEGER NOT NULL DEFAULT 0;

-- The dashboard reads every case of a period once, codes only. Report rows are wide (their
-- ciphertexts), so this covering index lets both databases read them from the index alone.
CREATE INDEX reports_statistics ON reports (organisation_id, created_at, id, channel,
  reporter_type, area, coded_area, status, outcome, acknowledged_at, feedback_at,
  statistics_approved_at, municipality);
