-- (b) The seed's design, the peer we must beat: lock the competition row, check for an existing
-- registration, count the registrations, insert. No idempotency record, no outbox row, and the
-- COUNT(*) grows with every registration (the table already holds 10,000, see seed.sql).
--
-- pgbench -n -D n=0 -D base=B -D per_client=T -D first=F -D competitions=K -f bench/seed-design.sql
\set u :base + :client_id * :per_client + :n
\set n :n + 1
\set c :first + random(0, :competitions - 1)

BEGIN;
SELECT capacity, reg_deadline FROM competitions
WHERE id = ('00000000-0000-4000-a000-' || lpad(to_hex(CAST(:c AS bigint)), 12, '0'))::uuid
FOR UPDATE;
SELECT id FROM registrations
WHERE competition_id = ('00000000-0000-4000-a000-' || lpad(to_hex(CAST(:c AS bigint)), 12, '0'))::uuid
  AND user_id = ('00000000-0000-4000-8000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid AND status <> 'cancelled';
SELECT count(*) FROM registrations
WHERE competition_id = ('00000000-0000-4000-a000-' || lpad(to_hex(CAST(:c AS bigint)), 12, '0'))::uuid AND status <> 'cancelled';
INSERT INTO registrations (id, competition_id, user_id, status, created_at)
VALUES (gen_random_uuid(), ('00000000-0000-4000-a000-' || lpad(to_hex(CAST(:c AS bigint)), 12, '0'))::uuid,
        ('00000000-0000-4000-8000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid, 'confirmed', now());
COMMIT;
