r"""Draw a :class:`~mlekit.autodiff.Value` computation graph (계산 그래프).

One box per node (its name and forward value), one arrow per parent → child
edge. With ``gradients=True`` the backward pass is written on the picture:
the local derivative :math:`\partial\,\mathrm{child}/\partial\,\mathrm{parent}`
on each arrow and :math:`\partial L/\partial\,\mathrm{node}` under each box,
so "gradient of a node = local derivative on its arrow × gradient of the
node it points to" can be read off the figure. The helper only draws what
the nodes already hold (``data``, ``parents``, ``local_grads`` and, after
``backward()``, ``grad``); it computes nothing.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from mlekit.autodiff import Value
>>> from mlekit.plotting import draw_graph
>>> w, x = Value(2.0, label="w"), Value(3.0, label="x")
>>> L = (w * x).relu(); L.label = "L"
>>> L.backward()
>>> artists = draw_graph(L, gradients=True)
>>> list(artists["boxes"])                    # inputs first, the root last
['w', 'x', '(*)', 'L']
>>> len(artists["arrows"])
3
>>> artists["grads"]["w"].get_text()          # dL/dw = x = 3
'$\\partial L/\\partial w$ = +3.0000'
"""

from __future__ import annotations

import re

from .. import _validation as V
from .curves import new_axes
from .style import COLORS

__all__ = ["draw_graph", "graph_layout"]

#: horizontal and vertical distance between node centres in the automatic layout
_DX, _DY = 1.6, 1.4


def _check_root(root):
    from ..autodiff import Value

    if not isinstance(root, Value):
        V.fail("root", "be a mlekit.autodiff.Value (the output node of a graph)",
               V.describe(root), "Build the graph with Value objects, e.g. "
               "L = (Value(2.0, label='w') * 3).relu(), and pass L.", exc=TypeError)
    return root


def _names(nodes) -> dict:
    """A unique display key per node: its label, else its op in brackets, numbered if repeated."""
    keys, used = {}, {}
    for node in nodes:
        base = node.name
        used[base] = used.get(base, 0) + 1
        keys[id(node)] = base if used[base] == 1 else f"{base}#{used[base]}"
    return keys


def graph_layout(root) -> dict:
    """Automatic positions ``{key: (x, y)}``: inputs on the left, the root on the right.

    A node's column is the length of the longest path from an input to it, so
    every arrow points to the right; nodes in one column are stacked evenly.
    Keys are what :func:`draw_graph` uses: a node's label, else its op in
    brackets (``"(*)"``), with ``#2``, ``#3`` … for repeats.

    Examples
    --------
    >>> from mlekit.autodiff import Value
    >>> a, b = Value(1.0, label="a"), Value(2.0, label="b")
    >>> c = a * b; c.label = "c"
    >>> graph_layout(c)
    {'a': (0.0, 0.7), 'b': (0.0, -0.7), 'c': (1.6, 0.0)}
    """
    nodes = _check_root(root).topological_order()
    keys = _names(nodes)
    depth = {}
    for node in nodes:                          # parents come first in topological order
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    columns: dict[int, list] = {}
    for node in nodes:
        columns.setdefault(depth[id(node)], []).append(node)
    pos = {}
    for col, members in columns.items():
        top = (len(members) - 1) * _DY / 2
        for i, node in enumerate(members):
            pos[keys[id(node)]] = (col * _DX, top - i * _DY)
    return pos


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")


def _grad_text(root_name: str, key: str, grad: float, digits: int) -> str:
    """``∂L/∂w = …`` in math type for plain names (``∂L/∂(wx)`` for longer ones).

    Names that are not plain identifiers (``(*)#2``, ``a_1``) are shown as
    ordinary text, with any ``$`` escaped, so no node name can break mathtext.
    """
    value = f"{grad:+.{digits}f}"
    if _IDENTIFIER.match(root_name) and _IDENTIFIER.match(key):
        sym = key if len(key) == 1 else f"({key})"
        return rf"$\partial {root_name}/\partial {sym}$ = {value}"
    return f"∂{root_name}/∂[{key}] = {value}".replace("$", r"\$")


def draw_graph(root, ax=None, *, pos=None, labels=None, gradients=False, digits=4):
    r"""Draw the computation graph that ends at *root*; return the artists.

    Parameters
    ----------
    root : mlekit.autodiff.Value
        The output node (usually the loss). Every node it depends on is drawn.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    pos : dict, optional
        ``{key: (x, y)}`` for every node, where a key is the node's label (or
        its op in brackets for an unlabelled node; see :func:`graph_layout`).
        Default: :func:`graph_layout`.
    labels : dict, optional
        Text shown in a node's box instead of its key, e.g. ``{"y": "y = σ(z)"}``.
    gradients : bool
        Also write :math:`\partial L/\partial\,\mathrm{node}` (``node.grad``)
        under each box and the local derivative on each arrow. Call
        ``root.backward()`` first.
    digits : int
        Decimals for the values and gradients.

    Returns
    -------
    dict
        ``boxes`` {key: Text}, ``arrows`` [Annotation], ``grads`` {key: Text}
        and ``locals`` [Text] (the last two empty unless ``gradients``).

    Notes
    -----
    Backpropagation fills each node's gradient as the sum over the arrows that
    leave it of (local derivative on the arrow) × (gradient of the node the
    arrow points to): :math:`\partial L/\partial u = \sum_{v}
    \frac{\partial v}{\partial u}\,\frac{\partial L}{\partial v}`. With
    ``gradients=True`` both factors of every term are on the figure.
    """
    root = _check_root(root)
    digits = V.check_int(digits, "digits", minimum=0)
    if not isinstance(gradients, bool):
        V.fail("gradients", "be True or False", V.describe(gradients),
               "Pass gradients=True to write the backward pass on the figure.", exc=TypeError)
    nodes = root.topological_order()
    keys = _names(nodes)
    pos = graph_layout(root) if pos is None else dict(pos)
    missing = [keys[id(n)] for n in nodes if keys[id(n)] not in pos]
    if missing:
        V.fail("pos", "give a position for every node of the graph",
               f"no position for {', '.join(repr(m) for m in missing)}",
               "Add them, or leave pos=None for the automatic layout "
               "(mlekit.plotting.graph_layout shows the keys).")
    labels = labels or {}
    ax = new_axes(ax, figsize=(9.0, 3.4))
    root_sym = root.label or "L"

    boxes, grads = {}, {}
    for node in nodes:
        key = keys[id(node)]
        px, py = pos[key]
        boxes[key] = ax.text(px, py, f"{labels.get(key, key)}\n{node.data:.{digits}f}",
                             ha="center", va="center", zorder=3,
                             bbox=dict(boxstyle="round,pad=0.45", fc="white",
                                       ec=COLORS["model"], lw=1.5))
        if gradients:
            grads[key] = ax.text(px, py - 0.42, _grad_text(root_sym, key, node.grad, digits),
                                 ha="center", va="top", color=COLORS["gradient"], fontsize=9)
    arrows, local_texts = [], []
    for node in nodes:
        for parent, local in zip(node.parents, node.local_grads):
            (x0, y0), (x1, y1) = pos[keys[id(parent)]], pos[keys[id(node)]]
            arrows.append(ax.annotate(
                "", xy=(x1, y1), xytext=(x0, y0), zorder=1,
                arrowprops=dict(arrowstyle="-|>", color=COLORS["data"], lw=1.2,
                                patchA=boxes[keys[id(parent)]].get_bbox_patch(),
                                patchB=boxes[keys[id(node)]].get_bbox_patch())))
            if gradients:
                local_texts.append(ax.text(
                    (x0 + x1) / 2, (y0 + y1) / 2 + 0.08, f"×{local:.3g}", ha="center",
                    va="bottom", fontsize=8, color=COLORS["nll"],
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none")))
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set(xlim=(min(xs) - 0.8, max(xs) + 0.8), ylim=(min(ys) - 0.85, max(ys) + 0.55))
    ax.axis("off")
    return {"boxes": boxes, "arrows": arrows, "grads": grads, "locals": local_texts}
