-- Competency frameworks: scales, the working tree of each framework, and frozen versions.
-- The framework and node rows are the editable state; a published version is an immutable
-- JSON snapshot, so history never changes when the draft does.

create table scale (
    id integer primary key,
    name text not null,
    -- 1-based level that counts as proficient
    threshold integer not null,
    created_at bigint not null
);

create table scale_level (
    scale_id integer not null references scale(id) on delete cascade,
    level integer not null check (level between 1 and 10),
    name text not null,
    description text not null default '',
    primary key (scale_id, level)
);

create table framework (
    id integer primary key,
    name text not null,
    description text not null default '',
    scale_id integer not null references scale(id),
    status text not null default 'draft' check (status in ('draft', 'published', 'archived')),
    -- bumped by every change; a save based on an older revision is refused (no lost updates)
    revision bigint not null default 0,
    external_id text not null unique,
    created_at bigint not null,
    updated_at bigint not null
);

create table framework_node (
    id integer primary key,
    framework_id integer not null references framework(id) on delete cascade,
    parent_id integer references framework_node(id) on delete cascade,
    kind text not null check (kind in ('category', 'competency', 'skill')),
    -- order among siblings, 0-based and dense
    position bigint not null,
    title text not null,
    short_code text not null default '',
    definition text not null default '',
    -- JSON array of strings
    key_behaviours text not null default '[]',
    validity_months integer,
    -- stable identifier kept through import and export (CASE identifier, ESCO URI...)
    external_id text not null,
    -- a competency may use another scale than its framework's
    scale_id integer references scale(id),
    updated_at bigint not null,
    unique (framework_id, external_id)
);
create index framework_node_parent on framework_node(framework_id, parent_id, position);

create table node_level_description (
    node_id integer not null references framework_node(id) on delete cascade,
    track text not null check (track in ('ic', 'managerial')),
    level integer not null check (level between 1 and 10),
    description text not null,
    primary key (node_id, track, level)
);

create table framework_version (
    id integer primary key,
    framework_id integer not null references framework(id) on delete cascade,
    number integer not null,
    published_at bigint not null,
    published_by integer references person(id) on delete set null,
    -- the whole framework as JSON, frozen
    snapshot text not null,
    unique (framework_id, number)
);
