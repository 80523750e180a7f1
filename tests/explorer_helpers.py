"""Shared helpers for the explorer tests (``tests/`` is on pytest's pythonpath)."""

from __future__ import annotations


def count_draws(canvas, monkeypatch) -> dict:
    """Count full ``canvas.draw()`` calls and ``canvas.blit()`` calls from now on.

    Both still do their real work, so pixels can be compared afterwards. Returns the
    live ``{"draw": n, "blit": m}`` dict; ``monkeypatch`` undoes the wrapping.
    """
    calls = {"draw": 0, "blit": 0}
    real_draw, real_blit = canvas.draw, canvas.blit

    def draw():
        calls["draw"] += 1
        return real_draw()

    def blit(bbox=None):
        calls["blit"] += 1
        return real_blit(bbox)

    monkeypatch.setattr(canvas, "draw", draw)
    monkeypatch.setattr(canvas, "blit", blit)
    return calls


def draws_after(explorer, monkeypatch, moves) -> dict:
    """The ``{"draw": n, "blit": m}`` counts of the explorer's canvas while making *moves*.

    Each move is ``(control, value)`` (the control is set to the value) or a
    callable (a button's action, say), made in order.
    """
    calls = count_draws(explorer.view.canvas, monkeypatch)
    for move in moves:
        if callable(move):
            move()
        else:
            control, value = move
            control.value = value
    return dict(calls)


def xy(line):
    """A Line2D's x and y data as float arrays."""
    import numpy as np

    return np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)


# ----------------------------------------------------------------- figure geometry
# Used by test_figure_layout.py: what each artist actually paints, in display pixels,
# compared with the legends' boxes and the axes' boxes. Independent of how the views
# place things (no view attribute is read), so a view cannot pass by declaring itself fine.

import numpy as np
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.contour import ContourSet
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

_NO_LINE = ("None", "none", "", " ")
#: the words the views' off-scale notes use (clamped markers are drawn inside, with an arrow)
OFF_SCALE_WORDS = ("off scale", "off the map", "leaves the map", "outside the grid")


def _px(fig, points):
    """Points (1/72 inch) to display pixels at the figure's dpi."""
    return float(points) * fig.dpi / 72.0


def legends(fig):
    """Every visible legend of *fig*: the axes' ones and the figure's own."""
    found = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [leg for leg in found + list(fig.legends) if leg.get_visible()]


def _segments_hit(p0, p1, box):
    """Which segments p0[i] -> p1[i] (display px, shape (n, 2)) meet the closed *box* (Liang–Barsky)."""
    d = p1 - p0
    t0 = np.zeros(len(p0))
    t1 = np.ones(len(p0))
    ok = np.all(np.isfinite(p0), axis=1) & np.all(np.isfinite(p1), axis=1)
    for p, q in ((-d[:, 0], p0[:, 0] - box.x0), (d[:, 0], box.x1 - p0[:, 0]),
                 (-d[:, 1], p0[:, 1] - box.y0), (d[:, 1], box.y1 - p0[:, 1])):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = q / p
        parallel = p == 0
        ok &= ~(parallel & (q < 0))                       # parallel and outside this edge
        t0 = np.where(~parallel & (p < 0), np.maximum(t0, r), t0)
        t1 = np.where(~parallel & (p > 0), np.minimum(t1, r), t1)
    return ok & (t0 <= t1)


def _points_hit(xy, radius, box):
    """Which points (display px) have a marker of *radius* px reaching into *box*."""
    xy = np.asarray(xy, float).reshape(-1, 2)
    ok = np.all(np.isfinite(xy), axis=1)
    return ok & (xy[:, 0] + radius >= box.x0) & (xy[:, 0] - radius <= box.x1) \
        & (xy[:, 1] + radius >= box.y0) & (xy[:, 1] - radius <= box.y1)


def _visible_region(artist, box):
    """*box* cut to the artist's clip box (what it can paint there), or None if nothing is left."""
    if artist.get_clip_on() and artist.get_clip_box() is not None:
        clip = artist.get_clip_box()
        x0, y0 = max(box.x0, clip.x0), max(box.y0, clip.y0)
        x1, y1 = min(box.x1, clip.x1), min(box.y1, clip.y1)
        if x0 > x1 or y0 > y1:
            return None
        return Bbox([[x0, y0], [x1, y1]])
    return box


def artist_hits_box(artist, box, renderer):
    """Whether *artist*, as drawn now, paints anything inside *box* (display px).

    Line2D: its segments (unless it has no line style) widened by half the line
    width, and its markers as squares of the marker's size; axvline/axhline are
    Line2D with a blended transform and are handled the same way. LineCollection:
    its segments. PathCollection (scatter): its offsets with the marker size.
    Contour lines: their paths. Patches and texts: their window extents.
    Clipping to the axes is honoured (a line clipped away does not count).
    """
    fig = artist.figure
    if not artist.get_visible():
        return False
    region = _visible_region(artist, box)
    if region is None:
        return False
    if isinstance(artist, Line2D):
        xy = artist.get_transform().transform(np.asarray(artist.get_xydata(), float))
        hit = False
        if artist.get_linestyle() not in _NO_LINE and len(xy) > 1:
            grow = _px(fig, artist.get_linewidth()) / 2
            big = Bbox([[region.x0 - grow, region.y0 - grow], [region.x1 + grow, region.y1 + grow]])
            hit |= bool(_segments_hit(xy[:-1], xy[1:], big).any())
        if artist.get_marker() not in (None, "None", "none", "", " "):
            radius = _px(fig, artist.get_markersize()) / 2 + _px(fig, artist.get_markeredgewidth()) / 2
            hit |= bool(_points_hit(xy, radius, region).any())
        return hit
    if isinstance(artist, ContourSet):
        if artist.filled:
            return False                                   # a shaded background, not a line
        trans = artist.get_transform()
        grow = _px(fig, float(np.max(artist.get_linewidths())) if len(artist.get_linewidths()) else 1) / 2
        big = Bbox([[region.x0 - grow, region.y0 - grow], [region.x1 + grow, region.y1 + grow]])
        for path in artist.get_paths():
            if len(path.vertices) < 2:
                continue
            xy = trans.transform(path.vertices)
            if _segments_hit(xy[:-1], xy[1:], big).any():
                return True
        return False
    if isinstance(artist, LineCollection):
        trans = artist.get_transform()
        grow = _px(fig, float(np.max(artist.get_linewidths()))) / 2
        big = Bbox([[region.x0 - grow, region.y0 - grow], [region.x1 + grow, region.y1 + grow]])
        for seg in artist.get_segments():
            seg = np.asarray(seg, float)
            if len(seg) > 1:
                xy = trans.transform(seg)
                if _segments_hit(xy[:-1], xy[1:], big).any():
                    return True
        return False
    if isinstance(artist, PathCollection):
        xy = artist.get_offset_transform().transform(np.asarray(artist.get_offsets(), float))
        sizes = np.broadcast_to(np.asarray(artist.get_sizes(), float), (len(xy),))
        return bool(_points_hit(xy, float(np.sqrt(sizes.max())) * fig.dpi / 72 / 2, region).any()) \
            if len(xy) else False
    if isinstance(artist, (Patch, Text)):
        if isinstance(artist, Text) and not artist.get_text().strip():
            return False
        return artist.get_window_extent(renderer).overlaps(region)
    return False


def data_artists(ax):
    """The artists an axes draws from data: lines, collections, patches and its own texts."""
    return [*ax.lines, *ax.collections, *ax.patches, *ax.texts]


def legend_crossings(fig, *, draw=True, only=None):
    """``[(legend labels, artist)]`` for every artist that paints inside a legend.

    With *draw*, the figure is drawn first (a view's own redraws already keep the
    layout current, so a sweep may skip it). *only* restricts the artists checked
    (e.g. to a view's moving ones); by default every data artist of every axes.
    """
    if draw:
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    crossings = []
    for leg in legends(fig):
        box = leg.get_window_extent(renderer)
        name = "/".join(t.get_text() for t in leg.get_texts())[:60]
        for ax in fig.axes:
            for artist in data_artists(ax):
                if isinstance(artist, Legend) or artist is leg:
                    continue
                if only is not None and not any(artist is a for a in only):
                    continue
                if artist_hits_box(artist, box, renderer):
                    crossings.append((name, artist))
    return crossings


def describe(artist) -> str:
    label = artist.get_label() if hasattr(artist, "get_label") else ""
    if isinstance(artist, Text):
        label = repr(artist.get_text()[:30])
    title = artist.axes.get_title()[:30] if artist.axes is not None else ""
    return f"{type(artist).__name__}({label}) in axes {title!r}"


def display_points(artist):
    """The display-pixel points an artist's data put on screen (centres, vertices, ends)."""
    if isinstance(artist, Line2D):
        return artist.get_transform().transform(np.asarray(artist.get_xydata(), float))
    if isinstance(artist, LineCollection) and not isinstance(artist, ContourSet):
        segs = [np.asarray(s, float) for s in artist.get_segments() if len(s)]
        return artist.get_transform().transform(np.concatenate(segs)) if segs else np.empty((0, 2))
    if isinstance(artist, PathCollection):
        return artist.get_offset_transform().transform(np.asarray(artist.get_offsets(), float))
    return np.empty((0, 2))


def escaping_artists(ax, tol=0.75):
    """``[(artist, how)]``: artists whose data leave *ax*'s box, or whose marker the box cuts.

    A point more than *tol* px outside the axes is "left the panel" (clipped away,
    silently). A marker of a clipped artist whose square pokes out of the box is
    "cut at the edge". Texts, patches and legends are not data and are skipped.
    """
    fig = ax.figure
    box = ax.get_window_extent()
    found = []
    for artist in [*ax.lines, *ax.collections]:
        if not artist.get_visible():
            continue
        xy = display_points(artist)
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if not len(xy):
            continue
        out = ((xy[:, 0] < box.x0 - tol) | (xy[:, 0] > box.x1 + tol)
               | (xy[:, 1] < box.y0 - tol) | (xy[:, 1] > box.y1 + tol))
        if out.any():
            found.append((artist, f"{int(out.sum())} point(s) outside the axes"))
            continue
        if (isinstance(artist, Line2D) and artist.get_clip_on()
                and artist.get_marker() not in (None, "None", "none", "", " ")):
            r = _px(fig, artist.get_markersize()) / 2
            cut = ((xy[:, 0] - r < box.x0 - tol) | (xy[:, 0] + r > box.x1 + tol)
                   | (xy[:, 1] - r < box.y0 - tol) | (xy[:, 1] + r > box.y1 + tol))
            if cut.any():
                found.append((artist, f"{int(cut.sum())} marker(s) cut at the axes edge"))
    return found


def off_scale_noted(ax) -> bool:
    """Whether *ax* shows a visible off-scale note (the views' convention, OFF_SCALE_WORDS)."""
    return any(t.get_visible() and any(w in t.get_text() for w in OFF_SCALE_WORDS)
               for t in ax.texts)
