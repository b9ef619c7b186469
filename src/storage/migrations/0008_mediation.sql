-- The mediation bench (docs/architecture.md, "Mediation"): a mediation opened from a referral to
-- the office's own bench or started directly by a mediator, its parties, consents, mediators,
-- meetings, agreement and follow-up. Each mediation has its own key: sealed to the office key
-- (advisors and coordinators) and to each assigned mediator's own key pair, so a mediator reads
-- the mediations they are given and nothing else of the office. Free text and contact details
-- are ciphertext under that key; everything else is codes, ids, dates and times.
CREATE TABLE mediations (
  id @ID@,
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  reference TEXT NOT NULL UNIQUE,
  report_id BIGINT REFERENCES reports (id),      -- the original case, if there is one
  referral_id BIGINT REFERENCES referrals (id),  -- the referral that opened it, if any
  office_key_id BIGINT NOT NULL REFERENCES office_keys (id),
  key_sealed TEXT NOT NULL,                       -- crypto_box_seal to the office public key
  brief_sealed TEXT,                              -- what the advisor passed on to the bench
  stage TEXT NOT NULL DEFAULT 'referred'
    CHECK (stage IN ('referred', 'contacted', 'consented', 'preparing', 'meeting', 'follow_up',
                     'closed')),
  result TEXT CHECK (result IN ('fulfilled', 'partly_fulfilled', 'broken', 'no_agreement',
                                'withdrawn', 'declined')),
  other_party_kind TEXT,            -- person, employer, business, public_body (statistics)
  contacted_on TEXT,                -- first contact with the other party, YYYY-MM-DD
  contact_how TEXT,
  consented_at BIGINT,              -- when every party's consent was first in place
  first_meeting_at BIGINT,          -- start of the first mediation meeting held
  agreement_at BIGINT,              -- agreement (or no agreement) recorded
  agreement_sealed TEXT,
  follow_up_on TEXT,                -- the agreed date of fulfilment, YYYY-MM-DD
  ended_by_party BIGINT,            -- the party who withdrew or declined
  created_by BIGINT NOT NULL REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT,
  erased_at BIGINT
);
CREATE INDEX mediations_office ON mediations (organisation_id, stage, created_at);
CREATE INDEX mediations_report ON mediations (report_id);

-- One or two mediators per mediation. The copy of the mediation key is sealed to the
-- mediator's public key; the server opens it only after their conflict-of-interest
-- declaration says there is none. A declared conflict removes the copy.
CREATE TABLE mediation_mediators (
  mediation_id BIGINT NOT NULL REFERENCES mediations (id),
  user_id BIGINT NOT NULL REFERENCES users (id),
  key_sealed TEXT,
  assigned_by BIGINT NOT NULL REFERENCES users (id),
  assigned_at BIGINT NOT NULL,
  declaration TEXT CHECK (declaration IN ('no_conflict', 'conflict')),
  declared_at BIGINT,
  PRIMARY KEY (mediation_id, user_id)
);
CREATE INDEX mediation_mediators_user ON mediation_mediators (user_id);

-- The complainant, the other party, and the representatives and support persons who come
-- with one of them. Name, organisation and contact details are one ciphertext.
CREATE TABLE mediation_parties (
  id @ID@,
  mediation_id BIGINT NOT NULL REFERENCES mediations (id),
  role TEXT NOT NULL
    CHECK (role IN ('complainant', 'other_party', 'representative', 'support_person')),
  kind TEXT NOT NULL CHECK (kind IN ('person', 'employer', 'business', 'public_body',
                                     'organisation')),
  for_party BIGINT REFERENCES mediation_parties (id),
  language TEXT NOT NULL,
  details_sealed TEXT NOT NULL,
  consent_on TEXT,        -- YYYY-MM-DD, complainant and other party only
  consent_how TEXT CHECK (consent_how IN ('in_writing', 'in_person', 'by_phone')),
  consent_recorded_by BIGINT REFERENCES users (id),
  withdrawn_on TEXT,      -- consent withdrawn (or refused), YYYY-MM-DD
  created_at BIGINT NOT NULL
);
CREATE INDEX mediation_parties_mediation ON mediation_parties (mediation_id, id);

-- Preparatory talks and the mediation meetings. `uid` and `sequence` make every invitation,
-- update and cancellation the same calendar event (RFC 5545).
CREATE TABLE mediation_meetings (
  id @ID@,
  mediation_id BIGINT NOT NULL REFERENCES mediations (id),
  uid TEXT NOT NULL UNIQUE,
  sequence INTEGER NOT NULL DEFAULT 0,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  timezone TEXT NOT NULL,
  place_sealed TEXT NOT NULL,             -- an address or a video link
  interpreter_language TEXT,              -- a language code when an interpreter is needed
  status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'held', 'cancelled')),
  created_by BIGINT NOT NULL REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX mediation_meetings_mediation ON mediation_meetings (mediation_id, starts_at);
CREATE TABLE mediation_meeting_parties (
  meeting_id BIGINT NOT NULL REFERENCES mediation_meetings (id),
  party_id BIGINT NOT NULL REFERENCES mediation_parties (id),
  PRIMARY KEY (meeting_id, party_id)
);

-- The mediator's journal: calls, preparatory talks and notes, as ciphertext.
CREATE TABLE mediation_notes (
  id @ID@,
  mediation_id BIGINT NOT NULL REFERENCES mediations (id),
  kind TEXT NOT NULL CHECK (kind IN ('call', 'preparatory_talk', 'note')),
  body_sealed TEXT NOT NULL,
  author_user_id BIGINT NOT NULL REFERENCES users (id),
  created_at BIGINT NOT NULL
);
CREATE INDEX mediation_notes_mediation ON mediation_notes (mediation_id, id);

-- The mediation's timeline: codes and ids only.
CREATE TABLE mediation_events (
  id @ID@,
  mediation_id BIGINT NOT NULL REFERENCES mediations (id),
  at BIGINT NOT NULL,
  actor_user_id BIGINT REFERENCES users (id),
  kind TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mediation_events_mediation ON mediation_events (mediation_id, id);

-- E-mail waiting to be sent (invitations): recipient and message sealed with the server's
-- key, deleted once the SMTP server has taken them.
CREATE TABLE mail_outbox (
  id @ID@,
  organisation_id BIGINT REFERENCES organisations (id),
  recipient_sealed TEXT NOT NULL,
  message_sealed TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at);
