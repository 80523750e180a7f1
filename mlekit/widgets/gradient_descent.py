r"""GradientDescentExplorer: walk gradient descent down a loss, step by step or playing.

Each step is the update rule of the lesson, :math:`\theta^{+} = \theta - \alpha\,
\partial J / \partial \theta`. Four problems: a 1-D quadratic (learning rate:
creep, zig-zag or diverge), a 1-D non-convex loss (the start decides which
minimum you reach), an elongated 2-D bowl (zig-zag across the narrow valley)
and the MSE of a line fit, where full-batch, minibatch and one-sample
(stochastic) gradient descent take visibly different paths.
"""

from __future__ import annotations

import dataclasses
import math

import ipywidgets as widgets
import numpy as np

from .. import _validation as V
from ..datasets import toy_regression
from ..optim import gradient_descent, sgd
from ..plotting.gradient_descent import GradientDescentView, divergence_bound
from ..surfaces import LineFitMSE, NonConvex1D, Quadratic1D, QuadraticBowl2D
from ._canvas import live_canvas
from .base import Explorer, readout_table

__all__ = ["GradientDescentExplorer", "PROBLEMS", "MODES"]

#: problem key -> label in the dropdown
PROBLEMS = {
    "1d": "1-D quadratic",
    "1d-nonconvex": "1-D non-convex",
    "2d": "2-D elongated bowl",
    "regression": "line fit (w, b)",
}
#: regression mode key -> label on its toggle button
MODES = {"batch": "full batch", "minibatch": "minibatch", "sgd": "one sample (SGD)"}

_SYMBOLS = {"theta": "θ", "theta_1": "θ₁", "theta_2": "θ₂", "w": "w", "b": "b"}


class GradientDescentExplorer(Explorer):
    """Step through gradient descent: the path on the loss and the loss per step.

    Parameters
    ----------
    problem : {"1d", "1d-nonconvex", "2d", "regression"}
        The loss to start with (a dropdown switches later):
        :class:`~mlekit.surfaces.Quadratic1D`,
        :class:`~mlekit.surfaces.NonConvex1D`,
        :class:`~mlekit.surfaces.QuadraticBowl2D` or
        :class:`~mlekit.surfaces.LineFitMSE` on ``data``.
    lr : float, optional
        Learning rate α for the first problem (default: the surface's
        ``default_lr``).
    start : float or (float, float), optional
        Starting point for the first problem (default: ``default_start``).
    steps : int
        Number of update steps in every run (the step slider's range).
    mode : {"batch", "minibatch", "sgd"}
        For ``"regression"``: full-batch gradient descent
        (:func:`mlekit.optim.gradient_descent`), or :func:`mlekit.optim.sgd`
        with ``batch_size`` samples or with one sample per step.
    batch_size : int
        Minibatch size for ``mode="minibatch"``.
    data : (x, t), optional
        The regression data (default: ``mlekit.datasets.toy_regression()``).
    seed : int
        Seed of the minibatch shuffles; every run uses the same seed, so two
        learning rates see the same sequence of batches.

    Examples
    --------
    >>> import mlekit as mk
    >>> explorer = mk.widgets.GradientDescentExplorer("1d", lr=0.25, start=3.0, steps=20)
    >>> explorer.step_slider.value = 1                 # one step: 3 - 0.25 * 2 * 3
    >>> explorer.view.readout["theta"]
    1.5
    >>> explorer.close()
    """

    def __init__(self, problem="1d", *, lr=None, start=None, steps=60, mode="batch",
                 batch_size=8, data=None, seed=0):
        _check_choice(problem, "problem", PROBLEMS)
        _check_choice(mode, "mode", MODES)
        self.steps = V.check_int(steps, "steps", minimum=1)
        x, t = toy_regression() if data is None else data
        self.surfaces = {"1d": Quadratic1D(), "1d-nonconvex": NonConvex1D(),
                         "2d": QuadraticBowl2D(), "regression": LineFitMSE(x, t)}
        n = self.surfaces["regression"].x.size
        self.batch_size = V.check_int(batch_size, "batch_size", minimum=1)
        if self.batch_size > n:
            V.fail("batch_size", f"be at most the number of samples ({n})", str(batch_size),
                   "Pick a minibatch smaller than the data set, e.g. batch_size=8.")
        self.seed = V.check_int(seed, "seed", minimum=0)
        # per-problem settings, so switching back restores what the student had
        self._settings = {key: {"lr": s.default_lr, "start": s.default_start}
                          for key, s in self.surfaces.items()}
        surface = self.surfaces[problem]
        if lr is not None:
            lr = V.as_float(lr, "lr")
            if lr <= 0:
                V.fail("lr", "be > 0", f"{lr:g}", "A learning rate is a small positive step "
                       "size such as 0.1.")
            self._settings[problem]["lr"] = lr
        if start is not None:
            arr = V.as_float_array(start, "start")
            if arr.shape != (() if surface.ndim == 1 else (2,)):
                V.fail("start", f"be {'one number' if surface.ndim == 1 else 'two numbers'} "
                       f"for problem {problem!r}", V.describe(start),
                       "Pass start=2.0 for a 1-D problem or start=(w, b) for a 2-D one.")
            self._settings[problem]["start"] = float(arr) if arr.ndim == 0 else arr
        self._configuring = False

        # ---- controls
        wide = widgets.Layout(width="400px")
        self.problem_dropdown = widgets.Dropdown(
            options=[(label, key) for key, label in PROBLEMS.items()], value=problem,
            description="problem", layout=widgets.Layout(width="260px"))
        self.mode_buttons = widgets.ToggleButtons(
            options=[(label, key) for key, label in MODES.items()], value=mode,
            description="batch", style={"button_width": "110px"})
        self.lr_slider = widgets.FloatLogSlider(
            value=0.1, base=10, min=-3, max=0, step=0.01, description="lr α",
            readout_format=".3g", continuous_update=True, layout=widgets.Layout(width="300px"))
        self.start_sliders = [
            widgets.FloatSlider(value=0.0, min=-1, max=1, step=0.01, description=f"start {i}",
                                readout_format=".2f", continuous_update=True,
                                layout=widgets.Layout(width="250px"))
            for i in (1, 2)]
        self.step_slider = widgets.IntSlider(
            value=self.steps, min=0, max=self.steps, step=1, description="step k",
            continuous_update=True, layout=wide)
        self.play = widgets.Play(value=self.steps, min=0, max=self.steps, step=1, interval=120,
                                 description="play")
        # the play button drives the step slider (kernel-side link: testable headless)
        self._links = [widgets.link((self.play, "value"), (self.step_slider, "value")),
                       widgets.link((self.play, "max"), (self.step_slider, "max"))]
        self.main_slider = self.step_slider

        self.problem = problem
        self._configure(problem)
        view = GradientDescentView(surface, self.run(), step=self.steps, n_steps=self.steps,
                                   canvas_factory=live_canvas)
        controls = [[self.problem_dropdown, self.mode_buttons],
                    [self.lr_slider, *self.start_sliders],
                    [self.play, self.step_slider]]
        super().__init__(view, controls,
                         caption="Press ▶ or drag 'step k': each step is θ ← θ − α ∂J/∂θ. "
                                 "Change α, the start or the problem: the path reruns at once.")
        self._on_change(self.problem_dropdown, self._problem_changed)
        self._on_change(self.mode_buttons, lambda _: self._rerun())
        self._on_change(self.lr_slider, lambda _: self._rerun())
        for slider in self.start_sliders:
            self._on_change(slider, lambda _: self._rerun())
        self._on_change(self.step_slider, self._move)
        self.play.observe(self._guarded(self._rewind), names="playing")
        self._show_readout()

    @classmethod
    def bench_instance(cls):
        """The default problem (the 1-D quadratic), as in the gradient-descent lesson."""
        return cls()

    def __repr__(self) -> str:
        return f"GradientDescentExplorer(problem={self.problem!r})"

    # ------------------------------------------------------------- the math
    @property
    def surface(self):
        """The loss surface of the current problem."""
        return self.surfaces[self.problem]

    @property
    def trajectory(self):
        """The run currently shown (a :class:`mlekit.optim.Trajectory`)."""
        return self.view.trajectory

    @property
    def start(self):
        """The starting point set by the start slider(s): a float, or an array (w, b)."""
        if self.surface.ndim == 1:
            return float(self.start_sliders[0].value)
        return np.array([s.value for s in self.start_sliders], dtype=float)

    @property
    def mode(self) -> str:
        """``"batch"``, ``"minibatch"`` or ``"sgd"`` (used by the regression problem)."""
        return self.mode_buttons.value

    def steps_per_epoch(self) -> int:
        """Updates per pass over the regression data in the current mode (1 for full batch)."""
        n = self.surfaces["regression"].x.size
        return {"batch": 1, "minibatch": math.ceil(n / self.batch_size), "sgd": n}[self.mode]

    def run(self):
        """Run the optimiser for the current controls and return its Trajectory.

        Full batch uses :func:`mlekit.optim.gradient_descent`; minibatch and
        one-sample modes use :func:`mlekit.optim.sgd` with the fixed ``seed``,
        for enough epochs to make ``steps`` updates (the run is cut there).
        """
        surface, lr, start = self.surface, self.lr_slider.value, self.start
        bound = divergence_bound(surface)
        if self.problem != "regression" or self.mode == "batch":
            traj = gradient_descent(surface.grad, start, lr, self.steps, loss=surface.loss,
                                    max_abs=bound)
            if self.problem == "regression":      # one step per epoch, every sample in it
                traj = dataclasses.replace(traj, epochs=np.arange(traj.n_steps),
                                           batch_size=surface.x.size)
            return traj
        batch = self.batch_size if self.mode == "minibatch" else 1
        epochs = math.ceil(self.steps / self.steps_per_epoch())
        traj = sgd(surface.grad, start, surface.data, lr=lr, epochs=epochs, batch_size=batch,
                   rng=self.seed, loss=surface.loss, max_abs=bound)
        return _first_steps(traj, self.steps)

    # ------------------------------------------------------------ callbacks
    def _configure(self, problem):
        """Set the controls' ranges and values for *problem* without running anything."""
        surface, saved = self.surfaces[problem], self._settings[problem]
        self._configuring = True
        try:
            top = math.log10(2.5 * (surface.max_stable_lr or 0.2))
            low = math.floor(math.log10(surface.default_lr)) - 1
            _set_range(self.lr_slider, low, round(top, 2), saved["lr"])
            start = np.atleast_1d(saved["start"])
            for i, slider in enumerate(self.start_sliders):
                shown = i < surface.ndim
                slider.layout.display = "" if shown else "none"
                if shown:
                    lo, hi = surface.window[i]
                    slider.step = float(f"{(hi - lo) / 200:.1g}")
                    _set_range(slider, lo, hi, float(start[i]))
                    slider.description = "start " + _SYMBOLS[surface.param_names[i]]
            self.mode_buttons.layout.display = "" if problem == "regression" else "none"
        finally:
            self._configuring = False

    def _remember(self):
        self._settings[self.problem] = {"lr": self.lr_slider.value, "start": self.start}

    def _problem_changed(self, problem):
        self._remember()
        self.problem = problem
        self._configure(problem)
        # a new problem: the view rebuilds its left panel (full redraw, once)
        self.view.set_problem(self.surface, self.run(), step=self.step_slider.value,
                              n_steps=self.steps)
        self._show_readout()

    def _rerun(self):
        if self._configuring:
            return
        # cheap: a new path; the view redraws fully only if the loss axis must rescale
        self.view.set_trajectory(self.run(), step=self.step_slider.value, n_steps=self.steps)
        self._show_readout()

    def _move(self, step):
        self.view.update(step=step)
        self._show_readout()

    def _rewind(self, playing):
        # pressing play at the last step starts over from step 0
        if playing and self.play.value >= self.play.max:
            self.play.value = self.play.min

    def _show_readout(self):
        r, surface = self.view.readout, self.surface
        names = [_SYMBOLS[n] for n in surface.param_names]
        if surface.ndim == 1:
            where = (names[0], _num(r["theta"]))
        else:
            where = (f"({', '.join(names)})", "(" + ", ".join(_num(v) for v in r["theta"]) + ")")
        rows = [("step", f"{r['step']} / {self.steps}")]
        if self.problem == "regression":
            epoch = 0 if r["epoch"] is None else r["epoch"] + 1
            rows += [("epoch", f"{epoch} ({self.steps_per_epoch()} steps each)")]
        rows += [where, ("J", _num(r["loss"])), ("‖∇J‖", _num(r["grad_norm"])),
                 ("lr α", f"{self.lr_slider.value:.3g}")]
        self.readout.value = readout_table(rows) + self.view.readout_html()

    def close(self):
        """Unlink the play button, then close every widget and the figure."""
        for link in getattr(self, "_links", ()):
            link.unlink()
        self._links = []
        super().close()


def _check_choice(value, name, choices):
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(k) for k in choices)
        V.fail(name, f"be one of {options}", V.describe(value),
               f"For example {name}={next(iter(choices))!r}.")


def _set_range(slider, lo, hi, value):
    """Give *slider* the range [lo, hi] and *value*, in an order that never trips validation."""
    slider.min = min(slider.min, lo)
    slider.max = max(slider.max, hi)
    slider.value = float(np.clip(value, *(sorted((lo, hi)) if not hasattr(slider, "base")
                                          else (slider.base ** lo, slider.base ** hi))))
    slider.min, slider.max = lo, hi


def _first_steps(traj, steps):
    """The first *steps* updates of *traj* (an sgd run covers whole epochs)."""
    if traj.n_steps <= steps:
        return traj
    return dataclasses.replace(
        traj, params=traj.params[:steps + 1],
        losses=None if traj.losses is None else traj.losses[:steps + 1],
        grad_norms=traj.grad_norms[:steps],
        epochs=None if traj.epochs is None else traj.epochs[:steps],
        diverged=False, converged=False,
        message=f"finished {steps} steps without diverging.")


def _num(v) -> str:
    v = float(v)
    if not np.isfinite(v):
        return "+inf" if v > 0 else ("-inf" if v < 0 else "nan")
    if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e5):
        return f"{v:.3e}"
    return f"{v:.4f}"
