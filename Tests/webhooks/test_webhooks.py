"""Webhooks against real receivers on loopback, on every backend (SQLite, PostgreSQL, PostgreSQL
with the Redis job queue). Each received delivery is verified with the `standardwebhooks`
library."""
import collections
import time

import pytest

from receivers import Receiver, Server, backends

FAST_RETRIES = {"WEBHOOK_BACKOFF_BASE_MS": 100, "WEBHOOK_BACKOFF_MAX_SECONDS": 1, "WEBHOOK_BACKOFF_JITTER": 0}


@pytest.fixture(params=backends())
def backend(request):
    return request.param


@pytest.fixture
def receivers():
    made = []

    def make(script=()):
        receiver = Receiver(script)
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def server_factory():
    started = []

    def make(backend, **extra):
        server = Server(backend, **extra)
        started.append(server)
        return server

    yield make
    for server in started:
        server.close()


def test_every_event_type_arrives_once_signed(backend, receivers, server_factory):
    server = server_factory(backend)
    receiver = receivers()
    organizer = server.signup("organizer")
    competition = server.competition(organizer, capacity=1, waitlist=1)
    hook = server.subscribe(organizer, receiver.url)
    first, second = server.signup(), server.signup()
    assert server.call("POST", f"/api/competitions/{competition}/register", first).status_code == 201
    assert server.call("POST", f"/api/competitions/{competition}/register", second).status_code == 202
    # A refused registration changes nothing and emits nothing.
    assert server.call("POST", f"/api/competitions/{competition}/register", server.signup()).status_code == 409
    assert server.call("DELETE", f"/api/competitions/{competition}/register", first).status_code == 200

    receiver.wait_for(5)
    time.sleep(1.5)  # anything extra would have arrived by now
    deliveries = receiver.verified(hook["secret"])
    types = collections.Counter(payload["type"] for _, payload in deliveries)
    assert types == {"registration.confirmed": 1, "competition.full": 1, "registration.waitlisted": 1,
                     "registration.cancelled": 1, "registration.promoted": 1}, types
    ids = [headers["webhook-id"] for headers, _ in deliveries]
    assert len(set(ids)) == 5
    by_type = {payload["type"]: payload for _, payload in deliveries}
    assert by_type["registration.waitlisted"]["data"]["position"] == 1
    assert by_type["registration.promoted"]["data"]["status"] == "confirmed"
    assert by_type["competition.full"]["data"] == {"competitionId": competition, "status": "full"}
    # In event order for one competition and URL.
    order = [payload["type"] for _, payload in deliveries]
    assert order.index("registration.confirmed") < order.index("registration.waitlisted") < order.index("registration.cancelled")
    log = server.deliveries(organizer, hook["id"])
    assert {item["status"] for item in log} == {"delivered"} and all(item["lastStatusCode"] == 200 for item in log)


def test_retries_with_the_same_id_until_delivered(backend, receivers, server_factory):
    server = server_factory(backend, **FAST_RETRIES)
    receiver = receivers([500, 500, 500, 200])
    organizer = server.signup("organizer")
    competition = server.competition(organizer)
    hook = server.subscribe(organizer, receiver.url, events=["registration.confirmed"])
    assert server.call("POST", f"/api/competitions/{competition}/register", server.signup()).status_code == 201
    receiver.wait_for(4)
    time.sleep(1)
    deliveries = receiver.verified(hook["secret"])
    assert len(deliveries) == 4
    assert len({headers["webhook-id"] for headers, _ in deliveries}) == 1
    assert len({headers["webhook-signature"] for headers, _ in deliveries}) >= 1
    [item] = server.deliveries(organizer, hook["id"])
    assert item["status"] == "delivered" and item["attempts"] == 4 and item["lastStatusCode"] == 200
    assert item["eventId"] == deliveries[0][0]["webhook-id"]


def test_gives_up_after_the_last_attempt_and_redelivers_by_hand(backend, receivers, server_factory):
    server = server_factory(backend, WEBHOOK_MAX_ATTEMPTS=3, **FAST_RETRIES)
    receiver = receivers([503, 503, 503])
    organizer = server.signup("organizer")
    competition = server.competition(organizer)
    hook = server.subscribe(organizer, receiver.url)
    assert server.call("POST", f"/api/competitions/{competition}/register", server.signup()).status_code == 201
    receiver.wait_for(3)
    deadline = time.time() + 10
    while (item := server.deliveries(organizer, hook["id"])[0])["status"] != "failed" and time.time() < deadline:
        time.sleep(0.1)
    assert item["status"] == "failed" and item["attempts"] == 3 and item["lastStatusCode"] == 503
    assert server.call("POST", f"/api/webhooks/{hook['id']}/deliveries/{item['id']}/redeliver", organizer).status_code == 202
    receiver.wait_for(4)
    deliveries = receiver.verified(hook["secret"])
    assert len({headers["webhook-id"] for headers, _ in deliveries}) == 1
    deadline = time.time() + 10
    while server.deliveries(organizer, hook["id"])[0]["status"] != "delivered" and time.time() < deadline:
        time.sleep(0.1)
    assert server.deliveries(organizer, hook["id"])[0]["status"] == "delivered"


def test_410_disables_the_subscription(backend, receivers, server_factory):
    server = server_factory(backend, **FAST_RETRIES)
    receiver = receivers([410])
    organizer = server.signup("organizer")
    competition = server.competition(organizer)
    hook = server.subscribe(organizer, receiver.url)
    assert server.call("POST", f"/api/competitions/{competition}/register", server.signup()).status_code == 201
    receiver.wait_for(1)
    deadline = time.time() + 10
    while server.call("GET", f"/api/webhooks/{hook['id']}", organizer).json()["enabled"] and time.time() < deadline:
        time.sleep(0.1)
    assert server.call("GET", f"/api/webhooks/{hook['id']}", organizer).json()["enabled"] is False
    assert server.call("POST", f"/api/competitions/{competition}/register", server.signup()).status_code == 201
    time.sleep(1.5)
    assert len(receiver.verified(hook["secret"])) == 1, "nothing more is sent to a disabled subscription"
    statuses = sorted(item["status"] for item in server.deliveries(organizer, hook["id"]))
    assert statuses == ["failed"], statuses  # the later event was never queued for it


def test_a_hanging_receiver_is_timed_out_and_delays_nobody_else(backend, receivers, server_factory):
    server = server_factory(backend, WEBHOOK_TIMEOUT_MS=2000, **FAST_RETRIES)
    hanging, healthy = receivers(["hang", "hang", "hang"]), receivers()
    slow_organizer, other_organizer = server.signup("organizer"), server.signup("organizer")
    slow_competition, other_competition = server.competition(slow_organizer), server.competition(other_organizer)
    slow_hook = server.subscribe(slow_organizer, hanging.url)
    fast_hook = server.subscribe(other_organizer, healthy.url)
    assert server.call("POST", f"/api/competitions/{slow_competition}/register", server.signup()).status_code == 201
    hanging.wait_for(1)
    started = time.monotonic()
    participant = server.signup()
    assert server.call("POST", f"/api/competitions/{other_competition}/register", participant).status_code == 201
    healthy.wait_for(1, timeout=5)
    assert healthy.received[0][0] - started < 1.5, "the other organizer's delivery did not wait for the hanging one"
    # The participant's confirmation email is not held up either.
    deadline = time.time() + 5
    while not server.call("GET", "/api/users/me/mailbox", participant).json()["items"] and time.time() < deadline:
        time.sleep(0.05)
    assert server.call("GET", "/api/users/me/mailbox", participant).json()["items"]
    healthy.verified(fast_hook["secret"])
    # The hanging attempt ends at the timeout and is retried.
    hanging.wait_for(2, timeout=10)
    item = server.deliveries(slow_organizer, slow_hook["id"])[0]
    assert item["attempts"] >= 1 and "timed out" in (item["lastError"] or ""), item
    gap = hanging.received[1][0] - hanging.received[0][0]
    assert 1.8 < gap < 6, gap


def test_another_organizer_gets_404(backend, receivers, server_factory):
    server = server_factory(backend)
    receiver = receivers()
    owner, rival, participant = server.signup("organizer"), server.signup("organizer"), server.signup()
    competition = server.competition(owner)
    hook = server.subscribe(owner, receiver.url)
    assert server.call("POST", f"/api/competitions/{competition}/register", participant).status_code == 201
    receiver.wait_for(1)
    delivery = server.deliveries(owner, hook["id"])[0]["id"]
    assert server.call("GET", "/api/webhooks", rival).json() == {"items": []}
    for token in (rival, participant):
        for method, path in [("GET", f"/api/webhooks/{hook['id']}"), ("GET", f"/api/webhooks/{hook['id']}/deliveries"),
                             ("POST", f"/api/webhooks/{hook['id']}/deliveries/{delivery}/redeliver"),
                             ("DELETE", f"/api/webhooks/{hook['id']}")]:
            response = server.call(method, path, token)
            assert response.status_code == 404, (method, path, response.text)
    assert server.call("GET", f"/api/webhooks/{hook['id']}", owner).status_code == 200


def test_redirects_are_not_followed(receivers, server_factory):
    server = server_factory("sqlite", **FAST_RETRIES)
    elsewhere = receivers()
    receiver = receivers([(307, elsewhere.url), (302, elsewhere.url)])
    organizer = server.signup("organizer")
    competition = server.competition(organizer)
    hook = server.subscribe(organizer, receiver.url, events=["registration.confirmed"])
    assert server.call("POST", f"/api/competitions/{competition}/register", server.signup()).status_code == 201
    receiver.wait_for(3)
    time.sleep(0.5)
    assert elsewhere.received == [], "the redirect target got nothing"
    assert len({headers["webhook-id"] for headers, _ in receiver.verified(hook["secret"])}) == 1
    [item] = server.deliveries(organizer, hook["id"])
    assert item["attempts"] == 3 and item["status"] == "delivered"
