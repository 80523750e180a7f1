"""Korean text in mlekit figures: real glyphs from the bundled font, no missing-glyph warnings.

matplotlib reports a missing glyph in two ways: a ``UserWarning`` ("Glyph …
missing from font(s) …", from the Agg renderer) and a log record ("Font
'default' does not have a glyph …", from mathtext; "findfont: …" when a
family is unknown). The tests fail on either.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import subprocess
import textwrap
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from mlekit.plotting import style

HANGUL = "우도 · 음의 로그 우도 · 교차 엔트로피 · 최대우도추정"
ROOT = Path(__file__).resolve().parent.parent


def render(text, rc=None, fontsize=20):
    """Pixels of *text* drawn alone on a small white figure."""
    import matplotlib as mpl

    with mpl.rc_context(rc or {}):
        fig = Figure(figsize=(1.2, 0.6), dpi=100)
        FigureCanvasAgg(fig)
        fig.text(0.05, 0.2, text, fontsize=fontsize)
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


def test_bundled_font_and_its_licence_ship_inside_the_package():
    fonts = resources.files("mlekit").joinpath("data", "fonts")
    assert fonts.joinpath("NanumGothic.ttf").is_file()
    licence = fonts.joinpath("OFL.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License" in licence and "NAVER" in licence


def test_course_style_draws_hangul_and_minus_without_any_missing_glyph(caplog):
    caplog.set_level(logging.DEBUG, logger="matplotlib")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with style.course_style():
            fig = Figure(figsize=(6, 3), layout="constrained")
            FigureCanvasAgg(fig)
            ax = fig.subplots()
            ax.plot([-2, 0, 2], [-1, 0, 3])
            ax.set_title("음의 로그 우도 (NLL) −1")          # bold title, Hangul, U+2212 minus
            ax.set_xlabel("파라미터 θ")       # Korean stays outside $...$ (see use_course_style)
            ax.set_ylabel("손실 함수 J")
            ax.legend(["교차 엔트로피"])
            fig.canvas.draw()
    glyph_warnings = [str(w.message) for w in caught if "lyph" in str(w.message)]
    log_problems = [r.getMessage() for r in caplog.records
                    if r.levelno >= logging.INFO and ("glyph" in r.getMessage().lower()
                                                      or "findfont" in r.getMessage())]
    assert glyph_warnings == [] and log_problems == []


def test_hangul_is_drawn_with_real_glyphs_not_boxes():
    with style.course_style():
        fallback = render("우도")
    # without the bundled font, DejaVu Sans has no Hangul: matplotlib draws boxes and warns
    with pytest.warns(UserWarning, match="missing from font"):
        boxes = render("우도", {"font.family": ["DejaVu Sans"]})
    assert (fallback != boxes).any()
    ink = (fallback < 128).all(axis=-1)
    assert ink.sum() > 40          # strokes were drawn
    # two different syllables give different shapes (a box font would draw the same box)
    with style.course_style():
        assert (render("우") != render("도")).any()


def test_enable_hangul_is_one_call():
    import matplotlib as mpl

    with mpl.rc_context():
        style.enable_hangul()
        assert mpl.rcParams["font.family"] == ["DejaVu Sans", style.HANGUL_FONT]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            render(HANGUL, fontsize=8)


def _runs(python):
    try:
        return subprocess.run([python, "-c", "import venv"], capture_output=True,
                              timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _other_pythons():
    found = {}
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    for minor in ("3.10", "3.12", "3.13"):
        candidates = sorted(glob.glob(os.path.join(pyenv, "versions", f"{minor}.*", "bin",
                                                   f"python{minor}")))
        candidates.append(shutil.which(f"python{minor}"))
        found[minor] = next((c for c in candidates if c and _runs(c)), None)
    return found


OTHER_PYTHONS = _other_pythons()

SCRIPT = textwrap.dedent(f"""
    import warnings, logging, sys
    warnings.simplefilter("error")
    logging.basicConfig(level=logging.WARNING)
    problems = []
    class Catch(logging.Handler):
        def emit(self, record):
            problems.append(record.getMessage())
    logging.getLogger("matplotlib").addHandler(Catch())
    from mlekit.plotting import style
    from matplotlib.figure import Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    with style.course_style():
        fig = Figure(); FigureCanvasAgg(fig)
        ax = fig.subplots(); ax.set_title({HANGUL!r} + " −1"); ax.plot([-1, 1])
        fig.canvas.draw()
    assert not problems, problems
    print("hangul ok on", sys.version.split()[0])
""")


@pytest.mark.parametrize("minor", sorted(OTHER_PYTHONS))
def test_hangul_on_other_python_versions(minor, tmp_path):
    """The font set-up needs nothing removed from newer Pythons (e.g. distutils, gone in 3.12)."""
    python = OTHER_PYTHONS[minor]
    if python is None:
        pytest.skip(f"Python {minor} is not installed on this machine")
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    vpy = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MPLBACKEND")}
    subprocess.run([vpy, "-m", "pip", "install", "-q", "numpy", "matplotlib"], check=True,
                   timeout=900, env=env)
    subprocess.run([vpy, "-m", "pip", "install", "-q", "--no-deps", str(ROOT)],
                   check=True, timeout=900, env=env)
    out = subprocess.run([vpy, "-c", SCRIPT], capture_output=True, text=True, timeout=300,
                         env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert f"hangul ok on {minor}" in out.stdout
