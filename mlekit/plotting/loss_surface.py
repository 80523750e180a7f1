"""LossSurfaceView: one sigmoid neuron's MSE and BCE surfaces over (w, b), with GD paths."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow

from .. import _validation as V
from ..neuron import neuron_gd_path, neuron_loss, neuron_loss_grad, neuron_output
from .style import COLORS, param_label
from .view import View, clamp_to_limits, padded

__all__ = ["LossSurfaceView"]

_LOSSES = ("mse", "bce")
_NAMES = {"mse": "MSE", "bce": "BCE"}


def _light_cmap(color, strength=0.55):
    """White to a pale version of *color*: a fill that darker lines stay visible on."""
    rgb = np.asarray(to_rgb(color))
    pale = 1.0 - strength * (1.0 - rgb)
    return LinearSegmentedColormap.from_list("pale", [(1.0, 1.0, 1.0), tuple(pale)])


def _num(v: float) -> str:
    """A short number for a figure label: 1, 0.5, 0.25."""
    return f"{v:g}"


def _nice_scale(limit: float) -> float:
    """The largest of 1, 2, 5 x 10^k not above *limit* (for the gradient arrows)."""
    if not np.isfinite(limit) or limit <= 0:
        return 1.0
    k = np.floor(np.log10(limit))
    for m in (5.0, 2.0, 1.0):
        if m * 10.0 ** k <= limit:
            return float(m * 10.0 ** k)
    return float(10.0 ** k)


def _formula(loss: str, t: float) -> str:
    if loss == "mse":
        return r"$J=(y-t)^2$"
    if t == 0.0:
        return r"$J=-\log(1-y)$"
    if t == 1.0:
        return r"$J=-\log y$"
    return r"$J=-t\log y-(1-t)\log(1-y)$"


class LossSurfaceView(View):
    """MSE and BCE surfaces of one sigmoid neuron, the current (w, b) and GD paths.

    The neuron is :math:`y = \\sigma(w x + b)`, trained on one input ``x``
    with target ``t``. The two top panels show the loss over a (w, b) grid
    (filled contours, computed once), the current point with the steepest
    descent arrow :math:`-s\\nabla J` (one scale ``s = arrow_scale`` for both
    maps, so the arrows' lengths compare), and the gradient-descent path from
    ``start`` (one dot per step, start square, end cross). The bottom panel
    shows each run's loss per step divided by its starting loss, so both fit
    one fixed axis.

    Moving (w, b) with :meth:`update` only redraws the current point and its
    arrows over a cached image of the paths; :meth:`set_path` redraws the
    paths (and, for a new number of steps, the whole figure).

    Parameters
    ----------
    x : float
        The input (the notes use 1.0).
    t : float
        The target in [0, 1] (the notes use 0.0).
    w, b : float, optional
        The current point (default: the start).
    start : (float, float)
        Where gradient descent starts; ``(2, 2)`` saturates the sigmoid.
    lr : float
        Learning rate of both runs.
    steps : int
        Number of gradient-descent steps of both runs.
    w_range, b_range : (float, float)
        The map's extent.
    canvas_factory : callable, optional
        See :class:`View` (the explorers pass a live ipympl canvas).
    n_grid : int
        Grid points per axis for the surfaces.

    Examples
    --------
    >>> from mlekit.plotting import LossSurfaceView
    >>> view = LossSurfaceView()
    >>> view.update(w=2.0, b=2.0)
    >>> round(view.readout["mse"], 4), round(view.readout["bce"], 4)
    (0.9643, 4.0181)
    >>> view.close()
    """

    def __init__(self, *, x=1.0, t=0.0, w=None, b=None, start=(2.0, 2.0), lr=0.15, steps=60,
                 w_range=(-4.0, 4.0), b_range=(-4.0, 4.0), n_grid=161, canvas_factory=None):
        # 630 x 400 px, controls beside it: the explorer fits a 1366x768 screen
        super().__init__(figsize=(6.3, 4.0), canvas_factory=canvas_factory, layout="constrained")
        self.x = V.as_float(x, "x")
        self.t = float(V.check_probability(V.as_float(t, "t"), "t"))
        self.w_range = V.check_interval(w_range, "w_range", example="(-4, 4)")
        self.b_range = V.check_interval(b_range, "b_range", example="(-4, 4)")
        n_grid = V.check_int(n_grid, "n_grid", minimum=2)
        self.ws = np.linspace(*self.w_range, n_grid)
        self.bs = np.linspace(*self.b_range, n_grid)
        W, B = np.meshgrid(self.ws, self.bs)
        # the surfaces: computed once here, never per move
        self.surfaces = {loss: neuron_loss(W, B, x=self.x, t=self.t, loss=loss) for loss in _LOSSES}
        # one arrow scale for both maps (so their lengths compare): the largest
        # gradient on the grid spans at most about 40 % of the map
        largest = max(float(np.max(np.hypot(*neuron_loss_grad(W, B, x=self.x, t=self.t, loss=loss))))
                      for loss in _LOSSES)
        self._span = min(self.w_range[1] - self.w_range[0], self.b_range[1] - self.b_range[0])
        self.arrow_scale = _nice_scale(0.4 * self._span / largest)

        with self._style():
            self.axes = self.fig.subplot_mosaic([["mse", "bce"], ["steps", "key"]],
                                                height_ratios=[2.3, 1.0])
            self.key = key = self.axes.pop("key")       # holds the legend only
            key.set_axis_off()
            self.fig.suptitle(
                rf"One sigmoid neuron $y=\sigma(wx+b)$, input $x={_num(self.x)}$, "
                rf"target $t={_num(self.t)}$", fontsize=11)
            self.contours, self.current, self.arrows = {}, {}, {}
            self._path_layer, self._point_layer = [], []
            self.paths, self.starts, self.ends, self.notes = {}, {}, {}, {}
            for loss in _LOSSES:
                ax, color = self.axes[loss], COLORS[loss]
                filled = ax.contourf(W, B, self.surfaces[loss], levels=14,
                                     cmap=_light_cmap(color))
                ax.contour(W, B, self.surfaces[loss], levels=filled.levels, colors=[color],
                           linewidths=0.6, alpha=0.55)
                self.contours[loss] = filled
                bar = self.fig.colorbar(filled, ax=ax, shrink=0.9, aspect=25, pad=0.02)
                bar.set_label(_formula(loss, self.t))
                bar.ax.tick_params(labelsize=9)
                # a 2 % margin round the map: a start or end on its edge shows whole
                ax.set_xlim(*padded(self.w_range))
                ax.set_ylim(*padded(self.b_range))
                ax.set_xlabel(param_label("w"))
                ax.set_ylabel(param_label("b"))
                ax.set_title(f"{_NAMES[loss]} surface")
                ax.grid(False)
                (self.paths[loss],) = ax.plot([], [], "-o", color=color, lw=1.6, ms=2.6,
                                              zorder=4)
                (self.starts[loss],) = ax.plot([], [], "s", mfc="white", mec="black", mew=1.4,
                                               ms=7, zorder=5, clip_on=False)
                (self.ends[loss],) = ax.plot([], [], "X", color=color, mec="black", mew=0.8,
                                             ms=10, zorder=6, clip_on=False)
                self.arrows[loss] = ax.add_patch(FancyArrow(
                    0.0, 0.0, 0.0, 0.0, length_includes_head=True, color=COLORS["gradient"],
                    lw=0, zorder=9))
                (self.current[loss],) = ax.plot([], [], "o", color=COLORS["current"], mec="black",
                                                mew=1.0, ms=8, zorder=8, clip_on=False)
                self.notes[loss] = ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top",
                                           ha="left", fontsize=9, visible=False,
                                           bbox=dict(fc="white", ec="none", alpha=0.8, pad=1.5))
                # two animated layers (see refresh): the GD path, and the current point.
                # The arrow is drawn over the point so a vanishing gradient still shows.
                for artist in (self.paths[loss], self.starts[loss], self.ends[loss]):
                    self._path_layer.append(self.animate(artist))
                for artist in (self.current[loss], self.arrows[loss], self.notes[loss]):
                    self._point_layer.append(self.animate(artist))

            ax = self.axes["steps"]
            self.loss_lines = {}
            for loss in _LOSSES:
                (self.loss_lines[loss],) = ax.plot([], [], color=COLORS[loss], lw=2.0,
                                                   label=f"GD on {_NAMES[loss]}")
                self._path_layer.append(self.animate(self.loss_lines[loss]))
            self.steps_limits = (0.0, 1.05)
            ax.set_ylim(*self.steps_limits)
            ax.set_xlabel("gradient-descent step $k$")
            ax.set_ylabel(r"$J(\theta_k)\,/\,J(\theta_0)$")
            ax.set_title("Loss per step, relative to the start")
            self.steps_note = self.animate(ax.text(
                0.98, 0.6, "", transform=ax.transAxes, ha="right", va="center", fontsize=9,
                visible=False, bbox=dict(fc="white", ec="none", alpha=0.85, pad=1.5)))
            self._path_layer.append(self.steps_note)
            marker = dict(ls="none", markersize=7)
            handles = [
                Line2D([], [], color=COLORS["mse"], lw=2, label="GD on MSE"),
                Line2D([], [], color=COLORS["bce"], lw=2, label="GD on BCE"),
                Line2D([], [], marker="s", mfc="white", mec="black", **marker, label="start"),
                Line2D([], [], marker="X", color="0.3", mec="black", **marker,
                       label="end after $K$ steps"),
                Line2D([], [], marker="o", color=COLORS["current"], mec="black", **marker,
                       label=r"current $(w, b)$"),
                Line2D([], [], marker=r"$\rightarrow$", color=COLORS["gradient"], **marker,
                       label=rf"$-{_num(self.arrow_scale)}\,\nabla J$ at current"),
            ]
            # the hint is the legend's title, so it can never overlap the entries
            legend = key.legend(handles=handles, loc="center", ncols=2, handlelength=1.6,
                                columnspacing=1.0, borderaxespad=0.0,
                                title="one dot per step: where dots crowd,\n"
                                      "a tiny gradient has stalled learning",
                                title_fontsize=9)
            legend.get_title().set_fontstyle("italic")

        self._path_background = None
        self._current_off_map, self._path_off_map = False, []
        self.readout = {}
        self.start = self.lr = self.steps = None
        self.runs = {}
        self._set_path(start=start, lr=lr, steps=steps)
        sw, sb = self.start
        self._set(w=sw if w is None else w, b=sb if b is None else b)
        # first full draw, caching the static background. Constrained layout with
        # colorbars needs a few passes to settle: draw until the axes stop moving, so
        # the cached background matches every later full redraw
        for _ in range(4):
            before = [ax.get_position().bounds for ax in self.fig.axes]
            self.redraw()
            if before == [ax.get_position().bounds for ax in self.fig.axes]:
                break

    # ------------------------------------------------------------ the paths
    def set_path(self, *, start=None, lr=None, steps=None):
        """Rerun gradient descent from *start* with *lr* and *steps* (omitted: unchanged).

        The paths are animated artists, so a new start or learning rate only
        needs the fast blit. A new number of steps changes the step axis'
        limits: that one does a full redraw.
        """
        old_steps = self.steps
        self._set_path(start=start, lr=lr, steps=steps)
        if self.steps != old_steps or self._background is None:
            self.redraw()      # the step axis' limits changed: full redraw (slow, rare)
        else:                  # static part unchanged: redo the path layer, then blit
            self.canvas.restore_region(self._background)
            self._cache_path_layer()
            self._draw_layer(self._point_layer)
            self.canvas.blit(self.fig.bbox)

    def _set_path(self, start=None, lr=None, steps=None):
        """Run both gradient descents and set the path artists' data, without drawing."""
        if start is not None:
            start = V.as_float_array(start, "start", ndim=1)
            (w_lo, w_hi), (b_lo, b_hi) = self.w_range, self.b_range
            if start.size != 2 or not (w_lo <= start[0] <= w_hi and b_lo <= start[1] <= b_hi):
                V.fail("start", f"be a pair (w0, b0) on the map {self.w_range} x {self.b_range}",
                       V.describe(tuple(start.tolist())), "For example start=(2, 2).")
            self.start = (float(start[0]), float(start[1]))
        if lr is not None:
            self.lr = V.as_float(lr, "lr")
        if steps is not None:
            self.steps = V.check_int(steps, "steps", minimum=1)
            self.axes["steps"].set_xlim(0, self.steps)
        w0, b0 = self.start
        self.runs = {loss: neuron_gd_path(w0, b0, lr=self.lr, steps=self.steps, x=self.x,
                                          t=self.t, loss=loss) for loss in _LOSSES}
        limits = (self.w_range, self.b_range)
        off_map = []
        for loss, run in self.runs.items():
            ws, bs = run.params[:, 0], run.params[:, 1]
            self.paths[loss].set_data(ws, bs)
            self.starts[loss].set_data([w0], [b0])
            (ew, offw), (eb, offb) = (clamp_to_limits(v, lim) for v, lim in zip(run.params[-1],
                                                                                 limits))
            self.ends[loss].set_data([ew], [eb])          # clamped onto the edge if off the map
            if offw or offb:
                off_map.append(loss)
            relative = run.losses / run.losses[0]
            self.loss_lines[loss].set_data(np.arange(len(relative)),
                                           np.minimum(relative, self.steps_limits[1]))
        self._path_off_map = off_map
        self._update_notes()
        above = [n for n, run in self.runs.items()
                 if np.max(run.losses / run.losses[0]) > self.steps_limits[1]]
        self.steps_note.set_visible(bool(above))
        if above:
            self.steps_note.set_text(" and ".join(_NAMES[n] for n in above)
                                     + " loss rose above the start:\noff scale ↑ (try a lower lr)")
        self.readout.update(self._path_readout())

    def _path_readout(self):
        out = {"start": self.start, "lr": self.lr, "steps": self.steps}
        for loss, run in self.runs.items():
            w_end, b_end = (float(v) for v in run.params[-1])
            out[f"{loss}_end"] = (w_end, b_end)
            out[f"{loss}_final"] = float(run.losses[-1])
            out[f"{loss}_start_loss"] = float(run.losses[0])
            out[f"{loss}_final_y"] = float(neuron_output(w_end, b_end, x=self.x))
            out[f"{loss}_diverged"] = bool(run.diverged)
        return out

    # ------------------------------------------------------------ moving part
    def _set(self, w=None, b=None):
        """Move the current point to (w, b) (either may be omitted: unchanged)."""
        w = self.readout.get("w") if w is None else V.as_float(w, "w")
        b = self.readout.get("b") if b is None else V.as_float(b, "b")
        if w is None or b is None:
            V.fail("update()", "be given w=... and b=...", "no value",
                   "Call view.update(w=2.0, b=2.0).", TypeError)
        values = {"w": w, "b": b, "y": float(neuron_output(w, b, x=self.x))}
        (pw, offw), (pb, offb) = clamp_to_limits(w, self.w_range), clamp_to_limits(b, self.b_range)
        self._current_off_map = bool(offw or offb)
        for loss in _LOSSES:
            values[loss] = float(neuron_loss(w, b, x=self.x, t=self.t, loss=loss))
            grad = tuple(float(g) for g in neuron_loss_grad(w, b, x=self.x, t=self.t, loss=loss))
            values[f"{loss}_grad"] = grad
            self.current[loss].set_data([pw], [pb])
            dw, db = -self.arrow_scale * grad[0], -self.arrow_scale * grad[1]   # -s ∇J
            head = min(0.07 * self._span, 0.6 * float(np.hypot(dw, db)))  # tiny when ∇J is
            self.arrows[loss].set_data(x=pw, y=pb, dx=dw, dy=db, width=0.3 * head,
                                       head_width=0.8 * head, head_length=head)
        self.readout.update(values)
        self._update_notes()

    # ------------------------------------------------------------ drawing
    # Two cached layers: the static background (surfaces, axes; from the full
    # draw) and, on top of it, the GD paths. Moving (w, b) restores the second
    # cache and draws only the current point and its arrows; a new start or lr
    # redraws the paths onto the first cache and re-caches them.
    def _draw_layer(self, artists):
        for artist in artists:
            if artist.get_visible():
                artist.axes.draw_artist(artist)

    def _cache_path_layer(self):
        self._draw_layer(self._path_layer)
        self._path_background = self.canvas.copy_from_bbox(self.fig.bbox)

    def _draw_animated(self):
        self._draw_layer(self._path_layer)
        self._draw_layer(self._point_layer)

    def _on_draw(self, event):
        # a full draw just happened: it holds the static part only
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._cache_path_layer()
        self._draw_layer(self._point_layer)

    def refresh(self):
        """Show the current point's new state: restore the cached paths, draw it, blit."""
        if self._path_background is None:
            self.redraw()
            return
        self.canvas.restore_region(self._path_background)
        self._draw_layer(self._point_layer)
        self.canvas.blit(self.fig.bbox)

    def close(self):
        """Release the figure; the view cannot be used afterwards."""
        self._path_background = None
        self._path_layer.clear()
        self._point_layer.clear()
        super().close()

    def _update_notes(self):
        for loss in _LOSSES:
            lines = []
            if self._current_off_map:
                lines.append("current point off the map (at the edge)")
            if loss in self._path_off_map:
                lines.append("path leaves the map (end at the edge)")
            note = self.notes[loss]
            note.set_visible(bool(lines))
            note.set_text("\n".join(lines))
