-- Which outside system gave a rating brought in through /api/v1 (its own word for itself,
-- such as 'lms' or 'assessment'); '' for every other rating. Such ratings have the source
-- 'import' (another system's record of a level), and the origin is as permanent as the rest
-- of the rating: the history guard of 0015 is replaced with one that covers it (and its
-- trigger made again, as SQLite must).

alter table rating add column origin text not null default '';

create or replace function rating_guard() returns trigger language plpgsql as $$
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
    if (new.id, new.subject_id, new.node_id, new.level, new.source, new.origin, new.given_by,
        new.comment, new.created_at)
       is distinct from
       (old.id, old.subject_id, old.node_id, old.level, old.source, old.origin, old.given_by,
        old.comment, old.created_at)
       or ((new.review, new.reviewed_by, new.reviewed_at, new.review_comment)
           is distinct from (old.review, old.reviewed_by, old.reviewed_at, old.review_comment)
           and not (old.review is not distinct from 'pending'
                    and coalesce(new.review in ('approved', 'declined'), false))) then
        raise exception 'ratings are permanent records: only a pending review can be decided, once';
    end if;
    return new;
end;
$$;

drop trigger rating_guard on rating;
create trigger rating_guard before update or delete on rating
for each row execute function rating_guard();
