-- Pages read a person's latest rating per node and source (what the rating rules need to
-- show a level, a pending self-rating and each source's view), one index seek each, so a
-- page costs the same however long the person's history grows.
create index rating_latest on rating(subject_id, node_id, source, created_at, id);
