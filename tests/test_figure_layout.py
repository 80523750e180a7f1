"""Figures a student can read: legends stay clear, explorers fit a laptop, nothing leaves a panel.

Three promises, checked on every explorer in ``mlekit.widgets`` (built with
``example()``, the course's typical data) at many control positions:

1. **No legend is crossed.** Every slider is moved across its range (15 values
   from min to max, the others at their defaults), sliders that move together
   are also swept as a grid, and every selector/dropdown option is tried. At
   each position no line, marker, segment, patch or text paints inside a
   legend's window extent (geometry in display pixels, see
   ``explorer_helpers.artist_hits_box``). The static figures that lessons 01
   and 04 draw with ``mk.plotting.likelihood_curve`` / ``mark_mle`` are run
   from the notebooks' own cells and checked the same way.
2. **Every explorer fits a 1366x768 screen in JupyterLab**: its whole widget
   (figure, controls, readouts) is estimated at most 600 CSS px tall and 1000
   px wide (see :func:`estimate_size` for the per-row estimates), and no text
   in a figure is smaller than 9 pt at the displayed size.
3. **Nothing silently leaves its panel.** At each position of the same sweep,
   every moving artist's data lies inside its axes (a clipped marker wholly
   inside), or the axes shows an off-scale note (values beyond the limits are
   drawn clamped at the edge with an arrow marker, or cut at the edge).
"""

from __future__ import annotations

import html as _html
import json
import re
from pathlib import Path

import ipywidgets as W
import matplotlib
import numpy as np
import pytest

from mlekit import widgets
from explorer_helpers import (describe, escaping_artists, legend_crossings, legends,
                              off_scale_noted)

NAMES = sorted(widgets._EXPLORERS)
COURSE = Path(__file__).resolve().parents[1] / "course"
N_VALUES = 15


# ---------------------------------------------------------------- driving the controls
def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _shown(widget):
    return getattr(widget.layout, "display", None) != "none"


def sliders(explorer):
    """The explorer's visible sliders, in display order."""
    return [w for w in _walk(explorer)
            if isinstance(w, (W.FloatSlider, W.IntSlider, W.FloatLogSlider)) and _shown(w)]


def selectors(explorer):
    """Its visible discrete controls (dropdowns, toggle buttons)."""
    return [w for w in _walk(explorer)
            if isinstance(w, (W.Dropdown, W.ToggleButtons)) and _shown(w)]


def slider_values(slider, n=N_VALUES):
    """*n* values from the slider's min to its max (log-spaced for a log slider)."""
    if isinstance(slider, W.FloatLogSlider):
        values = slider.base ** np.linspace(slider.min, slider.max, n)
    else:
        values = np.linspace(slider.min, slider.max, n)
    if isinstance(slider, W.IntSlider):
        return sorted({int(round(v)) for v in values})
    return [float(v) for v in values]


def positions(explorer):
    """Yield a description of each control position after setting it (then restore).

    Each slider alone over its range (others at defaults); the first two sliders
    together on a 5x5 grid (mu and sigma, w and b, θ and k, ...); every option of
    every selector, and for each option the main slider over its range.
    """
    yield "default"
    shown = sliders(explorer)
    for s in shown:
        default = s.value
        for v in slider_values(s):
            s.value = v
            yield f"{s.description} = {v:g}"
        s.value = default
    if len(shown) >= 2:
        a, b = shown[:2]
        da, db = a.value, b.value
        for va in slider_values(a, 5):
            for vb in slider_values(b, 5):
                a.value, b.value = va, vb
                yield f"{a.description} = {va:g}, {b.description} = {vb:g}"
        a.value, b.value = da, db
    for sel in selectors(explorer):
        default = sel.value
        for _, option in sel.options if isinstance(sel.options[0], tuple) else \
                [(o, o) for o in sel.options]:
            sel.value = option
            main = explorer.main_slider
            keep = main.value
            for v in slider_values(main, 5):
                main.value = v
                yield f"{sel.description} = {option!r}, {main.description} = {v:g}"
            main.value = keep
            for s in sliders(explorer):            # the sliders this option shows
                if s is main:
                    continue
                keep_s = s.value
                for v in slider_values(s, 5):
                    s.value = v
                    yield f"{sel.description} = {option!r}, {s.description} = {v:g}"
                s.value = keep_s
        sel.value = default


@pytest.fixture(params=NAMES)
def explorer(request):
    e = getattr(widgets, request.param).example()
    yield e
    e.close()


def moving_artists(view):
    return list(view._animated)


# ---------------------------------------------------------------- 1 and 3: the sweep
def test_no_legend_is_crossed_and_nothing_leaves_its_panel(explorer):
    fig = explorer.view.fig
    fig.canvas.draw()
    assert legends(fig), "every explorer has a legend to check"
    crossed, escaped = {}, {}
    for where in positions(explorer):
        assert not explorer._has_error, (where, explorer.errors.outputs)
        for _, artist in legend_crossings(fig, draw=False):
            crossed.setdefault(describe(artist), where)
        moving = moving_artists(explorer.view)
        for ax in fig.axes:
            if off_scale_noted(ax):
                continue
            for artist, how in escaping_artists(ax):
                if any(artist is m for m in moving) and not _function_graph(artist, ax):
                    escaped.setdefault(f"{describe(artist)}: {how}", where)
    assert not crossed, f"legend crossed (artist: first position): {crossed}"
    assert not escaped, f"left its panel without an off-scale note: {escaped}"


def _function_graph(artist, ax):
    """A moving curve y = f(x) over the axes' whole x range, with no markers.

    Like the static curves (the NLL's walls at p -> 0), such a graph may run out
    through the top or bottom edge: that is visible as the line meeting the edge.
    Points, markers, segments ending in a value (residuals, stems, the current
    line) get no such pass.
    """
    from matplotlib.lines import Line2D

    if not isinstance(artist, Line2D) or artist.get_marker() not in (None, "None", "none", ""):
        return False
    x = np.asarray(artist.get_xdata(), float)
    lo, hi = sorted(ax.get_xlim())
    return x.size >= 20 and x.min() >= lo and x.max() <= hi and np.all(np.diff(x) > 0)


def test_the_sweep_can_fail():
    """The checks see a crossing and an escape when there is one (no tautology)."""
    e = widgets.LikelihoodExplorer.example()
    try:
        fig, view = e.view.fig, e.view
        ax = view.axes["nll"]
        leg = ax.legend(handles=[view.mle_lines["nll"]], loc="center")   # over the θ cursor
        fig.canvas.draw()
        assert view.readout["theta"] == pytest.approx(0.5, abs=0.01)      # mid-axes
        assert any(a is view.cursors["nll"] for _, a in legend_crossings(fig))
        leg.remove()
        point = view.points["nll"]
        point.set_data([view.readout["theta"]], [view.limits["nll"][1] * 10.0])
        assert any(a is point for a, _ in escaping_artists(ax))
    finally:
        e.close()


# ---------------------------------------------------------------- 1: the lessons' static figures
def _run_cells_until(notebook, marker):
    """Run a lesson's code cells (widgets skipped) up to the one containing *marker*; its figure."""
    import matplotlib.pyplot as plt

    cells = ["".join(c["source"]) for c in json.loads((COURSE / notebook).read_text())["cells"]
             if c["cell_type"] == "code"]
    namespace = {}
    with matplotlib.rc_context():
        for source in cells:
            if "mk.widgets" in source or "IPython" in source:
                continue
            plt.close("all")
            exec(compile(source, notebook, "exec"), namespace)
            if marker in source:
                return plt.gcf()
    raise AssertionError(f"no cell of {notebook} contains {marker!r}")


@pytest.mark.parametrize("notebook, marker", [
    ("01_likelihood.ipynb", "mk.plotting.likelihood_curve(model, heights"),
    ("01_likelihood.ipynb", "Three candidate densities"),          # plain matplotlib
    ("04_phone_survey.ipynb", 'mk.plotting.likelihood_curve(model, x, kind="nll"'),
])
def test_lesson_figures_drawn_with_mlekit_keep_their_legends_clear(notebook, marker, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    fig = _run_cells_until(notebook, marker)
    try:
        assert legends(fig)
        crossed = [f"{leg}: {describe(a)}" for leg, a in legend_crossings(fig)]
        assert not crossed, crossed
    finally:
        plt.close("all")


def test_mark_mle_leaves_the_top_band_free_for_a_legend():
    import matplotlib.pyplot as plt
    import mlekit as mk
    from mlekit.plotting import curves

    x = mk.datasets.phone_survey()
    ax = curves.new_axes()
    try:
        curves.likelihood_curve(mk.models.Bernoulli(), x, kind="nll", ax=ax)
        line = curves.mark_mle(mk.models.Bernoulli(), x, ax=ax, label="MLE")
        assert line.get_ydata()[1] <= curves.LEGEND_BAND_BOTTOM < 1.0
        ax.legend(loc="upper center")                 # right above the MLE p = 0.7
        assert not [a for _, a in legend_crossings(ax.figure) if a is line]
    finally:
        plt.close(ax.figure)


# ---------------------------------------------------------------- 2: fits a laptop screen
#: CSS px per widget row, from ipywidgets' defaults in JupyterLab 4 at 100 % zoom:
#: --jp-widgets-inline-height 28 px + 2 x 2 px margins
ROW = 32
#: one line of HTML text or one readout-table row: ipywidgets gives HTML content the inline
#: line height (28 px); with it the old SoftmaxExplorer estimates 896 px, measured 908 px
LINE = 28
#: average width of a character in the readout/caption font (13 px)
CHAR = 7.0
#: ipywidgets' default widths (--jp-widgets-inline-width, -short, label width)
DEFAULT_WIDTH = {"slider": 300, "button": 148, "dropdown": 300, "play": 130}
LABEL = 80
#: the browser window of a 1366x768 laptop minus browser chrome (~85 px) and JupyterLab's
#: top bar, notebook toolbar and tab bar (~85 px): ~600 px of a cell output; width 1000 px
#: leaves room for the file browser collapsed and a cell's left gutter
MAX_HEIGHT, MAX_WIDTH = 600, 1000


def _px(value, default):
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)px\s*", str(value or ""))
    return float(match.group(1)) if match else float(default)


def _html_size(text, avail):
    """Width and height of an HTML readout: table rows and wrapped text lines."""
    tables = re.findall(r"<table.*?</table>", text, flags=re.S)
    width, height = 0.0, 0.0
    for table in tables:
        rows = re.findall(r"<tr.*?</tr>", table, flags=re.S)
        cols = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S) for r in rows]
        n = max(len(c) for c in cols)
        col_w = [max(len(_html.unescape(re.sub("<.*?>", "", r[i]))) if i < len(r) else 0
                     for r in cols) * CHAR + 20 for i in range(n)]
        width = max(width, sum(col_w))
        height += LINE * len(rows)
    rest = _html.unescape(re.sub("<.*?>", "", re.sub(r"<table.*?</table>", "", text,
                                                       flags=re.S))).strip()
    if rest:
        text_w = len(rest) * CHAR
        width = max(width, min(text_w, avail))
        height += LINE * int(np.ceil(text_w / max(avail, 1.0)))
    return width, height


def estimate_size(widget, avail=MAX_WIDTH):
    """Estimated CSS px (width, height) of a displayed widget tree.

    Canvas: the figure's pixel size as the canvas shows it (figsize x dpi, over
    the device pixel ratio) plus 4 px. Sliders, buttons, dropdowns, toggle
    buttons, play: one :data:`ROW` each, their layout width (or ipywidgets'
    default). HTML: :data:`LINE` per table row and per wrapped line of text.
    VBox stacks, HBox puts side by side; an empty Output takes no space.
    """
    from mlekit.widgets._canvas import LiveCanvas

    if not _shown(widget):
        return 0.0, 0.0
    if isinstance(widget, LiveCanvas):
        w, h = widget.figure.bbox.size / getattr(widget, "_dpi_ratio", 1.0)
        return float(w) + 4, float(h) + 4
    if isinstance(widget, W.HBox):
        sizes = [estimate_size(c, avail) for c in widget.children if not isinstance(c, W.HTML)]
        used = sum(w for w, _ in sizes)
        sizes += [estimate_size(c, avail - used) for c in widget.children if isinstance(c, W.HTML)]
        return sum(w for w, _ in sizes) + _px(widget.layout.margin.split()[-1]
                                               if widget.layout.margin else 0, 0), \
            max((h for _, h in sizes), default=0.0)
    if isinstance(widget, W.VBox):
        fixed = [estimate_size(c, avail) for c in widget.children if not isinstance(c, W.HTML)]
        width = max((w for w, _ in fixed), default=0.0)
        texts = [estimate_size(c, width or avail) for c in widget.children
                 if isinstance(c, W.HTML)]
        margin = 6 if widget.layout.margin else 0
        return max([width] + [w for w, _ in texts]) + margin, \
            sum(h for _, h in fixed) + sum(h for _, h in texts)
    if isinstance(widget, W.HTML):
        return _html_size(widget.value, avail)
    if isinstance(widget, W.Output):
        return (0.0, 0.0) if not widget.outputs else (avail, 8 * LINE)
    if isinstance(widget, (W.FloatSlider, W.IntSlider, W.FloatLogSlider)):
        return _px(widget.layout.width, DEFAULT_WIDTH["slider"]), ROW
    if isinstance(widget, W.Button):
        return _px(widget.layout.width, DEFAULT_WIDTH["button"]), ROW
    if isinstance(widget, W.Dropdown):
        return _px(widget.layout.width, DEFAULT_WIDTH["dropdown"]), ROW
    if isinstance(widget, W.Play):
        return _px(widget.layout.width, DEFAULT_WIDTH["play"]), ROW
    if isinstance(widget, W.ToggleButtons):
        button = _px(widget.style.button_width, 87) + 4
        return LABEL + len(widget.options) * button, ROW
    raise AssertionError(f"no size estimate for {type(widget).__name__}")


def test_estimate_size_adds_up_rows_and_figure():
    """The estimate of a known tree: a 800x540 figure under two slider rows and a caption."""
    e = widgets.LikelihoodExplorer.example()
    try:
        canvas_w, canvas_h = e.view.fig.bbox.size
        caption = next(c for c in e.children if isinstance(c, W.HTML))
        w, h = estimate_size(W.VBox([caption, e.main_slider, e.view.canvas]))
        assert h == pytest.approx(LINE + ROW + canvas_h + 4)
        assert w == pytest.approx(max(canvas_w + 4, _px(e.main_slider.layout.width, 0)))
        big = W.VBox([e.main_slider] * 20)
        assert estimate_size(big)[1] > MAX_HEIGHT                 # the check can fail
    finally:
        e.close()


def test_every_explorer_fits_a_1366x768_laptop_screen(explorer):
    width, height = estimate_size(explorer)
    assert height <= MAX_HEIGHT, f"{type(explorer).__name__} is ~{height:.0f} px tall"
    assert width <= MAX_WIDTH, f"{type(explorer).__name__} is ~{width:.0f} px wide"


def test_figure_text_is_at_least_9_pt(explorer):
    from matplotlib.text import Text

    fig = explorer.view.fig
    fig.canvas.draw()
    small = {t.get_text()[:30]: t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and t.get_fontsize() < 9}
    assert not small, small


# ---------------------------------------------------------------- labels never collide
def _labels(fig):
    """Titles, axis labels and legends of every visible axes: (owner, text, its box)."""
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for text in (ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label):
            if text.get_visible() and text.get_text().strip():
                found.append((ax, text.get_text(), text.get_window_extent(renderer)))
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            found.append((ax, "legend", legend.get_window_extent(renderer)))
    return found


def _collisions(fig):
    fig.canvas.draw()
    items = _labels(fig)
    return [(a[1], b[1]) for i, a in enumerate(items) for b in items[i + 1:]
            if a[0] is not b[0] and a[2].overlaps(b[2])]


def test_no_title_or_axis_label_runs_into_another_panels(explorer):
    """A title that runs into the next panel's axis label (the softmax view's did) is unreadable."""
    for _ in positions(explorer):
        collisions = _collisions(explorer.view.fig)
        assert not collisions, collisions
        break                                       # the layout is fixed: one position is enough


def test_the_collision_check_can_fail():
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(4, 2))
    left.set_title("a title far too long for its half of this small figure, surely")
    right.set_title("right")
    try:
        assert _collisions(fig)
    finally:
        plt.close(fig)
