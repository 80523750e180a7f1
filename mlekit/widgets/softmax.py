"""SoftmaxExplorer: slide the logits, pick the target class, watch ŷ and −log ŷ_t."""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np

from .. import _validation as V
from ..plotting.format import fmt_number, fmt_vector
from ..plotting.softmax import EXAMPLE_PROBS, EXAMPLE_TARGET, SoftmaxView
from ..plotting.style import COLORS
from ._canvas import live_canvas
from .base import Explorer, readout_column

__all__ = ["SoftmaxExplorer"]

_LOGIT_RANGE = 6.0          # sliders run over [-6, 6]: softmax stays well inside float range
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class SoftmaxExplorer(Explorer):
    """One slider per logit and a target-class selector; bars of softmax(z) and CE = −log ŷ_t.

    Parameters
    ----------
    t : int
        Starting target class, counting from 0 (default 2), as
        :func:`mlekit.losses.cross_entropy_with_logits` takes it.
    logits : array_like, optional
        Starting logits, one per class (default: all zero, so ŷ is uniform).
    k : int, optional
        Number of classes (default 4, or the number of *logits*).

    The button "Example" sets the logits to log [0.2, 0.1, 0.65, 0.05] and
    t = 2, so ŷ = [0.2, 0.1, 0.65, 0.05] exactly and CE = −log 0.65 ≈ 0.431,
    the worked example of the lessons (it needs k = 4).

    Examples
    --------
    >>> import mlekit as mk
    >>> explorer = mk.widgets.SoftmaxExplorer(k=4)
    >>> explorer.set_example()
    >>> round(explorer.view.readout["ce"], 4)      # -log 0.65
    0.4308
    >>> explorer.close()
    """

    def __init__(self, t=2, *, logits=None, k=None):
        view = SoftmaxView(logits=logits, target=t, k=k, canvas_factory=live_canvas)
        z, self.k = view.readout["logits"], view.k
        # logits outside [-6, 6] widen the sliders rather than being clipped
        reach = max(_LOGIT_RANGE, math.ceil(float(np.max(np.abs(z)))))
        self.logit_sliders = [self.slider(f"z{j}".translate(_SUBSCRIPTS), z[j], -reach, reach)
                              for j in range(self.k)]
        self.main_slider = self.logit_sliders[0]
        self.target_selector = widgets.ToggleButtons(
            options=[(str(j), j) for j in range(self.k)], value=view.readout["target"],
            description="target t", style={"button_width": "36px"},
            tooltips=[f"class {j} is the true class" for j in range(self.k)])
        self.example_button = self.button(
            "Example: ŷ = [.2, .1, .65, .05], t = 2", self.set_example, width="290px",
            tooltip="logits = log [0.2, 0.1, 0.65, 0.05]: the worked example, CE = -log 0.65",
            disabled=self.k != len(EXAMPLE_PROBS))
        self.reset_button = self.button("All logits 0", self.reset, width="120px",
                                        tooltip="uniform ŷ: CE = log k")
        # controls and readout in one column beside the figure (stacked under it they
        # made the explorer ~900 px tall)
        super().__init__(view, [*self.logit_sliders, self.target_selector,
                                [self.example_button, self.reset_button]],
                         beside=True, readout_beside=True,
                         caption="Drag the logits z or pick the target class t: the bars show "
                                 "ŷ = softmax(z); the orange dot is CE = −log ŷ_t.")
        for control in (*self.logit_sliders, self.target_selector):
            self.on_change(control, lambda _: self.redraw())
        self.show_readout()

    @classmethod
    def example(cls):
        """Four classes, as in the lessons' worked example."""
        return cls(k=4)

    def __repr__(self) -> str:
        return f"SoftmaxExplorer(k={self.k})"

    # -------------------------------------------------------------- callbacks
    def redraw(self):
        """Show the logits and target on the controls (one frame)."""
        self.move(logits=self.logits, target=self.target_selector.value)

    def set_logits(self, logits, target=None):
        """Move the sliders to *logits* (and the selector to *target*), drawing one frame."""
        z = V.as_float_array(logits, "logits", ndim=1)
        if z.size != self.k:
            V.fail("logits", f"hold {self.k} values, one per slider", f"{z.size} values",
                   "Build a new explorer for a different number of classes.")
        lo, hi = self.main_slider.min, self.main_slider.max
        if np.any((z < lo) | (z > hi)):
            V.fail("logits", f"lie on the sliders' range [{lo:g}, {hi:g}]",
                   fmt_vector(z), "Shift them all by the same constant: softmax does not change.")
        if target is not None:
            target = V.check_int(target, "target", minimum=0)
            if target >= self.k:
                V.fail("target", f"be a class in [0, {self.k - 1}]", str(target),
                       f"Classes count from 0, so the last of {self.k} is {self.k - 1}.")
        with self.hold(then=self.redraw):
            for slider, value in zip(self.logit_sliders, z):
                slider.value = float(value)
            if target is not None:
                self.target_selector.value = target

    def set_example(self):
        """The worked example: logits log [0.2, 0.1, 0.65, 0.05], target 2, CE = −log 0.65."""
        if self.k != len(EXAMPLE_PROBS):
            V.fail("k", f"be {len(EXAMPLE_PROBS)} for the worked example", str(self.k),
                   "Use SoftmaxExplorer(k=4).")
        self.set_logits(np.log(EXAMPLE_PROBS), target=EXAMPLE_TARGET)

    def reset(self):
        """All logits 0: ŷ is uniform and CE = log k."""
        self.set_logits(np.zeros(self.k))

    @property
    def logits(self) -> np.ndarray:
        """The logits on the sliders."""
        return np.array([s.value for s in self.logit_sliders], dtype=float)

    @property
    def target(self) -> int:
        """The selected target class."""
        return int(self.target_selector.value)

    def show_readout(self):
        r = self.view.readout
        stable, naive, info = r["ce"], r["ce_from_probs"], r["ce_information"]
        agree = np.isclose(naive, stable, rtol=1e-9, atol=1e-12) and np.isclose(
            info, stable, rtol=1e-9, atol=1e-12)
        check = ("✓ all three agree" if agree else "ŷ_t underflowed to 0: use logits")
        self.readout.value = class_table(r) + readout_column([
            ("target t", str(r["target"])),
            ("CE from logits", f"{stable:.4f}"),
            ("−log ŷ_t from ŷ", fmt_number(naive, 3)),
            ("H(y, ŷ)", fmt_number(info, 3)),
            ("check", html.escape(check)),
        ])


def class_table(readout) -> str:
    """HTML table, one column per class: z_k, ŷ_k, y_k and ŷ_k − y_k; the target column green."""
    t = readout["target"]
    cell = "padding:0 10px;text-align:right;font-family:monospace"
    rows = [("logit z", readout["logits"]), ("ŷ = softmax(z)", readout["probs"]),
            ("y (one-hot)", readout["onehot"]), ("∂CE/∂z = ŷ − y", readout["grad"])]

    def style(k):
        return cell + (f";color:{COLORS['target']};font-weight:bold" if k == t else "")

    head = "<th></th>" + "".join(f"<th style='{style(k)}'>class {k}</th>"
                                 for k in range(len(readout["probs"])))
    body = "".join(
        f"<tr><th style='padding:0 10px;text-align:left'>{label}</th>"
        + "".join(f"<td style='{style(k)}'>{fmt_number(v, 3)}</td>" for k, v in enumerate(values))
        + "</tr>" for label, values in rows)
    return f"<table style='border-collapse:collapse'><tr>{head}</tr>{body}</table>"
