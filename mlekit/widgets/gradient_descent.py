r"""GradientDescentExplorer: walk gradient descent down a loss, step by step or playing.

Each step is the update rule of the lesson, :math:`\theta^{+} = \theta - \alpha\,
\partial J / \partial \theta`. Four problems: a 1-D quadratic (learning rate:
creep, zig-zag or diverge), a 1-D non-convex loss (the start decides which
minimum you reach), an elongated 2-D bowl (zig-zag across the narrow valley)
and the MSE of a line fit, where full-batch, minibatch and one-sample
(stochastic) gradient descent take visibly different paths.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import _validation as V
from ..datasets import toy_regression
from ..optim import descend, steps_per_epoch
from ..plotting.format import fmt_number as _fmt
from ..plotting.gradient_descent import GradientDescentView
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
    x, t : array_like, optional
        The data of the line-fit problem, as :class:`~mlekit.surfaces.LineFitMSE`
        takes them (default: ``mlekit.datasets.toy_regression()``).
    problem : {"1d", "1d-nonconvex", "2d", "regression"}
        The loss to start with (a dropdown switches later):
        :class:`~mlekit.surfaces.Quadratic1D`,
        :class:`~mlekit.surfaces.NonConvex1D`,
        :class:`~mlekit.surfaces.QuadraticBowl2D` or
        :class:`~mlekit.surfaces.LineFitMSE` on ``(x, t)``.
    theta0 : float or (float, float), optional
        Starting point for the first problem (default: the surface's
        ``default_start``), as :func:`mlekit.optim.gradient_descent` takes it.
    lr : float, optional
        Learning rate α for the first problem (default: the surface's
        ``default_lr``).
    steps : int
        Number of update steps in every run (the step slider's range).
    mode : {"batch", "minibatch", "sgd"}
        For ``"regression"``: full-batch gradient descent, or
        :func:`mlekit.optim.sgd` with ``batch_size`` samples or with one
        sample per step (see :func:`mlekit.optim.descend`).
    batch_size : int
        Minibatch size for ``mode="minibatch"``.
    seed : int
        Seed of the minibatch shuffles; every run uses the same seed, so two
        learning rates see the same sequence of batches.

    Examples
    --------
    >>> import mlekit as mk
    >>> explorer = mk.widgets.GradientDescentExplorer(problem="1d", theta0=3.0, lr=0.25, steps=20)
    >>> explorer.main_slider.value = 1                 # one step: 3 - 0.25 * 2 * 3
    >>> explorer.view.readout["theta"]
    1.5
    >>> explorer.close()
    """

    def __init__(self, x=None, t=None, *, problem="1d", theta0=None, lr=None, steps=60,
                 mode="batch", batch_size=8, seed=0):
        self.problem_dropdown = self.choice("problem", PROBLEMS, problem, name="problem",
                                            width="260px")
        self.mode_buttons = self.choice("batch", MODES, mode, name="mode", buttons=True,
                                        button_width="110px")
        self.steps = V.check_int(steps, "steps", minimum=1)
        self.surfaces = _surfaces(*((x, t) if x is not None or t is not None else toy_regression()))
        steps_per_epoch(self.surfaces["regression"].x.size, batch_size)   # batch <= data size
        self.batch_size, self.seed = batch_size, V.check_int(seed, "seed", minimum=0)
        # per-problem settings, so switching back restores what the student had; the first
        # problem's start and lr are checked by the math layer (a run of 0 steps)
        self._settings = {key: {"lr": s.default_lr, "start": s.default_start}
                          for key, s in self.surfaces.items()}
        first = descend(self.surfaces[problem], theta0, lr, steps=0)
        self._settings[problem] = {"lr": first.lr, "start": first.final}
        self.lr_slider = self.slider("lr α", 0.1, -3, 0, kind="log", width="300px", fmt=".3g")
        self.start_sliders = [self.slider(f"start {i}", 0.0, -1, 1, width="250px") for i in (1, 2)]
        self.main_slider = self.step_slider = self.slider("step k", self.steps, 0, self.steps,
                                                          kind="int", width="400px")
        self.play = widgets.Play(value=self.steps, min=0, max=self.steps, step=1, interval=120,
                                 description="play")
        # the play button drives the step slider (kernel-side link: testable headless)
        self._links = [widgets.link((self.play, key), (self.step_slider, key))
                       for key in ("value", "max")]
        self.problem = problem
        self._configure(problem)
        view = GradientDescentView(self.surface, self.run(), step=self.steps, n_steps=self.steps,
                                   canvas_factory=live_canvas)
        super().__init__(view, [[self.problem_dropdown, self.mode_buttons],
                                [self.lr_slider, *self.start_sliders], [self.play, self.step_slider]],
                         caption="Press ▶ or drag 'step k': each step is θ ← θ − α ∂J/∂θ. "
                                 "Change α, the start or the problem: the path reruns at once.")
        self.on_change(self.problem_dropdown, self._problem_changed)
        for control in (self.mode_buttons, self.lr_slider, *self.start_sliders):
            self.on_change(control, lambda _: self._rerun())
        self.bind(step=self.step_slider)
        self.on_change(self.play, self._rewind, names="playing")
        self.show_readout()

    @classmethod
    def example(cls):
        """The default problem (the 1-D quadratic), as in the gradient-descent lesson."""
        return cls()

    def __repr__(self) -> str:
        return f"GradientDescentExplorer(problem={self.problem!r})"

    # ------------------------------------------------------------- the state
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

    def batch(self):
        """The minibatch size of the current mode: None (full batch), ``batch_size`` or 1."""
        if self.problem != "regression":
            return None
        return {"batch": None, "minibatch": self.batch_size, "sgd": 1}[self.mode]

    def steps_per_epoch(self) -> int:
        """Updates per pass over the regression data in the current mode (1 for full batch)."""
        return steps_per_epoch(self.surfaces["regression"].x.size, self.batch())

    def run(self):
        """The run for the current controls: :func:`mlekit.optim.descend` with the fixed seed."""
        return descend(self.surface, self.start, self.lr_slider.value, self.steps,
                       batch_size=self.batch(), rng=self.seed)

    # ------------------------------------------------------------ callbacks
    def _configure(self, problem):
        """Set the controls' ranges and values for *problem* without running anything."""
        surface, saved = self.surfaces[problem], self._settings[problem]
        with self.hold():
            top = np.log10(2.5 * (surface.max_stable_lr or 0.2))
            low = np.floor(np.log10(surface.default_lr)) - 1
            self.set_range(self.lr_slider, float(low), round(float(top), 2), saved["lr"])
            start = np.atleast_1d(saved["start"])
            for i, slider in enumerate(self.start_sliders):
                shown = i < surface.ndim
                slider.layout.display = "" if shown else "none"
                if shown:
                    self.set_range(slider, *surface.window[i], float(start[i]))
                    slider.description = "start " + _SYMBOLS[surface.param_names[i]]
            self.mode_buttons.layout.display = "" if problem == "regression" else "none"

    def _problem_changed(self, problem):
        self._settings[self.problem] = {"lr": self.lr_slider.value, "start": self.start}
        self.problem = problem
        self._configure(problem)
        # a new problem: the view rebuilds its left panel (full redraw, once)
        self.view.set_problem(self.surface, self.run(), step=self.step_slider.value,
                              n_steps=self.steps)
        self.show_readout()

    def _rerun(self):
        # cheap: a new path; the view redraws fully only if the loss axis must rescale
        self.view.set_trajectory(self.run(), step=self.step_slider.value, n_steps=self.steps)
        self.show_readout()

    def _rewind(self, playing):
        # pressing play at the last step starts over from step 0
        if playing and self.play.value >= self.play.max:
            self.play.value = self.play.min

    def show_readout(self):
        r, surface = self.view.readout, self.surface
        names = [_SYMBOLS[n] for n in surface.param_names]
        if surface.ndim == 1:
            where = (names[0], _fmt(r["theta"]))
        else:
            where = (f"({', '.join(names)})", "(" + ", ".join(_fmt(v) for v in r["theta"]) + ")")
        rows = [("step", f"{r['step']} / {self.steps}")]
        if self.problem == "regression":
            epoch = 0 if r["epoch"] is None else r["epoch"] + 1
            rows += [("epoch", f"{epoch} ({self.steps_per_epoch()} steps each)")]
        rows += [where, ("J", _fmt(r["loss"])), ("‖∇J‖", _fmt(r["grad_norm"])),
                 ("lr α", f"{self.lr_slider.value:.3g}")]
        self.readout.value = readout_table(rows) + self.view.readout_html()

    def close(self):
        """Unlink the play button, then close every widget and the figure."""
        for link in getattr(self, "_links", ()):
            link.unlink()
        self._links = []
        super().close()


def _surfaces(x, t):
    """The four problems, keyed like :data:`PROBLEMS`; the line fit on (x, t)."""
    return {"1d": Quadratic1D(), "1d-nonconvex": NonConvex1D(), "2d": QuadraticBowl2D(),
            "regression": LineFitMSE(x, t)}
