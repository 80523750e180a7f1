r"""A scalar reverse-mode automatic differentiation node, for the backprop lessons.

Every :class:`Value` remembers the operation that made it, its parents and
the *local derivative* of its output with respect to each parent. Calling
:meth:`Value.backward` walks the graph from the output back to the inputs and
applies the chain rule (연쇄 법칙) at each node:

.. math:: \text{parent.grad} \mathrel{+}= \underbrace{\frac{\partial\,\text{node}}{\partial\,\text{parent}}}_{\text{local}} \times \underbrace{\text{node.grad}}_{\text{incoming}}

:meth:`Value.backward_trace` returns each of those products as a record, so
a notebook can show backpropagation (역전파) one multiplication at a time.

Examples
--------
>>> from mlekit.autodiff import Value
>>> x = Value(2.0, label="x")
>>> y = x * x + 3 * x          # dy/dx = 2x + 3 = 7
>>> y.backward()
>>> x.grad
7.0
>>> y.backward()               # a second call recomputes; it does not double
>>> x.grad
7.0
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from . import _validation as V

__all__ = ["Value", "BackwardStep"]


@dataclass(frozen=True)
class BackwardStep:
    """One application of the chain rule during :meth:`Value.backward_trace`.

    ``contribution = local * upstream`` is added to ``parent.grad``.

    Examples
    --------
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> y.label = "y"
    >>> steps = y.backward_trace()
    >>> [s.contribution for s in steps]      # x is used twice: 3 + 3 = dy/dx = 6
    [3.0, 3.0]
    >>> print(steps[0])
    dy/dx = 3 (local) x 1 (incoming) = 3
    """

    node: "Value"
    parent: "Value"
    local: float
    upstream: float
    contribution: float

    def __str__(self) -> str:
        return (f"d{self.node.name}/d{self.parent.name} = {self.local:.4g} (local) x "
                f"{self.upstream:.4g} (incoming) = {self.contribution:.4g}")


def _as_value(other) -> "Value":
    if isinstance(other, Value):
        return other
    if isinstance(other, numbers.Real) and not isinstance(other, bool):
        return Value(float(other))
    V.fail("the other operand", "be a Value or a real number", V.describe(other),
           "Combine Values with numbers or other Values only.", TypeError)


class Value:
    """A scalar in a computation graph that knows how to pass gradients back.

    Parameters
    ----------
    data : float
        The number this node holds.
    label : str, optional
        A name shown in traces and graph drawings (e.g. ``"w1"``).
    parents, op, local_grads : optional
        Set by the operations that build the graph (``w * x`` makes a node with
        ``parents=(w, x)``, ``op="*"``, ``local_grads=(x.data, w.data)``);
        stored under the same names, described below. Leave them out for an
        input.

    Attributes
    ----------
    data : float
        The forward value.
    grad : float
        d(output)/d(this node) after :meth:`backward` on some output.
    parents : tuple of Value
        The nodes this one was computed from.
    op : str
        The operation that produced it (``""`` for an input).
    local_grads : tuple of float
        d(this node)/d(parent) for each parent, computed in the forward pass.

    Examples
    --------
    >>> w, x, b = Value(-2.0, label="w"), Value(3.0, label="x"), Value(1.0, label="b")
    >>> z = w * x + b
    >>> z.label = "z"
    >>> z.backward()
    >>> w.grad, x.grad, b.grad
    (3.0, -2.0, 1.0)
    """

    def __init__(self, data, label: str = "", *, parents=(), op: str = "", local_grads=()):
        if isinstance(data, Value):
            data = data.data
        if isinstance(data, bool):
            V.fail("data", "be a real number", repr(data), "Use 1.0 or 0.0.", TypeError)
        if op and not math.isfinite(data):
            V.fail(f"the result of {op!r}", "stay finite",
                   f"{data} from {', '.join(f'{p.data:g}' for p in parents)}",
                   "The numbers are too large for floats; rescale the inputs.", OverflowError)
        self.data = V.as_float(data, "data")
        self.grad = 0.0
        self.label = label
        self.parents = tuple(parents)
        self.op = op
        self.local_grads = tuple(float(g) for g in local_grads)

    # ----------------------------------------------------------- presentation
    @property
    def name(self) -> str:
        """The label, or the operation, or ``"value"``."""
        return self.label or (f"({self.op})" if self.op else "value")

    def __repr__(self) -> str:
        extra = f", op={self.op!r}" if self.op else ""
        lab = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{extra}{lab})"

    # --------------------------------------------------------------- arithmetic
    def __add__(self, other):
        other = _as_value(other)
        return Value(self.data + other.data, parents=(self, other), op="+", local_grads=(1.0, 1.0))

    def __mul__(self, other):
        other = _as_value(other)
        # d(ab)/da = b, d(ab)/db = a
        return Value(self.data * other.data, parents=(self, other), op="*",
                     local_grads=(other.data, self.data))

    def __truediv__(self, other):
        other = _as_value(other)
        if other.data == 0.0:
            V.fail("the divisor", "be non-zero", "0", "Division by zero has no derivative.",
                   ZeroDivisionError)
        # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
        return Value(self.data / other.data, parents=(self, other), op="/",
                     local_grads=(1.0 / other.data, -self.data / other.data**2))

    def __pow__(self, exponent):
        if not isinstance(exponent, numbers.Real) or isinstance(exponent, bool):
            V.fail("the exponent", "be a plain number", V.describe(exponent),
                   "Use x ** 2 or x ** -1; for a variable exponent write (y * x.log()).exp().",
                   TypeError)
        exponent = float(exponent)
        if self.data == 0.0 and exponent < 1 and exponent != 0:
            V.fail("the base", f"be non-zero for the power {exponent:g}", "0",
                   "The derivative of x**n at 0 is undefined for n < 1.")
        if self.data < 0 and not exponent.is_integer():
            V.fail("the base", f"be positive for the non-integer power {exponent:g}",
                   f"{self.data:g}", "Use an integer exponent for negative numbers.")
        # d(x^n)/dx = n x^(n-1)
        try:
            out, local = self.data**exponent, exponent * self.data ** (exponent - 1)
        except OverflowError:
            out, local = math.inf, math.inf
        return Value(out, parents=(self,), op=f"**{exponent:g}", local_grads=(local,))

    def __neg__(self):
        return Value(-self.data, parents=(self,), op="neg", local_grads=(-1.0,))

    def __sub__(self, other):
        other = _as_value(other)
        return Value(self.data - other.data, parents=(self, other), op="-", local_grads=(1.0, -1.0))

    def __radd__(self, other):
        return _as_value(other) + self

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rmul__(self, other):
        return _as_value(other) * self

    def __rtruediv__(self, other):
        return _as_value(other) / self

    # -------------------------------------------------------------- functions
    def exp(self):
        """e**x; local derivative e**x."""
        try:
            out = math.exp(self.data)
        except OverflowError:
            V.fail("the input to exp", "be below about 709.78 so e**x stays finite",
                   f"{self.data:g}", "Work in log space (logsumexp) for large inputs.",
                   OverflowError)
        return Value(out, parents=(self,), op="exp", local_grads=(out,))

    def log(self):
        """Natural log; local derivative 1/x. Needs x > 0."""
        if self.data <= 0:
            V.fail("the input to log", "be > 0", f"{self.data:g}",
                   "The log of a probability needs p > 0.")
        return Value(math.log(self.data), parents=(self,), op="log", local_grads=(1.0 / self.data,))

    def tanh(self):
        """tanh; local derivative 1 - tanh**2."""
        t = math.tanh(self.data)
        return Value(t, parents=(self,), op="tanh", local_grads=(1.0 - t * t,))

    def sigmoid(self):
        """Logistic sigmoid; local derivative s(1 - s)."""
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return Value(s, parents=(self,), op="sigmoid", local_grads=(s * (1.0 - s),))

    def relu(self):
        """max(0, x); local derivative 1 for x > 0, else 0."""
        return Value(max(0.0, self.data), parents=(self,), op="relu",
                     local_grads=(1.0 if self.data > 0 else 0.0,))

    # --------------------------------------------------------------- backward
    def topological_order(self) -> list["Value"]:
        """Every node of the graph that ends here, each after all of its parents."""
        order, seen = [], set()
        stack = [(self, False)]
        while stack:                    # iterative DFS: deep graphs do not hit recursion limits
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for p in reversed(node.parents):
                if id(p) not in seen:
                    stack.append((p, False))
        return order

    def backward_order(self) -> list["Value"]:
        """The graph's nodes in the order backpropagation visits them: output first."""
        return self.topological_order()[::-1]

    def zero_grad(self) -> None:
        """Set ``grad = 0`` on every node of this graph."""
        for node in self.topological_order():
            node.grad = 0.0

    def backward(self, *, accumulate: bool = False) -> None:
        """Fill ``grad`` on every node with d(self)/d(node).

        By default every gradient in the graph is reset first, so calling
        ``backward()`` twice gives the same gradients, not double. Pass
        ``accumulate=True`` to add to the existing gradients instead (as
        frameworks do; then call :meth:`zero_grad` between steps).
        """
        self._run_backward(accumulate, trace=None)

    def backward_trace(self) -> list[BackwardStep]:
        """Run :meth:`backward` and return every chain-rule product it applied, in order.

        Examples
        --------
        >>> a = Value(3.0, label="a")
        >>> b = (a * 2).relu()
        >>> b.label = "b"
        >>> for step in b.backward_trace():
        ...     print(step)
        db/d(*) = 1 (local) x 1 (incoming) = 1
        d(*)/da = 2 (local) x 1 (incoming) = 2
        d(*)/dvalue = 3 (local) x 1 (incoming) = 3
        """
        steps: list[BackwardStep] = []
        self._run_backward(False, trace=steps)
        return steps

    def _run_backward(self, accumulate, trace):
        order = self.topological_order()
        grads = {id(node): 0.0 for node in order}   # this pass's gradients only
        grads[id(self)] = 1.0                        # d(out)/d(out) = 1
        for node in reversed(order):
            upstream = grads[id(node)]
            for parent, local in zip(node.parents, node.local_grads):
                contribution = local * upstream      # chain rule: local x incoming
                grads[id(parent)] += contribution
                if trace is not None:
                    trace.append(BackwardStep(node, parent, local, upstream, contribution))
        for node in order:
            node.grad = node.grad + grads[id(node)] if accumulate else grads[id(node)]
