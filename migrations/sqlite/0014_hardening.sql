-- Hardening after a security review.
-- Sign-in attempts are recorded before the password is checked, per e-mail and per client
-- address, so that parallel guesses are counted too.
alter table sign_in_failure add column client text not null default '';
create index sign_in_failure_client on sign_in_failure(client, at);
create index sign_in_failure_at on sign_in_failure(at);

-- A staged import is claimed by the first confirmation; a second one is refused.
alter table pending_import add column claimed_at bigint;

-- The evidence quota sums a person's files.
create index evidence_added_by on evidence(added_by, kind);

-- Only the trainee's management line (or an admin) makes a mentor's sign-off count: who
-- named or confirmed the mentor. A mentor the trainee named alone waits for the manager.
alter table plan_action add column mentor_confirmed_by bigint;
