-- Positions (job roles), their requirements, the career paths between them, who holds
-- which position, and the review state of self-ratings that "current level" depends on.

create table job_position (
    id integer primary key,
    title text not null,
    description text not null default '',
    track text not null default 'ic' check (track in ('ic', 'managerial')),
    -- seniority, 1 = entry level; a hint for laying out career paths
    rank integer check (rank between 1 and 30),
    unit_id integer references org_unit(id) on delete set null,
    created_at bigint not null,
    updated_at bigint not null
);
create index job_position_unit on job_position(unit_id);

create table position_requirement (
    position_id integer not null references job_position(id) on delete cascade,
    -- restrict: a required node cannot be deleted from its framework
    node_id integer not null references framework_node(id),
    required integer not null check (required between 1 and 10),
    weight integer not null check (weight between 1 and 5),
    mandatory integer not null default 0 check (mandatory in (0, 1)),
    -- order in which the admin added them
    seq bigint not null,
    primary key (position_id, node_id)
);
create index position_requirement_node on position_requirement(node_id);

-- A directed edge of the career graph: people in from_id can move to to_id.
create table career_link (
    id integer primary key,
    from_id integer not null references job_position(id) on delete cascade,
    to_id integer not null references job_position(id) on delete cascade,
    kind text not null check (kind in ('up', 'across')),
    notes text not null default '',
    created_at bigint not null,
    check (from_id <> to_id),
    unique (from_id, to_id)
);
create index career_link_to on career_link(to_id);

alter table person add column position_id integer references job_position(id) on delete set null;
alter table person add column target_position_id integer references job_position(id) on delete set null;
create index person_position on person(position_id);

-- A self-rating's review state; null for every other source.
alter table rating add column review text check (review in ('pending', 'approved', 'declined'));

-- Alternative labels of a node (JSON array of strings), searched when drafting requirements.
alter table framework_node add column alt_labels text not null default '[]';
