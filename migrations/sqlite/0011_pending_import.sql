-- An uploaded import file waiting for the admin to confirm its preview. Nothing of it is in
-- the frameworks until then; rows older than a day are removed when the next file comes.
create table pending_import (
    id integer primary key,
    person_id integer not null references person(id),
    format text not null,
    file_name text not null,
    content text not null,
    created_at bigint not null
);
