"""The organizer's webhooks page: add one (secret shown once), watch a signed delivery arrive at a
real receiver on loopback (verified with the standardwebhooks library), read the log, redeliver,
delete; another organizer cannot open it."""
import http.server
import threading
import time

import requests
import standardwebhooks
from selenium.webdriver.common.by import By

from conftest import API_URL, api_token, fresh_email, shoot
from test_journeys import flash, log_in, sign_up


class Receiver:
    def __init__(self):
        self.received = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count):
        deadline = time.time() + 20
        while len(self.received) < count and time.time() < deadline:
            time.sleep(0.1)
        assert len(self.received) >= count, self.received


def test_organizer_adds_a_webhook_and_redelivers(browser, web):
    receiver = Receiver()
    try:
        log_in(browser, web, "org1@compete.com")
        flash(browser)  # signed in before the next page is asked for
        browser.get(f"{web}/organizer")
        browser.find_element(By.LINK_TEXT, "Webhooks").click()
        assert browser.current_url.endswith("/organizer/webhooks")
        browser.find_element(By.ID, "url").send_keys(receiver.url)
        browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
        secret = browser.find_element(By.ID, "webhook-secret").text
        assert secret.startswith("whsec_")
        shoot(browser, "20-webhook-secret")
        browser.get(f"{web}/organizer/webhooks")
        assert "whsec_" not in browser.page_source, "the secret is shown once"
        assert receiver.url in browser.page_source

        organizer = api_token("org1@compete.com")
        created = requests.post(f"{API_URL}/api/competitions", headers={"Authorization": f"Bearer {organizer}"}, json={
            "title": "Webhook Page Cup", "capacity": 5, "regDeadline": "2099-01-01T00:00:00Z"}, timeout=10)
        assert created.status_code == 201
        participant = requests.post(f"{API_URL}/api/auth/signup", json={
            "name": "Hook Fan", "email": fresh_email(), "password": "password123", "role": "participant"}, timeout=10).json()["token"]
        registered = requests.post(f"{API_URL}/api/competitions/{created.json()['id']}/register",
                                   headers={"Authorization": f"Bearer {participant}"}, timeout=10)
        assert registered.status_code == 201
        receiver.wait_for(1)
        headers, body = receiver.received[0]
        event = standardwebhooks.Webhook(secret).verify(body, headers)
        assert event["type"] == "registration.confirmed"

        browser.find_element(By.PARTIAL_LINK_TEXT, receiver.url).click()
        deadline = time.time() + 10
        while "delivered" not in browser.page_source and time.time() < deadline:
            time.sleep(0.3)
            browser.refresh()
        assert "registration.confirmed" in browser.page_source and "delivered" in browser.page_source
        shoot(browser, "21-webhook-deliveries")
        browser.find_element(By.XPATH, "//tr[td[contains(., 'registration.confirmed')]]//button[text()='Redeliver']").click()
        assert "Queued for redelivery" in flash(browser)
        receiver.wait_for(2)
        again, again_body = receiver.received[1]
        standardwebhooks.Webhook(secret).verify(again_body, again)
        assert again["webhook-id"] == headers["webhook-id"]
        page = browser.current_url

        browser.delete_all_cookies()
        sign_up(browser, web, "Other Organizer", fresh_email(), role="organizer")
        assert "Welcome" in flash(browser)
        browser.get(page)
        assert "Not found" in browser.page_source or "not found" in browser.page_source.lower()

        browser.delete_all_cookies()
        log_in(browser, web, "org1@compete.com")
        flash(browser)  # signed in before the next page is asked for
        browser.get(f"{web}/organizer/webhooks")
        assert receiver.url in browser.page_source, browser.page_source[-3000:]
        browser.find_element(By.XPATH, f"//tr[td/a[contains(., '{receiver.url}')]]//button[text()='Delete']").click()
        assert "Webhook deleted" in flash(browser)
        assert receiver.url not in browser.page_source
    finally:
        receiver.server.shutdown()
