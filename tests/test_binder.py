"""Simulate the Binder build without Docker, then run the whole course in the result.

What mybinder.org does with ``binder/`` is: install ``requirements.txt``
into the image's Python, run ``postBuild`` from the repository root, and open
JupyterLab at the badge's URL. This test does the same in a brand-new virtual
environment (with a throw-away HOME so postBuild's settings land there), then
executes every lesson of the self-study edition that postBuild prepared
(``mlekit-course/``, what the badge opens) with that environment's own
kernel: every lesson cell must run, and only exercise cells may stop (with
NotImplementedError or the check's message). A pin that breaks any lesson
fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

from edition_helpers import exercise_failures


ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"

RUN_ALL = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import nbformat
    from nbclient import NotebookClient
    results = {}
    out_dir = Path(sys.argv[2])
    for path in sorted(Path(sys.argv[1]).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        nbformat.write(nb, out_dir / path.name)          # the executed copy, for the test
        results[path.name] = {"seconds": round(time.perf_counter() - start, 1)}
    print(json.dumps(results))
""")


def test_binder_files_are_what_binder_reads():
    assert (BINDER / "requirements.txt").is_file() and (BINDER / "postBuild").is_file()
    assert os.access(BINDER / "postBuild", os.X_OK), "postBuild must be executable"
    post = (BINDER / "postBuild").read_text()
    assert post.startswith("#!/bin/bash") and "set -e" in post.split("\n", 3)[1] + post
    assert "pip install --no-deps ." in post
    pins = [line for line in (BINDER / "requirements.txt").read_text().splitlines()
            if line and not line.startswith("#")]
    assert all("==" in line for line in pins), "every requirement is pinned"
    names = {line.split("==")[0].lower() for line in pins}
    assert {"numpy", "matplotlib", "ipywidgets", "ipympl", "jupyterlab", "ipykernel"} <= names
    assert "mlekit start --no-lab mlekit-course" in post
    readme = (ROOT / "README.md").read_text()
    assert "mybinder.org/v2/gh/" in readme
    assert "urlpath=lab/tree/mlekit-course/00_start_here.ipynb" in readme


def test_binder_build_runs_every_notebook(tmp_path):
    venv, home = tmp_path / "venv", tmp_path / "home"
    home.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=600)
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "MPLBACKEND", "VIRTUAL_ENV", "JUPYTER_PATH",
                        "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", HOME=str(home),
               VIRTUAL_ENV=str(venv), PIP_DISABLE_PIP_VERSION_CHECK="1")
    python = str(bin_dir / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "-r",
                    str(BINDER / "requirements.txt")], check=True, timeout=1800, env=env)
    # postBuild runs from the repository root, as on Binder (a copy, so the build leaves
    # nothing behind in the checkout)
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(
        ".git", ".venv", "venv", "*.egg-info", "build", "__pycache__", ".pytest_cache",
        "test-artifacts", ".ipynb_checkpoints", "mlekit-course", ".venv-newest"))
    subprocess.run(["bash", str(repo / "binder" / "postBuild")], cwd=repo, check=True,
                   timeout=900, env=env)
    settings = home / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension"
    assert json.loads((settings / "notification.jupyterlab-settings").read_text()) == {
        "fetchNews": "false", "checkForUpdates": False}
    # the installed mlekit is the non-editable copy from postBuild, not this checkout, and
    # the lessons it prepared came from the notebooks inside that installed package
    where = subprocess.run(
        [python, "-c", "import mlekit, mlekit.teaching as t; print(mlekit.__file__); "
                       "print(t.course_source())"],
        capture_output=True, text=True, check=True, env=env, cwd=tmp_path)
    module, source = where.stdout.split()
    assert str(venv) in module and source.startswith(str(venv)) and source.endswith("_course")
    edition = repo / "mlekit-course"
    notebooks = sorted(p.name for p in (ROOT / "course").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in edition.glob("*.ipynb")) == notebooks
    assert "### BEGIN SOLUTION" not in "".join(p.read_text() for p in edition.glob("*.ipynb"))
    executed = tmp_path / "executed"
    executed.mkdir()
    run = subprocess.run([python, "-c", RUN_ALL, str(edition), str(executed)],
                         capture_output=True, text=True, timeout=3600, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout.strip().splitlines()[-1])
    assert sorted(results) == notebooks
    print("\nBinder simulation (self-study edition): notebook, seconds, cells that stopped")
    for name, res in results.items():
        nb = nbformat.read(executed / name, as_version=4)
        counts = exercise_failures(nb, name)        # asserts: only exercise cells stop
        print(f"  {name:<40} {res['seconds']:6.1f} s  {counts['lesson']} lesson cells ran, "
              f"{counts['solution']} answer + {counts['check']} check cells waiting for you")
