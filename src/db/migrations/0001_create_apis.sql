-- The APIs published through the gateway. The service validates every field before it
-- writes; the CHECK constraints repeat the most important rules so that a bug or a
-- hand-written statement cannot store a row the service would refuse to serve.

CREATE TABLE apis (
    id                    uuid        PRIMARY KEY,
    -- "C" collation: names and tags are ASCII by their patterns, and lower() under "C"
    -- folds exactly the ASCII letters, as the service's case-insensitive names do,
    -- whatever the database's locale.
    name                  text        COLLATE "C" NOT NULL,
    description           text        NOT NULL DEFAULT '',
    version               text        COLLATE "C" NOT NULL DEFAULT 'v1',
    base_path             text        COLLATE "C" NOT NULL,
    upstream_url          text        NOT NULL,
    methods               text[]      COLLATE "C" NOT NULL DEFAULT ARRAY['GET'],
    enabled               boolean     NOT NULL DEFAULT true,
    auth_type             text        COLLATE "C" NOT NULL DEFAULT 'none',
    rate_limit_per_minute integer,
    timeout_ms            integer     NOT NULL DEFAULT 30000,
    tags                  text[]      COLLATE "C" NOT NULL DEFAULT '{}',
    revision              bigint      NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,

    CONSTRAINT apis_name_check CHECK (
        char_length(name) BETWEEN 1 AND 100 AND name ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
    CONSTRAINT apis_description_check CHECK (char_length(description) <= 1000),
    CONSTRAINT apis_version_check CHECK (
        char_length(version) BETWEEN 1 AND 32 AND version ~ '^[A-Za-z0-9._-]+$'),
    CONSTRAINT apis_base_path_check CHECK (
        char_length(base_path) <= 255 AND base_path ~ '^(/|(/[A-Za-z0-9._~-]+)+)$'),
    CONSTRAINT apis_upstream_url_check CHECK (
        char_length(upstream_url) <= 2048 AND upstream_url ~* '^https?://[^/?#]'),
    CONSTRAINT apis_methods_check CHECK (
        cardinality(methods) >= 1
        AND methods <@ ARRAY['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']
        AND array_position(methods, NULL) IS NULL),
    CONSTRAINT apis_auth_type_check CHECK (auth_type IN ('none', 'api_key', 'jwt', 'oauth2')),
    CONSTRAINT apis_rate_limit_check CHECK (rate_limit_per_minute BETWEEN 1 AND 1000000),
    CONSTRAINT apis_timeout_check CHECK (timeout_ms BETWEEN 1 AND 300000),
    CONSTRAINT apis_tags_check CHECK (
        cardinality(tags) <= 32 AND array_position(tags, NULL) IS NULL),
    CONSTRAINT apis_revision_check CHECK (revision >= 1),
    CONSTRAINT apis_timestamps_check CHECK (updated_at >= created_at)
);

-- Uniqueness is enforced here, not by a read before the write, so that concurrent
-- writers (threads or instances) cannot both win. The store maps a violation of each
-- to its 409 detail by these names; the name index is created first so that, like the
-- in-memory store, a clash on both reports the name.
CREATE UNIQUE INDEX apis_name_key ON apis (lower(name));
ALTER TABLE apis ADD CONSTRAINT apis_base_path_key UNIQUE (base_path);

-- Keyset pagination: WHERE (created_at, id) > (...) ORDER BY created_at, id.
CREATE INDEX apis_created_at_id_idx ON apis (created_at, id);

-- The tag filter: tags @> ARRAY[...].
CREATE INDEX apis_tags_idx ON apis USING gin (tags);
