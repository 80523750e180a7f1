r"""OptimizerExplorer: race gradient descent, momentum, RMSProp and Adam on one loss surface.

Four step rules of :mod:`mlekit.step_rules`, run by :func:`mlekit.optim.descend`
from the same start: plain gradient descent :math:`\theta^{+} = \theta - \alpha g`,
heavy-ball momentum (:math:`v^{+} = \beta v - \alpha g`, :math:`\theta^{+} = \theta + v^{+}`),
RMSProp and Adam (:math:`\beta_1`, :math:`\beta_2`, bias-corrected). Three surfaces:
an ill-conditioned ravine (condition number 100: GD zig-zags across it),
Rosenbrock's curved valley, and a double well with a saddle point, where the
start and the method decide which minimum a run reaches.

GD and momentum share one learning rate; RMSProp and Adam share another,
because their step is about α in each coordinate whatever the gradient's
scale, so the two rates live on different scales. RMSProp uses its default
decay β = 0.9.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .. import _validation as V
from ..optim import descend
from ..plotting.format import fmt_number as _fmt
from ..plotting.optimizer import LABELS, METHOD_COLORS, METHODS, OptimizerView
from ..surfaces import QuadraticBowl2D, Rosenbrock, TwoMinima2D
from ._canvas import live_canvas
from .base import Explorer

__all__ = ["OptimizerExplorer", "SURFACES", "SETTINGS", "BETAS", "BETA1S", "BETA2S"]

#: surface key -> label in the dropdown
SURFACES = {"ravine": "ravine (condition number 100)", "rosenbrock": "Rosenbrock's valley",
            "two-minima": "two minima and a saddle"}
#: per surface: default learning rates (GD/momentum and RMSProp/Adam), the GD/momentum
#: slider's range (powers of ten) and the starts offered (the first is the default)
SETTINGS = {
    "ravine": dict(lr=0.009, lr_adaptive=0.1, lr_range=(-4.0, -1.0),
                   starts=[(-4.5, 2.0), (4.0, -2.5), (-2.0, 2.8)]),
    "rosenbrock": dict(lr=0.0015, lr_adaptive=0.05, lr_range=(-5.0, -2.0),
                       starts=[(-1.2, 1.0), (1.5, 0.0), (-1.5, 2.5)]),
    "two-minima": dict(lr=0.05, lr_adaptive=0.05, lr_range=(-3.0, 0.0),
                       starts=[(1.8, -1.0), (0.5, -1.2), (-1.8, 1.0)]),
}
#: the choices offered for momentum's β and Adam's β1, β2
BETAS = {b: f"{b:g}" for b in (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)}
BETA1S = {b: f"{b:g}" for b in (0.5, 0.8, 0.9, 0.95)}
BETA2S = {b: f"{b:g}" for b in (0.9, 0.99, 0.999)}
#: the RMSProp / Adam learning-rate slider's range (powers of ten)
ADAPTIVE_RANGE = (-3.0, 0.0)


class OptimizerExplorer(Explorer):
    """GD, momentum, RMSProp and Adam from one start: paths on the contours, loss per step.

    Parameters
    ----------
    model : {"ravine", "rosenbrock", "two-minima"}
        The loss surface to race on first (a dropdown switches later):
        :class:`~mlekit.surfaces.QuadraticBowl2D` with curvatures (1, 100),
        :class:`~mlekit.surfaces.Rosenbrock` or
        :class:`~mlekit.surfaces.TwoMinima2D`.
    theta0 : (float, float), optional
        Starting point on the first surface (default: its first offered
        start); it is added to the starts offered there.
    lr : float, optional
        Learning rate α of GD and momentum on the first surface.
    lr_adaptive : float, optional
        Learning rate α of RMSProp and Adam on the first surface.
    beta : float
        Momentum's β (one of :data:`BETAS`; 0 is plain gradient descent).
    beta1, beta2 : float
        Adam's decay rates (one of :data:`BETA1S`, :data:`BETA2S`).
    steps : int
        Updates in every run (the step slider's range).

    Examples
    --------
    >>> import mlekit as mk
    >>> explorer = mk.widgets.OptimizerExplorer("ravine", theta0=(2.0, 1.0), lr=0.005)
    >>> explorer.main_slider.value = 1          # (2, 1) - 0.005 * (2 * 2, 2 * 100 * 1)
    >>> explorer.view.readout["methods"]["gd"]["theta"].tolist()
    [1.98, 0.0]
    >>> explorer.close()
    """

    def __init__(self, model="ravine", *, theta0=None, lr=None, lr_adaptive=None, beta=0.9,
                 beta1=0.9, beta2=0.999, steps=200):
        self.surface_dropdown = self.choice("surface", SURFACES, model, name="model",
                                            width="290px")
        self.steps = V.check_int(steps, "steps", minimum=1)
        self.surfaces, self.key = _surfaces(), model
        self._settings = _first_settings(self.surfaces[model], model, theta0, lr, lr_adaptive)
        self.start_dropdown = self.choice("start θ₀", {0: ""}, 0, width="210px")
        self.beta_dropdown = self.choice("β", BETAS, _num(beta, "beta"), name="beta",
                                         width="140px", description_width="30px")
        self.beta1_dropdown = self.choice("β₁", BETA1S, _num(beta1, "beta1"), name="beta1",
                                          width="140px", description_width="30px")
        self.beta2_dropdown = self.choice("β₂", BETA2S, _num(beta2, "beta2"), name="beta2",
                                          width="150px", description_width="30px")
        self.lr_slider = self.slider("lr GD, mom.", 0.01, -4, -1, kind="log", width="360px",
                                     fmt=".3g")
        self.lr_adaptive_slider = self.slider("lr RMSP, Adam", 0.1, *ADAPTIVE_RANGE,
                                              kind="log", width="360px", fmt=".3g")
        self.main_slider = self.step_slider = self.slider("step k", self.steps, 0, self.steps,
                                                          kind="int", width="480px")
        self.play = widgets.Play(value=self.steps, min=0, max=self.steps, step=1, interval=80,
                                 description="play")
        self._links = [widgets.link((self.play, key), (self.step_slider, key))
                       for key in ("value", "max")]
        self._configure(model)
        view = OptimizerView(self.surface, self.run(), step=self.steps, n_steps=self.steps,
                             canvas_factory=live_canvas)
        super().__init__(view, [[self.surface_dropdown, self.start_dropdown, self.beta_dropdown,
                                 self.beta1_dropdown, self.beta2_dropdown],
                                [self.lr_slider, self.lr_adaptive_slider],
                                [self.play, self.step_slider]],
                         caption="Press ▶ or drag 'step k': the four optimisers step together. "
                                 "Change α, β or the start: the race reruns.")
        self.on_change(self.surface_dropdown, self._surface_changed)
        for control in (self.start_dropdown, self.beta_dropdown, self.beta1_dropdown,
                        self.beta2_dropdown, self.lr_slider, self.lr_adaptive_slider):
            self.on_change(control, lambda _: self._rerun())
        self.bind(step=self.step_slider)
        self.on_change(self.play, self._rewind, names="playing")
        self.show_readout()

    @classmethod
    def example(cls):
        """The ravine, where GD zig-zags and momentum and Adam race ahead (lesson 09)."""
        return cls("ravine")

    def __repr__(self) -> str:
        return f"OptimizerExplorer(model={self.key!r})"

    # ------------------------------------------------------------- the state
    @property
    def surface(self):
        """The loss surface of the current race."""
        return self.surfaces[self.key]

    @property
    def trajectories(self):
        """The runs shown: ``{method: mlekit.optim.Trajectory}``."""
        return self.view.trajectories

    @property
    def start(self):
        """The starting point θ₀ chosen in the start dropdown (an array of two numbers)."""
        return np.array(self._settings[self.key]["starts"][self.start_dropdown.value], float)

    def hyper(self, method) -> dict:
        """The hyper-parameters the controls give *method* (keywords of :func:`descend`)."""
        if method == "momentum":
            return {"beta": self.beta_dropdown.value}
        if method == "adam":
            return {"beta1": self.beta1_dropdown.value, "beta2": self.beta2_dropdown.value}
        return {}

    def run(self):
        """The four runs for the current controls, each from :func:`mlekit.optim.descend`."""
        rates = {"gd": self.lr_slider.value, "momentum": self.lr_slider.value,
                 "rmsprop": self.lr_adaptive_slider.value, "adam": self.lr_adaptive_slider.value}
        return {m: descend(self.surface, self.start, rates[m], self.steps, method=m,
                           **self.hyper(m)) for m in METHODS}

    # ------------------------------------------------------------ callbacks
    def _configure(self, key):
        """Set the sliders and the start dropdown for surface *key* without running anything."""
        saved = self._settings[key]
        with self.hold():
            self.set_range(self.lr_slider, *SETTINGS[key]["lr_range"], saved["lr"])
            self.set_range(self.lr_adaptive_slider, *ADAPTIVE_RANGE, saved["lr_adaptive"])
            self.start_dropdown.options = [(f"({x:g}, {y:g})", i)
                                           for i, (x, y) in enumerate(saved["starts"])]
            self.start_dropdown.value = saved["start"]

    def _surface_changed(self, key):
        self._settings[self.key].update(lr=self.lr_slider.value, start=self.start_dropdown.value,
                                        lr_adaptive=self.lr_adaptive_slider.value)
        self.key = key
        self._configure(key)
        # a new surface: the view rebuilds its contours (full redraw, once)
        self.view.set_problem(self.surface, self.run(), step=self.step_slider.value,
                              n_steps=self.steps)
        self.show_readout()

    def _rerun(self):
        # new runs on the same surface: the axes stay, only the moving artists redraw
        self.view.set_trajectories(self.run(), step=self.step_slider.value)
        self.show_readout()

    def _rewind(self, playing):
        # pressing play at the last step starts over from step 0
        if playing and self.play.value >= self.play.max:
            self.play.value = self.play.min

    def show_readout(self):
        """Each method's loss and status at the current step, in its colour."""
        r = self.view.readout
        cell = "padding:0 8px;text-align:right"
        head = f"<th style='{cell}'>step {r['step']}</th>" + "".join(
            f"<th style='{cell};color:{METHOD_COLORS[m]}'>{LABELS[m]}</th>" for m in METHODS)
        rows = [head]
        for label, key in (("J(θ_k)", "loss"), ("status", "status")):
            values = [_fmt(r["methods"][m][key]) if key == "loss" else r["methods"][m][key]
                      for m in METHODS]
            rows.append(f"<th style='{cell}'>{label}</th>" + "".join(
                f"<td style='{cell};font-family:monospace'>{html.escape(v)}</td>"
                for v in values))
        self.readout.value = ("<table style='border-collapse:collapse'>"
                              + "".join(f"<tr>{row}</tr>" for row in rows) + "</table>")

    def close(self):
        """Unlink the play button, then close every widget and the figure."""
        for link in getattr(self, "_links", ()):
            link.unlink()
        self._links = []
        super().close()


def _surfaces():
    """The three race tracks, keyed like :data:`SURFACES`."""
    return {"ravine": QuadraticBowl2D(curvatures=(1.0, 100.0)), "rosenbrock": Rosenbrock(),
            "two-minima": TwoMinima2D()}


def _num(value, name):
    """A β given as any real number, as the float the choices are keyed by."""
    return V.as_float(value, name)


def _first_settings(surface, key, theta0, lr, lr_adaptive):
    """Per-surface settings; the first surface's start and rates checked by the math layer."""
    settings = {k: dict(lr=s["lr"], lr_adaptive=s["lr_adaptive"], starts=list(s["starts"]),
                        start=0) for k, s in SETTINGS.items()}
    first = settings[key]
    if theta0 is not None:
        start = tuple(float(v) for v in descend(surface, theta0, steps=0).final)
        if start in first["starts"]:
            first["start"] = first["starts"].index(start)
        else:
            first["starts"].insert(0, start)
    for name, value, ends in (("lr", lr, SETTINGS[key]["lr_range"]),
                              ("lr_adaptive", lr_adaptive, ADAPTIVE_RANGE)):
        if value is not None:
            value = descend(surface, lr=value, steps=0).lr           # a positive number
            lo, hi = 10.0 ** ends[0], 10.0 ** ends[1]
            first[name] = Explorer.check_range(name, value, lo, hi,
                                               f"{name}={SETTINGS[key][name]:g}")
    return settings
