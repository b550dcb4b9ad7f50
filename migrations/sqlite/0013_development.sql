-- Development: the learning catalogue, personal development plans (goals, planned
-- activities, comments, approval), and recognition (points, badges, leaderboard opt-out,
-- e-mail digests).

create table activity (
    id integer primary key,
    title text not null,
    kind text not null check (kind in ('course', 'workshop', 'reading', 'mentoring', 'on_the_job')),
    provider text not null default '',
    url text not null default '',
    duration_minutes bigint not null check (duration_minutes > 0),
    -- null: no cost stated
    cost_cents bigint,
    description text not null default '',
    -- identifier in a learning system: CSV re-imports and recorded completions match on it
    external_id text unique,
    active integer not null default 1 check (active in (0, 1)),
    created_at bigint not null,
    updated_at bigint not null
);

-- The levels an activity awards on completion.
create table activity_level (
    activity_id integer not null references activity(id) on delete cascade,
    node_id integer not null references framework_node(id) on delete cascade,
    level integer not null check (level between 1 and 10),
    primary key (activity_id, node_id)
);
create index activity_level_node on activity_level(node_id, level);

-- One plan per person; its goals and actions hang off the person.
create table dev_plan (
    person_id integer primary key references person(id),
    state text not null default 'draft' check (state in ('draft', 'submitted', 'approved', 'changes')),
    updated_at bigint not null,
    submitted_at bigint,
    decided_by integer references person(id) on delete set null,
    decided_at bigint
);

create table plan_goal (
    id integer primary key,
    person_id integer not null references person(id),
    node_id integer not null references framework_node(id),
    target_level integer not null check (target_level between 1 and 10),
    -- the current level when the goal was set (progress is measured from it)
    start_level integer not null default 0,
    -- YYYY-MM-DD, or null
    due_on text,
    status text not null default 'open' check (status in ('open', 'achieved', 'dropped')),
    note text not null default '',
    created_at bigint not null,
    updated_at bigint not null,
    achieved_at bigint
);
create index plan_goal_person on plan_goal(person_id, status);
-- one open goal per node
create unique index plan_goal_open on plan_goal(person_id, node_id) where status = 'open';

create table plan_action (
    id integer primary key,
    person_id integer not null references person(id),
    activity_id integer not null references activity(id),
    status text not null default 'planned' check (status in ('planned', 'submitted', 'returned', 'completed', 'dropped')),
    -- on-the-job tasks: who signs them off
    mentor_id integer references person(id) on delete set null,
    -- what the trainee did, and a link to evidence of it
    report text not null default '',
    evidence_url text not null default '',
    -- what the reviewer answered last
    feedback text not null default '',
    submitted_at bigint,
    decided_by integer references person(id) on delete set null,
    decided_at bigint,
    -- who completed it: the manager or mentor confirming, an admin, or a learning system
    completed_via text check (completed_via in ('manager', 'mentor', 'admin', 'api')),
    created_at bigint not null,
    updated_at bigint not null
);
create index plan_action_person on plan_action(person_id, status);
create index plan_action_mentor on plan_action(mentor_id, status);
create index plan_action_activity on plan_action(activity_id);
-- one live action per activity and person
create unique index plan_action_live on plan_action(person_id, activity_id)
    where status in ('planned', 'submitted', 'returned');

create table plan_comment (
    id integer primary key,
    person_id integer not null references person(id),
    author_id integer references person(id) on delete set null,
    body text not null,
    created_at bigint not null
);
create index plan_comment_person on plan_comment(person_id, created_at);

-- Points: every award is a row; the person's total is kept beside them for leaderboards.
create table xp_event (
    id integer primary key,
    person_id integer not null references person(id),
    points bigint not null,
    what text not null,
    created_at bigint not null
);
create index xp_event_person on xp_event(person_id, created_at);

create table badge_award (
    person_id integer not null references person(id),
    badge text not null,
    awarded_at bigint not null,
    primary key (person_id, badge)
);

alter table person add column xp bigint not null default 0;
alter table person add column leaderboard_opt_out integer not null default 0;
-- the last day (YYYY-MM-DD) a reminder digest was mailed to the person
alter table person add column digest_sent_on text;
create index person_unit_xp on person(unit_id, xp);
