"""A small, fast PNG writer for RGBA frames (numpy + zlib only).

Live figures send a PNG per frame. The frame is mostly unchanged pixels (or,
for ipympl's diff frames, mostly zeros), so the encoder favours speed: no
row filters and zlib level 1. The output is an ordinary 8-bit RGBA PNG that
any decoder reads.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def encode_png(rgba, level: int = 1) -> bytes:
    """Encode an ``(height, width, 4)`` uint8 array as PNG bytes.

    >>> import numpy as np
    >>> encode_png(np.zeros((2, 3, 4), np.uint8))[:8] == _SIGNATURE
    True
    """
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    if rgba.ndim != 3 or rgba.shape[2] != 4:
        raise ValueError(f"rgba must have shape (height, width, 4), got {rgba.shape}.")
    h, w, _ = rgba.shape
    raw = np.empty((h, w * 4 + 1), dtype=np.uint8)
    raw[:, 0] = 0                      # filter type 0 (None) on every row
    raw[:, 1:] = rgba.reshape(h, w * 4)
    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)   # 8-bit RGBA
    return (_SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, level)) + _chunk(b"IEND", b""))
