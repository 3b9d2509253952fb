"""TLS and AUTH against a real server: aiosmtpd with a self-signed certificate made by openssl, once
with STARTTLS required before AUTH, once with TLS from the first byte. The client trusts the
certificate through SMTP_TLS_CA_FILE and checks the host name against it; a server whose
certificate it does not trust gets nothing."""
import ssl
import subprocess
import uuid
import warnings

import pytest
import requests

import smtp_server
from app import App

USERS = {"mailer": "s3cret pass"}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def server_context(certificate):
    cert, key = certificate
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        # Generic (not server-only): aiosmtpd's start-up probe wraps a client socket with it.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS)
    context.load_cert_chain(cert, key)
    return context


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_tls_and_auth(mode, certificate, tmp_path):
    handler = smtp_server.CapturingHandler()
    auth = dict(auth_required=True, auth_require_tls=True, authenticator=smtp_server.authenticator(USERS))
    if mode == "starttls":
        controller = smtp_server.start(handler, tls_context=server_context(certificate), require_starttls=True, **auth)
        url = f"smtp://mailer:s3cret%20pass@localhost:{controller.port}?tls=required"
    else:
        # aiosmtpd counts only STARTTLS as TLS for auth_require_tls; this connection is TLS from
        # its first byte, so AUTH may be offered on it.
        auth["auth_require_tls"] = False
        controller = smtp_server.start(handler, ssl_context=server_context(certificate), **auth)
        url = f"smtps://mailer:s3cret%20pass@localhost:{controller.port}"
    try:
        with App(tmp_path, url, SMTP_TLS_CA_FILE=str(certificate[0])) as app:
            organizer = app.signup("Olga Organizer", role="organizer")
            competition = app.competition(organizer, f"TLS Cup {mode}", starts_in=3 * 86400)
            user = app.signup("Tina TLS")
            app.register(user, competition["id"])
            [message] = app.wait_for(lambda: handler.messages_to(user["email"]), "the confirmation over TLS")
            assert str(message["Subject"]) == f"You're registered: TLS Cup {mode}"
            app.wait_for(lambda: app.mailbox(user)[0]["delivery"] == "sent", "delivery: sent")
    finally:
        controller.stop()


def test_an_untrusted_certificate_sends_nothing_retries_then_fails(certificate, tmp_path):
    handler = smtp_server.CapturingHandler()
    controller = smtp_server.start(handler, tls_context=server_context(certificate), require_starttls=True)
    try:
        # No SMTP_TLS_CA_FILE: the self-signed certificate is not trusted.
        with App(tmp_path, f"smtp://localhost:{controller.port}?tls=required", JOB_MAX_ATTEMPTS="3") as app:
            organizer = app.signup("Olga Organizer", role="organizer")
            competition = app.competition(organizer, "Untrusted Cup", starts_in=3 * 86400)
            user = app.signup("Uma Untrusted", email=f"u-{uuid.uuid4().hex[:8]}@example.com")
            app.register(user, competition["id"])
            app.wait_for(lambda: app.mailbox(user) and app.mailbox(user)[0]["delivery"] == "retrying", "a retrying delivery")
            # Out of attempts: dead-lettered with the TLS error, the delivery failed, the
            # organizer told.
            app.wait_for(lambda: app.mailbox(user)[0]["delivery"] == "failed", "a failed delivery")
            assert handler.accepted == []
            failed = app.cli("jobs", "failed")
            assert "attempts=3" in failed and "SMTP TLS failed" in failed, failed
            registrants = requests.get(f"{app.api}/api/competitions/{competition['id']}/registrations",
                                       headers=app.auth(organizer), timeout=10).json()["items"]
            assert [item["deliveryFailed"] for item in registrants] == [True]
    finally:
        controller.stop()
