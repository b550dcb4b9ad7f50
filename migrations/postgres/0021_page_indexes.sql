-- Every page's header counts the plans and learning waiting for the caller's check. They
-- are found from the few submitted ones, climbing up the reporting lines: these indexes
-- hold only the submitted rows, so the climb starts without reading every plan or action.
create index if not exists dev_plan_submitted on dev_plan(person_id) where state = 'submitted';
create index if not exists plan_action_submitted on plan_action(person_id) where status = 'submitted';

-- The career map shows each position's active holders: counted from this index alone,
-- not by reading every holder's row (about 100 ms per view at 100,000 people).
create index if not exists person_position_active on person(position_id) where active = 1;
