-- Every page's header counts the self-ratings waiting for the caller's review by climbing
-- from the pending ones up the reporting lines. This index holds only those: the climb
-- starts from them whatever the planner knows about how rare they are (without it SQLite
-- read all 29 million ratings of the 100,000-person benchmark to find 150).
create index if not exists rating_pending_self on rating(subject_id) where review = 'pending' and source = 'self';
