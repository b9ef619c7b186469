-- Referrals: a case sent on to the police, the ombud, the tribunal, mediation or another body,
-- with the person's consent recorded, the document the advisor prepared (ciphertext under the
-- report key), and how it went.
CREATE TABLE referrals (
  id @ID@,
  report_id BIGINT NOT NULL REFERENCES reports (id),
  body TEXT NOT NULL,  -- reference data: referral_bodies code
  kind TEXT NOT NULL,  -- the body's kind: police, ombud, tribunal, mediation_service, ...
  other_body_sealed TEXT,  -- for a body not in the list: its name
  consent_how TEXT NOT NULL
    CHECK (consent_how IN ('in_writing', 'in_person', 'by_phone', 'through_follow_up')),
  consent_on TEXT NOT NULL,  -- YYYY-MM-DD
  status TEXT NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'sent', 'acknowledged', 'decided', 'withdrawn')),
  outcome TEXT,  -- the external outcome once decided
  draft_sealed TEXT NOT NULL,
  created_by BIGINT NOT NULL REFERENCES users (id),
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX referrals_report ON referrals (report_id, id);
