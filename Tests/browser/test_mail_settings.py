"""Reminder emails off and on from the account page; a broken unsubscribe link; delivery shown in
the Mailbox."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import api_get, api_token, fresh_email, shoot
from test_journeys import flash, open_competition, sign_up


def save(browser):
    """Submits the account form and waits for the next page (the old one's flash must not count)."""
    button = browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]")
    button.click()
    WebDriverWait(browser, 10).until(EC.staleness_of(button))


def test_reminders_off_and_on_from_the_account_page(browser, web):
    email = fresh_email()
    sign_up(browser, web, "Rita Reminders", email)
    flash(browser)
    token = api_token(email)
    assert api_get("/api/users/me/preferences", token) == {"reminders": True}

    browser.find_element(By.CSS_SELECTOR, "header.site a.who").click()
    assert "/me/account" in browser.current_url
    box = browser.find_element(By.ID, "reminders")
    assert box.is_selected()
    shoot(browser, "08-account")
    box.click()
    save(browser)
    assert "Reminders are off" in flash(browser)
    assert not browser.find_element(By.ID, "reminders").is_selected()
    assert api_get("/api/users/me/preferences", token) == {"reminders": False}

    browser.find_element(By.ID, "reminders").click()
    save(browser)
    assert "Reminders are on" in flash(browser)
    assert api_get("/api/users/me/preferences", token) == {"reminders": True}


def test_a_broken_unsubscribe_link_says_so_and_changes_nothing(browser, web):
    browser.get(f"{web}/unsubscribe?token=not-a-real-token")
    assert "This unsubscribe link is not valid" in browser.page_source
    assert not browser.find_elements(By.CSS_SELECTOR, "form[action='/unsubscribe']")
    shoot(browser, "09-unsubscribe-invalid")


def test_mailbox_shows_each_messages_delivery(browser, web):
    sign_up(browser, web, "Della Delivery", fresh_email())
    flash(browser)
    open_competition(browser, web, "Design Showdown")
    browser.find_element(By.ID, "register-button").click()
    flash(browser)
    deadline = time.time() + 20
    while time.time() < deadline:
        browser.get(f"{web}/me/mailbox")
        if browser.find_elements(By.CSS_SELECTOR, "article.message .badge-recorded"):
            break
        time.sleep(0.5)
    badge = browser.find_element(By.CSS_SELECTOR, "article.message .badge-recorded")
    assert badge.text.lower() == "recorded", "without SMTP the mailbox is the whole delivery"
