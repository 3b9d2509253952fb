"""Runs the built `mini-compete` binary (the one `swift build` produced; MC_BINARY overrides) with
SMTP delivery on, and talks to it over HTTP."""
import os
import pathlib
import shutil
import subprocess
import time
import uuid

import requests

from smtp_server import free_port

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("MC_BINARY", str(ROOT / ".build/debug/mini-compete"))
MAIL_DOMAIN = "mail.mc.test"


def backends():
    """SQLite with the SQL queue always; PostgreSQL with the Redis queue when scripts/test started
    them (TEST_POSTGRES_URL, TEST_REDIS_URL) and psql can make a fresh database."""
    available = ["sqlite"]
    if os.environ.get("TEST_POSTGRES_URL") and os.environ.get("TEST_REDIS_URL") and shutil.which("psql"):
        available.append("postgres+redis")
    elif os.environ.get("MC_REQUIRE_POSTGRES") == "1" or os.environ.get("MC_REQUIRE_REDIS") == "1":
        raise AssertionError("mail tests on PostgreSQL + Redis required but TEST_POSTGRES_URL, TEST_REDIS_URL or psql is missing")
    return available


def backend_env(backend):
    """Settings for a fresh database (and Redis namespace) of `backend`."""
    if backend == "sqlite":
        return {}
    name = f"mc_mail_{uuid.uuid4().hex[:12]}"
    server = os.environ["TEST_POSTGRES_URL"]
    subprocess.run(["psql", server, "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    base, _, query = server.partition("?")
    return {"DATABASE_URL": base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else ""),
            "REDIS_URL": os.environ["TEST_REDIS_URL"], "REDIS_NAMESPACE": f"{name}:"}


class App:
    def __init__(self, data_dir, smtp_url, **extra):
        self.api_port, self.web_port = free_port(), free_port()
        self.api = f"http://127.0.0.1:{self.api_port}"
        self.env = dict(
            os.environ, DATA_DIR=str(data_dir), API_PORT=str(self.api_port), WEB_PORT=str(self.web_port),
            BCRYPT_COST="4", SIGNUP_ADDRESS_MAX="100000", SEED_DEMO_DATA="false", LOG_LEVEL="info",
            WORKER_POLL_MS="50", REMINDER_INTERVAL_SECONDS="1", JOB_BACKOFF_BASE_MS="200", JOB_BACKOFF_JITTER="0",
            JWT_SECRET="mail-tests-secret-that-is-long-enough-0123456789",
            MAIL_TRANSPORT="smtp", SMTP_URL=smtp_url, MAIL_FROM="Mini Compète <no-reply@mc.test>", MAIL_DOMAIN=MAIL_DOMAIN,
            SMTP_TIMEOUT_SECONDS="5", PUBLIC_API_URL=f"http://127.0.0.1:{self.api_port}", PUBLIC_WEB_URL=f"http://127.0.0.1:{self.web_port}", **extra)
        self.web = f"http://127.0.0.1:{self.web_port}"
        if "DATABASE_URL" not in extra:
            self.env.pop("DATABASE_URL", None)
        self.log_path = pathlib.Path(data_dir) / "server.log"
        self.process = None

    def __enter__(self):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([BINARY, "serve"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("server exited: " + self.log_path.read_text(errors="replace")[-3000:])
            try:
                if requests.get(f"{self.api}/api/health", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.process.kill()
        raise AssertionError("server did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def cli(self, *args):
        result = subprocess.run([BINARY, *args], env=self.env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def signup(self, name, email=None, role="participant"):
        email = email or f"p{uuid.uuid4().hex[:10]}@example.com"
        response = requests.post(f"{self.api}/api/auth/signup", json={
            "name": name, "email": email, "password": "password123", "role": role}, timeout=10)
        assert response.status_code == 201, response.text
        return {"token": response.json()["token"], "email": email, "name": name}

    def auth(self, user):
        return {"Authorization": f"Bearer {user['token']}"}

    def competition(self, organizer, title, starts_in, deadline_in=None, description="Bring a pencil."):
        iso = lambda seconds: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))
        response = requests.post(f"{self.api}/api/competitions", headers=self.auth(organizer), json={
            "title": title, "description": description, "capacity": 50,
            "regDeadline": iso(deadline_in or starts_in / 2), "startDate": iso(starts_in)}, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()

    def register(self, user, competition_id):
        response = requests.post(f"{self.api}/api/competitions/{competition_id}/register", headers=self.auth(user), timeout=10)
        assert response.status_code == 201, response.text
        return response.json()

    def mailbox(self, user):
        return requests.get(f"{self.api}/api/users/me/mailbox", headers=self.auth(user), timeout=10).json()["items"]

    def wait_for(self, condition, what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}\n" + self.log()[-4000:])
