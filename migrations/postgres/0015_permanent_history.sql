-- Ratings and evidence are permanent records: the database itself refuses to delete them or
-- to rewrite what they say, whatever code (or hand-written SQL) runs against it. What may
-- still change:
--   * a pending self-rating is decided once: review goes from 'pending' to 'approved' or
--     'declined' together with reviewed_by, reviewed_at and review_comment, and never again;
--   * evidence is verified once (verified_by, verified_at set while verified_at is null).
--
-- The one way around it is the history unlock, for the two operations that must rewrite
-- history: erasing a person on request (privacy law: pseudonymise, clear comments and
-- evidence) and wiping the demo organisation (plus 'fixture': tests that fabricate old
-- history, never the application). On PostgreSQL the unlock is the custom setting
-- `proficio.history_unlock`, set with set_config(..., true) so that it lasts only until the
-- end of the transaction that set it (app/src/server/history.rs); session_replication_role
-- is not used, because it would switch off every trigger and foreign key at once and needs
-- superuser rights. SQLite, without session variables, uses a table instead; the table
-- exists here too (unused) so both schemas list the same tables.

create table history_unlock (
    reason text not null check (reason in ('erasure', 'wipe', 'fixture'))
);

create function history_unlocked() returns boolean language sql stable as $$
    select coalesce(current_setting('proficio.history_unlock', true), '') <> ''
$$;

create function rating_guard() returns trigger language plpgsql as $$
begin
    if history_unlocked() then
        if tg_op = 'UPDATE' then
            return new;
        end if;
        return old;
    end if;
    if tg_op <> 'UPDATE' then
        raise exception 'ratings are permanent records and cannot be deleted';
    end if;
    if (new.id, new.subject_id, new.node_id, new.level, new.source, new.given_by, new.comment,
        new.created_at)
       is distinct from
       (old.id, old.subject_id, old.node_id, old.level, old.source, old.given_by, old.comment,
        old.created_at)
       or ((new.review, new.reviewed_by, new.reviewed_at, new.review_comment)
           is distinct from (old.review, old.reviewed_by, old.reviewed_at, old.review_comment)
           and not (old.review is not distinct from 'pending'
                    and coalesce(new.review in ('approved', 'declined'), false))) then
        raise exception 'ratings are permanent records: only a pending review can be decided, once';
    end if;
    return new;
end;
$$;

create trigger rating_guard before update or delete on rating
for each row execute function rating_guard();

create function evidence_guard() returns trigger language plpgsql as $$
begin
    if history_unlocked() then
        if tg_op = 'UPDATE' then
            return new;
        end if;
        return old;
    end if;
    if tg_op <> 'UPDATE' then
        raise exception 'evidence is a permanent record and cannot be deleted';
    end if;
    if (new.id, new.rating_id, new.kind, new.name, new.location, new.content_type, new.size,
        new.added_by, new.created_at)
       is distinct from
       (old.id, old.rating_id, old.kind, old.name, old.location, old.content_type, old.size,
        old.added_by, old.created_at)
       or ((new.verified_by, new.verified_at) is distinct from (old.verified_by, old.verified_at)
           and old.verified_at is not null) then
        raise exception 'evidence is a permanent record: it can only be verified, once';
    end if;
    return new;
end;
$$;

create trigger evidence_guard before update or delete on evidence
for each row execute function evidence_guard();

-- truncate skips row triggers, so it is refused on its own.
create function history_no_truncate() returns trigger language plpgsql as $$
begin
    if history_unlocked() then
        return null;
    end if;
    raise exception '% is a permanent record and cannot be truncated', tg_table_name;
end;
$$;

create trigger rating_no_truncate before truncate on rating
for each statement execute function history_no_truncate();
create trigger evidence_no_truncate before truncate on evidence
for each statement execute function history_no_truncate();
