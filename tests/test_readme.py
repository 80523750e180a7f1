"""The README's lab command works: its extras exist and are installed, and the
``mlekit start`` it runs prepares the self-study edition in ``./mlekit-course``
and starts a JupyterLab there that opens lesson 00 with the widget and ipympl
front-end extensions loaded.

``.ci/run`` already runs the README's *test* command in a fresh virtual
environment; this test covers the other command a newcomer types. The
``pip install`` half is checked against the installed package metadata (the
test environment installs ``[test]``, which must include everything ``[lab]``
needs), and the ``jupyter lab`` half is run verbatim.

The README's Python snippet ("a taste of the package") is run line by line,
and every comment that states a value (``# {'p': 0.7}``, ``# 6.93…``) is
compared with what the line returns, so the README cannot drift from the API.
"""
from __future__ import annotations

import ast
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import json
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60


def readme_block(marker: str) -> str:
    """The first line of the code block after ``<!-- marker -->`` in README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(re.escape(marker) + r"\s*```\w*\n(.+?)\n", text)
    assert match, f"README.md has no code block after {marker}"
    return match.group(1).strip()


def lab_command() -> tuple[str, str]:
    install, _, run = readme_block("<!-- lab-command -->").partition("&&")
    assert run, "the lab command should be 'pip install ... && mlekit start'"
    return install.strip(), run.strip()


def test_lab_command_installs_extras_that_exist_and_are_installed():
    install, _ = lab_command()
    words = shlex.split(install)
    assert words[:3] == ["pip", "install", "-e"], install
    target = words[3]
    extras = re.fullmatch(r"\.\[([\w,-]+)\]", target)
    assert extras, f"expected an install of this checkout with extras, got {target!r}"
    wanted = set(extras.group(1).split(","))
    dist = metadata.metadata("mlekit")
    provided = set(dist.get_all("Provides-Extra") or [])
    assert wanted <= provided, f"README asks for extras {wanted - provided} that pyproject.toml lacks"

    missing = []
    for line in dist.get_all("Requires-Dist") or []:
        req = Requirement(line)
        applies = req.marker is None or any(req.marker.evaluate({"extra": e}) for e in wanted | {""})
        if not applies:
            continue
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            missing.append(f"{req} (not installed)")
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            missing.append(f"{req} (found {version})")
    assert not missing, "the lab command's requirements are not all met: " + ", ".join(missing)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_lab_command_opens_lesson_00_with_widget_extensions(tmp_path):
    _, run = lab_command()
    words = shlex.split(run)
    assert words == ["mlekit", "start"], run
    config = tmp_path / "config"
    config.mkdir()
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # CI containers run as root, which Jupyter refuses unless told; the command stays as typed
        (config / "jupyter_server_config.json").write_text(
            json.dumps({"ServerApp": {"allow_root": True}}))
    work = tmp_path / "student"
    work.mkdir()

    port, token = _free_port(), "mlekit-readme-test"
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env.update({
        # the command exactly as typed; only where it listens and who may connect change
        "JUPYTER_PORT": str(port),
        "JUPYTER_TOKEN": token,
        "BROWSER": "true",                                   # "open" the page with /bin/true
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    })
    log_path = tmp_path / "lab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(words, cwd=work, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"'{run}' exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                _get(f"{base}/api/status?token={token}")
                break
            except (urllib.error.URLError, OSError, ValueError):
                if time.monotonic() > deadline:
                    pytest.fail(f"'{run}' did not answer in {START_TIMEOUT} s:\n{log_path.read_text()}")
                time.sleep(0.3)

        # the command made the student's copy, and the server serves it (not course/)
        course = work / "mlekit-course"
        assert (course / ".mlekit-edition.json").is_file()
        served = _get(f"{base}/api/contents/00_start_here.ipynb?token={token}&content=1")
        assert served["type"] == "notebook"
        study = _get(f"{base}/api/contents/04_phone_survey.ipynb?token={token}&content=1")
        cells = study["content"]["cells"]
        assert any("mlekit-help" in c["metadata"].get("tags", []) for c in cells)
        assert not any("### BEGIN SOLUTION" in c["source"] for c in cells)
        # the page it asked the browser to open is lesson 00
        opened = " ".join(p.read_text(errors="replace") for p in (tmp_path / "runtime").glob("*open.html"))
        assert "lab/tree/00_start_here.ipynb" in opened, "the browser was not sent to lesson 00"

        # the front-end extensions that make the explorers live in JupyterLab
        names = {ext["name"] for ext in _get(f"{base}/lab/api/extensions?token={token}")}
        for needed in ("jupyter-matplotlib", "jupyter-widgets-jupyterlab-manager"):
            assert needed in names, f"JupyterLab lacks the {needed} extension; it has {sorted(names)}"
        log_text = log_path.read_text(errors="replace")
        n_lessons = len(list((ROOT / "course").glob("[0-9][0-9]_*.ipynb")))
        assert f"{n_lessons} added" in log_text
        assert "opening JupyterLab at 00_start_here.ipynb" in log_text
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


# ------------------------------------------------------------ the README's taste of the package
def readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def claimed(comment: str):
    """The value a README comment states, if it starts with one: ``{'p': 0.7}`` or ``6.93…``."""
    comment = comment.strip()
    if comment.startswith("{"):
        return ast.literal_eval(comment[: comment.index("}") + 1])
    number = re.match(r"-?\d+(?:\.\d+)?(…)?", comment)
    if number:
        return (number.group(0).rstrip("…"), bool(number.group(1)))
    return None


def test_readme_python_snippets_run_and_print_what_their_comments_say():
    blocks = readme_python_blocks()
    assert blocks, "README.md has no python block"
    checked = 0
    for block in blocks:
        namespace: dict = {}
        for line in block.splitlines():
            code, _, comment = line.partition("#")
            if not code.strip():
                continue
            try:
                compiled = compile(code, "README.md", "eval")
            except SyntaxError:
                exec(compile(code, "README.md", "exec"), namespace)
                continue
            value = eval(compiled, namespace)
            want = claimed(comment)
            if isinstance(want, dict):
                assert value.keys() == want.keys(), line
                for key in want:
                    assert float(value[key]) == pytest.approx(want[key]), line
                checked += 1
            elif isinstance(want, tuple):
                digits, truncated = want
                if truncated:                     # "6.93…": the value starts with these digits
                    assert str(float(value)).startswith(digits), (line, value)
                else:                             # "0.7": the value rounds to these digits
                    decimals = len(digits.partition(".")[2])
                    assert f"{float(value):.{decimals}f}" == digits, (line, value)
                checked += 1
    assert checked >= 3, f"only {checked} README comments were checked"
