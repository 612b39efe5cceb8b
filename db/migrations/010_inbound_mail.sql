-- The email channel: every inbound message is stored raw before the SMTP server answers 250.

CREATE TABLE inbound_mails (
  id              BIGSERIAL PRIMARY KEY,
  sha256          TEXT NOT NULL UNIQUE,
  -- Lower-cased Message-ID; the same Message-ID delivered twice is one message.
  message_id      TEXT UNIQUE,
  raw             BYTEA NOT NULL,
  size            INTEGER NOT NULL,
  envelope        JSONB NOT NULL,
  received_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- SPF, DKIM and DMARC as mailauth found them.
  auth            JSONB,
  state           TEXT NOT NULL DEFAULT 'stored'
                  CHECK (state IN ('stored', 'processed', 'ignored', 'unprocessable', 'awaiting_confirmation')),
  outcome         TEXT,
  reason          TEXT,
  claim_id        TEXT REFERENCES claims (id),
  processed_at    TIMESTAMPTZ
);
CREATE INDEX inbound_mails_sender_idx ON inbound_mails ((lower(envelope ->> 'mailFrom')), received_at);
CREATE INDEX inbound_mails_claim_idx ON inbound_mails (claim_id) WHERE claim_id IS NOT NULL;
CREATE INDEX inbound_mails_queue_idx ON inbound_mails (received_at) WHERE state IN ('stored', 'unprocessable');

-- Attachments, content-addressed, linked to the claim they became evidence of.
CREATE TABLE mail_attachments (
  mail_id       BIGINT NOT NULL REFERENCES inbound_mails (id),
  position      INTEGER NOT NULL,
  filename      TEXT,
  content_type  TEXT NOT NULL,
  size          INTEGER NOT NULL,
  sha256        TEXT NOT NULL,
  content       BYTEA NOT NULL,
  claim_id      TEXT REFERENCES claims (id),
  PRIMARY KEY (mail_id, position)
);

-- One polite answer per unknown sender per day, however many mails arrive.
CREATE TABLE mail_courtesy_replies (
  address  TEXT NOT NULL,
  day      DATE NOT NULL,
  mail_id  BIGINT NOT NULL REFERENCES inbound_mails (id),
  PRIMARY KEY (address, day)
);

-- Our notifications carry their thread; a bounce of one is recorded on it.
ALTER TABLE notifications ADD COLUMN bounced_at TIMESTAMPTZ;
ALTER TABLE notifications ADD COLUMN bounce_reason TEXT;
CREATE INDEX notifications_message_id_idx ON notifications (lower(btrim(message_id, '<>'))) WHERE message_id IS NOT NULL;
