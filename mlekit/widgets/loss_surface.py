"""LossSurfaceExplorer: one sigmoid neuron, MSE vs BCE surfaces, and where GD stalls."""

from __future__ import annotations

import ipywidgets as widgets

from .. import _validation as V
from ..plotting.format import fmt_number as _fmt
from ..plotting.loss_surface import LossSurfaceView
from ._canvas import live_canvas
from .base import Explorer, readout_table

__all__ = ["LossSurfaceExplorer"]

#: preset label -> start (w0, b0)
PRESETS = {
    "poor start: w = b = 2": (2.0, 2.0),
    "good start: w = b = 0": (0.0, 0.0),
}
CUSTOM = "custom start"


def _pair(g) -> str:
    return f"({_fmt(g[0])}, {_fmt(g[1])})"


class LossSurfaceExplorer(Explorer):
    """Slide (w, b) over the MSE and BCE surfaces of one sigmoid neuron; run GD on both.

    The neuron :math:`y = \\sigma(wx + b)` learns to output ``t`` for the one
    input ``x``. The w and b sliders move the current point (with its
    :math:`-\\nabla J` arrow) on both surfaces; the start, learning rate and
    number of steps rerun gradient descent on each loss. From the poor start
    w = b = 2 the sigmoid is saturated, so under MSE the factor
    :math:`\\sigma'(z)` makes the gradient vanish and the path crawls, while
    under BCE it cancels and the path runs.

    Parameters
    ----------
    x : float
        The input (the notes use 1.0).
    t : float
        The target in [0, 1] (the notes use 0.0).
    start : (float, float)
        Gradient descent's starting (w, b), on the map.
    lr : float
        Learning rate, in [0.01, 2] on the slider.
    steps : int
        Number of gradient-descent steps, in [1, 300] on the slider.
    w_range, b_range : (float, float)
        The map's extent (and the sliders' ranges).

    Examples
    --------
    >>> import mlekit as mk
    >>> explorer = mk.widgets.LossSurfaceExplorer()
    >>> explorer.w_slider.value = 2.0
    >>> round(explorer.view.readout["mse_grad"][0], 4), round(explorer.view.readout["bce_grad"][0], 4)
    (0.0347, 0.982)
    >>> explorer.close()
    """

    def __init__(self, x=1.0, t=0.0, start=(2.0, 2.0), lr=0.15, steps=60, *,
                 w_range=(-4.0, 4.0), b_range=(-4.0, 4.0)):
        w_range = V.check_interval(w_range, "w_range", example="(-4, 4)")
        b_range = V.check_interval(b_range, "b_range", example="(-4, 4)")
        start = V.as_float_array(start, "start", ndim=1)
        if start.size != 2 or not (w_range[0] <= start[0] <= w_range[1]
                                   and b_range[0] <= start[1] <= b_range[1]):
            V.fail("start", f"be a pair (w0, b0) on the map {w_range} x {b_range}",
                   V.describe(tuple(start.tolist())), "For example start=(2, 2).")
        start = (float(start[0]), float(start[1]))
        lr = V.as_float(lr, "lr")
        if not 0.01 <= lr <= 2.0:
            V.fail("lr", "lie in [0.01, 2]", f"{lr:g}", "For example lr=0.15.")
        steps = V.check_int(steps, "steps", minimum=1)
        if steps > 300:
            V.fail("steps", "be at most 300", str(steps), "For example steps=60.")

        view = LossSurfaceView(x=x, t=t, start=start, lr=lr, steps=steps, w_range=w_range,
                               b_range=b_range, canvas_factory=live_canvas)

        def slider(description, value, lo, hi, step, fmt=".2f", **kw):
            return widgets.FloatSlider(value=value, min=lo, max=hi, step=step,
                                       description=description, readout_format=fmt,
                                       continuous_update=True,
                                       layout=widgets.Layout(width="330px"), **kw)

        self.w_slider = slider("w", view.readout["w"], *w_range, 0.01)
        self.b_slider = slider("b", view.readout["b"], *b_range, 0.01)
        self.preset = widgets.Dropdown(options=[*PRESETS, CUSTOM], value=self._preset_for(start),
                                       description="GD start",
                                       layout=widgets.Layout(width="330px"))
        self.start_w_slider = slider("start w", start[0], *w_range, 0.05)
        self.start_b_slider = slider("start b", start[1], *b_range, 0.05)
        self.lr_slider = slider("lr", lr, 0.01, 2.0, 0.01, fmt=".2f")
        self.steps_slider = widgets.IntSlider(value=steps, min=1, max=300, description="steps K",
                                              continuous_update=False,   # new K: full redraw
                                              layout=widgets.Layout(width="330px"))
        self.main_slider = self.w_slider
        self._syncing = False
        # one column beside the figure (it would be ~790 px tall with the rows above it)
        controls = [self.w_slider, self.b_slider, self.preset, self.start_w_slider,
                    self.start_b_slider, self.lr_slider, self.steps_slider]
        super().__init__(
            view, controls, beside=True,
            caption="Drag w and b: the orange point and its −∇J arrow move on both maps. "
                    "From the poor start the sigmoid saturates: MSE crawls, BCE does not.")
        self._on_change(self.w_slider, lambda w: self._move(w=w))
        self._on_change(self.b_slider, lambda b: self._move(b=b))
        self._on_change(self.preset, self._preset_changed)
        self._on_change(self.start_w_slider, lambda _: self._start_changed())
        self._on_change(self.start_b_slider, lambda _: self._start_changed())
        self._on_change(self.lr_slider, lambda lr: self._path_changed(lr=lr))
        self._on_change(self.steps_slider, lambda k: self._path_changed(steps=k))
        self._show_readout()

    @classmethod
    def bench_instance(cls):
        """The notes' neuron: x = 1, t = 0, poor start w = b = 2."""
        return cls()

    def __repr__(self) -> str:
        v = self.view
        return (f"LossSurfaceExplorer(x={v.x:g}, t={v.t:g}, start=({v.start[0]:g}, "
                f"{v.start[1]:g}), lr={v.lr:g}, steps={v.steps})")

    @staticmethod
    def _preset_for(start):
        for label, point in PRESETS.items():
            if abs(start[0] - point[0]) < 1e-9 and abs(start[1] - point[1]) < 1e-9:
                return label
        return CUSTOM

    # -------------------------------------------------------------- callbacks
    def _move(self, **wb):
        self.view.update(**wb)            # moves the current point only: blit
        self._show_readout()

    def _path_changed(self, **params):
        self.view.set_path(**params)      # animated paths: blit (a new K also redraws)
        self._show_readout()

    def _start_changed(self):
        if self._syncing:
            return
        start = (self.start_w_slider.value, self.start_b_slider.value)
        self._syncing = True
        try:
            self.preset.value = self._preset_for(start)
        finally:
            self._syncing = False
        self._path_changed(start=start)

    def _preset_changed(self, label):
        if self._syncing or label == CUSTOM:
            return
        w0, b0 = PRESETS[label]
        self._syncing = True              # move both sliders, then rerun GD once
        try:
            self.start_w_slider.value = w0
            self.start_b_slider.value = b0
        finally:
            self._syncing = False
        self._path_changed(start=(self.start_w_slider.value, self.start_b_slider.value))

    def _show_readout(self):
        r = self.view.readout
        here = readout_table([
            ("w", f"{r['w']:.2f}"),
            ("b", f"{r['b']:.2f}"),
            ("y = σ(wx+b)", _fmt(r["y"])),
            ("MSE", _fmt(r["mse"])),
            ("BCE", _fmt(r["bce"])),
            ("∇MSE (∂w, ∂b)", _pair(r["mse_grad"])),
            ("∇BCE (∂w, ∂b)", _pair(r["bce_grad"])),
        ])
        k = r["steps"]
        runs = readout_table([
            ("GD from", f"({r['start'][0]:.2f}, {r['start'][1]:.2f})"),
            ("lr", f"{r['lr']:.2f}"),
            (f"MSE after {k}", _fmt(r["mse_final"])),
            (f"y after {k} (MSE)", _fmt(r["mse_final_y"])),
            (f"BCE after {k}", _fmt(r["bce_final"])),
            (f"y after {k} (BCE)", _fmt(r["bce_final_y"])),
        ])
        self.readout.value = here + runs
