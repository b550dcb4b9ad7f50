-- A request for a peer's view of someone's level on a node. Answering it adds a peer rating
-- (shown, never counted); the peer may also decline.

create table peer_request (
    id integer primary key,
    subject_id integer not null references person(id),
    node_id integer not null references framework_node(id),
    peer_id integer not null references person(id),
    requested_by integer references person(id) on delete set null,
    created_at bigint not null,
    -- the peer rating given in answer, once answered
    rating_id integer references rating(id),
    declined integer not null default 0 check (declined in (0, 1)),
    check (peer_id <> subject_id)
);
create index peer_request_peer on peer_request(peer_id, rating_id);
create index peer_request_subject on peer_request(subject_id);
