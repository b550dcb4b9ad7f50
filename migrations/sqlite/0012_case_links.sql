-- What an imported file said that Proficio does not model, kept so an export gives it back,
-- and the typed links between nodes (CASE associations other than the tree, Moodle cross
-- references), whose ends may lie outside the framework.

-- JSON: {"doc": CFDocument members, "package": CFPackage members} ('{}' if none).
alter table framework add column case_extra text not null default '{}';
-- JSON: {"item": CFItem members, "childOf": the isChildOf association} ('{}' if none).
alter table framework_node add column case_extra text not null default '{}';

create table framework_link (
    id integer primary key,
    framework_id integer not null references framework(id) on delete cascade,
    -- CASE associationType: isRelatedTo, exactMatchOf, precedes, ...
    kind text not null,
    -- the ends' identifiers (a node's external_id, the framework's, or one outside)
    origin text not null,
    destination text not null,
    -- the whole link (ends with URIs and titles, the association's JSON)
    body text not null,
    -- order in the file
    seq bigint not null
);
create index framework_link_framework on framework_link(framework_id, seq);
create index framework_link_origin on framework_link(framework_id, origin);

-- Where an imported position came from (an ESCO occupation URI), so a second import of the
-- same file leaves it alone.
alter table job_position add column external_id text;
create index job_position_external on job_position(external_id);

-- The choices made with an upload (JSON: {"kinds": "Item type = kind" rules for CASE}).
alter table pending_import add column options text not null default '{}';
