-- National figures from offices that run their own DiMe (docs/architecture.md, "Statistics"):
-- such an office exports its approved cases counted by month and by the published dimensions,
-- signed with a key derived from its office key; a national instance registers the office
-- with the public half of that key and imports its files.

-- Set only for a help office on its own server (registered on a national instance): the
-- base64 Ed25519 public key its aggregate files must be signed with. It receives no reports.
ALTER TABLE organisations ADD COLUMN statistics_signing_key TEXT;

-- The counts of the last file imported from each such office: month (year * 12 + month - 1),
-- dimension (as in the API, or 'cases' and 'combined_grounds' with the code ''), code, count.
CREATE TABLE statistics_counts (
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  month INTEGER NOT NULL,
  dimension TEXT NOT NULL,
  code TEXT NOT NULL,
  count BIGINT NOT NULL CHECK (count >= 0),
  PRIMARY KEY (organisation_id, month, dimension, code)
);

-- Every file imported: which office signed it, when it was made, the last month it counts,
-- and its signature (the proof the office gave these figures).
CREATE TABLE statistics_imports (
  id @ID@,
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  issued_at BIGINT NOT NULL,
  through_month INTEGER NOT NULL,
  cases BIGINT NOT NULL,
  signature TEXT NOT NULL,
  imported_by BIGINT NOT NULL REFERENCES users (id),
  imported_at BIGINT NOT NULL
);
CREATE INDEX statistics_imports_office ON statistics_imports (organisation_id, issued_at);
