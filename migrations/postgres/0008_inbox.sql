-- When each person last opened their inbox: decisions after it count as unread.
alter table person add column inbox_seen_at bigint not null default 0;
