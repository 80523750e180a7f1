"""pyproject.toml lists mlekit's packages by hand (course/ ships as mlekit/_course), so a
new folder of modules must be added there; this test fails until it is."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")        # Python 3.11+; the CI's Pythons have it


def config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_folder_of_mlekit_is_a_listed_package():
    listed = set(config()["tool"]["setuptools"]["packages"])
    folders = {".".join(p.relative_to(ROOT).parts) for p in (ROOT / "mlekit").rglob("*")
               if p.is_dir() and p.name != "__pycache__"
               and any(child.is_file() for child in p.iterdir())}
    folders.add("mlekit")
    assert folders - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - folders == {"mlekit._course"}


def test_the_course_ships_as_package_data():
    setuptools = config()["tool"]["setuptools"]
    assert setuptools["package-dir"]["mlekit._course"] == "course"
    pattern = setuptools["package-data"]["mlekit._course"]
    assert pattern == ["[0-9][0-9]_*.ipynb"]
    assert sorted(ROOT.joinpath("course").glob(pattern[0]))
