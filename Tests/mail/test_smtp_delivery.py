"""Email through a real SMTP server (aiosmtpd on loopback): what arrives is checked with Python's own
MIME parser and the `icalendar` package, and the queue's handling of 451, 550 and a connection
dropped after DATA is checked from the server's side (what it received) and the app's (mailbox
delivery, registrants list, `jobs failed`)."""
import re
import sqlite3
import time
import uuid
from email.utils import parseaddr, parsedate_to_datetime

import icalendar
import pytest
import requests

import smtp_server
from app import MAIL_DOMAIN, App, backend_env, backends

TITLE = "Café Cup ✓ — Zürich"
NAME = "Zoë Ångström-Müller"
MESSAGE_ID = re.compile(r"^<[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@" + re.escape(MAIL_DOMAIN) + ">$")


@pytest.fixture
def smtp():
    handler = smtp_server.CapturingHandler()
    controller = smtp_server.start(handler)
    yield handler, controller
    controller.stop()


def parts(message):
    """(text, html, [attachments]) of a message, walking multipart/mixed and /alternative."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return text, html, list(message.iter_attachments())


def test_confirmation_arrives_as_a_proper_message(smtp, tmp_path):
    handler, controller = smtp
    with App(tmp_path, f"smtp://127.0.0.1:{controller.port}") as app:
        organizer = app.signup("Olga Organizer", role="organizer")
        competition = app.competition(organizer, TITLE, starts_in=3 * 86400)
        user = app.signup(NAME, email=f"zoe-{uuid.uuid4().hex[:8]}@example.com")
        app.register(user, competition["id"])
        [message] = app.wait_for(lambda: handler.messages_to(user["email"]), "the confirmation")
        app.wait_for(lambda: app.mailbox(user)[0]["delivery"] == "sent", "delivery: sent")
        recorded = app.mailbox(user)[0]

    # Headers, decoded by the standard library's parser.
    assert str(message["Subject"]) == f"You're registered: {TITLE}"
    assert parseaddr(str(message["From"])) == ("Mini Compète", "no-reply@mc.test")
    assert parseaddr(str(message["To"])) == (NAME, user["email"])
    assert MESSAGE_ID.match(message["Message-ID"].strip()), message["Message-ID"]
    sent = parsedate_to_datetime(str(message["Date"]))
    assert abs(sent.timestamp() - time.time()) < 120
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["MIME-Version"] == "1.0"
    assert message["List-Unsubscribe"] is None, "only reminders can be turned off"
    # On the wire every header is 7-bit: the non-ASCII ones travel as RFC 2047 encoded words.
    raw = [raw for recipients, raw, _ in handler.accepted if user["email"] in recipients][0]
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(byte < 128 for byte in head), head
    assert b"=?UTF-8?B?" in head

    assert message.get_content_type() == "multipart/mixed"
    text, html, attachments = parts(message)
    body = text.get_content().replace("\r\n", "\n")  # CRLF on the wire
    assert f"Hi {NAME}," in body and f"your seat for {TITLE} is confirmed" in body and "UTC" in body
    assert f"/api/competitions/{competition['id']}/calendar.ics" in body
    assert body.rstrip("\n") == recorded["body"], "the text part is what the mailbox shows"
    assert recorded["subject"] == f"You're registered: {TITLE}" and recorded["kind"] == "confirmation"
    page = html.get_content()
    assert "<strong>Café Cup ✓ — Zürich</strong>" in page and f"Hi {NAME}," in page

    [invite] = attachments
    assert invite.get_content_type() == "text/calendar" and invite.get_filename() == "invite.ics"
    assert invite.get_param("method") == "PUBLISH"
    calendar = icalendar.Calendar.from_ical(invite.get_payload(decode=True))
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == TITLE
    assert str(event["DESCRIPTION"]) == "Bring a pencil."
    assert str(event["UID"]) == f"{competition['id']}@mini-compete"
    start = event.decoded("DTSTART")
    assert start.isoformat().replace("+00:00", "Z") == competition["startDate"].replace(".000", "")


@pytest.mark.parametrize("backend", backends())
def test_two_451s_then_one_message_and_a_550_dead_letters_once(smtp, tmp_path, backend):
    handler, controller = smtp
    with App(tmp_path, f"smtp://127.0.0.1:{controller.port}", **backend_env(backend)) as app:
        organizer = app.signup("Olga Organizer", role="organizer")
        competition = app.competition(organizer, "Retry Cup", starts_in=3 * 86400)
        flaky = app.signup("Flaky Fred", email=f"flaky-{uuid.uuid4().hex[:8]}@example.com")
        rejected = app.signup("Rejected Rita", email=f"reject-{uuid.uuid4().hex[:8]}@example.com")
        fine = app.signup("Fine Fiona")
        for user in (flaky, rejected, fine):
            app.register(user, competition["id"])

        app.wait_for(lambda: app.mailbox(flaky) and app.mailbox(flaky)[0]["delivery"] == "sent", "the flaky delivery")
        app.wait_for(lambda: app.mailbox(rejected) and app.mailbox(rejected)[0]["delivery"] == "failed", "the 550")
        app.wait_for(lambda: app.mailbox(fine) and app.mailbox(fine)[0]["delivery"] == "sent", "the plain delivery")
        time.sleep(1.5)  # time for any stray retry to show

        assert handler.data_attempts[flaky["email"]] == 3, "451, 451, accepted"
        assert len(handler.messages_to(flaky["email"])) == 1, "exactly one message for the job"
        assert handler.rcpt_attempts[rejected["email"]] == 1, "a 5xx is never retried"
        assert handler.messages_to(rejected["email"]) == []
        assert len(handler.messages_to(fine["email"])) == 1

        failed = app.cli("jobs", "failed")
        assert failed.count("registration:confirmation") == 1, failed
        assert "550 5.1.1" in failed and "mailbox unavailable" in failed and "RCPT TO" in failed, failed

        registrants = requests.get(f"{app.api}/api/competitions/{competition['id']}/registrations",
                                   headers=app.auth(organizer), timeout=10).json()["items"]
        by_email = {item["user"]["email"]: item["deliveryFailed"] for item in registrants}
        assert by_email == {flaky["email"]: False, rejected["email"]: True, fine["email"]: False}
        # The kept connection carried several messages: far fewer sessions than deliveries.
        assert handler.sessions < 6, handler.sessions


@pytest.mark.parametrize("backend", backends())
def test_unknown_outcome_is_retried_with_the_same_message_id(smtp, tmp_path, backend):
    handler, controller = smtp
    with App(tmp_path, f"smtp://127.0.0.1:{controller.port}", **backend_env(backend)) as app:
        organizer = app.signup("Olga Organizer", role="organizer")
        competition = app.competition(organizer, "Drop Cup", starts_in=3 * 86400)
        user = app.signup("Dropped Dora", email=f"drop-{uuid.uuid4().hex[:8]}@example.com")
        app.register(user, competition["id"])
        app.wait_for(lambda: app.mailbox(user) and app.mailbox(user)[0]["delivery"] == "sent", "the retried delivery")
        copies = handler.messages_to(user["email"])
        # The server took the first copy but the client never heard; the retry is the same message.
        assert len(copies) == 2
        assert copies[0]["Message-ID"] == copies[1]["Message-ID"]
        assert MESSAGE_ID.match(copies[0]["Message-ID"])


def test_a_title_with_cr_lf_adds_no_header(smtp, tmp_path):
    handler, controller = smtp
    with App(tmp_path, f"smtp://127.0.0.1:{controller.port}") as app:
        organizer = app.signup("Olga Organizer", role="organizer")
        # The API refuses such a title …
        refused = requests.post(f"{app.api}/api/competitions", headers=app.auth(organizer), json={
            "title": "Evil\r\nBcc: victim@example.com", "capacity": 5, "regDeadline": "2099-01-01T00:00:00Z"}, timeout=10)
        assert refused.status_code == 400
        # … and one that got into the database some other way still cannot add a header.
        competition = app.competition(organizer, "Harmless", starts_in=3 * 86400)
        with sqlite3.connect(tmp_path / "mini-compete.sqlite") as db:
            changed = db.execute("UPDATE competitions SET title = ? WHERE lower(id) = ?",
                                 ("Evil\r\nBcc: victim@example.com\r\nX-Injected: yes", competition["id"])).rowcount
            assert changed == 1
        user = app.signup("Careful Carl")
        app.register(user, competition["id"])
        [message] = app.wait_for(lambda: handler.messages_to(user["email"]), "the confirmation")
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert "victim@example.com" in str(message["Subject"])
    assert [recipients for recipients, _, _ in handler.accepted] == [[user["email"]]]


def test_reminder_carries_one_click_unsubscribe_that_turns_reminders_off(smtp, tmp_path):
    handler, controller = smtp
    with App(tmp_path, f"smtp://127.0.0.1:{controller.port}") as app:
        organizer = app.signup("Olga Organizer", role="organizer")
        competition = app.competition(organizer, "Soon Cup", starts_in=5 * 3600, deadline_in=3600)
        later = app.competition(organizer, "Later Cup", starts_in=3 * 86400)
        user = app.signup("Remi Reminded")
        app.register(user, competition["id"])
        app.register(user, later["id"])
        reminders = app.wait_for(
            lambda: [m for m in handler.messages_to(user["email"]) if str(m["Subject"]).startswith("Starting soon")], "the reminder")
        [reminder] = reminders
        assert str(reminder["Subject"]) == "Starting soon: Soon Cup"
        assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = re.fullmatch(r"<(.+)>", reminder["List-Unsubscribe"].strip()).group(1)
        assert url.startswith(f"{app.web}/unsubscribe?token=")
        text, html, _ = parts(reminder)
        assert url in text.get_content()

        preferences = f"{app.api}/api/users/me/preferences"
        assert requests.get(preferences, headers=app.auth(user), timeout=10).json() == {"reminders": True}
        opened = requests.get(url, timeout=10)
        assert opened.status_code == 200 and "Turn off reminders" in opened.text
        assert requests.get(preferences, headers=app.auth(user), timeout=10).json() == {"reminders": True}
        # What a mail client does on one click (RFC 8058): POST, no login, no cookie.
        forged = requests.post(url[:-4] + "AAAA", data="List-Unsubscribe=One-Click",
                               headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
        assert forged.status_code == 400
        clicked = requests.post(url, data="List-Unsubscribe=One-Click",
                                headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
        assert clicked.status_code == 200 and "Reminders are off" in clicked.text, clicked.text
        assert requests.get(preferences, headers=app.auth(user), timeout=10).json() == {"reminders": False}
        # A GET (a person's browser, a link scanner) only shows the page that asks first.
        opened = requests.get(url, timeout=10)
        assert opened.status_code == 200 and "Turn off reminders" in opened.text
        # Reminders off: a competition coming up now gets none.
        quiet = app.competition(organizer, "Quiet Cup", starts_in=6 * 3600, deadline_in=3600)
        app.register(user, quiet["id"])
        app.wait_for(lambda: any(str(m["Subject"]) == "You're registered: Quiet Cup" for m in handler.messages_to(user["email"])),
                     "the Quiet Cup confirmation")
        time.sleep(3)  # three scheduler rounds
        assert not [m for m in handler.messages_to(user["email"]) if "Quiet Cup" in str(m["Subject"]) and "Starting" in str(m["Subject"])]
        # On again from the account; the page's own button (token in the form) turns them off too.
        back = requests.patch(preferences, headers=app.auth(user), json={"reminders": True}, timeout=10)
        assert back.json() == {"reminders": True}
        token = url.split("token=", 1)[1]
        button = requests.post(f"{app.web}/unsubscribe", data={"token": token}, timeout=10)
        assert button.status_code == 200 and "Reminders are off" in button.text
        assert requests.get(preferences, headers=app.auth(user), timeout=10).json() == {"reminders": False}
