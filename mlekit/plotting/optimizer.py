r"""OptimizerView: gradient descent, momentum, RMSProp and Adam raced on one loss surface.

Left: the contours of a 2-D loss with the four paths
:math:`\theta_0, \theta_1, \dots, \theta_k`, one colour per method, and a dot
at each method's current step. Right: the gap to the global minimum,
:math:`J(\theta_k) - J^*`, per step on a log scale, with a vertical line at
the current step. The step ``k`` is the moving part: changing it only moves
animated artists (blit). New runs on the same surface (another learning
rate, β or start) also only move animated artists, because the axis limits
are fixed per surface; a new surface rebuilds the contours (full redraw).

Every path comes from :func:`mlekit.optim.descend`. A run that diverges
stops at its last finite step (see :class:`mlekit.optim.Trajectory`): its
path ends in a cross, and the loss panel and the readout say "diverged at
step n"; nothing inf or NaN is ever drawn.
"""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from .. import _validation as V
from ..optim import Trajectory, descend
from ..surfaces import Surface
from .style import COLORS
from .view import View, clamp_to_limits, clip_polyline, padded

__all__ = ["OptimizerView", "METHODS", "LABELS", "METHOD_COLORS", "FLOOR"]

#: the four methods raced, in legend order (names as in :data:`mlekit.optim.METHODS`)
METHODS = ("gd", "momentum", "rmsprop", "adam")
#: their names as the lesson writes them
LABELS = {"gd": "GD", "momentum": "momentum", "rmsprop": "RMSProp", "adam": "Adam"}
#: one colour per method, from the course palette
METHOD_COLORS = {"gd": COLORS["path"], "momentum": COLORS["gradient"],
                 "rmsprop": COLORS["log_likelihood"], "adam": COLORS["likelihood"]}
#: the loss panel's floor: gaps J - J* below it are drawn on the floor (log scale)
FLOOR = 1e-10

_LABELS = {"theta_1": r"$\theta_1$", "theta_2": r"$\theta_2$", "w": "$w$", "b": "$b$"}


class OptimizerView(View):
    """Paths of GD, momentum, RMSProp and Adam on a 2-D loss (left) and their loss per step (right).

    Parameters
    ----------
    surface : mlekit.surfaces.Surface
        A 2-D loss, e.g. :class:`~mlekit.surfaces.QuadraticBowl2D`,
        :class:`~mlekit.surfaces.Rosenbrock` or
        :class:`~mlekit.surfaces.TwoMinima2D` (its saddle point is marked).
    trajectories : dict, optional
        ``{method: Trajectory}`` for the methods in :data:`METHODS`, each run
        on *surface* by :func:`mlekit.optim.descend` (default: every method
        from the surface's default start and learning rate, 60 steps).
    step : int, optional
        The step shown (default: the last).
    n_steps : int, optional
        Length of the loss-per-step axis (default: the longest run). Keep it
        fixed while trying settings, so a run that diverges early does not
        rescale the axis.
    canvas_factory : callable, optional
        See :class:`View`.

    Examples
    --------
    >>> from mlekit.optim import descend
    >>> from mlekit.surfaces import QuadraticBowl2D
    >>> from mlekit.plotting import OptimizerView
    >>> J = QuadraticBowl2D(curvatures=(1.0, 10.0))
    >>> runs = {m: descend(J, (2.0, 1.0), 0.05, 10, method=m)
    ...         for m in ("gd", "momentum", "rmsprop", "adam")}
    >>> view = OptimizerView(J, runs, step=1)
    >>> view.readout["methods"]["gd"]["theta"].tolist()       # (2, 1) - 0.05 * (4, 20)
    [1.8, 0.0]
    >>> view.close()
    """

    def __init__(self, surface, trajectories=None, *, step=None, n_steps=None,
                 canvas_factory=None):
        # 960 x 370 px: with three control rows and a three-row readout the explorer
        # fits a 1366x768 screen (tests/test_figure_layout.py)
        super().__init__(figsize=(9.6, 3.7), canvas_factory=canvas_factory, layout="constrained")
        with self._style():
            self.ax_path, self.ax_loss = self.fig.subplots(1, 2, width_ratios=(1.1, 1.0))
            ax, axl = self.ax_path, self.ax_loss
            self.paths, self.currents, self.ends, self.loss_lines, self.loss_points = (
                {}, {}, {}, {}, {})
            for i, m in enumerate(METHODS):
                color, z = METHOD_COLORS[m], 4 + 0.1 * i
                (self.paths[m],) = ax.plot([], [], "-", color=color, lw=1.6, zorder=z,
                                           label=LABELS[m])
                (self.currents[m],) = ax.plot([], [], "o", color=color, mec="black", mew=1.0,
                                              ms=8, zorder=z + 2, clip_on=False)
                (self.ends[m],) = ax.plot([], [], "X", color=color, mec="black", mew=0.8, ms=10,
                                          zorder=z + 1, clip_on=False, visible=False)
                (self.loss_lines[m],) = axl.plot([], [], "-", color=color, lw=1.5, zorder=z)
                (self.loss_points[m],) = axl.plot([], [], "o", color=color, mec="black",
                                                  mew=1.0, ms=7, zorder=z + 2, clip_on=False)
            self.step_line = axl.axvline(0.0, color=COLORS["data"], ls="--", lw=1.0, zorder=3)
            note = dict(fontsize=9, color=COLORS["nll"], zorder=8, visible=False)
            self.path_note = ax.text(0.02, 0.97, "a path leaves the map: off scale",
                                     transform=ax.transAxes, ha="left", va="top", **note)
            self.loss_note = axl.text(0.98, 0.97, "loss off scale ↑", transform=axl.transAxes,
                                      ha="right", va="top", **note)
            self.floor_note = axl.text(0.98, 0.03, f"gap < {FLOOR:.0e}: drawn on the floor",
                                       transform=axl.transAxes, ha="right", va="bottom",
                                       **{**note, "color": COLORS["data"]})
            self.divergence_note = axl.text(
                0.02, 0.03, "", transform=axl.transAxes, ha="left", va="bottom", fontsize=9,
                fontweight="bold", color=COLORS["nll"], zorder=8, visible=False,
                bbox=dict(boxstyle="round,pad=0.25", fc="white", ec=COLORS["nll"], lw=0.8))
            # two layers of moving artists: the runs' loss curves and notes change only with
            # new runs (drawn once into a cached "runs layer"); the paths, dots and step line
            # change with every step and are drawn on top of that layer
            self._runs_layer = [*self.loss_lines.values(), self.loss_note, self.floor_note,
                                self.divergence_note]
            self._step_layer = [*self.paths.values(), *self.ends.values(),
                                *self.currents.values(), *self.loss_points.values(),
                                self.step_line, self.path_note]
            for artist in self._runs_layer + self._step_layer:
                self.animate(artist)
            self._runs_background = None
            axl.set_yscale("log")
            axl.set_title("Loss per step")
            axl.set_xlabel("step $k$")
            axl.set_ylabel(r"$J(\theta_k) - J^*$ (log scale)")
        self._static = []
        self._grids = {}                  # surface -> contour grid and levels, computed once
        self.surface = None
        self.trajectories = {}
        self.n_steps = 0
        self._step = None
        self.readout = {}
        self.set_problem(surface, trajectories, step=step, n_steps=n_steps)

    # --------------------------------------------------------------- drawing
    def _on_draw(self, event):
        self._runs_background = None          # a full draw: the runs layer is rebuilt lazily
        super()._on_draw(event)

    def refresh(self):
        """Blit the step layer over the cached runs layer (rebuilt once after new runs)."""
        if self._background is None:
            self.redraw()
            return
        if self._runs_background is None:
            self.canvas.restore_region(self._background)
            for artist in self._runs_layer:
                if artist.get_visible():
                    artist.axes.draw_artist(artist)
            self._runs_background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.canvas.restore_region(self._runs_background)
        for artist in self._step_layer:
            if artist.get_visible():
                artist.axes.draw_artist(artist)
        self.canvas.blit(self.fig.bbox)

    # ------------------------------------------------------------ static part
    def set_problem(self, surface, trajectories=None, *, step=None, n_steps=None):
        """Show a new loss surface and the runs on it (a full redraw: the contours change)."""
        if not isinstance(surface, Surface) or getattr(surface, "ndim", 1) != 2:
            V.fail("surface", "be a 2-D loss surface from mlekit.surfaces", V.describe(surface),
                   "Pass e.g. mlekit.surfaces.Rosenbrock().", TypeError)
        self.surface = surface
        for artist in self._static:
            artist.remove()
        self._static = []
        with self._style():
            self._build_contours(surface)
        if trajectories is None:
            trajectories = {m: descend(surface, method=m) for m in METHODS}
        if n_steps is not None:
            self.n_steps = V.check_int(n_steps, "n_steps", minimum=1)
        self._use_trajectories(trajectories, step=step)
        self.ax_loss.set_xlim(*padded((0.0, float(self.n_steps))))
        self.ax_loss.set_ylim(FLOOR, self._loss_top)
        self._set(step=self._step)
        self.redraw()      # new problem: the static panels changed, full redraw

    def _build_contours(self, surface):
        ax = self.ax_path
        best = surface.global_minimum
        if surface not in self._grids:
            (x0, x1), (y0, y1) = surface.window
            gx, gy = np.meshgrid(np.linspace(x0, x1, 161), np.linspace(y0, y1, 161))
            values = surface.loss(np.stack([gx, gy], axis=-1))
            gap = values - best.loss
            top = float(np.quantile(gap, 0.9))
            low = max(float(np.quantile(gap, 0.002)), 1e-3 * top)
            levels = best.loss + np.geomspace(low, top, 12)     # even spacing in log(J - J*)
            self._grids[surface] = (gx, gy, values, levels, float(gap.max()))
        gx, gy, values, levels, gap_max = self._grids[surface]
        # the loss axis reaches a decade above the highest loss in the window
        self._loss_top = 10.0 ** np.ceil(np.log10(gap_max) + 1.0)
        fill = ax.contourf(gx, gy, values, levels=np.r_[values.min(), levels, values.max()],
                           cmap="Greys", alpha=0.3, zorder=1)
        lines = ax.contour(gx, gy, values, levels=levels, colors=COLORS["data"],
                           linewidths=0.6, alpha=0.9, zorder=2)
        (star,) = ax.plot([best.theta[0]], [best.theta[1]], "*", ms=15, color=COLORS["mle"],
                          mec="white", mew=0.8, zorder=3,
                          label="global minimum" if len(surface.minima) > 1 else "minimum")
        self._static += [fill, lines, star]
        self.minimum_markers = [star]
        handles = [self.paths[m] for m in METHODS] + [star]
        for m in surface.minima:
            if not m.is_global:
                (dot,) = ax.plot([m.theta[0]], [m.theta[1]], "o", ms=8, mfc="white",
                                 mec=COLORS["mle"], mew=1.5, zorder=3, label="local minimum")
                self._static.append(dot)
                self.minimum_markers.append(dot)
                handles.append(dot)
        saddle = getattr(surface, "saddle", None)
        self.saddle_marker = None
        if saddle is not None:
            (mark,) = ax.plot([saddle.theta[0]], [saddle.theta[1]], "D", ms=7, mfc="white",
                              mec=COLORS["data"], mew=1.5, zorder=3, label="saddle point")
            self._static.append(mark)
            self.saddle_marker = mark
            handles.append(mark)
        handles.append(Line2D([], [], ls="none", marker="X", color="white", mec="black",
                              mew=0.8, ms=9, label="diverged (last finite step)"))
        ax.set_xlim(*padded(surface.window[0]))
        ax.set_ylim(*padded(surface.window[1]))
        names = surface.param_names
        ax.set_xlabel(_LABELS.get(names[0], names[0]))
        ax.set_ylabel(_LABELS.get(names[1], names[1]))
        ax.set_title("Paths on the loss contours")
        # one legend for both panels, under them: no path or curve can cross it
        self._static.append(self.fig.legend(handles=handles, loc="outside lower center",
                                            ncols=len(handles), handlelength=1.4,
                                            columnspacing=0.9, handletextpad=0.4))

    # ------------------------------------------------------ new trajectories
    def set_trajectories(self, trajectories, *, step=None, n_steps=None):
        """Show new runs on the same surface (another lr, β or start): the fast path (blit).

        Only a longer loss-per-step axis (*n_steps* larger than before) needs a full redraw.
        """
        before = self.n_steps
        if n_steps is not None:
            self.n_steps = V.check_int(n_steps, "n_steps", minimum=1)
        self._use_trajectories(trajectories, step=step)
        self._set(step=self._step)
        if self.n_steps != before:
            self.ax_loss.set_xlim(*padded((0.0, float(self.n_steps))))
            self.redraw()
        else:
            self.refresh()

    def _use_trajectories(self, trajectories, *, step=None):
        if not isinstance(trajectories, dict) or set(trajectories) != set(METHODS):
            V.fail("trajectories", f"be a dict with one Trajectory for each of {list(METHODS)}",
                   V.describe(trajectories),
                   "Pass {m: mlekit.optim.descend(surface, method=m) for m in METHODS}.",
                   TypeError)
        runs = {}
        for m in METHODS:
            traj = trajectories[m]
            if not isinstance(traj, Trajectory):
                V.fail(f"trajectories[{m!r}]", "be a Trajectory from mlekit.optim",
                       V.describe(traj), "Pass the result of mlekit.optim.descend(...).",
                       TypeError)
            params = np.asarray(traj.params, dtype=float)
            if params.ndim != 2 or params.shape[1] != 2:
                V.fail(f"trajectories[{m!r}]", "hold parameters of shape (2,) like the surface",
                       f"parameters of shape {params.shape[1:]}",
                       "Run the optimiser on this surface.")
            losses = (np.asarray(self.surface.loss(params), dtype=float).reshape(-1)
                      if traj.losses is None else np.asarray(traj.losses, dtype=float))
            gap = losses - self.surface.global_minimum.loss
            (x0, x1), (y0, y1) = self.ax_path.get_xlim(), self.ax_path.get_ylim()
            inside = bool(np.all((params[:, 0] >= x0) & (params[:, 0] <= x1)
                                 & (params[:, 1] >= y0) & (params[:, 1] <= y1)))
            runs[m] = dict(traj=traj, params=params, losses=losses, gap=gap, inside=inside)
            self.loss_lines[m].set_data(np.arange(len(gap)), np.clip(gap, FLOOR, self._loss_top))
        self.trajectories = {m: runs[m]["traj"] for m in METHODS}
        self._runs = runs
        self._runs_background = None          # new loss curves: rebuild the runs layer
        # the loss curves show whole runs: say so when one is clamped to the axes
        gaps = np.concatenate([r["gap"] for r in runs.values()])
        self.loss_note.set_visible(bool(np.any(gaps > self._loss_top)))
        self.floor_note.set_visible(bool(np.any(gaps < FLOOR)))
        self.n_steps = max([self.n_steps, 1] + [r["traj"].n_steps for r in runs.values()])
        if step is not None:
            self._step = V.check_int(step, "step", minimum=0)
        elif self._step is None:
            self._step = self.n_steps
        diverged = [f"{LABELS[m]} diverged at step {runs[m]['traj'].n_steps + 1}"
                    for m in METHODS if runs[m]["traj"].diverged]
        self.divergence_note.set_text("\n".join(diverged))
        self.divergence_note.set_visible(bool(diverged))

    # ------------------------------------------------------------ moving part
    def _set(self, step=None):
        """Show every path up to *step* (each run clipped to the steps it has)."""
        if step is None:
            V.fail("update()", "be given step=...", "no value", "Call view.update(step=10).",
                   TypeError)
        k = V.check_int(step, "step", minimum=0)
        self._step = k
        xlim, ylim = self.ax_path.get_xlim(), self.ax_path.get_ylim()
        top = self._loss_top
        left_map = False
        methods = {}
        for m in METHODS:
            run = self._runs[m]
            traj, P, gap = run["traj"], run["params"], run["gap"]
            j = min(k, traj.n_steps)
            if run["inside"]:
                self.paths[m].set_data(P[:j + 1, 0], P[:j + 1, 1])
            else:
                xs, ys, cut = clip_polyline(P[:j + 1, 0], P[:j + 1, 1], xlim, ylim)
                self.paths[m].set_data(xs, ys)
                left_map |= cut != 0
            left_map |= _place(self.currents[m], P[j], xlim, ylim)
            ended = traj.diverged and k >= traj.n_steps
            self.ends[m].set_visible(ended)
            if ended:
                _place(self.ends[m], P[-1], xlim, ylim)
            self.loss_points[m].set_data([j], [min(max(gap[j], FLOOR), top)])
            methods[m] = {"step": j, "theta": P[j].copy(), "loss": float(run["losses"][j]),
                          "gap": float(gap[j]), "diverged": bool(traj.diverged),
                          "diverged_at": traj.n_steps + 1 if traj.diverged else None,
                          "status": self._status(m, k, j)}
        self.step_line.set_xdata([k, k])
        self.path_note.set_visible(bool(left_map))
        self.readout = {"step": k, "n_steps": self.n_steps, "methods": methods}

    def _status(self, m, k, j) -> str:
        """A few words on method *m* at step *k* (it has reached step *j*)."""
        traj, surface = self._runs[m]["traj"], self.surface
        if traj.diverged:
            verb = "diverged" if k >= traj.n_steps else "diverges"
            return f"{verb} at step {traj.n_steps + 1}"
        theta = self._runs[m]["params"][j]
        spans = np.array([hi - lo for lo, hi in surface.window])
        for minimum in surface.minima:
            if np.all(np.abs(theta - minimum.theta) <= 0.02 * spans):
                if len(surface.minima) == 1:
                    return "at the minimum"
                return "at the global min" if minimum.is_global else "stuck at local min"
        losses = self._runs[m]["losses"]
        if j > 0 and losses[j] >= losses[0]:
            return "loss above start"
        return "descending"


def _place(marker, point, xlim, ylim) -> bool:
    """Put *marker* at *point*, clamped into the axes; True if it had to be clamped."""
    cx, off_x = clamp_to_limits(point[0], sorted(xlim))
    cy, off_y = clamp_to_limits(point[1], sorted(ylim))
    marker.set_data([cx], [cy])
    return bool(off_x or off_y)
