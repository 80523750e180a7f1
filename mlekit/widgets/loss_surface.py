"""LossSurfaceExplorer: one sigmoid neuron, MSE vs BCE surfaces, and where GD stalls."""

from __future__ import annotations

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
    x, t : float
        The neuron's one training example, as :func:`mlekit.neuron.neuron_loss`
        takes it (the course uses x = 1, t = 0).
    w0, b0 : float
        Gradient descent's starting point, on the map (as
        :func:`mlekit.neuron.neuron_gd_path` takes it).
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
    >>> explorer.main_slider.value = 2.0
    >>> round(explorer.view.readout["mse_grad"][0], 4), round(explorer.view.readout["bce_grad"][0], 4)
    (0.0347, 0.982)
    >>> explorer.close()
    """

    def __init__(self, x=1.0, t=0.0, *, w0=2.0, b0=2.0, lr=0.15, steps=60,
                 w_range=(-4.0, 4.0), b_range=(-4.0, 4.0)):
        lr = self.check_range("lr", lr, 0.01, 2.0, "lr=0.15")        # the sliders' limits
        steps = int(self.check_range("steps", V.check_int(steps, "steps"), 1, 300, "steps=60"))
        view = LossSurfaceView(x=x, t=t, start=(w0, b0), lr=lr, steps=steps, w_range=w_range,
                               b_range=b_range, canvas_factory=live_canvas)
        (w0, b0), w_range, b_range = view.start, view.w_range, view.b_range
        self.main_slider = self.w_slider = self.slider("w", view.readout["w"], *w_range)
        self.b_slider = self.slider("b", view.readout["b"], *b_range)
        self.preset = self.choice("GD start", {label: label for label in [*PRESETS, CUSTOM]},
                                  _preset_for((w0, b0)), width="330px")
        self.start_w_slider = self.slider("start w", w0, *w_range)
        self.start_b_slider = self.slider("start b", b0, *b_range)
        self.lr_slider = self.slider("lr", lr, 0.01, 2.0)
        self.steps_slider = self.slider("steps K", steps, 1, 300, kind="int",
                                        continuous=False)            # new K: full redraw
        # one column beside the figure (it would be ~790 px tall with the rows above it)
        super().__init__(
            view, [self.w_slider, self.b_slider, self.preset, self.start_w_slider,
                   self.start_b_slider, self.lr_slider, self.steps_slider], beside=True,
            caption="Drag w and b: the orange point and its −∇J arrow move on both maps. "
                    "From the poor start the sigmoid saturates: MSE crawls, BCE does not.")
        self.bind(w=self.w_slider, b=self.b_slider)
        self.on_change(self.preset, self._preset_changed)
        for slider in (self.start_w_slider, self.start_b_slider):
            self.on_change(slider, lambda _: self._start_changed())
        self.on_change(self.lr_slider, lambda lr: self._path_changed(lr=lr))
        self.on_change(self.steps_slider, lambda k: self._path_changed(steps=k))
        self.show_readout()

    @classmethod
    def example(cls):
        """The course's neuron: x = 1, t = 0, poor start w = b = 2."""
        return cls()

    def __repr__(self) -> str:
        v = self.view
        return (f"LossSurfaceExplorer(x={v.x:g}, t={v.t:g}, w0={v.start[0]:g}, "
                f"b0={v.start[1]:g}, lr={v.lr:g}, steps={v.steps})")

    # -------------------------------------------------------------- callbacks
    def _path_changed(self, **params):
        self.view.set_path(**params)      # animated paths: blit (a new K also redraws)
        self.show_readout()

    def _start_changed(self):
        start = (self.start_w_slider.value, self.start_b_slider.value)
        with self.hold():                 # the preset follows; its handler must not rerun GD
            self.preset.value = _preset_for(start)
        self._path_changed(start=start)

    def _preset_changed(self, label):
        if label == CUSTOM:
            return
        w0, b0 = PRESETS[label]
        # move both sliders, then rerun gradient descent once
        with self.hold(then=lambda: self._path_changed(
                start=(self.start_w_slider.value, self.start_b_slider.value))):
            self.start_w_slider.value = w0
            self.start_b_slider.value = b0

    def show_readout(self):
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


def _preset_for(start):
    """The preset label of a start (w0, b0), or "custom start"."""
    for label, point in PRESETS.items():
        if abs(start[0] - point[0]) < 1e-9 and abs(start[1] - point[1]) < 1e-9:
            return label
    return CUSTOM
