"""What every explorer shares: layout, guarded callbacks, a PNG fallback, cleanup."""

from __future__ import annotations

import base64
import functools
import html
import traceback

import ipywidgets as widgets

__all__ = ["Explorer", "readout_table", "readout_column", "close_tree"]


class Explorer(widgets.VBox):
    """A view's live canvas plus controls, a readout and an error panel.

    Subclasses build a :class:`mlekit.plotting.View` on a live canvas,
    create their controls and wire them with :meth:`_on_change`. Any error
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

    @classmethod
    def bench_instance(cls):  # pragma: no cover - abstract
        """An instance with the course's typical data, for ``python -m mlekit.bench``."""
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

    # -------------------------------------------------------------- callbacks
    def _on_change(self, control, handler):
        """Call ``handler(new_value)`` whenever *control*'s value changes, guarded."""
        control.observe(self._guarded(handler), names="value")

    def _guarded(self, handler):
        @functools.wraps(handler)
        def run(change):
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
