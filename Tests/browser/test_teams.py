"""Teams in a real headless Chromium: a captain creates a team and shares its invite link; a
second person, logged out, opens the link, logs in, sees the team and joins, then leaves."""
import uuid

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import API_URL, fresh_email, shoot
from test_forms import post
from test_journeys import flash, open_competition, sign_up


def test_create_share_join_leave(browser, second_browser, web):
    # The demo's team competition says so on the list and on its page.
    browser.get(f"{web}/?search=Gaming+Tournament")
    assert "Teams of 2–5" in browser.page_source and "teams left" in browser.page_source
    sign_up(browser, web, "Cora Captain", fresh_email())
    open_competition(browser, web, "Gaming Tournament")
    assert "Teams of 2–5" in browser.find_element(By.ID, "team-size").text
    team = f"Browser Bots {uuid.uuid4().hex[:6]}"
    browser.find_element(By.ID, "team-name").send_keys(team)
    post(browser, browser.find_element(By.ID, "create-team-button"))
    assert f"You're in {team}" in flash(browser)
    assert browser.find_element(By.ID, "team-name").text == team
    link = browser.find_element(By.ID, "invite-link").get_attribute("value")
    code = browser.find_element(By.ID, "invite-code").text
    assert link.endswith(f"/join/{code}")
    shoot(browser, "teams-01-captain")

    # The second person opens the link logged out, logs in and comes back to it.
    member_email = fresh_email()
    signup = requests.post(f"{API_URL}/api/auth/signup", json={
        "name": "Milo Member", "email": member_email, "password": "password123", "role": "participant"}, timeout=10)
    assert signup.status_code == 201
    second_browser.get(f"{web}/join/{code}")
    assert "/login" in second_browser.current_url
    second_browser.find_element(By.ID, "email").send_keys(member_email)
    second_browser.find_element(By.ID, "password").send_keys("password123")
    second_browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    WebDriverWait(second_browser, 10).until(EC.presence_of_element_located((By.ID, "join-team-name")))
    assert second_browser.find_element(By.ID, "join-team-name").text == team
    assert second_browser.find_element(By.ID, "join-competition").text == "Gaming Tournament"
    shoot(second_browser, "teams-02-join")
    # Wait for the team page itself: the login's own flash is on the page being left.
    post(second_browser, second_browser.find_element(By.ID, "join-button"))
    assert f"You're in {team}" in flash(second_browser)
    members = second_browser.find_element(By.ID, "members").text
    assert "Cora Captain" in members and "Milo Member" in members
    assert "2 of 2–5 members" in second_browser.find_element(By.ID, "team-size").text

    # My registrations names the team.
    second_browser.get(f"{web}/me/registrations")
    assert team in second_browser.find_element(By.XPATH, "//tr[td/a[text()='Gaming Tournament']]").text

    # The captain sees the new member; the member leaves.
    browser.refresh()
    assert "Milo Member" in browser.find_element(By.ID, "members").text
    second_browser.get(browser.current_url)
    post(second_browser, second_browser.find_element(By.ID, "leave-team"))
    assert f"You left {team}" in flash(second_browser)
    browser.refresh()
    assert "Milo Member" not in browser.find_element(By.ID, "members").text
    assert "1 of 2–5 members" in browser.find_element(By.ID, "team-size").text
    shoot(browser, "teams-03-after-leave")
