-- The inbox (and the unread count in every page's header) lists the decisions on a
-- person's self-ratings made since a date: one range seek here instead of reading every
-- self-rating the person ever made.
create index if not exists rating_decided on rating(subject_id, source, reviewed_at);
