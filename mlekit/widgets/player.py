"""TrackPlayer: an explorer's main slider animated in the browser, with no kernel round trip.

:func:`track_player` records the explorer's track (:func:`mlekit.widgets.track.record_track`)
and returns a :class:`TrackPlayer`: an anywidget whose front end (``track.js``, one
ES module shipped in the package, no build step) paints the recorded frame for the
slider's value over the figure's static background, and shows the readout recorded
there. The slider drives it through ``ipywidgets.jslink``, which runs in the browser,
so a drag repaints at the browser's frame rate whatever the network's round trip.

This is the first, opt-in step of issue 15: the player sits beside the explorer's
kernel-drawn figure; the explorers do not use it on their own yet.

>>> from mlekit.widgets import LikelihoodExplorer
>>> explorer = LikelihoodExplorer.example()
>>> player = track_player(explorer)
>>> player.value == explorer.main_slider.value, len(player.track) < 300 * 1024
(True, True)
>>> player.background[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
>>> player.close(); explorer.close()
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

from ..plotting._png import encode_png
from .track import record_track

__all__ = ["TrackPlayer", "track_player"]


class TrackPlayer(anywidget.AnyWidget):
    """Paints frame ``value`` of a recorded track over its background, in the browser."""

    _esm = Path(__file__).with_name("track.js")
    #: the slider's value (jslinked to the slider)
    value = traitlets.Float(0.0).tag(sync=True)
    #: the packed track (:func:`mlekit.plotting.track.pack`), with the slider values
    track = traitlets.Bytes(b"").tag(sync=True)
    #: PNG of the figure without its moving artists
    background = traitlets.Bytes(b"").tag(sync=True)


def track_player(explorer, slider=None) -> TrackPlayer:
    """A :class:`TrackPlayer` for *explorer*'s main slider (or *slider*), linked to it."""
    slider = explorer.main_slider if slider is None else slider
    recorded = record_track(explorer, slider)
    player = TrackPlayer(value=float(slider.value), track=recorded.data,
                         background=encode_png(explorer.view.background_rgba(), level=6))
    player.slider_link = widgets.jslink((slider, "value"), (player, "value"))
    view = explorer.view

    def new_background(_event):        # a full redraw may change the static part
        player.background = encode_png(view.background_rgba(), level=6)

    player.draw_hook = view.canvas.mpl_connect("draw_event", new_background)
    return player

