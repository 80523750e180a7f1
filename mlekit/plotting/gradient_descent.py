r"""GradientDescentView: the path of gradient descent on a loss, and the loss per step.

Left: the path :math:`\theta_0, \theta_1, \dots, \theta_k` on the loss (a 1-D
curve with points along the path, or the contours of a 2-D loss with the path
as a polyline). Right: the loss :math:`J(\theta_k)` per step, with a marker at
the current step. The step ``k`` is the moving part: changing it only moves
animated artists (blit). A new trajectory (another learning rate, start or
batch mode) also only moves animated artists, unless the loss-per-step axis
limits have to change; a new problem rebuilds the left panel (full redraw).
"""

from __future__ import annotations

import html

import numpy as np
from matplotlib.lines import Line2D

from .. import _validation as V
from ..optim import Trajectory, descend
from ..surfaces import LineFitMSE, Surface
from .style import COLORS
from .view import View, clamp_to_limits, padded, robust_limits

__all__ = ["GradientDescentView"]

#: math-text labels of the surfaces' parameter names
_LABELS = {"theta": r"$\theta$", "theta_1": r"$\theta_1$", "theta_2": r"$\theta_2$",
           "w": "$w$", "b": "$b$"}
#: parameters beyond this count lose their dots (a long SGD path is a polyline)
_DOTS_UP_TO = 150


class GradientDescentView(View):
    """The path of an optimiser on a loss surface (left) and its loss per step (right).

    Parameters
    ----------
    surface : mlekit.surfaces.Surface
        The loss: :class:`~mlekit.surfaces.Quadratic1D`,
        :class:`~mlekit.surfaces.NonConvex1D`,
        :class:`~mlekit.surfaces.QuadraticBowl2D` or
        :class:`~mlekit.surfaces.LineFitMSE`.
    trajectory : mlekit.optim.Trajectory, optional
        The run to show, from :func:`mlekit.optim.gradient_descent` or
        :func:`mlekit.optim.sgd` on *surface* (default:
        :func:`mlekit.optim.descend` from the surface's default start and lr).
    step : int, optional
        How many steps of the path to show (default: all).
    n_steps : int, optional
        Length of the loss-per-step axis (default: the trajectory's length).
        Keep it fixed while trying learning rates so that a run that
        diverges early does not rescale the axis.
    canvas_factory : callable, optional
        See :class:`View`.

    Examples
    --------
    >>> from mlekit.optim import descend
    >>> from mlekit.surfaces import Quadratic1D
    >>> from mlekit.plotting import GradientDescentView
    >>> J = Quadratic1D()
    >>> view = GradientDescentView(J, descend(J, theta0=3.0, lr=0.25, steps=20))
    >>> view.update(step=1)
    >>> view.readout["theta"], view.readout["loss"]
    (1.5, 2.25)
    >>> view.close()
    """

    def __init__(self, surface, trajectory=None, *, step=None, n_steps=None, canvas_factory=None):
        # 880 x 340 px: with its three control rows and readout the explorer fits a 1366x768 screen
        super().__init__(figsize=(8.8, 3.4), canvas_factory=canvas_factory, layout="constrained")
        with self._style():
            self.ax_path, self.ax_loss = self.fig.subplots(1, 2, width_ratios=(1.15, 1.0))
            ax, axl = self.ax_path, self.ax_loss
            # ---- moving artists (the same for every problem; only their data change)
            (self.path,) = ax.plot([], [], "-o", color=COLORS["path"], lw=1.5, ms=3.5, zorder=4,
                                   label="path")
            (self.start_marker,) = ax.plot([], [], "s", mfc="white", mec=COLORS["path"], mew=1.8,
                                           ms=7, zorder=5, label="start", clip_on=False)
            (self.current,) = ax.plot([], [], "o", color=COLORS["current"], mec="black", mew=1.2,
                                      ms=10, zorder=6, clip_on=False, label="step $k$")
            (self.loss_all,) = axl.plot([], [], lw=1.2, alpha=0.3, zorder=3)
            (self.loss_done,) = axl.plot([], [], lw=2.0, zorder=4, label=r"$J(\theta_k)$")
            (self.loss_point,) = axl.plot([], [], "o", color=COLORS["current"], mec="black",
                                          mew=1.2, ms=9, zorder=6, clip_on=False)
            self.note = axl.text(0.5, 0.5, "", transform=axl.transAxes, ha="center", va="center",
                                 fontsize=9.5, fontweight="bold", color=COLORS["nll"], zorder=7,
                                 bbox=dict(boxstyle="round,pad=0.3", fc="white",
                                           ec=COLORS["nll"], lw=1.0), visible=False)
            # notes for a run that leaves the window (lr too large, not yet diverged)
            self.path_note = ax.text(0.02, 0.97, "path leaves the window: off scale",
                                     transform=ax.transAxes, ha="left", va="top", fontsize=9,
                                     color=COLORS["nll"], zorder=7, visible=False)
            self.loss_note = axl.text(0.98, 0.97, "loss off scale ↑", transform=axl.transAxes,
                                      ha="right", va="top", fontsize=9, color=COLORS["nll"],
                                      zorder=7, visible=False)
            # legend entries for the moving artists: fixed proxies, so that a legend built
            # while a marker is off scale (an arrow) still shows the usual symbol
            self._legend_proxies = [
                Line2D([], [], marker="o", color=COLORS["path"], lw=1.5, ms=3.5, label="path"),
                Line2D([], [], ls="none", marker="o", color=COLORS["current"], mec="black",
                       mew=1.2, ms=10, label="step $k$")]
            for artist in (self.path, self.start_marker, self.current, self.loss_all,
                           self.loss_done, self.loss_point, self.note, self.path_note,
                           self.loss_note):
                self.animate(artist)
            # ---- static part of the loss-per-step axes
            self.best_line = axl.axhline(0.0, color=COLORS["mle"], ls="--", lw=1.1,
                                         label="global minimum $J^*$")
            self.local_line = axl.axhline(0.0, color=COLORS["data"], ls=":", lw=1.6,
                                          label="local minimum")
            axl.set_title("Loss per step")
            axl.set_xlabel("step $k$")
            axl.set_ylabel(r"loss $J(\theta_k)$")
        self._static = []                 # left-panel artists of the current problem
        self._grids = {}                  # surface -> curve / contour values, computed once
        self.surface = self.trajectory = None
        self.n_steps = 0
        self._step = None
        self.readout = {}
        self.set_problem(surface, trajectory, step=step, n_steps=n_steps)

    # ------------------------------------------------------------ static part
    def set_problem(self, surface, trajectory=None, *, step=None, n_steps=None):
        """Show a new loss surface (and a run on it).

        The left panel is rebuilt (curve or contours, minima, limits), so this
        does a full redraw; it happens when the problem changes, never per step.
        """
        if not isinstance(surface, Surface):
            V.fail("surface", "be a loss surface from mlekit.surfaces", V.describe(surface),
                   "Pass e.g. mlekit.surfaces.Quadratic1D().", TypeError)
        self.surface = surface
        for artist in self._static:
            artist.remove()
        self._static = []
        color = COLORS["mse"] if isinstance(surface, LineFitMSE) else COLORS["nll"]
        with self._style():
            if surface.ndim == 1:
                self._build_curve(surface, color)
            else:
                self._build_contours(surface, color)
        for line in (self.loss_all, self.loss_done):
            line.set_color(color)
        best = surface.global_minimum
        self.best_line.set_ydata([best.loss, best.loss])
        local = [m for m in surface.minima if not m.is_global]
        self.local_line.set_visible(bool(local))
        if local:
            self.local_line.set_ydata([local[0].loss, local[0].loss])
        handles = [self.loss_done, self.best_line] + ([self.local_line] if local else [])
        with self._style():
            # legends under the axes: the path and the loss curve never cross them
            self._static.append(self.ax_loss.legend(handles=handles, **_BELOW, ncols=3))
        if trajectory is None:
            trajectory = descend(surface)
        self._use_trajectory(trajectory, step=step, n_steps=n_steps, force_limits=True)
        self._set(step=self._step)
        self.redraw()      # new problem: the static panels changed, full redraw

    def _build_curve(self, surface, color):
        ax = self.ax_path
        if surface not in self._grids:
            grid = np.linspace(*surface.window[0], 400)
            self._grids[surface] = (grid, surface.loss(grid))
        grid, values = self._grids[surface]
        (curve,) = ax.plot(grid, values, color=color, lw=2.0, zorder=2, label=r"$J(\theta)$")
        self._static.append(curve)
        handles = [curve]
        self.minimum_markers = []
        for m in surface.minima:
            (dot,) = ax.plot([m.theta], [m.loss], "*" if m.is_global else "o",
                             ms=14 if m.is_global else 9, mfc=COLORS["mle"] if m.is_global
                             else "white", mec=COLORS["mle"], mew=1.5, zorder=3,
                             label="global minimum" if m.is_global else "local minimum")
            self._static.append(dot)
            self.minimum_markers.append(dot)
            handles.append(dot)
        ax.set_xlim(*padded(surface.window[0]))        # a start on the edge shows whole
        ax.set_ylim(*robust_limits(values, pad=0.06, include=[m.loss for m in surface.minima]))
        ax.set_xlabel(_LABELS.get(surface.param_names[0], surface.param_names[0]))
        ax.set_ylabel(r"loss $J(\theta)$")
        ax.set_title("Path on the loss curve")
        self.curve = curve
        handles += self._legend_proxies
        self._static.append(ax.legend(handles=handles, **_BELOW, ncols=3))

    def _build_contours(self, surface, color):
        ax = self.ax_path
        if surface not in self._grids:
            (x0, x1), (y0, y1) = surface.window
            gx, gy = np.meshgrid(np.linspace(x0, x1, 161), np.linspace(y0, y1, 161))
            values = surface.loss(np.stack([gx, gy], axis=-1))
            best = surface.global_minimum.loss
            top = float(np.quantile(values, 0.9))
            levels = best + (top - best) * np.linspace(0.0, 1.0, 13)[1:] ** 2   # even spacing in θ
            self._grids[surface] = (gx, gy, values, levels)
        gx, gy, values, levels = self._grids[surface]
        fill = ax.contourf(gx, gy, values, levels=np.r_[values.min(), levels, values.max()],
                           cmap="Blues_r", alpha=0.35, zorder=1)
        lines = ax.contour(gx, gy, values, levels=levels, colors=color, linewidths=0.7,
                           alpha=0.8, zorder=2)
        best = surface.global_minimum
        label = "least squares" if isinstance(surface, LineFitMSE) else "minimum"
        (dot,) = ax.plot([best.theta[0]], [best.theta[1]], "*", ms=15, color=COLORS["mle"],
                         mec="white", mew=0.8, zorder=3, label=label)
        self._static += [fill, lines, dot]
        self.minimum_markers = [dot]
        ax.set_xlim(*padded(surface.window[0]))
        ax.set_ylim(*padded(surface.window[1]))
        names = surface.param_names
        ax.set_xlabel(_LABELS.get(names[0], names[0]))
        ax.set_ylabel(_LABELS.get(names[1], names[1]))
        if isinstance(surface, LineFitMSE):
            ax.set_title("Path on the MSE contours over $(w, b)$")
        else:
            ax.set_title(r"Path on the loss contours")
        self.curve = None
        self._static.append(ax.legend(handles=[dot, *self._legend_proxies], **_BELOW, ncols=3))

    # ------------------------------------------------------- a new trajectory
    def set_trajectory(self, trajectory, *, step=None, n_steps=None):
        """Show another run on the same surface (new lr, start or batch mode).

        The path and the loss curve are animated artists, so this is the fast
        path; only when the loss-per-step axis limits must change (a longer
        axis, or losses outside the current range) is there a full redraw.
        """
        changed = self._use_trajectory(trajectory, step=step, n_steps=n_steps)
        self._set(step=self._step)
        if changed:
            self.redraw()     # the loss-per-step axis limits changed: full redraw
        else:
            self.refresh()

    def _use_trajectory(self, trajectory, *, step=None, n_steps=None, force_limits=False):
        """Store *trajectory*, set the loss curve; return True if axis limits changed."""
        if not isinstance(trajectory, Trajectory):
            V.fail("trajectory", "be a Trajectory from mlekit.optim", V.describe(trajectory),
                   "Pass the result of gradient_descent(...) or sgd(...).", TypeError)
        params = np.asarray(trajectory.params, dtype=float)
        want = () if self.surface.ndim == 1 else (2,)
        if params.shape[1:] != want:
            V.fail("trajectory", f"hold parameters of shape {want or 'scalar'} like the surface",
                   f"parameters of shape {params.shape[1:]}",
                   "Run the optimiser on this surface's grad and loss.")
        losses = (np.asarray(self.surface.loss(params), dtype=float).reshape(-1)
                  if trajectory.losses is None else np.asarray(trajectory.losses, dtype=float))
        self.trajectory, self.params, self.losses = trajectory, params, losses
        self._steps = np.arange(len(losses))
        if n_steps is not None:
            self.n_steps = V.check_int(n_steps, "n_steps", minimum=1)
        self.n_steps = max(self.n_steps, trajectory.n_steps, 1)
        if step is not None:
            self._step = V.check_int(step, "step", minimum=0)
        elif self._step is None:
            self._step = self.n_steps
        self.loss_all.set_data(self._steps, losses)
        dots = trajectory.n_steps <= _DOTS_UP_TO
        self.path.set_marker("o" if dots else "None")
        self.path.set_linewidth(1.5 if dots else 1.0)
        self.note.set_visible(bool(trajectory.diverged))
        if trajectory.diverged:
            self.note.set_text(f"diverged at step {trajectory.n_steps + 1}: lr too large")
        # loss-per-step axis: keep the limits while they still frame the new run well
        xlim = (0.0, float(self.n_steps))
        need_lo, need_hi = _loss_range(losses, self.surface.global_minimum.loss)
        lo, hi = self.ax_loss.get_ylim()
        fits = lo <= need_lo and hi >= need_hi and (hi - lo) <= 2.5 * (need_hi - need_lo)
        changed = force_limits or not fits or self.ax_loss.get_xlim() != xlim
        if changed:
            self.ax_loss.set_xlim(*xlim)
            if not force_limits and need_hi > hi:
                # growing (e.g. while dragging the start outwards): leave headroom so that
                # the next moves fit without another full redraw
                need_hi += 0.6 * (need_hi - need_lo)
            self.ax_loss.set_ylim(*robust_limits([need_lo, need_hi], pad=0.06))
        return changed

    # ------------------------------------------------------------ moving part
    def _set(self, step=None):
        """Show the first *step* steps (clipped to the steps the run has)."""
        if step is None:
            V.fail("update()", "be given step=...", "no value", "Call view.update(step=10).",
                   TypeError)
        requested = V.check_int(step, "step", minimum=0)
        self._step = requested
        traj, P, L = self.trajectory, self.params, self.losses
        k = min(requested, traj.n_steps)
        if self.surface.ndim == 1:
            xs, ys = P[:k + 1], L[:k + 1]
        else:
            xs, ys = P[:k + 1, 0], P[:k + 1, 1]
        self.path.set_data(xs, ys)
        self.start_marker.set_data(xs[:1], ys[:1])
        _place(self.current, xs[k], ys[k], self.ax_path.get_xlim(), self.ax_path.get_ylim(), "o")
        self.loss_done.set_data(self._steps[:k + 1], L[:k + 1])
        (x0, x1), (y0, y1) = sorted(self.ax_path.get_xlim()), sorted(self.ax_path.get_ylim())
        xs_, ys_ = np.asarray(xs, float), np.asarray(ys, float)
        self.path_note.set_visible(bool(np.any((xs_ < x0) | (xs_ > x1) | (ys_ < y0) | (ys_ > y1))))
        lo, hi = sorted(self.ax_loss.get_ylim())
        shown = L[np.isfinite(L)]
        self.loss_note.set_visible(bool(np.any((shown > hi) | (shown < lo))))
        _place(self.loss_point, float(k), L[k], self.ax_loss.get_xlim(), self.ax_loss.get_ylim(),
               "o")
        theta = P[k][()] if P.ndim == 1 else P[k].copy()
        grad = np.asarray(self.surface.grad(theta), dtype=float)      # full-data gradient at θ_k
        epoch = None
        if traj.epochs is not None and len(traj.epochs) and k > 0:
            epoch = int(traj.epochs[k - 1])
        self.readout = {
            "step": k, "requested_step": requested, "n_steps": traj.n_steps,
            "theta": float(theta) if P.ndim == 1 else theta, "loss": float(L[k]),
            "grad_norm": float(np.linalg.norm(grad)), "epoch": epoch,
            "diverged": bool(traj.diverged), "status": self._status(k, requested, theta),
        }

    def _status(self, k, requested, theta) -> str:
        traj, surface = self.trajectory, self.surface
        if traj.diverged:
            stable = surface.max_stable_lr
            limit = f"; this loss needs lr < {stable:.3g}" if stable else ""
            n = traj.n_steps
            tail = (f" Showing its {n} finite step{'' if n == 1 else 's'}."
                    if requested > n else "")
            return (f"diverged at step {traj.n_steps + 1}: lr too large "
                    f"(lr = {traj.lr:.3g}{limit}).{tail}")
        spans = [hi - lo for lo, hi in surface.window]
        for m in surface.minima:
            gap = np.abs(np.atleast_1d(theta) - np.atleast_1d(m.theta)) / spans
            if np.all(gap <= 0.02):
                if len(surface.minima) == 1:
                    where = "the least-squares solution" if isinstance(surface, LineFitMSE) \
                        else "the minimum"
                else:
                    where = ("the global minimum" if m.is_global
                             else "a local minimum (not the global one)")
                return f"step {k}: at {where}."
        if k > 0 and self.losses[k] >= self.losses[0]:
            return f"step {k}: the loss is not below where it started: lr too large?"
        return f"step {k} of {traj.n_steps}: still descending."

    def readout_html(self) -> str:
        """The status message as a short HTML line (red when the run diverged)."""
        r = self.readout
        color = COLORS["nll"] if r.get("diverged") else "inherit"
        return (f"<div style='color:{color};margin:2px 10px'>"
                f"{html.escape(r.get('status', ''))}</div>")


#: where the legends go: under their axes, clear of every path and curve
_BELOW = dict(loc="upper center", bbox_to_anchor=(0.5, -0.2), borderaxespad=0.0,
              handlelength=1.6, columnspacing=1.0)


def _loss_range(losses, best):
    """The loss range to frame: J* up to the start; a diverging tail may run off the top."""
    finite = losses[np.isfinite(losses)]
    start = float(finite[0])
    lo = min(float(best), float(finite.min()))
    hi = max(start, float(finite.max()))
    if start > lo:
        hi = min(hi, start + 1.5 * (start - lo))     # cap: a blow-up leaves through the top
    return robust_limits([lo, hi], pad=0.0)          # (widened if lo == hi)


def _place(marker, x, y, xlim, ylim, shape):
    """Put *marker* at (x, y), clamped into the axes with an arrow shape when off scale."""
    cx, off_x = clamp_to_limits(x, sorted(xlim))
    cy, off_y = clamp_to_limits(y, sorted(ylim))
    marker.set_data([cx], [cy])
    if off_y:
        shape = "^" if off_y > 0 else "v"
    elif off_x:
        shape = ">" if off_x > 0 else "<"
    marker.set_marker(shape)
