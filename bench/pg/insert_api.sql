-- The write ceiling of bench/run.sh --postgres: one pgbench transaction inserts one row
-- shaped like what POST /apis stores (the body of bench/lua/create.lua), into a copy of
-- the service's apis table that run.sh creates in the schema bench_ceiling from
-- src/db/migrations/*.sql, so its indexes and constraints are the service's. The
-- statement mirrors the service's own insert (timestamps from the database clock to the
-- millisecond, the row returned in the service's column order; pgbench can only ask for
-- text where the service asks for binary); only the id comes from
-- gen_random_uuid() here, where the service makes it before it sends the statement.
-- The name and base path are unique by the client id and a random 53-bit number.
\set r random(1, 9007199254740991)
INSERT INTO bench_ceiling.apis (id, name, description, version, base_path, upstream_url,
                                methods, enabled, auth_type, rate_limit_per_minute,
                                timeout_ms, tags, revision, created_at, updated_at)
VALUES (gen_random_uuid(),
        'ceil-' || :client_id::text || '-' || :r::text,
        'Created by the benchmark',
        'v1',
        '/ceil/' || :client_id::text || '-' || :r::text,
        'http://127.0.0.1:9000/ceil/' || :client_id::text || '-' || :r::text,
        ARRAY['GET', 'POST']::text[],
        true,
        'api_key',
        600,
        30000,
        ARRAY['bench', 'load']::text[],
        1,
        date_trunc('milliseconds', statement_timestamp()),
        date_trunc('milliseconds', statement_timestamp()))
RETURNING id, name, description, version, base_path, upstream_url, methods, enabled,
          auth_type, rate_limit_per_minute, timeout_ms, tags, revision, created_at, updated_at;
