r"""BackpropExplorer: lesson 10's two-layer network, one forward node and one chain-rule product at a time.

The step slider walks the computation graph of one sample: first the forward
pass fills in every node's value, then the backward pass applies one product
"local derivative × incoming gradient" per step, from :math:`\partial J/\partial J = 1`
back to every weight. The inputs and the target have sliders (everything is
recomputed at once); "take one step" applies gradient descent,
:math:`\theta^{+} = \theta - \alpha\,\partial J/\partial\theta`, with the gradients
just computed, and "reset weights" goes back to the start. All numbers come from
:func:`mlekit.nn.backprop_walk` and :meth:`mlekit.nn.TwoLayerNet.step`.
"""

from __future__ import annotations

import html

import numpy as np

from .. import _validation as V
from ..nn import TwoLayerNet, backprop_walk, node_label
from ..plotting.backprop import BackpropView
from ..plotting.format import fmt_number
from ._canvas import live_canvas
from .base import Explorer, readout_table

__all__ = ["BackpropExplorer"]

#: lesson 10 §5: the first sample of the four, and its target
SAMPLE_X, SAMPLE_T = (1.0, 2.0), 1.5
#: the sliders of x1, x2 and t run over [-3, 3]
_RANGE = (-3.0, 3.0)
_MINUS = str.maketrans("-", "−")


def _fmt(value, digits=4) -> str:
    return fmt_number(value, digits).translate(_MINUS)


class BackpropExplorer(Explorer):
    r"""Step through backpropagation on lesson 10's network for one sample (x, t).

    The network is :math:`z^1_m = \sum_n w^1_{nm} x_n`, :math:`a^1_m = \mathrm{ReLU}(z^1_m)`,
    :math:`y = z^2 = \sum_m w^2_m a^1_m`, :math:`J = (t - y)^2`, with 2 inputs and 2 or 3
    hidden units.

    Parameters
    ----------
    x : (float, float), optional
        The sample (default: lesson 10 §5's first sample, (1, 2)); each entry in [−3, 3].
    t : float, optional
        Its target (default 1.5), in [−3, 3].
    W1 : array_like, shape (2, n_hidden), optional
        Hidden weights :math:`w^1_{nm}`, as :meth:`mlekit.nn.TwoLayerNet.from_weights` takes
        them (default: those of ``TwoLayerNet(n_in=2, n_hidden=n_hidden, bias=False, rng=0)``,
        lesson 10's network).
    W2 : array_like, shape (n_hidden,) or (n_hidden, 1), optional
        Output weights :math:`w^2_m` (give both W1 and W2, or neither).
    n_hidden : int
        Hidden units, 2 or 3 (ignored when W1 is given).
    lr : float
        The learning rate α of "take one step".

    Examples
    --------
    >>> import mlekit as mk
    >>> explorer = mk.widgets.BackpropExplorer()
    >>> explorer.main_slider.value = 13          # 9 forward nodes, then J, y, z2, w2_1
    >>> explorer.view.readout["node"], round(explorer.walk.gradient("w2_1"), 4)
    ('w2_1', -1.2089)
    >>> before = explorer.walk.loss
    >>> explorer.take_step()                     # theta <- theta - lr dJ/dtheta
    >>> bool(explorer.walk.loss < before)
    True
    >>> explorer.close()
    """

    def __init__(self, x=None, t=None, *, W1=None, W2=None, n_hidden=3, lr=0.05):
        x = SAMPLE_X if x is None else V.as_float_array(x, "x", ndim=1)
        if len(x) != 2:
            V.fail("x", "be two numbers (x1, x2)", V.describe(x), "For example x=(1.0, 2.0).")
        x = [self.check_range(f"x[{i}]", v, *_RANGE, "x=(1.0, 2.0)") for i, v in enumerate(x)]
        t = self.check_range("t", SAMPLE_T if t is None else t, *_RANGE, "t=1.5")
        self.lr = V.as_float(lr, "lr")
        if not self.lr > 0:
            V.fail("lr", "be > 0", f"{self.lr:g}", "For example lr=0.05.")
        self.start_weights = _start_weights(W1, W2, n_hidden)
        self.net = TwoLayerNet.from_weights(*self.start_weights)
        self.steps_taken, self.loss_before = 0, None
        view = BackpropView(backprop_walk(self.net, x, t), canvas_factory=live_canvas)
        self.main_slider = self.step_slider = self.slider("step", 0, 0, view.walk.n_steps,
                                                          kind="int", width="430px")
        self.x_sliders = [self.slider(f"x{s}", v, *_RANGE, width="250px")
                          for s, v in zip("₁₂", x)]
        self.t_slider = self.slider("t", t, *_RANGE, width="250px")
        self.step_button = self.button("take one step", self.take_step, width="130px",
                                       tooltip=f"θ ← θ − α ∂J/∂θ with α = {self.lr:g}")
        self.reset_button = self.button("reset weights", self.reset_weights, width="120px")
        super().__init__(view, [[self.step_slider, self.step_button, self.reset_button],
                                [*self.x_sliders, self.t_slider]],
                         caption="Drag 'step': the forward pass fills the nodes, then each "
                                 "backward step multiplies a local derivative by the incoming "
                                 "gradient.")
        self.bind(step=self.step_slider)
        for slider in (*self.x_sliders, self.t_slider):
            self.on_change(slider, lambda _: self.recompute())
        self.show_readout()

    @classmethod
    def example(cls):
        """Lesson 10 §5's network and its first sample, x = (1, 2), t = 1.5."""
        return cls()

    def __repr__(self) -> str:
        x1, x2 = (s.value for s in self.x_sliders)
        return (f"BackpropExplorer(x=({x1:g}, {x2:g}), t={self.t_slider.value:g}, "
                f"n_hidden={self.walk.n_hidden}, lr={self.lr:g})")

    # ------------------------------------------------------------- the state
    @property
    def walk(self):
        """The :class:`mlekit.nn.BackpropWalk` shown now."""
        return self.view.walk

    @property
    def x(self):
        """The sample set by the sliders, as an array (x1, x2)."""
        return np.array([s.value for s in self.x_sliders])

    def recompute(self):
        """Walk the current sample, target and weights again (the step stays): blits."""
        self.view.set_walk(backprop_walk(self.net, self.x, self.t_slider.value))
        self.show_readout()

    def take_step(self):
        """One gradient-descent step on this sample, θ ← θ − α ∂J/∂θ (TwoLayerNet.step)."""
        self.loss_before = self.walk.loss
        self.net.step(self.walk.grads, self.lr)
        self.steps_taken += 1
        self.recompute()

    def reset_weights(self):
        """Back to the starting weights."""
        self.net = TwoLayerNet.from_weights(*self.start_weights)
        self.steps_taken, self.loss_before = 0, None
        self.recompute()

    # ------------------------------------------------------------- readout
    def show_readout(self):
        r, walk = self.view.readout, self.walk
        record = r["record"]
        if r["phase"] == "start":
            what, computation = "–", "nothing computed yet"
        elif r["phase"] == "forward":
            what = node_label(record.node)
            computation = f"{record.formula} = {record.arithmetic} = {_fmt(record.value)}"
        else:
            what = f"∂J/∂{node_label(record.target)}"
            computation = ("∂J/∂J = 1" if record.kind == "seed" else
                           f"{_fmt(record.local)} × {_paren(_fmt(record.upstream))} = "
                           f"{_fmt(record.gradient)}")
        weights = "as at the start" if not self.steps_taken else (
            f"after {self.steps_taken} step{'s' * (self.steps_taken > 1)} "
            f"(J was {_fmt(self.loss_before)})")
        rows = [("step", f"{r['step']} / {r['n_steps']}"), ("pass", r["phase"]), ("node", what),
                ("local × incoming = outgoing" if r["phase"] == "backward" else "computation",
                 computation), ("J", _fmt(walk.loss)), ("weights", weights)]
        status = ""
        if r["max_error"] is not None:
            verdict = "match" if r["max_error"] < 1e-6 else "do not match"
            status = (f"<div>✓ The gradients {verdict} TwoLayerNet.backward and finite "
                      f"differences (max rel. error {r['max_error']:.1e}).</div>")
        self.readout.value = readout_table([(k, html.escape(v)) for k, v in rows]) + status


def _paren(text: str) -> str:
    return f"({text})" if text.startswith("−") else text


def _start_weights(W1, W2, n_hidden):
    """(W1, W2) to start from: the given ones, or lesson 10's TwoLayerNet(rng=0)."""
    if (W1 is None) != (W2 is None):
        V.fail("W1, W2", "be given together (or both left out)",
               f"W1={V.describe(W1)}, W2={V.describe(W2)}",
               "Pass both weight arrays, or neither for lesson 10's network.")
    if W1 is None:
        n_hidden = V.check_int(n_hidden, "n_hidden", minimum=2)
        if n_hidden > 3:
            V.fail("n_hidden", "be 2 or 3 (small enough to see whole)", str(n_hidden),
                   "For example n_hidden=3.")
        net = TwoLayerNet(n_in=2, n_hidden=n_hidden, hidden="relu", output="identity",
                          bias=False, rng=0)
        return net.params["W1"].copy(), net.params["W2"].copy()
    net = TwoLayerNet.from_weights(W1, W2)          # checks the shapes
    if net.n_in != 2 or not 2 <= net.n_hidden <= 3 or net.n_out != 1:
        V.fail("W1, W2", "be shaped (2, n_hidden) and (n_hidden,) with 2 or 3 hidden units",
               f"shapes {net.params['W1'].shape} and {net.params['W2'].shape}",
               "The explorer draws 2 inputs and 2 or 3 hidden units.")
    return net.params["W1"], net.params["W2"]
