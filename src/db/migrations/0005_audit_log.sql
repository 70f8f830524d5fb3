-- The audit trail: one row for every change made to an API through this service, written
-- by the same statement (or in the same transaction) as the change itself, so that a
-- committed change always has its row and a change that rolled back has none. A journaled
-- write gets its row when it is replayed, with the time it was accepted.
--
-- Ids are taken when a row is inserted, not when its transaction commits: GET /audit walks
-- them newest first, and a row whose transaction commits while a client pages may appear
-- behind that client's cursor.
CREATE TABLE audit_log (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL,
    actor           text        NOT NULL,
    client_address  text        NOT NULL,
    request_id      text        NOT NULL,
    action          text        NOT NULL
                    CHECK (action IN ('create', 'replace', 'patch', 'delete')),
    api_id          uuid        NOT NULL,
    api_name        text        NOT NULL,
    revision_before bigint,
    revision_after  bigint,
    changed_fields  text[]      NOT NULL
);
CREATE INDEX audit_log_api_id_idx ON audit_log (api_id, id);
CREATE INDEX audit_log_api_name_idx ON audit_log (lower(api_name), id);
-- For the retention purge.
CREATE INDEX audit_log_at_idx ON audit_log (at);
