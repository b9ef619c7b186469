-- Foundation: organisations, staff accounts, sessions, login throttling, the audit chain.
-- Personal data (names, e-mail addresses, TOTP secrets) is stored sealed (see docs/security.md).
-- @ID@ expands to the dialect's auto-increment primary key.

CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE organisations (
  id @ID@,
  kind TEXT NOT NULL CHECK (kind IN ('help_office', 'municipality')),
  name TEXT NOT NULL,
  jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('no', 'se', 'nl')),
  default_language TEXT NOT NULL,
  mfa_required INTEGER NOT NULL DEFAULT 0,
  is_demo INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE users (
  id @ID@,
  email_lookup TEXT NOT NULL UNIQUE,
  email_sealed TEXT NOT NULL,
  name_sealed TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  totp_secret_sealed TEXT,
  totp_pending_sealed TEXT,
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  language TEXT,
  disabled_at BIGINT,
  is_demo INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
  user_id BIGINT NOT NULL REFERENCES users (id),
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'advisor', 'mediator',
    'union_representative', 'municipal_analyst', 'peer_reviewer')),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, organisation_id, role)
);
CREATE INDEX memberships_organisation ON memberships (organisation_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id),
  organisation_id BIGINT REFERENCES organisations (id),
  csrf_token TEXT NOT NULL,
  mfa_passed INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
  id @ID@,
  subject TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);

CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_user_id BIGINT,
  organisation_id BIGINT,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_organisation ON audit_log (organisation_id, seq);

CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  mac TEXT NOT NULL
);
