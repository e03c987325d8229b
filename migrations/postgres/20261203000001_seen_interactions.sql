-- Interaction ids already answered by a process sharing this database (HTTP interactions mode
-- behind a load balancer): a signed request replayed to another process is refused there too
-- (hazard H27). Ids and expiry times only; rows older than the replay window are deleted as new
-- ones arrive.
CREATE TABLE IF NOT EXISTS seen_interactions (
    id         BIGINT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS seen_interactions_expires_at ON seen_interactions (expires_at);
