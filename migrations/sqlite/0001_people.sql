-- People, org units, reporting lines, sessions and sign-in throttling.
-- Times are epoch milliseconds (BIGINT) and flags INTEGER 0/1: the only representations
-- sqlx's Any driver decodes the same way on SQLite and PostgreSQL.

create table org_unit (
    id integer primary key,
    name text not null,
    parent_id integer references org_unit(id) on delete restrict,
    created_at bigint not null
);
create index org_unit_parent on org_unit(parent_id);

create table person (
    id integer primary key,
    -- stored lower-case, so uniqueness is case-insensitive
    email text not null unique,
    name text not null,
    job_title text not null default '',
    role text not null default 'employee' check (role in ('admin', 'hr', 'employee')),
    unit_id integer references org_unit(id) on delete set null,
    -- at most one manager; cycles are refused by the application before writing
    manager_id integer references person(id) on delete set null,
    active integer not null default 1 check (active in (0, 1)),
    -- argon2id PHC string; null means the person cannot sign in with a password
    password_hash text,
    created_at bigint not null,
    updated_at bigint not null
);
create index person_manager on person(manager_id);
create index person_unit on person(unit_id);

-- tower-sessions records; person_id is copied out of the record so that deactivating a
-- person can end every session of theirs with one statement.
create table session (
    id text primary key,
    person_id integer,
    data text not null,
    expires_at bigint not null
);
create index session_person on session(person_id);
create index session_expiry on session(expires_at);

create table sign_in_failure (
    id integer primary key,
    email text not null,
    at bigint not null
);
create index sign_in_failure_email on sign_in_failure(email, at);
