"""The live canvas's PNG writers decode (with Pillow, an independent decoder) to their input."""

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from mlekit.plotting._png import encode_png, encode_sparse_png


def decode(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        assert image.mode == "RGBA"
        return np.asarray(image)


@st.composite
def sparse_frames(draw):
    """A diff-like frame: zeros with a few random bands of random pixels."""
    h, w = draw(st.integers(1, 120)), draw(st.integers(1, 90))
    frame = np.zeros((h, w, 4), np.uint8)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    for _ in range(draw(st.integers(0, 6))):
        y0 = draw(st.integers(0, h - 1))
        y1 = draw(st.integers(y0 + 1, h))
        x0 = draw(st.integers(0, w - 1))
        frame[y0:y1, x0:] = rng.integers(0, 256, (y1 - y0, w - x0, 4))
    return frame


@settings(max_examples=150, deadline=None)
@given(sparse_frames())
def test_sparse_writer_decodes_to_its_input(frame):
    assert np.array_equal(decode(encode_sparse_png(frame)), frame)
    assert np.array_equal(decode(encode_png(frame)), frame)


@pytest.mark.parametrize("shape", [(400, 920), (1, 1), (513, 7)])
def test_sparse_writer_on_empty_full_and_one_pixel_frames(shape):
    h, w = shape
    rng = np.random.default_rng(1)
    empty = np.zeros((h, w, 4), np.uint8)
    full = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    dot = empty.copy()
    dot[h - 1, w - 1] = (1, 2, 3, 4)
    for frame in (empty, full, dot):
        assert np.array_equal(decode(encode_sparse_png(frame)), frame)


def test_sparse_writer_is_deterministic_and_compact():
    """The cached zero rows give the same bytes each time, and a diff frame stays small."""
    frame = np.zeros((400, 920, 4), np.uint8)
    frame[10:30, 100:300] = 200
    first, second = encode_sparse_png(frame), encode_sparse_png(frame)
    assert first == second
    assert len(first) < len(encode_png(np.zeros((400, 920, 4), np.uint8))) * 4


def test_bad_shape_is_refused():
    with pytest.raises(ValueError, match="shape"):
        encode_sparse_png(np.zeros((4, 4, 3), np.uint8))
