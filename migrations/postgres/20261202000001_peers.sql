-- Processes serving the bot from this database (a heartbeat each), and each process's answer to
-- a /reload announced by another: what lets the admin's reply say which processes took the new
-- knowledge. Ids, hashes and results only; no text anyone typed.
CREATE TABLE IF NOT EXISTS bot_processes (
    process TEXT PRIMARY KEY,
    seen_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS reload_acks (
    request TEXT NOT NULL,
    process TEXT NOT NULL,
    result  TEXT NOT NULL,
    version TEXT NOT NULL,
    hash    TEXT NOT NULL,
    detail  TEXT NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (request, process)
);
