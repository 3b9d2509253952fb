-- (p) What the application did for a free seat from commit 1102730 until issue 18, kept as
-- the reference the issue's targets are stated against ("≥ 2 × p-hot", "spread ≥ 0.6 ×
-- p-spread"). Since issue 18 a lone registration only looks its key up (a SELECT) and the
-- statement inserts the key with the outcome (SQLRegistrationStore+OneStatement.swift), and
-- concurrent registrations of one competition are written together (group commit,
-- docs/architecture.md); both do less than this script. It is the same registration as
-- registration.sql with the seat claim, registration, outbox row and stored answer in ONE
-- autocommitted statement, so the competition's row lock is held for one statement and the
-- commit instead of four round trips, and the server makes 2 round trips per registration
-- instead of 7. The application binds the ids, `now` and the rendered bodies as parameters.
--   * lease:  our idempotency lease, locked first; lost lease → no seat is claimed at all.
--   * reg:    no ON CONFLICT: a second active registration raises a unique violation, which
--             aborts the whole statement (seat included); the application then diagnoses.
--   * a refused registration (no seat) changes nothing; the application diagnoses and stores the
--     refusal as today, in a second transaction on that rare path.
-- Same variables as registration.sql.
\set u :base + :client_id * :per_client + :n
\set n :n + 1
\set c :first + random(0, :competitions - 1)

-- SQLIdempotencyStore.begin, unchanged.
INSERT INTO idempotency_keys (user_id, key, fingerprint, lease_token, locked_until, created_at)
VALUES (('00000000-0000-4000-8000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid, 'pgbench-' || CAST(:tag AS text) || '-' || CAST(:u AS text),
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        ('00000000-0000-4000-9000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid,
        now() + interval '30 seconds', now())
ON CONFLICT (user_id, key) DO NOTHING
RETURNING key;

WITH lease AS (
  SELECT 1 FROM idempotency_keys
  WHERE user_id = ('00000000-0000-4000-8000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid
    AND key = 'pgbench-' || CAST(:tag AS text) || '-' || CAST(:u AS text)
    AND lease_token = ('00000000-0000-4000-9000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid
    AND outcome IS NULL
  FOR UPDATE
), seat AS (
  UPDATE competitions SET registered_count = registered_count + 1
  WHERE id = ('00000000-0000-4000-a000-' || lpad(to_hex(CAST(:c AS bigint)), 12, '0'))::uuid
    AND registered_count < capacity AND reg_deadline > now() AND EXISTS (SELECT 1 FROM lease)
  RETURNING id
), reg AS (
  INSERT INTO registrations (id, competition_id, user_id, status, created_at, waitlist_seq)
  SELECT gen_random_uuid(), seat.id, ('00000000-0000-4000-8000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid,
         'confirmed', now(), NULL
  FROM seat
  RETURNING id
), box AS (
  INSERT INTO outbox (id, topic, payload, created_at)
  SELECT gen_random_uuid(), E'registration\x3aconfirmation',
         E'{"competitionId"\x3a"0b5a4ad4-4d2e-4c1b-9a57-3f0f7e1f2a10","registrationId"\x3a"5c0e8f0e-7d39-4d8f-bb0a-2f7b9c3d1e42","userId"\x3a"9a1f2e3d-4c5b-4a69-8788-99aabbccddee"}',
         now()
  FROM reg
  RETURNING id
)
UPDATE idempotency_keys
SET outcome = convert_to(E'{"confirmed"\x3a{"_0"\x3a{"competitionId"\x3a"0B5A4AD4-4D2E-4C1B-9A57-3F0F7E1F2A10","registeredAt"\x3a788918400.123456,"registrationId"\x3a"5C0E8F0E-7D39-4D8F-BB0A-2F7B9C3D1E42","status"\x3a"confirmed"}}}', 'UTF8')
WHERE user_id = ('00000000-0000-4000-8000-' || lpad(to_hex(CAST(:u AS bigint)), 12, '0'))::uuid
  AND key = 'pgbench-' || CAST(:tag AS text) || '-' || CAST(:u AS text)
  AND EXISTS (SELECT 1 FROM box)
RETURNING key;
