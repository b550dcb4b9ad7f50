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
-- history, never the application). SQLite has no session variables, so the
-- unlock is a row in `history_unlock` that the erasing transaction inserts first and deletes
-- before it commits (app/src/server/history.rs). SQLite runs one writer at a time, so no
-- other transaction ever sees the row. PostgreSQL uses a transaction-local setting instead.

create table history_unlock (
    reason text not null check (reason in ('erasure', 'wipe', 'fixture'))
);

create trigger rating_no_delete before delete on rating
when not exists (select 1 from history_unlock)
begin
    select raise(abort, 'ratings are permanent records and cannot be deleted');
end;

create trigger rating_no_rewrite before update on rating
when not exists (select 1 from history_unlock) and (
    new.id is not old.id
    or new.subject_id is not old.subject_id
    or new.node_id is not old.node_id
    or new.level is not old.level
    or new.source is not old.source
    or new.given_by is not old.given_by
    or new.comment is not old.comment
    or new.created_at is not old.created_at
    or ((new.review is not old.review
         or new.reviewed_by is not old.reviewed_by
         or new.reviewed_at is not old.reviewed_at
         or new.review_comment is not old.review_comment)
        and not (old.review is 'pending' and new.review is not null
                 and new.review in ('approved', 'declined')))
)
begin
    select raise(abort, 'ratings are permanent records: only a pending review can be decided, once');
end;

create trigger evidence_no_delete before delete on evidence
when not exists (select 1 from history_unlock)
begin
    select raise(abort, 'evidence is a permanent record and cannot be deleted');
end;

create trigger evidence_no_rewrite before update on evidence
when not exists (select 1 from history_unlock) and (
    new.id is not old.id
    or new.rating_id is not old.rating_id
    or new.kind is not old.kind
    or new.name is not old.name
    or new.location is not old.location
    or new.content_type is not old.content_type
    or new.size is not old.size
    or new.added_by is not old.added_by
    or new.created_at is not old.created_at
    or ((new.verified_by is not old.verified_by or new.verified_at is not old.verified_at)
        and old.verified_at is not null)
)
begin
    select raise(abort, 'evidence is a permanent record: it can only be verified, once');
end;
