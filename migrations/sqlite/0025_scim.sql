-- SCIM provisioning (/scim/v2): how an identity provider knows the people and org units it
-- keeps in sync.
--   external_id      the provider's own id for the person or unit (`externalId`)
--   scim_user_name   the `userName` it sent, when that is not the e-mail (an Entra UPN)
--   scim_extra       what it sent that Proficio has no column for, returned as sent (JSON:
--                    name parts, department)
--   scim_synced_at   when the provider last wrote the person (the person page says so)
--   scim_removed_at  when the provider deleted the person: they stay, deactivated, with
--                    their history, but SCIM no longer sees them (RFC 7644 3.6)
-- A unit's updated_at versions it for ETags (0 until it first changes).

alter table person add column external_id text;
alter table person add column scim_user_name text;
alter table person add column scim_extra text;
alter table person add column scim_synced_at bigint;
alter table person add column scim_removed_at bigint;
create unique index person_external_id on person(external_id);
create unique index person_scim_user_name on person(lower(scim_user_name));

alter table org_unit add column external_id text;
alter table org_unit add column updated_at bigint not null default 0;
create unique index org_unit_external_id on org_unit(external_id);
