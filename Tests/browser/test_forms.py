"""Registration forms in a real headless Chromium: the organizer's question builder (no
JavaScript: move buttons post the form back) and a participant's form with errors."""
import requests
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import API_URL, api_get, api_token, fresh_email, shoot
from test_journeys import flash, log_in, open_competition, sign_up


def loaded(driver):
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def post(driver, button):
    """Clicks a submit button and waits for the page it leads to, fully loaded."""
    page = driver.find_element(By.TAG_NAME, "html")
    button.click()

    def replaced(_):
        # Chromium reports a node of the page just left as stale or, at times, as not in the
        # document: either way the old page is gone.
        try:
            page.is_enabled()
            return False
        except WebDriverException:
            return True

    WebDriverWait(driver, 10).until(replaced)
    loaded(driver)


def fill_row(driver, index, label, qid, qtype, **settings):
    driver.find_element(By.ID, f"q{index}_label").send_keys(label)
    driver.find_element(By.ID, f"q{index}_id").send_keys(qid)
    Select(driver.find_element(By.ID, f"q{index}_type")).select_by_value(qtype)
    for name, value in settings.items():
        if name == "required":
            driver.find_element(By.ID, f"q{index}_required").click()
        else:
            driver.find_element(By.ID, f"q{index}_{name}").send_keys(value)


def test_organizer_builds_reorders_and_publishes_a_form(browser, web):
    log_in(browser, web, "org2@compete.com")
    flash(browser)
    browser.get(f"{web}/organizer/competitions/new")
    title = f"Form Cup {fresh_email()[:6]}"
    browser.find_element(By.ID, "title").send_keys(title)
    browser.find_element(By.ID, "rules").send_keys("Bring your own board.")
    fill_row(browser, 0, "Club email", "club", "email", domains="chess.example", required=True)
    fill_row(browser, 1, "Rating", "rating", "number", min="0", max="3000")
    fill_row(browser, 2, "Board size", "board", "choice", options="Small\nLarge", required=True)
    # Move the rating up, above the club email: the page comes back rearranged, nothing saved.
    post(browser, browser.find_element(By.CSS_SELECTOR, "button[name=move][value='up:1']"))
    assert browser.find_element(By.ID, "q0_id").get_attribute("value") == "rating"
    assert browser.find_element(By.ID, "q1_id").get_attribute("value") == "club"
    assert browser.find_element(By.ID, "title").get_attribute("value") == title, "the rest of the form is kept"
    # Remove the board question, then a mistake the server reports next to its row.
    post(browser, browser.find_element(By.CSS_SELECTOR, "button[name=move][value='remove:2']"))
    browser.find_element(By.ID, "q0_max").clear()
    browser.find_element(By.ID, "q0_max").send_keys("-5")
    post(browser, browser.find_element(By.CSS_SELECTOR, "form.stack .buttons button[type=submit]"))
    assert "max must not be below min." in browser.find_element(By.ID, "question-row-0").text
    shoot(browser, "09-form-builder-error")
    browser.find_element(By.ID, "q0_max").clear()
    browser.find_element(By.ID, "q0_max").send_keys("3000")
    post(browser, browser.find_element(By.CSS_SELECTOR, "form.stack .buttons button[type=submit]"))
    assert "Published" in flash(browser)
    competition_id = browser.current_url.rstrip("/").split("/")[-1]
    competition = requests.get(f"{API_URL}/api/competitions/{competition_id}", timeout=10).json()
    assert [q["id"] for q in competition["questions"]] == ["rating", "club"]
    assert competition["questions"][1]["allowedDomains"] == ["chess.example"]
    assert competition["rules"] == "Bring your own board."
    assert "Bring your own board." in browser.page_source, "the competition page shows the rules"


def test_participant_sees_every_problem_at_once_and_fixes_them(browser, web):
    email = fresh_email()
    sign_up(browser, web, "Form Filler", email)
    flash(browser)
    open_competition(browser, web, "Code Challenge 2026")
    school = browser.find_element(By.ID, "q-school_email")
    assert school.get_attribute("type") == "email" and school.get_attribute("required") == "true"
    assert browser.find_element(By.ID, "q-shirt").get_attribute("required") == "true"
    assert "Teams of one" in browser.page_source, "the rules are on the page"
    # The browser's own checks stop an empty form; the server's checks are what matter, so
    # they are reached as a browser without HTML validation would.
    browser.execute_script("document.getElementById('register-form').noValidate = true")
    school.send_keys("me@school.edu.evil.test")
    post(browser, browser.find_element(By.ID, "register-button"))
    errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".field-error")]
    assert errors == [
        "School email must be an address at school.edu or uni.example (or a subdomain).",
        "T-shirt size is required.",
        "You must accept the rules to register.",
    ], errors
    assert browser.find_element(By.ID, "q-school_email").get_attribute("value") == "me@school.edu.evil.test", "typed value kept"
    assert browser.find_element(By.ID, "q-school_email").get_attribute("aria-invalid") == "true"
    shoot(browser, "10-registration-form-errors")

    school = browser.find_element(By.ID, "q-school_email")
    school.clear()
    school.send_keys("me@cs.school.edu")
    Select(browser.find_element(By.ID, "q-shirt")).select_by_visible_text("L")
    browser.find_element(By.ID, "acceptRules").click()
    post(browser, browser.find_element(By.ID, "register-button"))
    assert "You're registered" in flash(browser)

    # Later: a different size, from the competition page.
    browser.find_element(By.CSS_SELECTOR, "details.answers summary").click()
    Select(browser.find_element(By.CSS_SELECTOR, "#answers-form #q-shirt")).select_by_visible_text("S")
    post(browser, browser.find_element(By.ID, "save-answers"))
    assert "Your answers are saved." in flash(browser)
    shoot(browser, "11-answers-saved")
    mine = api_get("/api/users/me/registrations", api_token(email))["items"]
    assert mine[0]["answers"] == {"school_email": "me@cs.school.edu", "shirt": "S"}
