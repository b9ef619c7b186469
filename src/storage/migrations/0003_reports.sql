-- Reports from the public and the keys that protect them (docs/security.md, "Report encryption").
-- Everything personal is ciphertext under a per-report key; only the fields statistics need
-- are readable. Keys are raw bytes stored as URL-safe base64.

-- A staff member's own X25519 key pair; the private half is wrapped with a key derived from
-- their password (argon2id with its own salt, apart from the sign-in hash).
CREATE TABLE user_keys (
  user_id BIGINT PRIMARY KEY REFERENCES users (id),
  public_key TEXT NOT NULL,
  secret_wrapped TEXT NOT NULL,
  salt TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- A help office's X25519 key pair: reports are sealed to the public half. Rotation adds a row
-- and retires the old one.
CREATE TABLE office_keys (
  id @ID@,
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  public_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  retired_at BIGINT
);
CREATE INDEX office_keys_organisation ON office_keys (organisation_id);

-- The office private key, sealed (crypto_box_seal) to one staff member's public key.
CREATE TABLE office_key_grants (
  office_key_id BIGINT NOT NULL REFERENCES office_keys (id),
  user_id BIGINT NOT NULL REFERENCES users (id),
  secret_sealed TEXT NOT NULL,
  granted_by BIGINT REFERENCES users (id),
  granted_at BIGINT NOT NULL,
  PRIMARY KEY (office_key_id, user_id)
);
CREATE INDEX office_key_grants_user ON office_key_grants (user_id);

-- The session's copy of the user's private key, under a key that only the cookie holds.
ALTER TABLE sessions ADD COLUMN user_key_wrapped TEXT;

CREATE TABLE reports (
  id @ID@,
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  reference TEXT NOT NULL UNIQUE,
  receipt_lookup TEXT NOT NULL UNIQUE,
  -- The per-report key: sealed to the office key, and wrapped with the receipt.
  office_key_id BIGINT NOT NULL REFERENCES office_keys (id),
  key_sealed TEXT NOT NULL,
  key_receipt TEXT NOT NULL,
  -- Everything the person wrote, as one ciphertext under the per-report key.
  content_sealed TEXT NOT NULL,
  -- Readable fields for queues and statistics: codes, never free text.
  language TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('web', 'api', 'phone', 'walk_in', 'union')),
  reporter_type TEXT NOT NULL
    CHECK (reporter_type IN ('self', 'witness', 'relative', 'union_representative', 'other')),
  affected_consent TEXT CHECK (affected_consent IN ('yes', 'no', 'unknown')),
  contact_mode TEXT NOT NULL CHECK (contact_mode IN ('none', 'email', 'phone')),
  area TEXT NOT NULL,
  place_kind TEXT NOT NULL,
  party_kind TEXT NOT NULL,
  municipality TEXT NOT NULL,
  event_month TEXT,
  received_month TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'received',
  outcome TEXT,
  wants_notification INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  acknowledged_at BIGINT
);
CREATE INDEX reports_queue ON reports (organisation_id, status, created_at);

CREATE TABLE report_grounds (
  report_id BIGINT NOT NULL REFERENCES reports (id),
  code TEXT NOT NULL,
  PRIMARY KEY (report_id, code)
);

CREATE TABLE report_wishes (
  report_id BIGINT NOT NULL REFERENCES reports (id),
  code TEXT NOT NULL,
  PRIMARY KEY (report_id, code)
);

-- Messages between the person and the office; the body is ciphertext under the report key.
CREATE TABLE report_messages (
  id @ID@,
  report_id BIGINT NOT NULL REFERENCES reports (id),
  author TEXT NOT NULL CHECK (author IN ('reporter', 'staff')),
  author_user_id BIGINT REFERENCES users (id),
  body_sealed TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE INDEX report_messages_report ON report_messages (report_id, id);

-- Evidence files: name and bytes are ciphertext under the report key; the sniffed type and
-- size are readable so that limits can be enforced without a key.
CREATE TABLE report_attachments (
  id @ID@,
  report_id BIGINT NOT NULL REFERENCES reports (id),
  message_id BIGINT REFERENCES report_messages (id),
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  name_sealed TEXT NOT NULL,
  data_sealed TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX report_attachments_report ON report_attachments (report_id);

-- Events counted for rate limits on public forms (submissions per address, receipt guesses).
CREATE TABLE rate_events (
  id @ID@,
  subject TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX rate_events_subject ON rate_events (subject, at);
