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

import matplotlib as mpl
from cycler import cycler

__all__ = ["PALETTE", "COLORS", "RC", "course_style", "use_course_style", "param_label",
           "FIGURE_DPI"]

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
}

_PARAM_LABELS = {"p": "$p$", "mu": r"$\mu$", "sigma": r"$\sigma$", "b": "$b$",
                 "theta": r"$\theta$", "w": "$w$"}


def param_label(name: str) -> str:
    """Math-text label for a parameter name (``"mu"`` -> ``$\\mu$``)."""
    return _PARAM_LABELS.get(name, f"${name}$")


@contextlib.contextmanager
def course_style():
    """Context manager: draw with the course style without changing global settings."""
    with mpl.rc_context(RC):
        yield


def use_course_style() -> None:
    """Turn the course style on for every later figure in this session."""
    mpl.rcParams.update(RC)
