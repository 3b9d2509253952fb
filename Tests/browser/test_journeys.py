"""User journeys of the web UI in a real headless Chromium."""
import time

import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import API_URL, api_get, api_token, fresh_email, shoot


def sign_up(driver, web, name, email, role="participant"):
    driver.get(f"{web}/signup")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys("password123")
    driver.find_element(By.CSS_SELECTOR, f"input[name=role][value={role}]").click()
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()


def log_in(driver, web, email, password="password123"):
    driver.get(f"{web}/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()


def flash(driver):
    return WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".flash"))).text


def open_competition(driver, web, title):
    driver.get(f"{web}/?search={title.replace(' ', '+')}")
    driver.find_element(By.LINK_TEXT, title).click()
    WebDriverWait(driver, 10).until(EC.title_contains(title))


def test_participant_signs_up_registers_and_gets_mail(browser, web):
    browser.get(web)
    assert "Competitions" in browser.title
    assert "of 20 left" in browser.page_source
    shoot(browser, "01-competitions")

    browser.get(f"{web}/signup")
    shoot(browser, "02-signup")
    email = fresh_email()
    sign_up(browser, web, "Robin Runner", email)
    assert "Welcome to Mini Compete, Robin Runner!" in flash(browser)

    open_competition(browser, web, "Design Showdown")
    browser.find_element(By.ID, "register-button").click()
    assert "You're registered" in flash(browser)
    assert "registered for this competition" in browser.page_source
    shoot(browser, "03-competition-registered")

    browser.find_element(By.LINK_TEXT, "My registrations").click()
    row = browser.find_element(By.XPATH, "//tr[td/a[text()='Design Showdown']]")
    assert "confirmed" in row.text.lower()
    shoot(browser, "04-my-registrations")

    deadline = time.time() + 20
    while time.time() < deadline:
        browser.get(f"{web}/me/mailbox")
        if "You're registered: Design Showdown" in browser.page_source:
            break
        time.sleep(0.5)
    assert "You're registered: Design Showdown" in browser.page_source
    shoot(browser, "05-mailbox")

    session = browser.get_cookie("mc_session")["value"]
    me = f"{API_URL}/api/auth/me"
    assert requests.get(me, headers={"Authorization": f"Bearer {session}"}, timeout=10).status_code == 200
    browser.find_element(By.CSS_SELECTOR, "header.site button.link").click()
    assert "logged out" in flash(browser)
    # Logging out ended the token itself: a copy of the cookie is refused by the API too.
    assert requests.get(me, headers={"Authorization": f"Bearer {session}"}, timeout=10).status_code == 401
    browser.get(f"{web}/me/registrations")
    assert "/login" in browser.current_url and "Please log in" in flash(browser)
    shoot(browser, "06-login")


def test_double_submit_refresh_and_back_register_once(browser, web):
    email = fresh_email()
    sign_up(browser, web, "Double Clicker", email)
    flash(browser)
    open_competition(browser, web, "Code Challenge 2026")
    # Its registration form asks a school email and a T-shirt size and has rules to accept.
    browser.find_element(By.ID, "q-school_email").send_keys("dc@cs.school.edu")
    Select(browser.find_element(By.ID, "q-shirt")).select_by_visible_text("M")
    browser.find_element(By.ID, "acceptRules").click()
    form_fields = {
        name: browser.find_element(By.CSS_SELECTOR, f"form.register input[name={name}]").get_attribute("value")
        for name in ("_csrf", "idempotencyKey")
    }
    form_fields.update({"a.school_email": "dc@cs.school.edu", "a.shirt": "M", "acceptRules": "yes"})
    action = browser.find_element(By.CSS_SELECTOR, "form.register").get_attribute("action")

    ActionChains(browser).double_click(browser.find_element(By.ID, "register-button")).perform()
    flash(browser)
    # The back button and submitting the old page again.
    browser.back()
    buttons = browser.find_elements(By.ID, "register-button")
    if buttons:
        buttons[0].click()
        flash(browser)
    # A refresh that re-sends the form: the same key, the same answer.
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    replay = requests.post(action, data=form_fields, cookies=cookies, allow_redirects=False, timeout=10)
    assert replay.status_code == 303

    token = api_token(email)
    registrations = api_get("/api/users/me/registrations", token)["items"]
    active = [r for r in registrations if r["competition"]["title"] == "Code Challenge 2026" and r["status"] == "confirmed"]
    assert len(active) == 1, registrations


def test_organizer_creates_a_competition_and_downloads_the_csv(browser, web):
    log_in(browser, web, "org1@compete.com")
    assert "Welcome back" in flash(browser)
    browser.find_element(By.LINK_TEXT, "My competitions").click()
    assert "Local Marathon 5K" in browser.page_source
    shoot(browser, "07-organizer-dashboard")

    browser.find_element(By.LINK_TEXT, "New competition").click()
    title = f"Browser Cup {fresh_email()[:6]}"
    browser.find_element(By.ID, "title").send_keys(title)
    browser.find_element(By.ID, "description").send_keys("Created by the browser test.")
    browser.find_element(By.ID, "tags").send_keys("testing, browser")
    capacity = browser.find_element(By.ID, "capacity")
    capacity.clear()
    capacity.send_keys("7")
    shoot(browser, "08-new-competition")
    browser.find_element(By.CSS_SELECTOR, "form.stack .buttons button[type=submit]").click()
    assert "Published" in flash(browser)
    assert title in browser.find_element(By.TAG_NAME, "h1").text
    competition_url = browser.current_url
    competition_id = competition_url.rstrip("/").split("/")[-1]

    participant = fresh_email()
    signup = requests.post(f"{API_URL}/api/auth/signup", json={
        "name": "Csv Person", "email": participant, "password": "password123", "role": "participant"}, timeout=10)
    token = signup.json()["token"]
    registered = requests.post(f"{API_URL}/api/competitions/{competition_id}/register",
                               headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert registered.status_code == 201

    browser.get(competition_url)
    browser.find_element(By.LINK_TEXT, "Registrants").click()
    assert participant in browser.page_source
    shoot(browser, "09-registrants")
    csv_link = browser.find_element(By.LINK_TEXT, "Download CSV").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    csv = requests.get(csv_link, cookies=cookies, timeout=10)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0] == "registrationId,status,registeredAt,userId,name,email"
    assert any(participant in line for line in lines[1:])
    # Without the organizer's session the file is not reachable.
    assert requests.get(csv_link, timeout=10, allow_redirects=False).status_code == 303


def test_participant_cannot_reach_organizer_pages(browser, web):
    log_in(browser, web, "user2@compete.com")
    flash(browser)
    for path in ("/organizer", "/organizer/competitions/new"):
        browser.get(f"{web}{path}")
        assert "Not allowed" in browser.find_element(By.TAG_NAME, "h1").text
    assert "My competitions" not in browser.find_element(By.CSS_SELECTOR, "header.site").text
    shoot(browser, "10-forbidden")
