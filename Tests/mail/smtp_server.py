"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepted, and can be told
to answer some recipients with temporary or permanent failures, or to drop the connection after
taking a message (the sender then cannot know whether it arrived)."""
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CapturingHandler:
    """Recipients whose local part starts with `reject-` get 550 at RCPT; `flaky-` get 451 at
    the end of DATA for their first two messages; `drop-` have their first message taken and the
    connection dropped instead of the final reply."""

    def __init__(self):
        self.lock = threading.Lock()
        self.accepted = []      # (envelope recipients, raw bytes, parsed message)
        self.rcpt_attempts = {}  # address -> RCPT count
        self.data_attempts = {}  # address -> DATA count
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_attempts[address] = self.rcpt_attempts.get(address, 0) + 1
        if address.startswith("reject-"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        address = envelope.rcpt_tos[0]
        with self.lock:
            count = self.data_attempts[address] = self.data_attempts.get(address, 0) + 1
        if address.startswith("flaky-") and count <= 2:
            return "451 4.3.0 temporary local problem, try again"
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.accepted.append((list(envelope.rcpt_tos), raw, message))
        if address.startswith("drop-") and count == 1:
            server.transport.close()
            return "250 OK (never seen by the client)"
        return "250 2.0.0 OK queued"

    def messages_to(self, address):
        with self.lock:
            return [message for recipients, _, message in self.accepted if address in recipients]


def authenticator(users):
    def check(server, session, envelope, mechanism, auth_data):
        ok = mechanism in ("PLAIN", "LOGIN") and users.get(auth_data.login.decode()) == auth_data.password.decode()
        return AuthResult(success=ok)
    return check


def start(handler, **options):
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), decode_data=False, **options)
    controller.start()
    return controller
