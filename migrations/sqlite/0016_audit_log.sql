-- The audit log: every change an admin or a manager makes, appended in the transaction of
-- the change (app/src/server/audit.rs). Rows are never updated or deleted; the history
-- unlock of 0015 is the only exception, used by erasure (to pseudonymise a person's name
-- and e-mail inside the entries) and by the demo wipe (which restarts every id, so old
-- entries would name the wrong people).

create table audit_log (
    id integer primary key,
    at bigint not null,
    -- who made the change; null for the system (command line, learning-system API)
    actor_id integer references person(id),
    -- what was done: create, update, delete, decide, rate, import, erase, export...
    action text not null,
    -- the kind of thing changed (person, org_unit, framework, position...) and its id
    entity text not null,
    entity_id text not null default '',
    -- JSON text of the thing before and after the change ('' when there is no side)
    before_json text not null default '',
    after_json text not null default ''
);
create index audit_log_at on audit_log(at, id);
create index audit_log_actor on audit_log(actor_id, at);
create index audit_log_entity on audit_log(entity, at);

create trigger audit_log_no_delete before delete on audit_log
when not exists (select 1 from history_unlock)
begin
    select raise(abort, 'the audit log is append-only');
end;

create trigger audit_log_no_update before update on audit_log
when not exists (select 1 from history_unlock)
begin
    select raise(abort, 'the audit log is append-only');
end;
