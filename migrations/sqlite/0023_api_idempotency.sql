-- Idempotency keys of /api/v1 creates: a request repeated with the same key (a system retrying
-- after a lost answer) gets the first answer again instead of doing the work twice. The key
-- is claimed in the transaction that does the work, so two requests with one key never both
-- do it. `fingerprint` is the SHA-256 of the method, path and body: the same key with another
-- request is refused. Keys are kept for a day.

create table api_idempotency (
    id integer primary key,
    token_id integer not null references api_token(id) on delete cascade,
    key text not null,
    fingerprint text not null,
    -- the first answer, once the work is done (in the same transaction as the work)
    status integer,
    body text,
    created_at bigint not null,
    unique (token_id, key)
);
create index api_idempotency_created on api_idempotency(created_at);
