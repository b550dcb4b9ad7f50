-- Ratings: the append-only record of what level someone has on a node, who said so and
-- when. The assessments work builds review, evidence and history on this table; the scale
-- editor already needs it, because a level that ratings use must keep its meaning.

create table rating (
    id integer primary key,
    subject_id integer not null references person(id),
    -- restrict: a rated node cannot be deleted (its ratings are permanent records)
    node_id integer not null references framework_node(id),
    level integer not null check (level between 0 and 10),
    source text not null check (source in ('self', 'manager', 'peer', 'course', 'import')),
    given_by integer references person(id) on delete set null,
    comment text not null default '',
    created_at bigint not null
);
create index rating_subject_node on rating(subject_id, node_id, created_at);
create index rating_node on rating(node_id);

-- Where a framework came from when it was cloned or blended ("Cloned from …").
alter table framework add column origin text not null default '';
