"""Browser journeys in Debian's headless Chromium, driven by Playwright.

Never `playwright install`: the browser is /usr/bin/chromium from apt-get.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (bin/test does it as root)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def page(page):
    """pytest-playwright's page, failing the test if the browser refused
    anything under the Content-Security-Policy (an inline script or style)."""
    refused: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    yield page
    assert not refused, "\n".join(refused)


def login(page, live_server, username: str, password: str) -> None:
    """Sign in through the real login form.

    Every click that leaves the page waits inside `page.expect_navigation()`:
    waiting for "networkidle" after the click may return before the navigation
    starts, and the test then reads the page it clicked on (a journey read the
    draft's state after submitting, once in CI on PostgreSQL)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()


def screenshot(page, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
