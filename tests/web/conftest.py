"""Fixtures for the browser tests: the real server (`vetted serve --demo` in a subprocess on a free loopback
port, with a temporary data folder and SQLite), one per test module; Debian's Chromium driven by Playwright,
one per session; and where screenshots go (var/screenshots/, git-ignored).

Chromium is Debian's (/usr/bin/chromium; `make test` installs it when missing); `playwright install` is never
run and nothing is downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import LiveServer, demo_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "var" / "screenshots"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # A small upload limit, so that the test of a too-large file stays small.
    with demo_server(tmp_path_factory.mktemp("web"), VETTED_MAX_UPLOAD_BYTES=str(1024 * 1024)) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.failed_in_call = report.failed
    return report


@pytest.fixture
def new_page(request, browser, live_server, screenshots):  # type: ignore[no-untyped-def]
    """A page in a fresh browser context (its own cookies): ``new_page(username)`` signs that user in. When
    the test fails, every page it opened is saved as failed-<test>-<n>.png beside the other screenshots."""
    contexts = []

    def make(username: str | None = None, *, width: int = 1366, height: int = 900):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.script_errors = errors  # checked by the tests: a page must run without script errors
        if username is not None:
            page.goto("/login")
            page.fill("#username", username)
            page.fill("#password", live_server.passwords[username])
            with page.expect_navigation(url=lambda url: "/login" not in url):
                page.click("form.form button[type=submit]")
        return page

    yield make
    for n, context in enumerate(contexts):
        if getattr(request.node, "failed_in_call", False):
            for page in context.pages:
                page.screenshot(path=str(screenshots / f"failed-{request.node.name}-{n}.png"), full_page=True)
        context.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    # Where to look at the pages after a run (when this conftest is loaded by the process that reports).
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.glob("*.png")):
        terminalreporter.write_line(f"screenshots of the web app: {SCREENSHOTS}")
