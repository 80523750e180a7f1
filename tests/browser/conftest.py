"""Fixtures for the browser tests: a real JupyterLab server and a headless Chromium.

Nothing here imports Playwright or JupyterLab at module level, so the rest of
the suite collects and runs on machines without them; the browser tests are
then skipped with a reason that says how to enable them (shown by ``-ra`` and
in a "browser tests" section at the end of pytest's report).

Environment variables
---------------------
MLEKIT_CHROMIUM
    Path of the Chromium (or Chrome) binary to drive. Default:
    ``/usr/bin/chromium`` (Debian's ``apt-get install chromium``), else
    ``chromium`` on PATH.
MLEKIT_REQUIRE_BROWSER
    Set to 1 (e.g. in CI) to make a missing browser an error instead of a skip.
MLEKIT_BROWSER_HEADED
    Set to 1 to watch the browser (needs a display).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
COURSE = REPO / "course"
#: where screenshots and the latency table go (gitignored; CI can upload it)
ARTIFACTS = REPO / "test-artifacts"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
HOW_TO_ENABLE = (
    "to enable them: `sudo apt-get install chromium` (or set MLEKIT_CHROMIUM=/path/to/chromium) "
    "and `pip install -e \".[lab,test]\"` (JupyterLab and playwright; no `playwright install` needed)"
)
SERVER_START_TIMEOUT = 90      # s, until /api/status answers
LAB_LOAD_TIMEOUT = 90_000      # ms, until JupyterLab's front end has started

REPORT_KEY = pytest.StashKey[dict]()


# ---------------------------------------------------------------- skipping
def chromium_path() -> str | None:
    """The Chromium binary to drive, or None."""
    wanted = os.environ.get("MLEKIT_CHROMIUM")
    if wanted:
        return wanted if os.path.isfile(wanted) and os.access(wanted, os.X_OK) else None
    if os.path.isfile(DEFAULT_CHROMIUM) and os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    return shutil.which("chromium")


def unavailable_reason() -> str | None:
    """Why the browser tests cannot run here (None if they can)."""
    missing = []
    if chromium_path() is None:
        wanted = os.environ.get("MLEKIT_CHROMIUM")
        missing.append(f"no Chromium at MLEKIT_CHROMIUM={wanted}" if wanted
                       else f"no Chromium at {DEFAULT_CHROMIUM} or on PATH")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package is not installed")
    if importlib.util.find_spec("jupyterlab") is None:
        missing.append("JupyterLab is not installed")
    if not missing:
        return None
    return "; ".join(missing) + "; " + HOW_TO_ENABLE


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "browser: drives JupyterLab in a real Chromium (Playwright); deselect with -m 'not browser'")
    config.stash[REPORT_KEY] = BrowserReport()


def _in_this_dir(item) -> bool:
    try:
        return Path(str(item.path)).resolve().is_relative_to(HERE)
    except (AttributeError, ValueError):   # pragma: no cover - exotic items
        return False


def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if _in_this_dir(item)]
    if not mine:
        return
    reason = unavailable_reason()
    if reason and os.environ.get("MLEKIT_REQUIRE_BROWSER", "") not in ("", "0"):
        raise pytest.UsageError(f"MLEKIT_REQUIRE_BROWSER is set, but {reason}")
    for item in mine:
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))
    if reason:
        config.stash[REPORT_KEY].skipped = (len(mine), reason)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    report = config.stash.get(REPORT_KEY, None)
    if report is None:
        return
    lines = []
    if report.skipped and not config.option.collectonly:
        count, reason = report.skipped
        lines.append(f"all {count} browser tests were SKIPPED: {reason}")
    if report.notebooks:
        lines += format_notebook_table(report.notebooks).splitlines()
    if report.latency:
        lines += format_latency_table(report.latency).splitlines()
    lines += [f"artifact: {path}" for path in report.artifacts]
    if lines:
        terminalreporter.section("browser tests")
        for line in lines:
            terminalreporter.write_line(line)


def format_notebook_table(notebooks: dict) -> str:
    """Run All in JupyterLab, per notebook: code cells, seconds, widgets, painted figures, result."""
    head = f"{'notebook':<42}{'cells':>6}{'run s':>7}{'widgets':>8}{'figures':>8}  result"
    rows = ["Run All in JupyterLab + Chromium, per notebook", head, "-" * len(head)]
    for name, row in notebooks.items():
        rows.append(f"{name:<42}{row['cells']:>6}{row['seconds']:>7.1f}{row['widgets']:>8}"
                    f"{row['figures']:>8}  {row['result']}")
    return "\n".join(rows)


def format_latency_table(latency: dict) -> str:
    """Key press -> canvas repaint, per explorer: moves, p50, p95, min, max (ms)."""
    head = (f"{'explorer':<26}{'moves':>6}{'p50 ms':>9}{'p95 ms':>9}{'min ms':>9}{'max ms':>9}"
            f"{'same px':>9}")
    rows = [
        "key press -> first animation frame showing the kernel's new figure frame "
        "(JupyterLab + Chromium)",
        head,
        "-" * len(head),
    ]
    for name, (samples, unchanged) in latency.items():
        s = sorted(samples)
        if not s:
            rows.append(f"{name:<26}{0:>6}  (no repaint measured)")
            continue
        rows.append(f"{name:<26}{len(s):>6}{percentile(s, 50):>9.1f}{percentile(s, 95):>9.1f}"
                    f"{s[0]:>9.1f}{s[-1]:>9.1f}{unchanged:>9}")
    rows.append("same px: moves whose repaint left the pixels unchanged (a sub-pixel step)")
    return "\n".join(rows)


def percentile(sorted_values, q) -> float:
    """Nearest-rank percentile of an already sorted list."""
    k = max(1, -(-len(sorted_values) * q // 100))   # ceil(n q / 100), at least 1
    return float(sorted_values[int(k) - 1])


class BrowserReport:
    """What the "browser tests" section of pytest's report shows; also written to test-artifacts/."""

    def __init__(self):
        self.skipped: tuple[int, str] | None = None
        self.latency: dict[str, tuple[list[float], int]] = {}
        self.notebooks: dict[str, dict] = {}
        self.artifacts: list[str] = []

    def artifact(self, name: str) -> Path:
        """A path in test-artifacts/ (created), listed at the end of the run."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        if str(path) not in self.artifacts:
            self.artifacts.append(str(path))
        return path

    def add_notebook(self, notebook: str, *, cells: int, seconds: float, widgets: int,
                     figures: int, problems: list[str]) -> None:
        """Record one notebook's Run All; rewrite browser-notebooks.txt."""
        result = "clean" if not problems else f"FAILED ({len(problems)} problems: {problems[0][:80]})"
        self.notebooks[notebook] = dict(cells=cells, seconds=seconds, widgets=widgets,
                                        figures=figures, result=result)
        self.artifact("browser-notebooks.txt").write_text(
            format_notebook_table(self.notebooks) + "\n", encoding="utf-8")

    def add_latency(self, explorer: str, samples: list[float], unchanged: int = 0) -> str:
        """Record one explorer's samples; rewrite browser-latency.txt; return the table."""
        self.latency[explorer] = (list(samples), unchanged)
        table = format_latency_table(self.latency)
        self.artifact("browser-latency.txt").write_text(table + "\n", encoding="utf-8")
        return table


@pytest.fixture(scope="session")
def browser_report(pytestconfig) -> BrowserReport:
    """Latency samples and artifact paths, shown at the end of the run."""
    return pytestconfig.stash[REPORT_KEY]


# ----------------------------------------------------------- the server
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str, method: str = "GET", timeout: float = 5.0):
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    return json.loads(body) if body else None


class LabServer:
    """A JupyterLab server on 127.0.0.1 serving a temporary copy of course/."""

    def __init__(self, root: Path, port: int, process: subprocess.Popen, log_path: Path):
        self.root = root
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = process
        self.log_path = log_path

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def kernels(self) -> list:
        return _get_json(f"{self.url}/api/kernels")

    def shutdown_kernels(self) -> None:
        for kernel in self.kernels():
            with contextlib.suppress(urllib.error.URLError, OSError):
                _get_json(f"{self.url}/api/kernels/{kernel['id']}", method="DELETE", timeout=30)


def _write_lab_settings(settings: Path) -> None:
    """User settings: no news pop-up and no update check (this machine may be offline)."""
    notification = settings / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    # keys and values as in jupyterlab's schema apputils-extension/notification.json
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """Start ``jupyter lab`` (no token, free port, temp root) and stop it and its kernels."""
    from mlekit.teaching.workspace import ensure_lab_settings

    ensure_lab_settings()      # as `mlekit start` does: the self-study help opens only on a click
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = base / "settings"
    _write_lab_settings(settings)
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)            # the kernel picks its own, as for a student
    env.update({
        # this checkout's mlekit, whatever is installed
        "PYTHONPATH": os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])]),
        # keep the user's own Jupyter/IPython config out of the test
        "JUPYTER_CONFIG_DIR": str(base / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(base / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(base / "jupyter-runtime"),
        "IPYTHONDIR": str(base / "ipython"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    })
    port = _free_port()
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root}", "--expose-app-in-browser",
        # the same server serves Notebook 7 (/notebooks/...), for test_notebook7.py
        "--JupyterNotebookApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={base / 'workspaces'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:   # containers and CI often run as root
        command.append("--allow-root")
    log_path = base / "jupyter-lab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=base, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = LabServer(root, port, process, log_path)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"jupyter lab exited with code {process.returncode}:\n{server.log_tail()}")
            try:
                _get_json(f"{server.url}/api/status", timeout=2)
                break
            except (urllib.error.URLError, OSError, ValueError):
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not answer within {SERVER_START_TIMEOUT} s:\n"
                                f"{server.log_tail()}")
                time.sleep(0.2)
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.shutdown_kernels()
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)   # its own session: server + kernels
            process.wait(timeout=10)


# ----------------------------------------------------------- the browser
@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium driven by Playwright (sync API)."""
    from playwright.sync_api import sync_playwright

    headed = os.environ.get("MLEKIT_BROWSER_HEADED", "") not in ("", "0")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=not headed)
        try:
            yield browser
        finally:
            browser.close()


#: failed requests that are not a problem of the course, each with the reason. Empty:
#: measured with every lesson (JupyterLab 4, Chromium, offline), no request failed, so
#: none is excused; add a (regex on "METHOD URL", reason) pair only with a reason.
BENIGN_REQUESTS: list[tuple[str, str]] = []


class Lab:
    """One JupyterLab page plus the helpers in lab_helpers.js (``window.mlekitTest``).

    ``console`` collects the page's errors and warnings, ``network`` every request
    that failed (``requestfailed``: refused, aborted, blocked) or was answered with
    a status of 400 or more, as ``"METHOD URL -> what"``; tests take the part
    recorded since they started (``console_since`` / ``network_since``).
    """

    def __init__(self, page, server: LabServer):
        self.page = page
        self.server = server
        self.console: list[str] = []
        self.network: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console.append(f"uncaught: {exc}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _record_request(self, method: str, url: str, what: str) -> None:
        import re

        line = f"{method} {url}"
        if not any(re.search(pattern, line) for pattern, _reason in BENIGN_REQUESTS):
            if len(url) > 160:                 # e.g. a base64 image taken for a path
                line = f"{method} {url[:160]}… ({len(url)} characters)"
            self.network.append(f"{line} -> {what}")

    def _on_request_failed(self, request) -> None:
        self._record_request(request.method, request.url, f"failed ({request.failure})")

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self._record_request(response.request.method, response.url,
                                 f"HTTP {response.status} {response.status_text}".rstrip())

    def network_since(self, start: int) -> list[str]:
        return self.network[start:]

    def _on_console(self, msg) -> None:
        # our own getImageData polling triggers Chromium's willReadFrequently hint
        if msg.type in ("error", "warning") and "willReadFrequently" not in msg.text:
            self.console.append(f"{msg.type}: {msg.text}")

    def call(self, name: str, *args):
        """``await window.mlekitTest[name](...args)`` in the page."""
        return self.page.evaluate(
            "([name, args]) => window.mlekitTest[name](...args)", [name, list(args)])

    def wait_for(self, name: str, *args, timeout_s: float, polling_ms: int = 200):
        """Poll ``window.mlekitTest[name](...args)`` until truthy; False on timeout."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(
                "([name, args]) => window.mlekitTest[name](...args)", arg=[name, list(args)],
                timeout=timeout_s * 1000, polling=polling_ms)
            return True
        except PlaywrightTimeout:
            return False

    def close(self, path: str) -> None:
        """Close a notebook and shut its kernel down (the server's teardown catches the rest)."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            self.call("close", path)
        except PlaywrightError:     # page gone: do not hide the test's own failure
            pass

    def console_since(self, start: int) -> list[str]:
        return self.console[start:]


@pytest.fixture(scope="session")
def lab(lab_server, chromium):
    """A loaded JupyterLab page (fresh workspace) with the test helpers installed."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    lab = Lab(page, lab_server)
    page.goto(f"{lab_server.url}/lab?reset", timeout=LAB_LOAD_TIMEOUT)
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=LAB_LOAD_TIMEOUT)
    page.evaluate((HERE / "lab_helpers.js").read_text(encoding="utf-8"))
    lab.version = lab.call("ready")
    lab.load_requests = list(lab.network)      # failed while JupyterLab itself loaded
    try:
        yield lab
    finally:
        context.close()
