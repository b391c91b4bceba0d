"""Shared fixtures: a real `streamlit run app.py` server and headless Chromium.

The server binds to 127.0.0.1 on a free port and is stopped by the fixture
(by its own pid). Browser tests are required in CI: when Chromium or Playwright
is missing and ``CI`` is set they fail; on a developer machine they skip with a
reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs a fixed, reproducible set of examples (a red build must mean a bug that
# reproduces); locally hypothesis explores new examples on every run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Every figure the tests build in this process (library tests, AppTest) is validated
# against Plotly's schema; the app's servers (subprocesses) build them as users get
# them, unvalidated (lossviz/figures/_theme.py, VALIDATE; tests/test_figures_validate.py).
from lossviz.figures import _theme  # noqa: E402

_theme.VALIDATE = True

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests are required in CI: {reason}")
    pytest.skip(reason)


class StreamlitServer:
    """`streamlit run <script>` on 127.0.0.1:<free port>, stopped by :meth:`stop`."""

    def __init__(
        self, script: Path, *, extra_args: tuple[str, ...] = (), cwd: Path | None = None
    ) -> None:
        """``cwd``: the checkout to serve (default this one); its ``lossviz`` is imported."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(  # closed in stop()
            Path(os.environ.get("TMPDIR", "/tmp")) / f"lossviz-server-{self.port}.log", "w+b"
        )
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.address", "127.0.0.1",
            "--server.port", str(self.port),
            "--server.headless", "true",
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
            "--global.developmentMode", "false",
            *extra_args,
        ]  # fmt: skip
        env = None
        if cwd is not None:  # its own package first, before an editable install's finder
            env = {**os.environ, "PYTHONPATH": str(cwd)}
        self.proc = subprocess.Popen(
            cmd, cwd=cwd or ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"streamlit exited early:\n{self.log.read().decode()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy on {self.url} in {timeout}s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="session")
def app_server() -> Iterator[StreamlitServer]:
    server = StreamlitServer(ROOT / "app.py")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class AppPage:
    """A Playwright page on the app with Streamlit-aware waits."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def goto(self, path: str = "/") -> None:
        self.page.goto(self.base_url + path, wait_until="domcontentloaded")
        self.wait_idle()

    def wait_idle(self, timeout: float = 30_000) -> None:
        """Wait until the script has run and the page is idle again."""
        # The script state flips to "running" shortly after an interaction; give it a
        # moment, then wait for "notRunning".
        self.page.wait_for_timeout(150)
        self.page.wait_for_selector(IDLE, timeout=timeout)

    def plots(self):
        return self.page.locator(".js-plotly-plot")

    def exceptions(self):
        return self.page.locator("[data-testid='stException']")

    def query(self) -> dict[str, str]:
        from urllib.parse import parse_qsl, urlsplit

        return dict(parse_qsl(urlsplit(self.page.url).query))


@pytest.fixture
def sized_page(request, browser, app_server) -> Iterator[AppPage]:
    """An :class:`AppPage` at the viewport ``request.param`` names (``_browser_checks.SIZES``);
    parametrize it indirectly: ``@pytest.mark.parametrize("sized_page", [...], indirect=True)``."""
    from _browser_checks import SIZES

    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        yield AppPage(page, app_server.url)
    finally:
        context.close()


@pytest.fixture
def app_page(browser, app_server) -> Iterator[AppPage]:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    try:
        yield AppPage(page, app_server.url)
    finally:
        context.close()
