-- The current level of each person on each node they hold a validated rating for: the
-- latest validated rating (by when it was given, then by id), kept in the same transaction
-- as every rating that validates or is approved, so that heatmaps, reports and searches read
-- one row per person and node instead of replaying everyone's ratings. When it expires is
-- stored too (the node's validity period at the time); an expired level counts as 0.

create table current_level (
    person_id integer not null references person(id),
    node_id integer not null references framework_node(id),
    level integer not null,
    rating_id integer not null references rating(id),
    rated_at bigint not null,
    expires_at bigint,
    primary key (person_id, node_id)
);
-- covering: talent search reads who and until when straight from the index
create index current_level_node on current_level(node_id, level, person_id, expires_at);
create index current_level_expiry on current_level(expires_at) where expires_at is not null;

-- Counters that open pages poll to learn that something changed ("ratings": bumped with
-- every change of a current level).
create table change_counter (
    name text primary key,
    value bigint not null
);
insert into change_counter (name, value) values ('ratings', 0);
