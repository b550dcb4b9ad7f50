-- Counters behind the org reports, kept in the same transaction as every change that moves
-- them (a level validated or expiring, a person's unit, position or activity, a position's
-- requirements, a unit moving), so reports read a few hundred rows at any organisation size.
--
-- unit_node_stat: for each org unit (counting everyone in it and its sub-units; unit 0 is
-- the whole organisation) and node required by their positions: how many people need it,
-- how many meet the required level, the sum of their gaps, and the weighted required levels
-- and gaps that readiness is computed from. unit_stat: the same summed over nodes, with the
-- head count. unit_trend: unit_stat as it stood at the end of each day (day = ms / 86400000)
-- on which it changed. node_level_stat: per node and level, how many active people hold
-- exactly that (unexpired) level and how many positions' holders need exactly that level.
--
-- Expiry moves levels to 0 as time passes; the 'expiry_swept' counter is the time the
-- counters were last brought up to, and readers bring them up to now first.

create table unit_node_stat (
    unit_id integer not null,
    node_id integer not null,
    need bigint not null,
    met bigint not null,
    gap_sum bigint not null,
    wreq_sum bigint not null,
    wgap_sum bigint not null,
    primary key (unit_id, node_id)
);

create table unit_stat (
    unit_id integer primary key,
    people bigint not null,
    need bigint not null,
    met bigint not null,
    wreq_sum bigint not null,
    wgap_sum bigint not null
);

create table unit_trend (
    unit_id integer not null,
    day bigint not null,
    people bigint not null,
    need bigint not null,
    met bigint not null,
    wreq_sum bigint not null,
    wgap_sum bigint not null,
    primary key (unit_id, day)
);

create table node_level_stat (
    node_id integer not null,
    level integer not null,
    have bigint not null,
    need bigint not null,
    primary key (node_id, level)
);

insert into change_counter (name, value) values ('expiry_swept', 0);
