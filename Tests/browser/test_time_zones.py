"""An organizer creates a competition in Berlin's local time; its page shows Berlin's clock."""
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import API_URL, fresh_email, shoot
from test_journeys import flash, log_in, sign_up


def set_local_time(driver, field_id, value):
    """Types a `datetime-local` value; the widget's own keyboard order depends on the locale."""
    field = driver.find_element(By.ID, field_id)
    driver.execute_script("arguments[0].value = arguments[1];", field, value)
    assert field.get_attribute("value") == value


def test_organizer_creates_a_competition_in_berlin_local_time(browser, web):
    log_in(browser, web, "org2@compete.com")
    flash(browser)
    browser.get(f"{web}/organizer/competitions/new")
    title = f"Berlin Browser Cup {fresh_email()[:6]}"
    browser.find_element(By.ID, "title").send_keys(title)
    zone = browser.find_element(By.ID, "timezone")
    zone.clear()
    zone.send_keys("Europe/Berlin")
    # 29 March 2099 is the night Berlin's clocks skip 02:00-03:00: refused next to the field.
    set_local_time(browser, "opensAt", "2099-03-29T02:30")
    set_local_time(browser, "regDeadline", "2099-11-30T12:00")
    set_local_time(browser, "startDate", "2099-12-01T19:00")
    browser.find_element(By.CSS_SELECTOR, "form.stack .buttons button[type=submit]").click()
    error = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "opens-error")))
    assert "does not exist in Europe/Berlin" in error.text
    assert browser.find_element(By.ID, "title").get_attribute("value") == title, "what was typed is kept"

    set_local_time(browser, "opensAt", "2099-06-01T09:00")
    shoot(browser, "11-competition-form-time-zone")
    browser.find_element(By.CSS_SELECTOR, "form.stack .buttons button[type=submit]").click()
    assert "Published! Registration opens Mon 1 Jun 2099, 09:00 UTC+2." in flash(browser)
    dates = browser.find_element(By.CSS_SELECTOR, "dl.dates").text
    assert "Tue 1 Dec 2099, 19:00 UTC+1" in dates, dates
    assert "Mon 30 Nov 2099, 12:00 UTC+1" in dates, dates
    assert "Times are in Europe/Berlin." in browser.page_source
    assert "Registration opens Mon 1 Jun 2099, 09:00 UTC+2." in browser.find_element(By.ID, "opens-at").text
    shoot(browser, "12-competition-upcoming")

    competition_id = browser.current_url.rstrip("/").split("/")[-1]
    api = requests.get(f"{API_URL}/api/competitions/{competition_id}", timeout=10).json()
    assert api["timezone"] == "Europe/Berlin"
    assert api["startDate"] == "2099-12-01T18:00:00Z" and api["opensAt"] == "2099-06-01T07:00:00Z"
    assert api["status"] == "upcoming"

    # A participant sees when it opens instead of a register button.
    browser.delete_all_cookies()
    sign_up(browser, web, "Early Bird", fresh_email())
    flash(browser)
    browser.get(f"{web}/competitions/{competition_id}")
    assert "Registration opens" in browser.find_element(By.ID, "opens-at").text
    assert not browser.find_elements(By.ID, "register-button")
