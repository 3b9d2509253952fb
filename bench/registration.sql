-- (a) The transaction one idempotent registration executed on PostgreSQL up to commit 2cea33b
-- (POST /api/competitions/{id}/register with an Idempotency-Key, a seat available), in order.
-- Since then a free seat goes through the one statement of proposal-one-statement.sql; this
-- transaction is still the application's path for waitlist places and refusals, and stays the
-- reference the targets in docs/benchmarks.md are stated against.
--
-- pgbench -n -D n=0 -D base=B -D per_client=T -D first=F -D competitions=K -D tag=G -f bench/registration.sql
--   user        base + client_id * per_client + n   (n counts this client's earlier transactions: each
--               user registers once, clients never collide on the unique keys)
--   competition first + random(0, competitions - 1)   (K = 1: hot; K = 1000: spread)
-- Values the application generates (UUIDs, `now`) are computed in SQL here; bodies are
-- literals of the size the application stores. pgbench would read `:name` inside a literal as a
-- variable, so colons in literals are written \x3a in E'' strings.
\set u :base + :client_id * :per_client + :n
\set n :n + 1
\set c :first + random(0, :competitions - 1)

-- SQLIdempotencyStore.begin: claim the key, in its own autocommitted statement, before the work.
INSERT INTO idempotency_keys (user_id, key, fingerprint, lease_token, locked_until, created_at)
VALUES (('00000000-0000-4000-8000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid, 'pgbench-' || CAST(:tag AS text) || '-' || CAST(:u AS text),
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        ('00000000-0000-4000-9000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid,
        now() + interval '30 seconds', now())
ON CONFLICT (user_id, key) DO NOTHING
RETURNING key;

-- SQLContext.transaction (PostgreSQL flavour: SQLFlavor.begin)
BEGIN;

-- SQLRegistrationStore.claimPlace: the seat claim; the row lock is held from here to COMMIT.
UPDATE competitions SET registered_count = registered_count + 1
WHERE id = ('00000000-0000-4000-a000-' || lpad(to_hex(CAST(:c AS bigint)), 12, '0'))::uuid
  AND registered_count < capacity AND reg_deadline > now()
RETURNING id;

-- SQLRegistrationStore.insertRegistration
INSERT INTO registrations (id, competition_id, user_id, status, created_at, waitlist_seq)
VALUES (gen_random_uuid(), ('00000000-0000-4000-a000-' || lpad(to_hex(CAST(:c AS bigint)), 12, '0'))::uuid,
        ('00000000-0000-4000-8000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid, 'confirmed', now(), NULL)
ON CONFLICT (competition_id, user_id) WHERE status <> 'cancelled' DO NOTHING
RETURNING id;

-- Outbox.enqueue (called by insertRegistration for a confirmed seat)
INSERT INTO outbox (id, topic, payload, created_at)
VALUES (gen_random_uuid(), E'registration\x3aconfirmation',
        E'{"competitionId"\x3a"0b5a4ad4-4d2e-4c1b-9a57-3f0f7e1f2a10","registrationId"\x3a"5c0e8f0e-7d39-4d8f-bb0a-2f7b9c3d1e42","userId"\x3a"9a1f2e3d-4c5b-4a69-8788-99aabbccddee"}',
        now());

-- SQLIdempotencyStore.complete (called by SQLRegistrationStore.register): the stored typed outcome
-- (StoredOutcome: the JSON of RegistrationOutcome.confirmed, as CompeteCore encodes it),
-- conditional on still holding the lease.
UPDATE idempotency_keys
SET outcome = convert_to(E'{"confirmed"\x3a{"_0"\x3a{"competitionId"\x3a"0B5A4AD4-4D2E-4C1B-9A57-3F0F7E1F2A10","registeredAt"\x3a788918400.123456,"registrationId"\x3a"5C0E8F0E-7D39-4D8F-BB0A-2F7B9C3D1E42","status"\x3a"confirmed"}}}', 'UTF8')
WHERE user_id = ('00000000-0000-4000-8000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid
  AND key = 'pgbench-' || CAST(:tag AS text) || '-' || CAST(:u AS text)
  AND lease_token = ('00000000-0000-4000-9000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid
  AND outcome IS NULL
RETURNING key;

-- SQLContext.transaction
COMMIT;
