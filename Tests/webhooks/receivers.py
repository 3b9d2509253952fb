"""Real HTTP receivers on loopback for webhook tests, and a Mini Compete binary to send to them.

Every delivery a receiver gets is verified with the `standardwebhooks` library (the Standard
Webhooks reference implementation), never with our own code."""
import http.server
import os
import pathlib
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid

import requests
import standardwebhooks

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("MC_BINARY", str(ROOT / ".build/debug/mini-compete"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver:
    """A webhook endpoint. `script` gives the answers in turn (an int status, "hang", or
    (status, location) for a redirect); once used up it answers 200. Records every request:
    (time, headers, body)."""

    def __init__(self, script=()):
        self.script = list(script)
        self.received = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.received.append((time.monotonic(), dict(self.headers.items()), body))
                    answer = receiver.script.pop(0) if receiver.script else 200
                if answer == "hang":
                    receiver.release.wait(60)
                    return
                location = None
                if isinstance(answer, tuple):
                    answer, location = answer
                self.send_response(answer)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def verified(self, secret):
        """Every request so far, each verified by the library: [(headers, payload dict)]."""
        verifier = standardwebhooks.Webhook(secret)
        with self.lock:
            received = list(self.received)
        return [(headers, verifier.verify(body, {k.lower(): v for k, v in headers.items()})) for _, headers, body in received]

    def wait_for(self, count, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return
            time.sleep(0.05)
        raise AssertionError(f"expected {count} deliveries, got {len(self.received)}")


def backends():
    """sqlite always; PostgreSQL (and with Redis) when scripts/test provides them."""
    found = ["sqlite"]
    if os.environ.get("TEST_POSTGRES_URL"):
        found.append("postgres")
        if os.environ.get("TEST_REDIS_URL"):
            found.append("postgres+redis")
    return found


class Server:
    """`mini-compete serve` on fresh storage of the chosen backend."""

    def __init__(self, backend, **extra):
        self.dir = tempfile.TemporaryDirectory()
        self.api_port, self.web_port = free_port(), free_port()
        self.api = f"http://127.0.0.1:{self.api_port}"
        env = dict(os.environ, DATA_DIR=self.dir.name, API_PORT=str(self.api_port), WEB_PORT=str(self.web_port),
                   BCRYPT_COST="4", SIGNUP_ADDRESS_MAX="100000", REGISTRATION_MAX_PER_MINUTE="100000", SEED_DEMO_DATA="false",
                   LOG_LEVEL="warning", WORKER_POLL_MS="50", JWT_SECRET="webhook-tests-secret-that-is-long-enough!!")
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        self.drop = None
        if backend != "sqlite":
            admin = os.environ["TEST_POSTGRES_URL"]
            name = "mc_wh_" + uuid.uuid4().hex
            subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
            parts = urllib.parse.urlsplit(admin)
            env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path="/" + name))
            self.drop = lambda: subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                                               capture_output=True)
        if backend == "postgres+redis":
            env["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
            env["REDIS_NAMESPACE"] = f"mc-wh-{uuid.uuid4().hex[:8]}:"
        env.update({key: str(value) for key, value in extra.items()})
        self.log = open(pathlib.Path(self.dir.name) / "server.log", "ab")
        self.process = subprocess.Popen([BINARY, "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(f"{self.api}/api/health", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.close()
        raise AssertionError("server did not start")

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        if self.drop:
            self.drop()
        self.dir.cleanup()

    def call(self, method, path, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.api + path, headers=headers, timeout=30, **kwargs)

    def signup(self, role="participant"):
        response = self.call("POST", "/api/auth/signup", json={
            "name": "Hook Test", "email": f"h{uuid.uuid4().hex[:12]}@example.com", "password": "password123", "role": role})
        assert response.status_code == 201, response.text
        return response.json()["token"]

    def competition(self, token, capacity=10, waitlist=0):
        response = self.call("POST", "/api/competitions", token, json={
            "title": "Hook Cup", "capacity": capacity, "regDeadline": "2099-01-01T00:00:00Z", "waitlistCapacity": waitlist})
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def subscribe(self, token, url, events=("*",), competition=None):
        body = {"url": url, "events": list(events)}
        if competition:
            body["competitionId"] = competition
        response = self.call("POST", "/api/webhooks", token, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def deliveries(self, token, webhook):
        response = self.call("GET", f"/api/webhooks/{webhook}/deliveries", token)
        assert response.status_code == 200, response.text
        return response.json()["items"]
