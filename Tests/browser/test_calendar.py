"""The calendar event (RFC 5545), read back by a real iCalendar parser."""
import datetime
import uuid

import icalendar
import requests

from conftest import API_URL, WEB_URL, api_token


def test_calendar_event_round_trips_through_an_icalendar_parser():
    token = api_token("org2@compete.com")
    title = "Ünïcødé Cup; with, commas \\ and a title long enough to need folding across lines " + uuid.uuid4().hex[:6]
    description = "Line one\nLine two; with, punctuation — and emoji 🏁"
    start = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=5)).replace(microsecond=0)
    created = requests.post(f"{API_URL}/api/competitions", headers={"Authorization": f"Bearer {token}"}, json={
        "title": title, "description": description, "capacity": 10,
        "regDeadline": (start - datetime.timedelta(days=1)).isoformat(), "startDate": start.isoformat(),
    }, timeout=10)
    assert created.status_code == 201, created.text
    competition = created.json()

    response = requests.get(f"{API_URL}/api/competitions/{competition['id']}/calendar.ics", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    raw = response.content
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "content lines are folded at 75 octets"

    calendar = icalendar.Calendar.from_ical(raw)
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    events = [component for component in calendar.walk() if component.name == "VEVENT"]
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == f"{competition['id']}@mini-compete"
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]) == description
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").tzinfo is not None, "times are in UTC"
    assert str(event["URL"]).endswith(f"/competitions/{competition['id']}")
    assert "DTSTAMP" in event

    again = requests.get(f"{API_URL}/api/competitions/{competition['id']}/calendar.ics", timeout=10)
    assert again.content == raw, "the same event, byte for byte, on every fetch (stable UID)"
    web = requests.get(f"{WEB_URL}/competitions/{competition['id']}/calendar.ics", timeout=10)
    assert web.status_code == 200 and web.content == raw
    assert requests.get(f"{API_URL}/api/competitions/{uuid.uuid4()}/calendar.ics", timeout=10).status_code == 404
