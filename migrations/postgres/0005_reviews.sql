-- The manager's decision on a self-rating. A rating's level, source, subject and time never
-- change (corrections are new ratings); a pending self-rating is decided once, recording
-- who decided, when, and why.

alter table rating add column reviewed_by bigint references person(id) on delete set null;
alter table rating add column reviewed_at bigint;
alter table rating add column review_comment text not null default '';
create index rating_review on rating(review, subject_id);
