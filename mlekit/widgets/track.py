"""Record an explorer's track: every position of its main slider, drawn once.

:func:`record_track` moves the explorer's main slider through every position
of its step grid *in the kernel only* (the front end is not told: the slider
and the readout hold their sync, the figure is not refreshed), records what
the view's moving artists draw at each (:mod:`mlekit.plotting.track`) and the
readout HTML the explorer shows there, then puts everything back. The result
is what a front end needs to animate that slider with no kernel round trip.

>>> from mlekit.widgets import LikelihoodExplorer
>>> explorer = LikelihoodExplorer.example()
>>> track = record_track(explorer)
>>> track.positions == len(track.values) == len(unpack(track.data)["frames"])
True
>>> len(track.data) < 300 * 1024
True
>>> explorer.close()
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..plotting.track import Book, pack, record, unpack

__all__ = ["Track", "record_track", "grid", "unpack"]


@dataclass(frozen=True)
class Track:
    """A recorded track: the slider *values*, and *data* (:func:`mlekit.plotting.track.pack`)."""

    values: tuple
    data: bytes

    @property
    def positions(self) -> int:
        return len(self.values)


def grid(slider) -> list:
    """Every value *slider* can take, from ``min`` to ``max`` in steps of ``step``.

    >>> import ipywidgets as w
    >>> grid(w.FloatSlider(min=0.0, max=1.0, step=0.25))
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    lo, hi, step = float(slider.min), float(slider.max), float(slider.step)
    n = int(round((hi - lo) / step)) + 1
    values = [lo + i * step for i in range(n)]
    if isinstance(slider.value, int):
        values = [int(round(v)) for v in values]
    else:      # the slider's own rounding: the value the front end would send
        values = [float(np.round(v, 12)) for v in values]
    return values


def record_track(explorer, slider=None, *, text="bitmap") -> Track:
    """Record the frame and the readout at every position of *slider* (default: the main one).

    *text* is how labels are recorded: ``"bitmap"`` (Agg's own pixels) or ``"path"``
    (glyph outlines; see :mod:`mlekit.plotting.track`).
    """
    slider = explorer.main_slider if slider is None else slider
    view = explorer.view
    renderer = view.canvas.get_renderer()               # the Agg buffer's size
    width, height = int(renderer.width), int(renderer.height)
    book = Book(width, height, text=text)
    values = grid(slider)
    start = slider.value
    frames, readouts = [], []
    refresh = view.refresh
    view.refresh = lambda: None                  # record, do not draw
    try:
        with slider.hold_sync(), explorer.readout.hold_sync():
            for value in values:
                slider.value = value
                frames.append(record(book, view.moving_artists, view.fig))
                readouts.append(explorer.readout.value)
            slider.value = start
    finally:
        view.refresh = refresh
        view.refresh()                           # the canvas shows the slider's value again
    return Track(tuple(values), pack(book, frames, readouts, values=values))


def main() -> None:
    """``python -m mlekit.widgets.track``: each explorer's track, its positions, size and cost."""
    import time

    from .. import widgets
    from ..bench import EXPLORERS

    print(f"{'explorer':<24} {'positions':>9} {'ops/frame':>9} {'KB':>7} {'record s':>8}")
    for name in EXPLORERS:
        explorer = getattr(widgets, name).example()
        start = time.perf_counter()
        track = record_track(explorer)
        seconds = time.perf_counter() - start
        frames = unpack(track.data)["frames"]
        ops = np.mean([len(frame) for frame in frames])
        print(f"{name:<24} {track.positions:9d} {ops:9.1f} {len(track.data) / 1024:7.1f} "
              f"{seconds:8.2f}", flush=True)
        explorer.close()


if __name__ == "__main__":
    main()
