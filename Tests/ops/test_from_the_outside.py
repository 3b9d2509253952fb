"""A fresh server seen from the outside: every domain counter is exposed at zero from start-up,
and the registrants list answers JSON to the real default headers of curl and Python requests."""
import re
import subprocess
import tempfile

import requests

from test_graceful_shutdown import API, signup, start


def counters(text, name):
    """{label string: value} for each sample of the counter `name`."""
    samples = {}
    for line in text.splitlines():
        match = re.match(rf"^{name}\{{(.*)\}} (\S+)$", line)
        if match:
            samples[match.group(1)] = float(match.group(2))
    return samples


def test_domain_counters_start_at_zero():
    with tempfile.TemporaryDirectory() as data_dir:
        process = start(data_dir)
        try:
            text = requests.get(f"{API}/metrics", timeout=10).text
        finally:
            process.terminate()
            process.wait(timeout=30)
    registrations = counters(text, "registrations_total")
    for outcome in ["confirmed", "waitlisted", "replayed", "full", "closed", "not_open", "already", "not_found", "in_progress", "rate_limited", "other"]:
        assert registrations.get(f'outcome="{outcome}"') == 0, (outcome, registrations)
    idempotency = counters(text, "idempotency_requests_total")
    for outcome in ["started", "replayed", "reused", "invalid", "in_progress"]:
        assert idempotency.get(f'outcome="{outcome}"') == 0, (outcome, idempotency)
    jobs = counters(text, "jobs_processed_total")
    for job_type in ["registration:confirmation", "registration:cancellation", "registration:promotion", "reminder:notify"]:
        for outcome in ["completed", "retried", "dead"]:
            found = [value for labels, value in jobs.items() if f'type="{job_type}"' in labels and f'outcome="{outcome}"' in labels]
            assert found == [0], (job_type, outcome, jobs)
    assert set(counters(text, "read_cache_requests_total")) == {'outcome="hit"', 'outcome="miss"'}
    assert counters(text, "read_cache_notifications_total") == {'direction="sent"': 0, 'direction="received"': 0}
    for unlabelled in ["read_cache_notify_failures_total", "read_cache_listening"]:
        assert re.search(rf"^{unlabelled} 0(\.0)?$", text, re.M), unlabelled
    webhooks = counters(text, "webhook_deliveries_total")
    assert webhooks == {f'outcome="{outcome}"': 0 for outcome in ["delivered", "retried", "failed", "gone"]}, webhooks


def test_registrants_answer_json_to_default_client_headers():
    with tempfile.TemporaryDirectory() as data_dir:
        process = start(data_dir)
        try:
            token = signup("organizer")
            created = requests.post(f"{API}/api/competitions", headers={"Authorization": f"Bearer {token}"},
                                    json={"title": "Outside Cup", "capacity": 5, "regDeadline": "2099-01-01T00:00:00Z"}, timeout=10)
            assert created.status_code == 201
            url = f"{API}/api/competitions/{created.json()['id']}/registrations"
            auth = {"Authorization": f"Bearer {token}"}

            default = requests.get(url, headers=auth, timeout=10)  # requests sends Accept: */*
            assert default.request.headers["Accept"] == "*/*"
            assert default.headers["Content-Type"].startswith("application/json"), default.headers
            assert default.json() == {"items": [], "page": 1, "limit": 100, "total": 0}

            curl = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{content_type}", "-H", f"Authorization: Bearer {token}", url],
                                  capture_output=True, text=True, check=True, timeout=30)
            assert curl.stdout.startswith("application/json"), curl.stdout

            csv = requests.get(url, headers={**auth, "Accept": "text/csv"}, timeout=10)
            assert csv.headers["Content-Type"].startswith("text/csv")
        finally:
            process.terminate()
            process.wait(timeout=30)
