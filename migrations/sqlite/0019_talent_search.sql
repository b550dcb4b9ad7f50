-- Talent search leaves out inactive people by checking its hits against this small set
-- instead of joining every hit with its person row.
create index if not exists person_inactive on person(id) where active <> 1;
