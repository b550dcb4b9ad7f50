-- API tokens for systems (HR, learning systems, scripts) calling /api/v1. The token itself
-- is shown once when made and never stored: only its SHA-256 (hex), by which a request's
-- token is found. `prefix` is the public start of the token, to tell tokens apart in lists.

create table api_token (
    id integer primary key,
    name text not null,
    prefix text not null unique,
    secret_hash text not null unique,
    -- comma list of scopes (people:read, units:read)
    scopes text not null,
    -- who made it; null when made on the command line
    created_by integer references person(id) on delete set null,
    created_at bigint not null,
    -- null: never expires
    expires_at bigint,
    revoked_at bigint,
    last_used_at bigint
);
