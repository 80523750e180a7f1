"""The course's one plotting style: colour-blind-safe colours, fonts, labels.

Colours come from the Okabe–Ito palette, which stays distinguishable for
the common forms of colour blindness. Each quantity the course plots keeps
one colour in every figure (likelihood blue, NLL vermillion, …) so a student
learns to read them at a glance.

>>> from mlekit.plotting import style
>>> style.COLORS["nll"]
'#D55E00'
>>> style.param_label("sigma")
'$\\\\sigma$'
"""

from __future__ import annotations

import contextlib
import dataclasses
from importlib import resources

import matplotlib as mpl
from cycler import cycler
from matplotlib import font_manager

__all__ = ["PALETTE", "COLORS", "RC", "course_style", "use_course_style", "param_label",
           "FIGURE_DPI", "HANGUL_FONT", "register_fonts", "enable_hangul"]

#: the Korean font shipped in mlekit/data/fonts (NanumGothic, SIL OFL 1.1; see OFL.txt there)
HANGUL_FONT = "NanumGothic"
_FONT_FILE = "NanumGothic.ttf"

#: Okabe & Ito (2008) colour-blind-safe palette
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#7F7F7F",
}

#: one colour per quantity, the same in every figure of the course
COLORS = {
    "likelihood": PALETTE["blue"],
    "log_likelihood": PALETTE["green"],
    "nll": PALETTE["vermillion"],
    "gradient": PALETTE["purple"],
    "current": PALETTE["orange"],
    "mle": PALETTE["black"],
    "data": PALETTE["grey"],
    "model": PALETTE["blue"],
    "mse": PALETTE["blue"],
    "bce": PALETTE["vermillion"],
    "path": PALETTE["orange"],
    "target": PALETTE["green"],
}

FIGURE_DPI = 100

#: rcParams of the course style
RC = {
    "figure.dpi": FIGURE_DPI,
    "savefig.dpi": FIGURE_DPI,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.prop_cycle": cycler(color=[PALETTE[c] for c in
                                     ("blue", "vermillion", "green", "orange", "purple",
                                      "sky", "black")]),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "lines.linewidth": 2.0,
    "lines.markersize": 7,
    "mathtext.fontset": "dejavusans",
    "axes.formatter.use_mathtext": True,
    "axes.formatter.limits": (-3, 4),
    "axes.unicode_minus": True,
    # DejaVu Sans draws Latin letters, digits and the minus sign; every glyph it lacks
    # (Hangul) falls back to the bundled NanumGothic (matplotlib >= 3.6 font fallback)
    "font.family": ["DejaVu Sans", HANGUL_FONT],
}

_PARAM_LABELS = {"p": "$p$", "mu": r"$\mu$", "sigma": r"$\sigma$", "b": "$b$",
                 "theta": r"$\theta$", "w": "$w$"}


def param_label(name: str) -> str:
    """Math-text label for a parameter name (``"mu"`` -> ``$\\mu$``)."""
    return _PARAM_LABELS.get(name, f"${name}$")


_registered = False


def register_fonts() -> None:
    """Make the bundled Korean font known to matplotlib (idempotent, no network, no cache files).

    NanumGothic ships in one weight. Bold text (the course's titles) would make
    matplotlib log "Failed to find font weight bold"; the regular face is
    registered for the bold weight too, so Hangul in bold titles is drawn in the
    regular weight, silently.
    """
    global _registered
    if _registered:
        return
    path = str(resources.files("mlekit").joinpath("data", "fonts", _FONT_FILE))
    font_manager.fontManager.addfont(path)
    regular = next(f for f in font_manager.fontManager.ttflist if f.fname == path)
    for weight in (600, 700, 800):
        font_manager.fontManager.ttflist.append(dataclasses.replace(regular, weight=weight))
    cached = getattr(font_manager.fontManager, "_findfont_cached", None)
    if hasattr(cached, "cache_clear"):
        cached.cache_clear()                                   # forget lookups made before
    _registered = True


@contextlib.contextmanager
def course_style():
    """Context manager: draw with the course style without changing global settings."""
    register_fonts()
    with mpl.rc_context(RC):
        yield


def use_course_style() -> None:
    """Turn the course style (Korean text included) on for every later figure in this session.

    Korean works in ordinary text: titles, labels, legends, annotations. Text
    inside ``$...$`` is typeset by matplotlib's math renderer, whose fonts have
    no Hangul, so keep Korean words outside the dollar signs, e.g.
    ``ax.set_title("우도 (likelihood)")`` and ``ax.set_ylabel("$L(p)$")``.
    """
    register_fonts()
    mpl.rcParams.update(RC)


def enable_hangul() -> None:
    """Draw Korean text with real glyphs in every later figure, without the rest of the style.

    >>> import matplotlib as mpl
    >>> from mlekit.plotting import style
    >>> with mpl.rc_context():
    ...     style.enable_hangul()
    ...     mpl.rcParams["font.family"]
    ['DejaVu Sans', 'NanumGothic']
    """
    register_fonts()
    mpl.rcParams["font.family"] = ["DejaVu Sans", HANGUL_FONT]
