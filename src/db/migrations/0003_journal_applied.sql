-- Writes an instance accepted while it could not reach the database are kept in its local
-- journal and replayed here later. Each journal entry carries a UUID, recorded in the
-- same transaction as its change: an entry whose id is already here was applied before
-- (the instance died after the commit and before it noted so) and is not applied again.
CREATE TABLE journal_applied (
    entry_id   uuid        PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX journal_applied_applied_at_idx ON journal_applied (applied_at);
