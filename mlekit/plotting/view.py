"""Views: figures that are built once and then only move their artists.

A :class:`View` owns a matplotlib figure. Its constructor draws everything
that never changes (curves, axes, labels, the MLE marker) once; the artists
that follow the sliders are registered with :meth:`View.animate`. Each
:meth:`View.update` then does the cheap thing only:

1. restore the cached background (the static part, rendered once),
2. draw the moving artists on top,
3. ``canvas.blit()``: on an ipympl canvas this sends the pixel diff to the
   browser; on a plain Agg canvas it just leaves the pixels in the buffer.

A full ``canvas.draw()`` happens only when something static must change
(axes limits, new data); the methods that do it say so. The background is
recaptured on every full draw (``draw_event``), so resizes and DPI changes
in the browser stay correct.

Views need no ipywidgets: they run headless on the Agg canvas, which is how
the tests and instructors' scripts use them, and they display as a PNG.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._png import encode_png
from .style import RC, course_style

__all__ = ["View", "robust_limits", "clamp_to_limits", "clip_polyline", "mark_on_scale", "padded"]


class View:
    """Base class for live figures. Subclasses build artists, then call :meth:`refresh`.

    Parameters
    ----------
    figsize : (float, float)
        Figure size in inches (at the course's 100 dpi).
    canvas_factory : callable, optional
        ``canvas_factory(figure)`` returns the canvas to draw on. The default
        is matplotlib's Agg canvas (headless); :mod:`mlekit.widgets` passes
        an ipympl canvas so the figure is live in JupyterLab.
    """

    def __init__(self, figsize=(8.0, 5.0), canvas_factory=None, **figure_kw):
        with course_style():
            self.fig = Figure(figsize=figsize, dpi=RC["figure.dpi"], **figure_kw)
        self.canvas = (canvas_factory or FigureCanvasAgg)(self.fig)
        self._animated = []
        self._background = None
        self._closed = False
        self._cid = self.canvas.mpl_connect("draw_event", self._on_draw)

    # --------------------------------------------------------------- building
    def animate(self, artist):
        """Register *artist* as moving: drawn on top of the cached background."""
        artist.set_animated(True)
        artist.set_in_layout(False)     # moving artists never shift the layout
        self._animated.append(artist)
        return artist

    @property
    def moving_artists(self) -> tuple:
        """The artists registered with :meth:`animate`, in the order they are drawn."""
        return tuple(self._animated)

    def _style(self):
        """Context manager applying the course style while artists are created."""
        return course_style()

    # ---------------------------------------------------------------- drawing
    def _on_draw(self, event):
        # A full draw just happened: cache it as the background (it has no
        # animated artists) and put the moving artists back on top.
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._draw_animated()

    def _draw_animated(self):
        for artist in self._animated:
            if artist.get_visible():
                (artist.axes or self.fig).draw_artist(artist)

    def refresh(self):
        """Show the moving artists' new state: restore background, draw them, blit."""
        if self._background is None:
            self.redraw()
            return
        self.canvas.restore_region(self._background)
        self._draw_animated()
        self.canvas.blit(self.fig.bbox)

    def redraw(self):
        """Full redraw of the whole figure (slow); needed when static parts change."""
        with course_style():
            self.canvas.draw()

    def update(self, **params):
        """Move the artists to *params*, then :meth:`refresh` (the fast path)."""
        self._set(**params)
        self.refresh()

    def _set(self, **params):  # pragma: no cover - abstract
        """Set the moving artists' data for *params* without drawing. Each view defines it."""
        raise NotImplementedError

    # --------------------------------------------------------------- display
    def to_rgba(self) -> np.ndarray:
        """The pixels currently on the canvas, moving artists included."""
        if self._background is None:
            self.redraw()
        return np.asarray(self.canvas.buffer_rgba()).copy()

    def background_rgba(self) -> np.ndarray:
        """The pixels of the static part alone: the cached background, no moving artist."""
        if self._background is None:
            self.redraw()
        self.canvas.restore_region(self._background)
        pixels = np.asarray(self.canvas.buffer_rgba()).copy()
        self._draw_animated()                 # put the moving artists back on the canvas
        return pixels

    def to_png(self) -> bytes:
        """PNG of the figure as it looks now (what a saved notebook shows)."""
        return encode_png(self.to_rgba(), level=6)

    def _repr_png_(self):
        return self.to_png()

    def close(self):
        """Release the figure; the view cannot be used afterwards."""
        if self._closed:
            return
        self._closed = True
        self.canvas.mpl_disconnect(self._cid)
        self._animated.clear()
        self._background = None
        close = getattr(self.canvas, "close_widget_tree", None) or getattr(self.canvas, "close", None)
        if close is not None:                 # an ipympl canvas is a widget
            close()
        self.fig.clear()


def robust_limits(values, *, pad=0.08, q=(0.0, 1.0), include=()):
    """Axis limits covering the finite *values* between quantiles *q*, padded.

    Curves such as the NLL shoot to infinity at p -> 0 or 1; ``q`` trims those
    tails so the interesting part fills the axes. Values in *include* (the MLE,
    zero, ...) are always inside.

    >>> robust_limits([0.0, 1.0, 2.0], pad=0.0)
    (0.0, 2.0)
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    extra = [float(e) for e in include if np.isfinite(e)]
    if v.size == 0 and not extra:
        return (0.0, 1.0)
    lo = float(np.quantile(v, q[0])) if v.size else min(extra)
    hi = float(np.quantile(v, q[1])) if v.size else max(extra)
    lo, hi = min([lo] + extra), max([hi] + extra)
    scale = max(abs(lo), abs(hi))
    if hi - lo <= 1e-12 * scale or scale == 0.0:      # flat (relative to the values' size)
        span = scale * 0.05 if scale > 0 else 0.05
        lo, hi = lo - span, hi + span
    span = hi - lo
    return (lo - pad * span, hi + pad * span)


def clamp_to_limits(value, limits):
    """Clamp *value* into *limits*; also say whether it was off scale and which way.

    Returns ``(y, direction)`` with direction ``0`` (inside), ``+1`` (above,
    including ``+inf``) or ``-1`` (below). NaN counts as inside at the middle.

    >>> clamp_to_limits(float("inf"), (0.0, 10.0))
    (10.0, 1)
    """
    lo, hi = limits
    value = float(value)
    if np.isnan(value):
        return (0.5 * (lo + hi), 0)
    if value > hi:
        return (hi, 1)
    if value < lo:
        return (lo, -1)
    return (value, 0)


def mark_on_scale(point, note, x, value, limits) -> int:
    """Put the marker *point* at (*x*, *value*), clamped into *limits*; return the direction.

    On scale the marker is a dot and *note* is hidden; clamped, it is an arrow
    (▲ above, ▼ below) at the edge and *note* says "off scale ↑" or "↓".
    """
    y, off = clamp_to_limits(value, limits)
    point.set_data([x], [y])
    point.set_marker("o" if off == 0 else ("^" if off > 0 else "v"))
    note.set_visible(off != 0)
    if off:
        note.set_text("off scale " + ("↑" if off > 0 else "↓"))
    return off


def padded(limits, margin=0.02):
    """*limits* widened by *margin* of their span on each side.

    >>> padded((0.0, 10.0))
    (-0.2, 10.2)
    """
    lo, hi = limits
    pad = margin * (hi - lo)
    return lo - pad, hi + pad


def clip_polyline(x, y, xlim, ylim):
    """The part of the polyline through (*x*, *y*) that lies inside the box *xlim* × *ylim*.

    Where the line leaves the box it is cut exactly at the edge (the crossing
    point is inserted) and the outside part becomes a NaN gap, so every drawn
    point lies inside the axes and the view knows what it cut. Returns
    ``(x, y, cut)`` with ``cut`` the direction of what was removed: ``+1`` above,
    ``-1`` below, ``2`` left or right only, ``0`` nothing.

    >>> xs, ys, cut = clip_polyline([0.0, 2.0], [0.0, 2.0], (0.0, 2.0), (0.0, 1.0))
    >>> xs.tolist(), ys.tolist(), cut
    ([0.0, 1.0], [0.0, 1.0], 1)
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    (x0, x1), (y0, y1) = sorted(xlim), sorted(ylim)
    inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    if inside.all():
        return x, y, 0
    above, below = bool(np.any(y > y1)), bool(np.any(y < y0))
    cut = 1 if above else (-1 if below else 2)
    out_x, out_y = [], []

    def put(px, py):
        if not out_x or out_x[-1] != px or out_y[-1] != py:
            out_x.append(px)
            out_y.append(py)

    for i in range(len(x) - 1):
        px, py, dx, dy = x[i], y[i], x[i + 1] - x[i], y[i + 1] - y[i]
        if not (np.isfinite(px) and np.isfinite(py) and np.isfinite(dx) and np.isfinite(dy)):
            continue
        t0, t1 = 0.0, 1.0                       # Liang-Barsky: the visible part t0..t1
        for p, q in ((-dx, px - x0), (dx, x1 - px), (-dy, py - y0), (dy, y1 - py)):
            if p == 0:
                if q < 0:
                    t0, t1 = 1.0, 0.0
                continue
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
        if t0 > t1:
            continue
        ax_, ay_ = px + t0 * dx, py + t0 * dy
        if out_x and (out_x[-1] != ax_ or out_y[-1] != ay_):
            put(np.nan, np.nan)                  # a gap where the line was outside
        put(ax_, ay_)
        put(px + t1 * dx, py + t1 * dy)
    if not out_x and len(x) == 1 and inside[0]:
        out_x, out_y = [x[0]], [y[0]]
    return np.array(out_x, dtype=float), np.array(out_y, dtype=float), cut
