-- Office adjustments to the reference data shipped in reference/<jurisdiction>/*.json:
-- labels replaced, entries added, entries retired. The shipped files are never edited by an office.

CREATE TABLE reference_entries (
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  category TEXT NOT NULL CHECK (category IN ('grounds', 'forms', 'areas', 'referral_bodies')),
  code TEXT NOT NULL,
  legal_reference TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (organisation_id, category, code)
);

CREATE TABLE reference_labels (
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  category TEXT NOT NULL CHECK (category IN ('grounds', 'forms', 'areas', 'referral_bodies')),
  code TEXT NOT NULL,
  language TEXT NOT NULL,
  label TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (organisation_id, category, code, language)
);

CREATE TABLE reference_retired (
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  category TEXT NOT NULL CHECK (category IN ('grounds', 'forms', 'areas', 'referral_bodies')),
  code TEXT NOT NULL,
  retired_at BIGINT NOT NULL,
  PRIMARY KEY (organisation_id, category, code)
);
