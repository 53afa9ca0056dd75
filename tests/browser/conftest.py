"""Browser fixtures: one live server and one Chromium per test session.

The live server is the real `townsquare` command in a subprocess, on a free port, with its own SQLite
file and var directory, migrated and loaded with the demo data first, exactly as `make run` would.
Browser tests skip when /usr/bin/chromium is missing, except under CI, where they must run."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from browser.helpers import LIVE

from server.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these, Chromium phones home at start-up and the closed network here refuses connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() == "true"
SERVER_START_TIMEOUT = 60


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Browser tests run last. Playwright's sync API keeps its event loop marked as running in this
    # thread while the session's browser is open, and pytest-asyncio cannot start a test's loop then;
    # with the browser tests at the end, the browser closes before anything asynchronous runs again.
    items.sort(key=lambda item: "browser" in item.keywords)  # stable: keeps the order within each group
    if CHROMIUM.exists() or IN_CI:
        return  # under CI a missing browser fails loudly in the `browser` fixture instead
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install it with "
                                   "`apt-get install -y chromium fonts-noto-core` to run the browser tests")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _townsquare(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("a") as out:
        result = subprocess.run([sys.executable, "-m", "server.cli", *args], env=env, cwd=PROJECT_ROOT,
                                stdout=out, stderr=subprocess.STDOUT, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"`townsquare {' '.join(args)}` failed:\n{log.read_text()}")


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real server (demo data loaded) that lives for the whole test session."""
    var_dir = tmp_path_factory.mktemp("live-server")
    LIVE["var_dir"] = var_dir
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TOWNSQUARE_", "DATABASE_URL", "REDIS_URL"))},
        "DATABASE_URL": f"sqlite:///{var_dir / 'live.sqlite3'}",
        "TOWNSQUARE_VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(48),
    }
    log = var_dir / "server.log"
    _townsquare(["migrate"], env, log)
    _townsquare(["demo"], env, log)
    port = _free_port()
    with log.open("a") as out:
        process = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], env=env,
                                   cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the live server exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the live server did not answer /healthz in {SERVER_START_TIMEOUT}s:\n"
                                   f"{log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session (never a Playwright-downloaded browser).
    Browser tests are sorted to the end of the run (see pytest_collection_modifyitems)."""
    if not CHROMIUM.exists():
        pytest.fail(f"CI=true but {CHROMIUM} is missing: browser tests must run in CI (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="session")
def screenshot_root() -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def _new_page(browser, live_url: str, *, javascript: bool):
    context = browser.new_context(base_url=live_url, java_script_enabled=javascript, locale="en-US",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_url: str):
    """A fresh page (own cookies) with JavaScript on."""
    context, new_page = _new_page(browser, live_url, javascript=True)
    yield new_page
    context.close()


@pytest.fixture
def page_nojs(browser, live_url: str):
    """A fresh page (own cookies) with JavaScript off: every action must still work."""
    context, new_page = _new_page(browser, live_url, javascript=False)
    yield new_page
    context.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest, screenshot_root: Path):
    """A Screenshots recorder writing var/screenshots/<test name>/NN-step.png."""
    from browser.helpers import Screenshots

    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    return Screenshots(screenshot_root / name)
