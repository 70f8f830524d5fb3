-- The change feed: one row for every committed change of an API, written by a trigger in
-- the same transaction as the change, so that no committed change can go unrecorded and
-- no recorded change can be missing from the table. Instances that mirror the APIs read
-- it from their last position; NOTIFY only wakes them (it is never sent from here: a
-- NOTIFY inside a writer's transaction would serialise every commit in the cluster).
--
-- Positions are taken when a row is inserted, not when its transaction commits, so they
-- are not commit order. Readers therefore keep their place by transaction id: every row
-- whose xid lies below the xmin of a snapshot is settled (its transaction has ended, and
-- it is visible if it committed), and a reader that has read everything below one xmin
-- reads from that xmin on next time (see store/change_feed.cpp).
CREATE TABLE api_changes (
    position   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    api_id     uuid        NOT NULL,
    revision   bigint      NOT NULL,  -- after the change; for a delete, the last one
    deleted    boolean     NOT NULL,
    xid        xid8        NOT NULL DEFAULT pg_current_xact_id(),
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX api_changes_xid_idx ON api_changes (xid);
CREATE INDEX api_changes_changed_at_idx ON api_changes (changed_at);

-- The feed is pruned by age. A reader whose position lies at or below the newest xid
-- pruned may have missed rows and must load everything again.
CREATE TABLE api_changes_pruned (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_through xid8    NOT NULL
);
INSERT INTO api_changes_pruned (pruned_through) VALUES ('0');

CREATE FUNCTION api_changes_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO api_changes (api_id, revision, deleted) VALUES (OLD.id, OLD.revision, true);
        RETURN OLD;
    END IF;
    INSERT INTO api_changes (api_id, revision, deleted) VALUES (NEW.id, NEW.revision, false);
    RETURN NEW;
END
$$;

CREATE TRIGGER apis_record_insert_delete AFTER INSERT OR DELETE ON apis
    FOR EACH ROW EXECUTE FUNCTION api_changes_record();
-- A write that changes nothing keeps its revision and is no change to record.
CREATE TRIGGER apis_record_update AFTER UPDATE ON apis
    FOR EACH ROW WHEN (OLD.revision IS DISTINCT FROM NEW.revision)
    EXECUTE FUNCTION api_changes_record();

-- Every write carries the instant after which it must not start: a statement that reaches
-- the server late (held in a frozen server or a lost network) fails with SQLSTATE GW001
-- instead of applying a change its client was already told had failed.
CREATE FUNCTION gateway_before_deadline(deadline timestamptz) RETURNS boolean
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF clock_timestamp() >= deadline THEN
        RAISE EXCEPTION 'the change reached the database after its deadline'
            USING ERRCODE = 'GW001';
    END IF;
    RETURN true;
END
$$;
