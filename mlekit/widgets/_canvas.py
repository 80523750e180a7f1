"""The live canvas: ipympl's widget canvas with a faster frame encoder.

ipympl sends each frame to JupyterLab as a PNG: the full figure after a
full draw, or only the changed pixels (a "diff" frame, unchanged pixels set
to transparent zero) after ``canvas.blit()``. Encoding that PNG with
Pillow's defaults is the slowest step of a slider move (about 14 ms for an
800x540 figure here). :class:`LiveCanvas` keeps ipympl's protocol exactly
(same full/diff modes, same bookkeeping as matplotlib's
``FigureCanvasWebAggCore.get_diff_image``) and only encodes the PNG with
:func:`mlekit.plotting._png.encode_sparse_png` (no row filters, zlib level 1,
and the all-zero rows of a diff frame copied from a cache instead of
compressed again), which any browser decodes.
"""

from __future__ import annotations

import base64
import itertools

import numpy as np
from ipympl.backend_nbagg import Canvas, FigureManager

from ..plotting._png import encode_png, encode_sparse_png

__all__ = ["LiveCanvas", "live_canvas"]

_numbers = itertools.count(1)


class LiveCanvas(Canvas):
    """ipympl Canvas whose frames are encoded by mlekit's fast PNG writer."""

    def send_binary(self, data):
        """Send a frame to the frontend, or, before one is connected, keep it as the data URL.

        ipympl 0.10's own version has two bugs that show when a figure is drawn
        before the browser has connected (as every explorer is): it sends the raw
        RGBA buffer instead of the PNG, and stores the data URL without its
        ``data:image/png;base64,`` prefix. The broken image then stops the
        frontend from ever sizing the canvas (a blank 0x0 figure). Not sending
        that first frame loses nothing: once connected, the frontend asks for a
        full frame.
        """
        if self.syncing_data_url:
            full = self._last_buff.view(np.uint8).reshape((*self._last_buff.shape, 4))
            self._data_url = ("data:image/png;base64,"
                              + base64.b64encode(encode_png(full)).decode("ascii"))
            return
        self.send({"data": '{"type": "binary"}'}, buffers=[data])

    def close_widget_tree(self):
        """Close the canvas with its toolbar, layout and style widgets."""
        from .base import close_tree

        close_tree(self)

    def get_diff_image(self):
        if not self._png_is_old:
            return None
        pixels = np.asarray(self.get_renderer().buffer_rgba())
        buff = pixels.view(np.uint32).squeeze(2)       # one uint32 per pixel
        # alpha is the top byte of each little-endian RGBA uint32: alpha < 255 <=> value < 0xFF000000
        if (self._force_full or buff.shape != self._last_buff.shape
                or (buff < 0xFF000000).any()):
            self.set_image_mode("full")
            output = buff
        else:
            self.set_image_mode("diff")
            output = np.where(buff != self._last_buff, buff, 0)   # only changed pixels
        self._last_buff = buff.copy()
        self._force_full = False
        self._png_is_old = False
        return encode_sparse_png(output.view(np.uint8).reshape((*output.shape, 4)))


def live_canvas(figure):
    """Attach a :class:`LiveCanvas` (and its manager) to *figure*; return the canvas.

    The figure is not registered with pyplot, so building explorers never
    accumulates pyplot figures.
    """
    canvas = LiveCanvas(figure)
    FigureManager(canvas, next(_numbers))
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    return canvas
