"""What every explorer shares: how it declares its controls, guarded callbacks, the error
panel, a PNG fallback and cleanup.

An explorer is declared in a few lines (see ``CONTRIBUTING.md``, "Add an explorer")::

    class GaussianExplorer(Explorer):
        def __init__(self, x, *, mu=None, sigma=None, unit=""):
            view = GaussianView(x, mu=mu, sigma=sigma, unit=unit, show_readout=False,
                                canvas_factory=live_canvas)
            self.main_slider = self.mu_slider = self.slider("μ", view.readout["mu"], *view.mu_range)
            self.sigma_slider = self.slider("σ", view.readout["sigma"], *view.sigma_range)
            self.mle_button = self.button("Go to MLE", self.go_to_mle)
            super().__init__(view, [[self.mu_slider, self.sigma_slider, self.mle_button]])
            self.bind(mu=self.mu_slider, sigma=self.sigma_slider)   # a move: view.update(mu=...)
            self.move(mu=self.mu_slider.value, sigma=self.sigma_slider.value)
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import math
import traceback

import ipywidgets as widgets
import numpy as np

from .. import _validation as V

__all__ = ["Explorer", "slider_step", "readout_table", "readout_column", "close_tree"]

#: the one step rule: every slider has at least this many positions over its range
STEP_POSITIONS = 500


def slider_step(lo: float, hi: float) -> float:
    """A slider's step: the largest 1, 2 or 5 × 10^k giving at least 500 positions over (lo, hi).

    Round steps keep the readout short; 500 positions make a drag smooth. For a
    log slider pass the exponents (its step is in powers of the base).

    >>> slider_step(0.01, 0.99), slider_step(-4.0, 4.0), slider_step(-1.2, 5.3)
    (0.001, 0.01, 0.01)
    """
    raw = (float(hi) - float(lo)) / STEP_POSITIONS
    if not raw > 0:
        return 1.0
    k = math.floor(math.log10(raw))
    for m in (5.0, 2.0, 1.0):
        if m * 10.0 ** k <= raw * (1 + 1e-9):
            return float(f"{m * 10.0 ** k:.1g}")
    return float(f"{10.0 ** k:.1g}")  # pragma: no cover - unreachable


class Explorer(widgets.VBox):
    """A view's live canvas plus controls, a readout and an error panel.

    Subclasses build a :class:`mlekit.plotting.View` on a live canvas,
    declare their controls with :meth:`slider`, :meth:`choice` and
    :meth:`button` (naming the one that moves the figure's main quantity
    :attr:`main_slider`), wire them with :meth:`on_change`, set several at
    once inside :meth:`hold`, and offer :meth:`example`. Any error
    raised by a callback is shown in :attr:`errors` (an Output widget) with
    its traceback, never swallowed and never a frozen figure; the next
    successful move clears it.

    ``beside=True`` puts the controls in a column to the right of the figure
    (and ``readout_beside=True`` the readout under them), for explorers with
    many controls; otherwise they sit above it.

    Displayed, an explorer carries a PNG of its current figure in its
    mimebundle, so a saved notebook shows the figure on GitHub, nbviewer and
    in HTML exports, where widgets do not run.
    """

    #: the control that moves the figure's main quantity (set by each explorer)
    main_slider = None
    #: > 0 while :meth:`hold` sets several controls: their change handlers wait
    _held = 0

    @classmethod
    def example(cls):  # pragma: no cover - abstract
        """An instance with the course's typical data (the benchmark and contract tests use it)."""
        raise NotImplementedError

    def __init__(self, view, controls, *, caption="", beside=False, readout_beside=False):
        self.view = view
        self.readout = widgets.HTML(layout=widgets.Layout(margin="0 0 0 8px"))
        self.errors = widgets.Output(layout=widgets.Layout(border="0px"))
        self._has_error = False
        rows = [widgets.HBox(list(group)) if isinstance(group, (list, tuple)) else group
                for group in controls]
        children = []
        if caption:
            children.append(widgets.HTML(f"<i>{html.escape(caption)}</i>"))
        if beside:
            # controls (and optionally the readout) in a column right of the figure: the
            # explorer stays short enough for a 1366x768 laptop screen (see tests/test_figure_layout.py)
            column = [*rows, self.readout] if readout_beside else rows
            side = widgets.VBox(column, layout=widgets.Layout(margin="0 0 0 6px"))
            children += [widgets.HBox([view.canvas, side])]
            children += [self.errors] if readout_beside else [self.readout, self.errors]
        else:
            children += [*rows, view.canvas, self.readout, self.errors]
        super().__init__(children=children)

    # ------------------------------------------------------- declaring controls
    @staticmethod
    def slider(description, value, lo, hi, *, kind="float", width="330px", fmt=".2f",
               continuous=True):
        """A slider over [lo, hi] starting at *value*, with the one step rule (:func:`slider_step`).

        *kind* is ``"float"``, ``"int"`` (step 1) or ``"log"`` (lo and hi are
        powers of ten; *value* is not). A *value* outside the range is clamped
        into it (refuse it first with :meth:`check_range` if that is an error).
        ``continuous=False`` sends only the value where a drag ends (for
        controls that redraw the whole figure).
        """
        ends = (10.0 ** lo, 10.0 ** hi) if kind == "log" else (lo, hi)
        value = float(value)
        common = dict(description=description, continuous_update=continuous,
                      layout=widgets.Layout(width=width))
        if kind == "int":
            return widgets.IntSlider(value=int(np.clip(value, *ends)), min=int(lo), max=int(hi),
                                     step=1, **common)
        cls = widgets.FloatLogSlider if kind == "log" else widgets.FloatSlider
        extra = dict(base=10) if kind == "log" else {}
        return cls(value=float(np.clip(value, *ends)), min=lo, max=hi, step=slider_step(lo, hi),
                   readout_format=fmt, **extra, **common)

    @staticmethod
    def choice(description, options, value, *, name=None, buttons=False, width=None, **style):
        """A dropdown (or, with *buttons*, toggle buttons) over *options* ``{key: label}``.

        With *name*, a *value* that is not a key is refused with a ``ValueError``
        naming that argument and the choices.
        """
        if name is not None:
            V.check_choice(value, name, tuple(options), f"For example {name}={next(iter(options))!r}.",
                           exc=ValueError)
        cls = widgets.ToggleButtons if buttons else widgets.Dropdown
        layout = widgets.Layout(width=width) if width else widgets.Layout()
        pairs = [(label, key) for key, label in options.items()]
        return cls(options=pairs, value=value, description=description, layout=layout,
                   **({"style": style} if style else {}))

    @staticmethod
    def check_range(name, value, lo, hi, example):
        """*value* as a number, or a ``ValueError`` if it lies outside its slider's [lo, hi]."""
        value = V.as_float(value, name)
        if not lo <= value <= hi:
            V.fail(name, f"lie in [{lo:g}, {hi:g}]", f"{value:g}", f"For example {example}.")
        return value

    @staticmethod
    def set_range(slider, lo, hi, value):
        """Give *slider* the range [lo, hi], the step rule's step for it and *value* (clamped).

        The order of the assignments never trips the slider's own validation.
        """
        ends = (slider.base ** lo, slider.base ** hi) if hasattr(slider, "base") else (lo, hi)
        slider.min, slider.max = min(slider.min, lo), max(slider.max, hi)
        slider.step = slider_step(lo, hi)
        slider.value = float(np.clip(value, *sorted(ends)))
        slider.min, slider.max = lo, hi

    @staticmethod
    def on_step(slider, value) -> float:
        """*value* clamped to *slider*'s range and rounded to its nearest step position."""
        value = min(max(float(value), slider.min), slider.max)
        return slider.min + round((value - slider.min) / slider.step) * slider.step

    def button(self, description, action, *, tooltip="", width=None, disabled=False):
        """A button that runs ``action()`` when clicked, guarded like every callback."""
        layout = widgets.Layout(width=width) if width else widgets.Layout()
        button = widgets.Button(description=description, tooltip=tooltip, layout=layout,
                                disabled=disabled)
        run = self._guarded(lambda _: action())
        button.on_click(functools.wraps(action)(lambda _button: run({"new": None})))
        return button

    def on_change(self, control, handler, names="value"):
        """Call ``handler(new_value)`` whenever *control*'s trait *names* changes, guarded.

        *handler* may be a view parameter's name: ``on_change(slider, "mu")``
        calls :meth:`move` with ``mu=new_value``.
        """
        if isinstance(handler, str):
            param = handler
            handler = functools.partial(lambda key, value: self.move(**{key: value}), param)
        control.observe(self._guarded(handler), names=names)

    def bind(self, **controls):
        """Wire each control to the view parameter it is named by: ``bind(mu=self.mu_slider)``.

        A change of ``controls[name]`` calls :meth:`move` with ``name=new_value``.
        """
        for param, control in controls.items():
            self.on_change(control, param)

    @contextlib.contextmanager
    def hold(self, then=None):
        """Set several controls at once: their handlers wait, then ``then()`` runs once.

        For example ``with self.hold(then=self.redraw): a.value, b.value = 1, 2``
        draws one frame, not one per control. Nothing runs if the body raises.
        """
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if then is not None:
            then()

    # -------------------------------------------------------------- callbacks
    def move(self, **params):
        """Move the view to *params* (the fast path: only the moving artists redraw)."""
        self.view.update(**params)
        self.show_readout()

    def show_readout(self):
        """Fill the readout from :meth:`readout_rows` (explorers with a richer readout override)."""
        self.readout.value = readout_table(self.readout_rows())

    def readout_rows(self):  # pragma: no cover - abstract
        """``[(label, text)]`` for the readout table; each explorer defines it."""
        raise NotImplementedError

    def _guarded(self, handler):
        @functools.wraps(handler)
        def run(change):
            if self._held:                 # several controls are being set: wait for hold()
                return
            try:
                handler(change["new"])
            except Exception as exc:   # shown to the student, not swallowed
                self.show_error(exc)
            else:
                if self._has_error:
                    self.errors.clear_output()
                    self.errors.outputs = ()
                    self._has_error = False
        return run

    def show_error(self, exc: BaseException) -> None:
        """Print *exc* and its traceback in the explorer's error panel."""
        self._has_error = True
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.errors.outputs = ()
        self.errors.append_stderr(f"{type(exc).__name__}: {exc}\n\n{text}")

    # ---------------------------------------------------------------- display
    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = repr(self)
        data["image/png"] = base64.b64encode(self.view.to_png()).decode("ascii")
        return data

    def close(self):
        """Close every widget this explorer made (controls, layouts, styles, canvas) and the figure."""
        view = getattr(self, "view", None)    # may be absent if __init__ failed half-way
        if view is not None:
            view.close()                      # closes the canvas widget too
        for child in list(self.children):
            close_tree(child)
        for extra in (getattr(self, "readout", None), getattr(self, "errors", None)):
            if extra is not None:
                close_tree(extra)
        layout = getattr(self, "layout", None)
        super().close()
        if layout is not None:
            close_tree(layout)


def close_tree(widget, _seen=None) -> None:
    """Close *widget* and every widget it holds in its traits (layout, style, children, toolbar).

    ``Widget.close()`` alone leaves the widget's Layout and Style objects (and an
    ipympl canvas's Toolbar) registered in the kernel; closing the whole tree
    lets a re-run cell start from a clean slate.
    """
    seen = set() if _seen is None else _seen
    if id(widget) in seen or not isinstance(widget, widgets.Widget):
        return
    seen.add(id(widget))
    held = []
    for key in getattr(widget, "keys", []):
        try:
            value = getattr(widget, key)
        except Exception:                     # a trait that cannot be read: nothing to close
            continue
        values = value if isinstance(value, (list, tuple)) else (value,)
        held.extend(v for v in values if isinstance(v, widgets.Widget))
    widget.close()
    for child in held:
        close_tree(child, seen)


def readout_table(rows) -> str:
    """HTML for a compact two-row readout: ``rows`` is a list of (label, text)."""
    head = "".join(f"<th style='padding:0 10px;text-align:right'>{label}</th>" for label, _ in rows)
    body = "".join(f"<td style='padding:0 10px;text-align:right;font-family:monospace'>{value}</td>"
                   for _, value in rows)
    return f"<table style='border-collapse:collapse'><tr>{head}</tr><tr>{body}</tr></table>"


def readout_column(rows) -> str:
    """HTML for a narrow readout, one (label, text) pair per row: fits a column beside a figure."""
    body = "".join(f"<tr><th style='padding:0 10px;text-align:left'>{label}</th>"
                   f"<td style='padding:0 10px;text-align:right;font-family:monospace'>{value}</td>"
                   "</tr>" for label, value in rows)
    return f"<table style='border-collapse:collapse'>{body}</table>"
