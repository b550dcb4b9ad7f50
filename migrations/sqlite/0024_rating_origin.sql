-- Which outside system gave a rating brought in through /api/v1 (its own word for itself,
-- such as 'lms' or 'assessment'); '' for every other rating. Such ratings have the source
-- 'import' (another system's record of a level), and the origin is as permanent as the rest
-- of the rating: the history guard of 0015 is recreated with it.

alter table rating add column origin text not null default '';

drop trigger rating_no_rewrite;
create trigger rating_no_rewrite before update on rating
when not exists (select 1 from history_unlock) and (
    new.id is not old.id
    or new.subject_id is not old.subject_id
    or new.node_id is not old.node_id
    or new.level is not old.level
    or new.source is not old.source
    or new.origin is not old.origin
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
