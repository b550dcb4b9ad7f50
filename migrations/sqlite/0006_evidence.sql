-- Evidence attached to a rating: an uploaded file (stored outside any served folder under
-- a generated name) or a link. A manager may mark it verified.

create table evidence (
    id integer primary key,
    rating_id integer not null references rating(id),
    kind text not null check (kind in ('file', 'link')),
    -- the file name as uploaded (shown and offered on download), or the link's text
    name text not null,
    -- for a link: its URL; for a file: the generated name in the upload folder
    location text not null,
    content_type text not null default '',
    size bigint not null default 0,
    added_by integer references person(id) on delete set null,
    created_at bigint not null,
    verified_by integer references person(id) on delete set null,
    verified_at bigint
);
create index evidence_rating on evidence(rating_id);
