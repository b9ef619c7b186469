-- Erasure of a case's personal data (retention after closing, or at the person's request):
-- its keys and ciphertexts are destroyed and its messages, files, notes and tasks deleted,
-- while the codes that statistics count stay. `erased_at` records when.
ALTER TABLE reports ADD COLUMN erased_at BIGINT;
CREATE INDEX reports_retention ON reports (organisation_id, status, erased_at, closed_at);
