-- Writes sent with an Idempotency-Key: the key is recorded in the same transaction as the
-- change it made, with the answer given, so that a retry after a lost answer gets that
-- answer again instead of making the change twice. Keys expire (expires_at) and are
-- pruned with the change feed.
CREATE TABLE idempotency_keys (
    key         text        PRIMARY KEY,
    fingerprint text        NOT NULL,
    status      integer,
    api_id      uuid,
    revision    bigint,
    body        text,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
