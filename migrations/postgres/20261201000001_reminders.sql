-- PostgreSQL copy of migrations/sqlite/20261201000001_reminders.sql (same schema; keep the two in step).
-- Reminders of a triage outcome's deadline, and their audit trail. Ids, times and the deadline's
-- words as the guidance gives them: never anything typed, never anything about the child. Plain
-- SQL that PostgreSQL also accepts. See docs/triage.md, "Reminders".

-- One row per reminder a practitioner has set and not yet ended. Deleted with its session (the
-- foreign key cascades), when the practitioner presses Done or Stop, when it cannot be delivered
-- anywhere, or when it has waited unanswered longer than the session TTL.
CREATE TABLE triage_reminders (
    id             TEXT    PRIMARY KEY NOT NULL,  -- random uuid v4, 32 hex characters
    session_id     TEXT    NOT NULL REFERENCES triage_sessions (id) ON DELETE CASCADE,
    deadline_no    BIGINT  NOT NULL,              -- which of the outcome's deadlines (0-based)
    channel_id     TEXT    NOT NULL,              -- chat id of the thread to post in
    outcome        TEXT    NOT NULL,              -- outcome id
    deadline_what  TEXT    NOT NULL,              -- what is due, in the guidance's words
    deadline_rule  TEXT    NOT NULL,              -- the rule, in the guidance's words
    deadline_at    BIGINT  NOT NULL,              -- unix milliseconds the deadline falls due
    due_at         BIGINT  NOT NULL,              -- unix milliseconds to remind (next)
    state          TEXT    NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'sending', 'sent')),
    claimed_by     TEXT,                          -- the bot process that claimed it for sending
    claimed_at     BIGINT,                        -- unix milliseconds of the claim
    sent_at        BIGINT,                        -- unix milliseconds it was last delivered
    created_at     BIGINT  NOT NULL,
    UNIQUE (session_id, deadline_no)
);
CREATE INDEX triage_reminders_due ON triage_reminders (state, due_at);

-- One row per thing that happened to a reminder: delivered (on time, late, by direct message),
-- undeliverable, or the practitioner's answer. No user id, no session id, no channel id.
-- Deleted after the audit retention, like triage_audit.
CREATE TABLE triage_reminder_audit (
    id           TEXT    PRIMARY KEY NOT NULL,  -- random uuid v4
    outcome      TEXT    NOT NULL,              -- outcome id
    result       TEXT    NOT NULL,              -- posted, posted_late, direct_message, undelivered,
                                                -- done, not_yet, stopped, unanswered
    deadline_at  BIGINT  NOT NULL,              -- unix milliseconds the deadline fell due
    at           BIGINT  NOT NULL               -- unix milliseconds it happened
);
CREATE INDEX triage_reminder_audit_at ON triage_reminder_audit (at);
