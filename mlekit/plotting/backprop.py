r"""BackpropView: lesson 10's two-layer network as a computation graph, walked step by step.

The graph of one sample through the network (inputs :math:`x_n`, weighted sums
:math:`z^1_m`, ReLU outputs :math:`a^1_m`, :math:`z^2`, :math:`y`, the loss
:math:`J` with its target :math:`t`) is drawn once: boxes, arrows and names.
Everything that a step changes is an animated artist, so moving the step
only blits:

- each box's value, filled in when the forward pass reaches the node;
- the gradient :math:`\partial J/\partial\,\text{node}` above or under a box, and
  on each weight's arrow first the weight, then :math:`\partial J/\partial w`,
  written when the backward pass reaches them;
- the current node or weight (orange outline and arrows), the incoming
  gradient its product uses (purple outline: the error signal δ that every
  weight of a neuron reuses), grey boxes for a hidden unit a ReLU switches off;
- two lines above the graph: the step, and its product "local derivative ×
  incoming gradient = outgoing gradient" with the numbers, and at the end
  how closely the gradients match :meth:`~mlekit.nn.TwoLayerNet.backward`
  and finite differences.

Every number comes from :func:`mlekit.nn.backprop_walk`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox, IdentityTransform

from .. import _validation as V
from ..nn import BackpropWalk, node_label
from .format import fmt_number
from .style import COLORS
from .view import View

__all__ = ["BackpropView"]

#: column of each layer (data x)
_COLUMN = {"x": 0.0, "z1": 2.9, "a1": 4.3, "z2": 6.5, "y": 7.7, "J": 8.9}
#: vertical distance between hidden units (and between inputs)
_ROW = 1.8
#: half width and half height of a box
_HW, _HH = 0.42, 0.36
#: where along its arrow a weight's label sits (0 = source box, 1 = target box)
_LABEL_AT = {"w1": 0.68, "w2": 0.5}
_OFF_GREY = "#BDBDBD"
_MINUS = str.maketrans("-", "−")


def _num(value, digits=4) -> str:
    return fmt_number(value, digits).translate(_MINUS) if abs(value) >= 1e-3 or value == 0 \
        else f"{value:.2e}".translate(_MINUS)


def _short(value) -> str:
    """3 significant digits for the crowded labels: 0.126, −2.71, 12.3."""
    return f"{value + 0.0:.3g}".translate(_MINUS)


class _CachedText(Text):
    """A Text that redraws from a cached bitmap of itself: the same pixels, far faster.

    Matplotlib lays out and rasterises a string anew at every draw (1.5 to 3 ms for
    one short label here), and a blitted frame redraws every moving label. This
    view's labels keep a bitmap per look (text, colour, outline, dpi) in the view's
    *cache*: it is rendered once by matplotlib itself, on a transparent canvas at the
    same sub-pixel offset, and pasted after that. Only the Agg renderer uses it;
    any other renderer (PDF, SVG) draws the text as usual.
    """

    def __init__(self, *args, cache, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache = cache

    def sprite(self, renderer):
        """``(image, x, y)``: the bitmap (rows bottom up) and its lower-left pixel, or None.

        None when the text is hidden or empty. The bitmap is rendered on first use and
        kept in the cache.
        """
        if not self.get_visible() or not self.get_text():
            return None
        ax, ay = self.get_transform().transform(self.get_unitless_position())
        ix, iy = int(np.floor(ax)), int(np.floor(ay))
        fx, fy = round(ax - ix, 3), round(ay - iy, 3)
        patch = self.get_bbox_patch()
        key = (id(self), self.get_text(), to_rgba(self.get_color()), renderer.dpi, fx, fy,
               None if patch is None else (to_rgba(patch.get_edgecolor()), patch.get_linewidth()))
        found = self.cache.get(key)
        if found is None:
            if len(self.cache) > 5000:                  # a long session: start afresh
                self.cache.clear()
            found = self.cache[key] = self._render(renderer, fx, fy, ix, iy)
        image, dx, dy = found
        return image, ix + dx, iy + dy

    def draw(self, renderer, box=None):
        """Paste the bitmap; with *box* ``(x0, y0, x1, y1)`` (pixels, from the bottom) only inside it."""
        if not isinstance(renderer, RendererAgg):
            return super().draw(renderer)
        found = self.sprite(renderer)
        if found is not None:
            image, x, y = found
            if box is not None:                         # cut the bitmap to the box
                h, w = image.shape[:2]
                x0, y0 = max(x, box[0]), max(y, box[1])
                x1, y1 = min(x + w, box[2]), min(y + h, box[3])
                if x0 >= x1 or y0 >= y1:
                    return
                image = np.ascontiguousarray(image[y0 - y:y1 - y, x0 - x:x1 - x])
                x, y = x0, y0
            gc = renderer.new_gc()
            renderer.draw_image(gc, x, y, image)
            gc.restore()
        self.stale = False

    def extent(self, renderer):
        """``(x0, y0, x1, y1)`` of the bitmap in pixels from the bottom, or None if hidden."""
        found = self.sprite(renderer)
        if found is None:
            return None
        image, x, y = found
        return (x, y, x + image.shape[1], y + image.shape[0])

    def _render(self, renderer, fx, fy, ix, iy):
        """The bitmap of this text as matplotlib draws it, and its offset from the anchor pixel."""
        extent = self.get_window_extent(renderer)
        patch = self.get_bbox_patch()
        if patch is not None:
            self.update_bbox_position_size(renderer)
            extent = Bbox.union([extent, patch.get_window_extent(renderer)])
        margin = 3 + int(np.ceil(renderer.points_to_pixels(patch.get_linewidth()
                                                             if patch is not None else 0)))
        dx, dy = int(np.floor(extent.x0)) - margin - ix, int(np.floor(extent.y0)) - margin - iy
        width = int(np.ceil(extent.x1)) + margin - (ix + dx)
        height = int(np.ceil(extent.y1)) + margin - (iy + dy)
        proxy = Text(fx - dx, fy - dy, self.get_text())
        proxy.update_from(self)
        proxy.set_transform(IdentityTransform())
        proxy.set_clip_on(False)
        proxy.set_figure(self.get_figure(root=True))
        if patch is not None:
            proxy.set_bbox(dict(boxstyle=patch.get_boxstyle(), fc=patch.get_facecolor(),
                                ec=patch.get_edgecolor(), lw=patch.get_linewidth()))
        canvas = RendererAgg(width, height, renderer.dpi)
        canvas.clear()
        proxy.draw(canvas)
        return np.asarray(canvas.buffer_rgba())[::-1].copy(), dx, dy


class BackpropView(View):
    r"""The computation graph of :func:`mlekit.nn.backprop_walk`, filled in step by step.

    Parameters
    ----------
    walk : mlekit.nn.BackpropWalk
        The network (2 inputs, 1 to 3 hidden units) and the sample.
    step : int
        0 (nothing computed) … ``walk.n_steps`` (every backward product done).
    canvas_factory : callable, optional
        See :class:`View`.

    Examples
    --------
    >>> import mlekit as mk
    >>> from mlekit.plotting import BackpropView
    >>> net = mk.nn.TwoLayerNet(n_in=2, n_hidden=3, bias=False, rng=0)
    >>> view = BackpropView(mk.nn.backprop_walk(net, [1.0, 2.0], 1.5))
    >>> view.update(step=1)                    # the first forward node
    >>> view.readout["phase"], view.readout["node"], view.value_texts["z1_1"].get_text()
    ('forward', 'z1_1', '0.3355')
    >>> view.update(step=view.walk.n_steps)    # the last backward product
    >>> view.readout["node"], view.weight_texts["w1_23"].get_text()
    ('w1_23', '∂J/∂w¹₂₃ = 2.93')
    >>> view.close()
    """

    def __init__(self, walk, *, step=0, canvas_factory=None):
        self._check_walk(walk)
        # 920 x 400 px: with two control rows and the readout the explorer fits 1366x768
        super().__init__(figsize=(9.2, 4.0), canvas_factory=canvas_factory)
        self.walk = walk
        self.pos = _positions(walk.n_hidden)
        self._sprites = {}                # the moving labels' bitmaps (see _CachedText)
        self._drawn = {}                  # id(artist) -> (look, pixel box) on the canvas now
        with self._style():
            self.ax = self.fig.add_axes((0.005, 0.09, 0.99, 0.73))
            self.ax.set_xlim(-0.55, 9.45)
            self.ax.set_ylim(*self._ylim(walk.n_hidden))
            self.ax.axis("off")
            self._draw_static(walk)
            self._make_animated(walk)
        self.step = 0
        self.readout = {}
        self._set(step=step)
        self.redraw()

    # ------------------------------------------------------------- checking
    @staticmethod
    def _check_walk(walk):
        if not isinstance(walk, BackpropWalk):
            V.fail("walk", "be the result of mlekit.nn.backprop_walk(net, x, t)",
                   V.describe(walk), "Build it with backprop_walk(TwoLayerNet(2, 3, "
                   "bias=False), x, t).", TypeError)
        if walk.n_in != 2 or not 1 <= walk.n_hidden <= 3:
            V.fail("walk", "come from a network with 2 inputs and 1 to 3 hidden units (small "
                   "enough to see whole)", f"{walk.n_in} inputs, {walk.n_hidden} hidden units",
                   "Use TwoLayerNet(n_in=2, n_hidden=3, bias=False).")

    @staticmethod
    def _ylim(n_hidden):
        top = max((n_hidden - 1) / 2 * _ROW, 0.9)
        return (-top - 0.78, top + 0.5)

    # ----------------------------------------------------------- static part
    def _draw_static(self, walk):
        ax, pos = self.ax, self.pos
        for name, (cx, cy) in pos.items():
            color = COLORS["target"] if name == "t" else COLORS["model"]
            ax.add_patch(FancyBboxPatch((cx - _HW, cy - _HH), 2 * _HW, 2 * _HH,
                                        boxstyle="round,pad=0.02,rounding_size=0.08",
                                        fc="white", ec=color, lw=1.5, zorder=2))
            ax.text(cx, cy + 0.15, node_label(name), ha="center", va="center", fontsize=10,
                    fontweight="bold", color=color, zorder=3)
        self.segments = {edge: _segment(pos[edge[0]], pos[edge[1]]) for edge in walk.edges}
        for (p, c), ((x0, y0), (x1, y1)) in self.segments.items():
            ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=11,
                                         color=COLORS["data"], lw=1.1, zorder=1,
                                         shrinkA=0, shrinkB=0))
        # the legend, under the graph: what the colours mean
        handles = [
            Patch(fc="white", ec=COLORS["model"], lw=1.5, label="node and its value (forward)"),
            Patch(fc="white", ec=COLORS["gradient"], lw=1.5, label="∂J/∂… (backward)"),
            Line2D([], [], color=COLORS["current"], lw=3, label="this step"),
            Patch(fc=_OFF_GREY, ec=COLORS["data"], label="unit off: ReLU′ = 0"),
        ]
        self.legend = self.fig.legend(handles=handles, loc="lower center", ncols=4,
                                      bbox_to_anchor=(0.5, 0.0), fontsize=9, frameon=False)

    # -------------------------------------------------------- moving artists
    def _make_animated(self, walk):
        ax, pos, anim = self.ax, self.pos, self.animate
        label_box = dict(boxstyle="round,pad=0.18", fc="white", ec="none", lw=1.8)
        # grey boxes over a hidden unit that is off (drawn under the values)
        self.off_patches = {}
        for m in range(1, walk.n_hidden + 1):
            for name in (f"z1_{m}", f"a1_{m}"):
                cx, cy = pos[name]
                self.off_patches[name] = anim(ax.add_patch(FancyBboxPatch(
                    (cx - _HW, cy - _HH), 2 * _HW, 2 * _HH, boxstyle="round,pad=0.02,"
                    "rounding_size=0.08", fc=_OFF_GREY, ec=COLORS["data"], alpha=0.6, lw=1.0,
                    zorder=4, visible=False)))
        # the current node's outline and the arrows of this step
        self.current_box = anim(ax.add_patch(FancyBboxPatch(
            (0, 0), 2 * _HW, 2 * _HH, boxstyle="round,pad=0.06,rounding_size=0.1", fc="none",
            ec=COLORS["current"], lw=3.0, zorder=6, visible=False)))
        (self.current_edges,) = ax.plot([], [], color=COLORS["current"], lw=3.2, alpha=0.85,
                                        solid_capstyle="round", zorder=5)
        anim(self.current_edges)
        self.value_texts, self.grad_texts, self.weight_texts = {}, {}, {}
        label = self._label
        for name, (cx, cy) in pos.items():
            self.value_texts[name] = label(ax, cx, cy - 0.16, ha="center", va="center",
                                           fontsize=10, zorder=7)
            if name in ("x1", "x2", "t"):
                continue
            above = name in ("z2", "y", "J")
            gy = cy + _HH + 0.1 if above else cy - _HH - 0.1
            self.grad_texts[name] = label(ax, cx, gy, ha="center",
                                          va="bottom" if above else "top", fontsize=9,
                                          color=COLORS["gradient"], zorder=7,
                                          bbox=dict(label_box), visible=False)
        for edge, weight in walk.edge_weight.items():
            (x0, y0), (x1, y1) = self.segments[edge]
            f = _LABEL_AT[weight[:2]]
            self.weight_texts[weight] = label(ax, x0 + f * (x1 - x0), y0 + f * (y1 - y0),
                                              ha="center", va="center", fontsize=9,
                                              color=COLORS["data"], zorder=7,
                                              bbox=dict(label_box))
        # two lines above the graph: where we are, and the product of this step
        self.headline = label(self.fig, 0.01, 0.98, ha="left", va="top", fontsize=11,
                              fontweight="bold")
        self.detail = label(self.fig, 0.01, 0.925, ha="left", va="top", fontsize=10,
                            linespacing=1.3)
        # what a backward product means: a label of its own, so its bitmap is made once
        self.rule_text = label(self.fig, 0.99, 0.98, ha="right", va="top", fontsize=9.5,
                               color=COLORS["gradient"], visible=False,
                               text="local derivative × incoming gradient = outgoing gradient")

    def _label(self, where, x, y, **props):
        """A moving text on the axes or the figure *where*, drawn from cached bitmaps."""
        text = _CachedText(x, y, props.pop("text", ""), cache=self._sprites, **props)
        where.add_artist(text)
        return self.animate(text)

    # ------------------------------------------------------- drawing a frame
    # A step changes a handful of the ~40 moving artists. Each frame restores the cached
    # background only where an artist changed (its old and its new place) and redraws,
    # cut to those places, the moving artists that reach into them, in their usual order.
    # What is on the canvas is the same as after a redraw of every moving artist.
    def _draw_animated(self):
        renderer = self.canvas.get_renderer()
        for artist in self._animated:
            if artist.get_visible():
                artist.draw(renderer)
        self._drawn = {id(a): (_look(a), _extent(a, renderer)) for a in self._animated}

    def refresh(self):
        """Show the moving artists' new state: restore and redraw only where something changed."""
        if self._background is None or not self._drawn:
            return super().refresh()
        renderer = self.canvas.get_renderer()
        width, height = (int(v) for v in self.fig.bbox.size)
        now, boxes = {}, []
        for artist in self._animated:
            look = _look(artist)
            old_look, old_box = self._drawn.get(id(artist), (None, None))
            box = old_box if look == old_look else _extent(artist, renderer)
            now[id(artist)] = (look, box)
            if look != old_look:
                boxes += [b for b in (old_box, box) if b is not None]
        regions = _merge([_clip_box(b, width, height) for b in boxes])
        if sum((b[2] - b[0]) * (b[3] - b[1]) for b in regions) > 0.5 * width * height:
            self._drawn = {}
            return super().refresh()                    # most of the figure changed
        for region in regions:
            x0, y0, x1, y1 = region                     # restore_region counts rows from the top
            self.canvas.restore_region(self._background, bbox=(x0, height - y1, x1 - 1,
                                                                height - y0 - 1), xy=(0, 0))
            for artist in self._animated:
                box = now[id(artist)][1]
                if box is not None and _overlap(box, region):
                    _draw_inside(artist, renderer, region)
        self._drawn = now
        self.canvas.blit(self.fig.bbox)

    # ------------------------------------------------------------- updating
    def set_walk(self, walk, *, step=None):
        """Show new numbers (another sample, target or weights) on the same graph: blits.

        *walk* must come from a network of the same size.
        """
        self._check_walk(walk)
        if walk.n_hidden != self.walk.n_hidden:
            V.fail("walk", f"have {self.walk.n_hidden} hidden units like the graph drawn",
                   f"{walk.n_hidden}", "Build a new BackpropView for another network size.")
        self.walk = walk
        self._set(step=self.step if step is None else step)
        self.refresh()

    def close(self):
        """Release the figure and the labels' bitmaps."""
        self._sprites.clear()
        super().close()

    def _set(self, step=None):
        walk = self.walk
        k = self.step if step is None else min(V.check_int(step, "step", minimum=0),
                                               walk.n_steps)
        self.step = k
        phase, record = walk.current(k)
        values, grads = walk.known_values(k), walk.known_gradients(k)
        for name, text in self.value_texts.items():
            known = name in values
            text.set_text(_num(values[name]) if known else "?")
            text.set_color("black" if known else COLORS["data"])
        for name, patch in self.off_patches.items():
            unit = int(name.rsplit("_", 1)[1])
            patch.set_visible(f"z1_{unit}" in values and unit in walk.off)
        for name, text in self.grad_texts.items():
            text.set_visible(name in grads)
            if name in grads:
                symbol = {"z2": "δ²", "J": "∂J/∂J"}.get(name)
                if name.startswith("z1_"):
                    symbol = "δ¹" + node_label(name)[2:]
                text.set_text(f"{symbol or '∂J/∂' + node_label(name)} = {_short(grads[name])}")
                text.get_bbox_patch().set_edgecolor("none")
        for weight, text in self.weight_texts.items():
            if weight in grads:
                text.set_text(f"∂J/∂{node_label(weight)} = {_short(grads[weight])}")
                text.set_color(COLORS["gradient"])
            else:
                text.set_text(f"{node_label(weight)} = {_short(walk.weights[weight])}")
                text.set_color(COLORS["data"])
            text.get_bbox_patch().set_edgecolor("none")
        self._highlight(phase, record)
        self._write_lines(k, phase, record)
        self.readout = {"step": k, "n_steps": walk.n_steps, "phase": phase,
                        "node": None if record is None else getattr(record, "node", None)
                        or record.target, "record": record, "loss": walk.loss,
                        "max_error": walk.max_error() if k == walk.n_steps else None}

    def _highlight(self, phase, record):
        box, lines = self.current_box, []
        box.set_visible(False)
        if phase == "forward":
            self._outline(record.node)
            lines = [self.segments[(p, record.node)] for p in record.parents]
        elif phase == "backward":
            target = record.target
            if target in self.weight_texts:
                self.weight_texts[target].get_bbox_patch().set_edgecolor(COLORS["current"])
            else:
                self._outline(target)
                self.grad_texts[target].get_bbox_patch().set_edgecolor(COLORS["current"])
            if record.kind != "seed":
                incoming = self.grad_texts[record.via].get_bbox_patch()
                incoming.set_edgecolor(COLORS["gradient"])
                lines = [self.segments[record.edge]]
        xs, ys = [], []
        for (x0, y0), (x1, y1) in lines:
            xs += [x0, x1, np.nan]
            ys += [y0, y1, np.nan]
        self.current_edges.set_data(xs, ys)

    def _outline(self, name):
        cx, cy = self.pos[name]
        self.current_box.set_x(cx - _HW)
        self.current_box.set_y(cy - _HH)
        self.current_box.set_visible(True)

    def _write_lines(self, k, phase, record):
        walk, n = self.walk, self.walk.n_steps
        where = f"step {k} of {n}"
        if phase == "start":
            head = f"Start ({where}): nothing computed yet"
            text = ("Given: the inputs x₁, x₂, the target t and the weights on the arrows. "
                    "Step forward to fill in the nodes.")
        elif phase == "forward":
            head = f"Forward pass ({where}): node {node_label(record.node)}"
            text = f"{record.formula} = {record.arithmetic} = {_num(record.value)}"
        else:
            target = node_label(record.target)
            head = f"Backward pass ({where}): ∂J/∂{target}"
            if record.kind == "seed":
                text = "The backward pass starts at the loss: ∂J/∂J = 1."
            else:
                text = (f"∂J/∂{target} = {record.local_formula} × ∂J/∂{node_label(record.via)}"
                        f" = {_num(record.local)} × {_paren(_num(record.upstream))} = "
                        f"{_num(record.gradient)}")
            if k == n:
                err = walk.max_error()
                verdict = "match" if err < 1e-6 else "do NOT match"
                head = f"Backward pass done ({where}): every ∂J/∂w is known"
                text += (f"\nThe gradients {verdict} TwoLayerNet.backward and finite differences "
                         f"(max rel. error {err:.1e}).")
        self.headline.set_text(head)
        self.detail.set_text(text)
        self.rule_text.set_visible(phase == "backward" and record.kind != "seed")


def _look(artist):
    """What decides how a moving artist looks (compared between frames)."""
    if not artist.get_visible():
        return None
    if isinstance(artist, Text):
        patch = artist.get_bbox_patch()
        return (artist.get_text(), to_rgba(artist.get_color()),
                None if patch is None else to_rgba(patch.get_edgecolor()))
    if isinstance(artist, Line2D):
        return np.asarray(artist.get_xydata(), float).tobytes()
    return (artist.get_x(), artist.get_y(), to_rgba(artist.get_edgecolor()))


def _extent(artist, renderer):
    """The pixel box ``(x0, y0, x1, y1)`` (from the bottom) an artist paints, or None."""
    if not artist.get_visible():
        return None
    if isinstance(artist, _CachedText):
        return artist.extent(renderer)
    if isinstance(artist, Line2D):
        xy = artist.get_transform().transform(np.asarray(artist.get_xydata(), float))
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if not len(xy):
            return None
        (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    else:
        x0, y0, x1, y1 = artist.get_window_extent(renderer).extents
    pad = renderer.points_to_pixels(artist.get_linewidth()) + 2
    return (int(np.floor(x0 - pad)), int(np.floor(y0 - pad)), int(np.ceil(x1 + pad)),
            int(np.ceil(y1 + pad)))


def _clip_box(box, width, height):
    return (max(box[0], 0), max(box[1], 0), min(box[2], width), min(box[3], height))


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _merge(boxes):
    """Boxes merged until none overlaps another (each change restored once)."""
    boxes = [b for b in boxes if b[0] < b[2] and b[1] < b[3]]
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                if _overlap(a, b):
                    boxes[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]),
                                max(a[3], b[3]))
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return boxes


def _draw_inside(artist, renderer, box):
    """Draw *artist* cut to the pixel *box* (x0, y0, x1, y1), from the bottom."""
    if isinstance(artist, _CachedText):
        artist.draw(renderer, box)
        return
    before = artist.get_clip_box()
    clip = Bbox([[box[0], box[1]], [box[2], box[3]]])
    if before is not None:                        # e.g. the axes' own box
        clip = Bbox.intersection(clip, before)
        if clip is None:
            return
    artist.set_clip_box(clip)
    artist.draw(renderer)
    artist.set_clip_box(before)


def _paren(text: str) -> str:
    return f"({text})" if text.startswith("−") else text


def _positions(n_hidden) -> dict:
    """Box centres: inputs, hidden units top to bottom, then z², y, J and t under J."""
    pos = {"x1": (_COLUMN["x"], 0.9), "x2": (_COLUMN["x"], -0.9)}
    top = (n_hidden - 1) / 2 * _ROW
    for m in range(1, n_hidden + 1):
        row = top - (m - 1) * _ROW
        pos[f"z1_{m}"] = (_COLUMN["z1"], row)
        pos[f"a1_{m}"] = (_COLUMN["a1"], row)
    pos.update({"z2": (_COLUMN["z2"], 0.0), "y": (_COLUMN["y"], 0.0), "J": (_COLUMN["J"], 0.0),
                "t": (_COLUMN["J"], -1.55)})
    return pos


def _segment(a, b):
    """The arrow from box *a* to box *b*: from a's right side to b's left (or bottom to top)."""
    (xa, ya), (xb, yb) = a, b
    if abs(xa - xb) < 1e-9:                       # t under J: bottom of one to top of the other
        return (xa, ya + _HH + 0.02), (xb, yb - _HH - 0.04)
    return (xa + _HW + 0.02, ya), (xb - _HW - 0.04, yb)

