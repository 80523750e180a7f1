"""Tracks: what a view's moving artists draw at every position of one slider.

A live figure normally makes one round trip to the kernel per slider
position. A *track* moves that work to the start: the view is put at every
position of the slider's grid once, and for each position a
:class:`RecordingRenderer` captures what the moving artists draw — their
paths, markers and text, in display pixels, with their colours, widths,
dashes and clip boxes — instead of rasterising it. The front end
(:mod:`mlekit.widgets.track`) then paints the frame for the current slider
value over the cached background by itself, with no kernel in the loop.

Everything is recorded from matplotlib's own drawing calls, so a frame shows
what Agg would draw. Text is recorded as the coverage mask Agg itself draws
(hinting and all), cropped to its pixels and kept at 16 levels; a mask that
recurs (the same label, another frame) is stored once. ``Book(text="path")``
records glyph outlines (``TextToPath``) instead: smaller, but up to a pixel
off at glyph edges, since a canvas does not hint. The kernel's Agg image and
the browser's canvas then differ only in the anti-aliasing of lines and
curves (``tests/test_track.py`` and the browser test measure by how much).

The wire format is deliberately plain (see :func:`pack`): a JSON document

``{"w", "h", "styles", "clips", "shapes", "masks", "frames", "readouts", ...}``

compressed with zlib, where ``styles`` and ``clips`` are shared tables,
``shapes`` glyph outlines and ``masks`` text bitmaps (whose pixels follow the
document), and each frame a list of drawing operations referring to them.
Coordinates are integers in 1/8 px from the top left, as a canvas counts them.

>>> import numpy as np
>>> from matplotlib.figure import Figure
>>> from matplotlib.backends.backend_agg import FigureCanvasAgg
>>> fig = Figure(figsize=(2, 1), dpi=100); canvas = FigureCanvasAgg(fig)
>>> ax = fig.add_axes((0, 0, 1, 1))
>>> ax.set_xlim(0, 1), ax.set_ylim(0, 1)
((0.0, 1.0), (0.0, 1.0))
>>> (line,) = ax.plot([0, 1], [0, 1], lw=2, animated=True)
>>> book = Book(200, 100)
>>> ops = record(book, [line], fig)
>>> ops[0][0], book.styles[ops[0][1]]["lw"]
('path', 2.78)
"""

from __future__ import annotations

import json
import struct
import zlib

import numpy as np
from matplotlib.backend_bases import GraphicsContextBase, RendererBase
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.path import Path

__all__ = ["Book", "RecordingRenderer", "record", "pack", "unpack", "SCALE"]

#: coordinates are sent as integers in 1/SCALE px
SCALE = 8
#: matplotlib path codes kept as they are (MOVETO 1, LINETO 2, CURVE3 3, CURVE4 4, CLOSEPOLY 79)
_CAPS = {"butt": "butt", "round": "round", "projecting": "square"}


def _css(rgba) -> str:
    r, g, b, a = rgba
    return f"rgba({round(r * 255)},{round(g * 255)},{round(b * 255)},{round(a, 4):g})"


class Book:
    """The tables a track's frames share: styles, clip boxes and text outlines.

    Frames refer to entries by index, so a colour, a clip box or a label that
    many frames draw is sent once.
    """

    def __init__(self, width, height, *, text="bitmap"):
        if text not in ("bitmap", "path"):
            raise ValueError(f"Book: text must be 'bitmap' or 'path', got {text!r}")
        self.width, self.height = int(width), int(height)
        self.text = text
        self.styles, self.clips, self.shapes, self.masks = [], [], [], []
        self._index = {}
        self._scratch = None
        self.dpi = 100.0         # the figure's, set by the RecordingRenderer
        self._drawn = {}         # (string, font, angle, x, y, alpha, ...) -> (mask, left, top)

    def _find(self, table, key, entry):
        found = self._index.get((id(table), key))
        if found is None:
            found = self._index[(id(table), key)] = len(table)
            table.append(entry)
        return found

    def style(self, **entry) -> int:
        """Index of the style *entry* (fill / stroke / lw / dash / cap / join)."""
        return self._find(self.styles, json.dumps(entry, sort_keys=True), entry)

    def clip(self, bbox) -> int:
        """Index of the clip rectangle *bbox* (display coordinates), -1 for none."""
        if bbox is None:
            return -1
        x0, y0, x1, y1 = (float(v) for v in bbox.extents)
        box = [round(x0, 2), round(self.height - y1, 2), round(x1 - x0, 2), round(y1 - y0, 2)]
        return self._find(self.clips, tuple(box), box)

    def shape(self, key, vertices, codes) -> int:
        """Index of an outline (text in font units) recorded once per *key*."""
        found = self._index.get((id(self.shapes), key))
        if found is None:
            found = self._index[(id(self.shapes), key)] = len(self.shapes)
            self.shapes.append(_path_data(vertices, codes, flip=None))
        return found

    def text_mask(self, gc, x, y, s, prop, angle, ismath, mtext, alpha):
        """``(mask index, left, top)`` of the text Agg draws at (x, y), recorded once.

        The text is drawn by a real :class:`RendererAgg` of the canvas's size, in
        black at *alpha*, onto a transparent buffer; its alpha channel, cropped to
        the pixels it covers, is Agg's own coverage, hinting and all. Identical
        masks (the same label at another place) are stored once.
        """
        key = (s, hash(prop), float(angle), float(x), float(y), round(alpha, 4), bool(ismath),
               bool(gc.get_antialiased()))
        found = self._drawn.get(key)
        if found is not None:
            return found
        if self._scratch is None:
            self._scratch = RendererAgg(self.width, self.height, self.dpi)
        scratch = self._scratch
        scratch.clear()
        ink = scratch.new_gc()
        ink.set_foreground((0, 0, 0, alpha), isRGBA=True)
        ink.set_antialiased(gc.get_antialiased())
        # Agg counts y from the top (its flipy() is True, ours False)
        scratch.draw_text(ink, x, self.height - y, s, prop, angle, ismath=ismath, mtext=mtext)
        ink.restore()
        coverage = np.asarray(scratch.buffer_rgba())[..., 3]
        rows, cols = np.flatnonzero(coverage.any(axis=1)), np.flatnonzero(coverage.any(axis=0))
        if not len(rows):
            found = self._drawn[key] = (-1, 0, 0)
            return found
        top, left = int(rows[0]), int(cols[0])
        crop = coverage[top:rows[-1] + 1, left:cols[-1] + 1]
        # 16 coverage levels (a multiple of 17): at most 8/255 off on a glyph's edge pixels,
        # and half the bytes on the wire for text that changes at every position
        data = (np.round(crop / 17.0) * 17).astype(np.uint8).tobytes()
        index = self._find(self.masks, (crop.shape, data), [crop.shape[1], crop.shape[0], data])
        found = self._drawn[key] = (index, left, top)
        return found

    def table(self) -> dict:
        return {"w": self.width, "h": self.height, "styles": self.styles,
                "clips": self.clips, "shapes": self.shapes, "masks": self.masks}


def _path_data(vertices, codes, *, flip):
    """``[coords, codes]``: coords flat integers in 1/SCALE px, codes None if a plain polyline.

    With *flip* (the canvas height) y is turned to count from the top.
    """
    v = np.asarray(vertices, float).reshape(-1, 2).copy()
    if flip is not None:
        v[:, 1] = flip - v[:, 1]
    coords = np.round(v * SCALE).astype(np.int64).ravel().tolist()
    codes = None if codes is None else np.asarray(codes, np.uint8)
    if codes is not None and len(codes) and codes[0] == Path.MOVETO \
            and np.all(codes[1:] == Path.LINETO):
        codes = None
    return [coords, None if codes is None else codes.tolist()]


class RecordingRenderer(RendererBase):
    """A matplotlib renderer that writes drawing operations into a list instead of pixels.

    Text metrics come from an Agg renderer of the same size, so labels are laid
    out exactly as on the Agg canvas.
    """

    def __init__(self, book, dpi):
        super().__init__()
        self.book, self.dpi = book, dpi
        book.dpi = dpi
        self._agg = RendererAgg(book.width, book.height, dpi)
        self.ops = []

    # what Text and the artists ask of a renderer
    def get_canvas_width_height(self):
        return self.book.width, self.book.height

    def points_to_pixels(self, points):
        return points * self.dpi / 72.0

    def get_text_width_height_descent(self, s, prop, ismath):
        return self._agg.get_text_width_height_descent(s, prop, ismath)

    def flipy(self):
        return False

    def new_gc(self):
        return GraphicsContextBase()

    # ------------------------------------------------------------- drawing
    def _stroke_fill(self, gc, rgb_face):
        alpha = gc.get_alpha()
        forced = gc.get_forced_alpha()
        stroke = None
        lw = self.points_to_pixels(gc.get_linewidth())
        edge = list(gc.get_rgb())
        if forced:
            edge[3] = alpha
        if lw > 0 and edge[3] > 0:
            stroke = _css(edge)
        fill = None
        if rgb_face is not None:
            face = list(to_rgba(rgb_face))
            if forced:
                face[3] = alpha
            elif len(rgb_face) == 3:
                face[3] = 1.0
            if face[3] > 0:
                fill = _css(face)
        offset, dashes = gc.get_dashes()
        entry = {"fill": fill, "stroke": stroke, "lw": round(lw, 3),
                 "cap": _CAPS.get(gc.get_capstyle(), "butt"), "join": gc.get_joinstyle()}
        if stroke and dashes is not None:
            scale = self.points_to_pixels(1.0)                 # dashes are in points
            entry["dash"] = [round(float(d) * scale, 3) for d in dashes]
            entry["dash_offset"] = round(float(offset or 0) * scale, 3)
        return entry

    def draw_path(self, gc, path, transform, rgbFace=None):
        entry = self._stroke_fill(gc, rgbFace)
        if entry["fill"] is None and entry["stroke"] is None:
            return
        lw = entry["lw"]
        cleaned = path.cleaned(transform=transform, remove_nans=True, curves=True,
                               snap=gc.get_snap(), stroke_width=lw,
                               simplify=path.should_simplify and rgbFace is None)
        vertices, codes = cleaned.vertices, cleaned.codes
        if len(vertices) and codes[-1] == Path.STOP:
            vertices, codes = vertices[:-1], codes[:-1]
        if not len(vertices):
            return
        coords, codes = _path_data(vertices, codes, flip=self.book.height)
        self.ops.append(["path", self.book.style(**entry),
                         self.book.clip(gc.get_clip_rectangle()), coords, codes])

    def draw_markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None):
        entry = self._stroke_fill(gc, rgbFace)
        if entry["fill"] is None and entry["stroke"] is None:
            return
        marker = marker_path.cleaned(transform=marker_trans, curves=True)
        mv, mc = marker.vertices, marker.codes
        if len(mv) and mc[-1] == Path.STOP:
            mv, mc = mv[:-1], mc[:-1]
        where = trans.transform(path.vertices)
        where = where[np.isfinite(where).all(axis=1)]
        if not len(where) or not len(mv):
            return
        # Agg puts each marker at a whole pixel (plus its snapping): round as it does
        where = np.floor(where) + 0.5 if gc.get_snap() is not False else where
        shape = _path_data(mv * [1, -1], mc, flip=None)     # y down, relative to the centre
        at = _path_data(where, None, flip=self.book.height)[0]
        self.ops.append(["markers", self.book.style(**entry),
                         self.book.clip(gc.get_clip_rectangle()), shape, at])

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if not s.strip():
            return
        rgba = list(gc.get_rgb())
        if gc.get_forced_alpha():
            rgba[3] = gc.get_alpha()
        if rgba[3] <= 0:
            return
        if self.book.text == "bitmap":
            mask, left, top = self.book.text_mask(gc, x, y, s, prop, angle, ismath, mtext, rgba[3])
            if mask >= 0:
                style = self.book.style(fill=_css([*rgba[:3], 1.0]), stroke=None, lw=0,
                                        cap="butt", join="miter")
                self.ops.append(["bitmap", style, self.book.clip(gc.get_clip_rectangle()),
                                 mask, left, top])
            return
        verts, codes = self._text2path.get_text_path(prop, s, ismath=ismath)
        if not len(verts):
            return
        key = (s, hash(prop), bool(ismath))
        shape = self.book.shape(key, verts, codes)
        size = self.points_to_pixels(prop.get_size_in_points()) / self._text2path.FONT_SCALE
        theta = np.deg2rad(angle)
        c, s_ = np.cos(theta) * size, np.sin(theta) * size
        # font units (y up) -> canvas pixels (y down), as the canvas's setTransform(a, b, c, d, e, f)
        matrix = [round(float(c), 5), round(float(-s_), 5), round(float(-s_), 5),
                  round(float(-c), 5), round(float(x), 3), round(float(self.book.height - y), 3)]
        style = self.book.style(fill=_css(rgba), stroke=None, lw=0, cap="butt", join="miter")
        self.ops.append(["text", style, self.book.clip(gc.get_clip_rectangle()), shape, matrix])

    def draw_image(self, gc, x, y, im, transform=None):
        raise NotImplementedError("a track cannot record images: keep images in the static "
                                  "background")


def record(book, artists, figure):
    """The drawing operations of *artists* (visible ones, in order) as one frame."""
    renderer = RecordingRenderer(book, figure.dpi)
    for artist in artists:
        if artist.get_visible():
            artist.draw(renderer)
    return renderer.ops


def pack(book, frames, readouts=None, **extra) -> bytes:
    """A track on the wire: *book*'s tables, *frames* and *readouts*, compressed.

    *readouts* (one HTML string per frame) are stored once each and referred to by
    index. The bytes are ``b"MLK1"``, the length of the document part (4 bytes, big
    endian), the document as zlib-compressed JSON, then the text masks' pixels (one
    byte each, mask after mask) compressed with zlib; the document's ``masks`` list
    ``[width, height, offset]`` for each.
    """
    table = book.table()
    blob, masks = bytearray(), []
    for width, height, data in book.masks:
        masks.append([width, height, len(blob)])
        blob += data
    table["masks"] = masks
    if readouts is not None:
        distinct, index = [], {}
        for text in readouts:
            if text not in index:
                index[text] = len(distinct)
                distinct.append(text)
        table["readout_texts"] = distinct
        table["readouts"] = [index[text] for text in readouts]
    table["frames"] = frames
    table.update(extra)
    document = zlib.compress(json.dumps(table, separators=(",", ":")).encode("utf-8"), 6)
    return b"MLK1" + struct.pack(">I", len(document)) + document + zlib.compress(bytes(blob), 6)


def unpack(data: bytes) -> dict:
    """The track document packed by :func:`pack`; each mask as ``[width, height, bytes]``."""
    if data[:4] != b"MLK1":
        raise ValueError("unpack: not a track (it does not start with b'MLK1')")
    (length,) = struct.unpack(">I", data[4:8])
    doc = json.loads(zlib.decompress(data[8:8 + length]).decode("utf-8"))
    blob = zlib.decompress(data[8 + length:])
    doc["masks"] = [[w, h, blob[at:at + w * h]] for w, h, at in doc["masks"]]
    return doc
