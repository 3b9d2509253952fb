"""Fixtures for the browser tests: a headless Chromium driven by selenium against a running
Mini Compete (`scripts/browser-tests` starts one and sets WEB_URL / API_URL)."""
import os
import pathlib
import uuid

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

WEB_URL = os.environ.get("WEB_URL", "http://127.0.0.1:3000")
API_URL = os.environ.get("API_URL", "http://127.0.0.1:3001")
SHOTS = pathlib.Path(os.environ.get("SCREENSHOT_DIR", "artifacts/screenshots"))


def new_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(3)
    return driver


@pytest.fixture
def browser():
    driver = new_driver()
    yield driver
    driver.quit()


@pytest.fixture
def second_browser():
    """Another visitor, with cookies of their own (a team's second member)."""
    driver = new_driver()
    yield driver
    driver.quit()


@pytest.fixture
def web():
    return WEB_URL


def shoot(driver, name):
    """Saves the current page at desktop and phone width."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in {"desktop": (1280, 900), "phone": (375, 812)}.items():
        driver.set_window_size(width, height)
        total = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(max(height, total), 3000))
        driver.save_screenshot(str(SHOTS / f"{name}-{label}.png"))
    driver.set_window_size(1280, 900)


def fresh_email():
    return f"b{uuid.uuid4().hex[:10]}@example.com"


def api_token(email, password="password123"):
    response = requests.post(f"{API_URL}/api/auth/login", json={"email": email, "password": password}, timeout=10)
    response.raise_for_status()
    return response.json()["token"]


def api_get(path, token):
    response = requests.get(f"{API_URL}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    response.raise_for_status()
    return response.json()
