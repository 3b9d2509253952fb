-- Data for the pgbench runs, on a database migrated by `mini-compete migrate` (the real tables).
--   psql -v users=N -f bench/seed.sql
-- Ids are derived from integers so the pgbench scripts can name them without a lookup:
--   user u        00000000-0000-4000-8000-<u in hex, 12 digits>
--   competition c 00000000-0000-4000-a000-<c in hex, 12 digits>
-- Competitions 1..99 are single ("hot") competitions, one per pgbench run; 1001..2000,
-- 2001..3000, … are blocks of 1,000 for the spread runs. Every competition has room for all.
-- The seed design (b) is measured "on a table already holding 10,000 registrations": users
-- 0..9999 are registered for hot competition 3 and spread block 2001..3000 (10 each); the
-- benchmark clients use users from 10000 up, so they never collide with those.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO users (id, name, email, password_hash, role, created_at)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, 'pgbench ' || u,
       'pgbench-' || u || '@bench.test', 'x', 'participant', now()
FROM generate_series(0, :users - 1) AS u;
INSERT INTO users (id, name, email, password_hash, role, created_at)
VALUES ('00000000-0000-4000-8fff-000000000000', 'pgbench organizer', 'pgbench-organizer@bench.test', 'x', 'organizer', now());

INSERT INTO competitions (id, title, description, tags, capacity, reg_deadline, start_date, organizer_id,
                          created_at, updated_at)
SELECT ('00000000-0000-4000-a000-' || lpad(to_hex(c), 12, '0'))::uuid, 'pgbench ' || c, 'pgbench', ',bench,',
       1000000, now() + interval '1 day', now() + interval '2 days', '00000000-0000-4000-8fff-000000000000',
       now(), now()
FROM (SELECT generate_series(1, 99) UNION ALL SELECT generate_series(1001, 5000)) AS s(c);

INSERT INTO registrations (id, competition_id, user_id, status, created_at)
SELECT gen_random_uuid(), ('00000000-0000-4000-a000-' || lpad(to_hex(3), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, 'confirmed', now()
FROM generate_series(0, 9999) AS u;
INSERT INTO registrations (id, competition_id, user_id, status, created_at)
SELECT gen_random_uuid(), ('00000000-0000-4000-a000-' || lpad(to_hex(2001 + u % 1000), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, 'confirmed', now()
FROM generate_series(0, 9999) AS u;
-- Keep the counters true to the rows, as the application would have.
UPDATE competitions c SET registered_count = r.n
FROM (SELECT competition_id, count(*) AS n FROM registrations GROUP BY competition_id) r
WHERE r.competition_id = c.id;
COMMIT;
VACUUM ANALYZE;
