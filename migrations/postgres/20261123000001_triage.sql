-- PostgreSQL copy of migrations/sqlite/20261123000001_triage.sql (same schema; keep the two in step).
-- Triage sessions and their audit trail. Only ids, answers (as ids), a step counter and
-- timestamps: never free text, never anything about the child. See docs/triage.md.

-- One row per /triage dialogue in progress. Deleted when idle past the session TTL (7 days by
-- default).
CREATE TABLE triage_sessions (
    id          TEXT    PRIMARY KEY NOT NULL,  -- random uuid v4, 32 hex characters
    owner       TEXT    NOT NULL,              -- chat user id of the practitioner: only they may answer
    path        TEXT    NOT NULL DEFAULT '',   -- answers so far: question_id=value,... (ids only)
    step        BIGINT  NOT NULL DEFAULT 0,    -- optimistic-concurrency token, +1 per accepted action
    audit_id    TEXT,                          -- the triage_audit row recording this session's outcome
    created_at  BIGINT  NOT NULL,              -- unix milliseconds
    updated_at  BIGINT  NOT NULL               -- unix milliseconds of the last accepted action
);
CREATE INDEX triage_sessions_updated_at ON triage_sessions (updated_at);

-- One row per triage that reached an outcome: which outcome, by which answers, when, under which
-- knowledge copy. No owner, no session id. Deleted after the audit retention (365 days by default).
CREATE TABLE triage_audit (
    id              TEXT    PRIMARY KEY NOT NULL,  -- random uuid v4
    outcome         TEXT    NOT NULL,              -- outcome id
    path            TEXT    NOT NULL,              -- question_id=value,...
    knowledge_hash  TEXT    NOT NULL,              -- Knowledge::hash of the copy that answered
    started_at      BIGINT  NOT NULL,              -- unix milliseconds
    finished_at     BIGINT  NOT NULL               -- unix milliseconds the outcome was (last) reached
);
CREATE INDEX triage_audit_finished_at ON triage_audit (finished_at);
