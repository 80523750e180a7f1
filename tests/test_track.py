"""Tracks (mlekit.plotting.track, mlekit.widgets.track): every frame is what Agg draws there.

The check is independent of the recorder: each recorded frame is replayed by
matplotlib's Agg renderer from the track's JSON alone (paths, markers, glyph
outlines, styles and clip boxes) over the view's cached background, and the
pixels are compared with the view's own Agg rendering at the same slider
value. Readouts are compared with the explorer's readout after a real move.

Tolerance: lines, patches, markers and text replay with Agg itself (text from
the coverage masks Agg drew, composited over the background), so what differs
is the masks' 16 levels and rounding. Measured worst frame per explorer: 0.02 to
0.13 levels (of 255) mean per channel and at most 0.13 % of pixels off by more
than 64 (LossSurfaceExplorer); before text was recorded as Agg's bitmaps,
BackpropExplorer's 30 labels were 2.4 to 3.8 levels off, now 0.02. We allow
0.5 levels and 0.5 %, about four times the measured worst. So that no tolerance hides a wrong frame, the frame
of the slider's other end must be at least twice as far off as the right
one, compared on 4x4-pixel block averages (which even out glyph-edge
jitter but not a moved or missing artist).
"""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, Bbox, IdentityTransform

from mlekit import widgets
from mlekit.bench import EXPLORERS
from mlekit.plotting.track import SCALE, unpack
from mlekit.widgets.track import grid, record_track

MEAN_TOL = 0.5
FAR_LEVELS, FAR_SHARE = 64, 0.005
_CAPS = {"butt": "butt", "round": "round", "square": "projecting"}


def _rgba(css):
    r, g, b, a = css[5:-1].split(",")
    return (int(r) / 255, int(g) / 255, int(b) / 255, float(a))


def _path(coords, codes, height=None):
    v = np.asarray(coords, float).reshape(-1, 2) / SCALE
    if height is not None:
        v[:, 1] = height - v[:, 1]
    return Path(v, None if codes is None else np.asarray(codes, np.uint8))


def replay(doc, index, background, dpi=100):
    """Pixels of frame *index* drawn by Agg from the track document over *background*."""
    h, w = doc["h"], doc["w"]
    renderer = RendererAgg(w, h, dpi)
    np.asarray(renderer.buffer_rgba())[...] = background
    for kind, style_i, clip_i, *rest in doc["frames"][index]:
        style = doc["styles"][style_i]
        gc = renderer.new_gc()
        if clip_i >= 0:
            x, y, cw, ch = doc["clips"][clip_i]
            gc.set_clip_rectangle(Bbox.from_bounds(x, h - y - ch, cw, ch))
        gc.set_linewidth(style["lw"] * 72 / dpi if style["stroke"] else 0)
        gc.set_foreground(_rgba(style["stroke"]) if style["stroke"] else (0, 0, 0, 0),
                          isRGBA=True)
        gc.set_capstyle(_CAPS[style["cap"]])
        gc.set_joinstyle(style["join"])
        if "dash" in style:
            gc.set_dashes(style["dash_offset"] * 72 / dpi, [d * 72 / dpi for d in style["dash"]])
        face = _rgba(style["fill"]) if style["fill"] else None
        gc.set_snap(False)
        if kind == "path":
            coords, codes = rest
            renderer.draw_path(gc, _path(coords, codes, h), IdentityTransform(), face)
        elif kind == "markers":
            (coords, codes), at = rest
            marker = _path(coords, codes)
            marker = Path(marker.vertices * [1, -1], marker.codes)
            where = _path(at, None, h)
            renderer.draw_markers(gc, marker, IdentityTransform(), where, IdentityTransform(),
                                  face)
        elif kind == "text":
            shape, (a, b, c, d, e, f) = rest
            coords, codes = doc["shapes"][shape]
            gc.set_linewidth(0)
            to_display = Affine2D(np.array([[a, c, e], [-b, -d, h - f], [0, 0, 1]], float))
            renderer.draw_path(gc, _path(coords, codes), to_display, face)
        elif kind == "bitmap":     # Agg's own text coverage, composited source-over
            mask_i, left, top = rest
            mw, mh, data = doc["masks"][mask_i]
            alpha = np.frombuffer(data, np.uint8).reshape(mh, mw) / 255.0
            buffer = np.asarray(renderer.buffer_rgba())
            inside = np.zeros((h, w), bool)
            inside[top:top + mh, left:left + mw] = True
            if clip_i >= 0:     # pixels whose centres lie in the clip box
                x, y, cw, ch = doc["clips"][clip_i]
                cols, rows = np.arange(w) + 0.5, np.arange(h) + 0.5
                inside &= ((rows >= y) & (rows <= y + ch))[:, None] & \
                    ((cols >= x) & (cols <= x + cw))[None, :]
            a = np.zeros((h, w))
            a[top:top + mh, left:left + mw] = alpha
            a = np.where(inside, a, 0.0)[..., None]
            colour = np.array(face[:3]) * 255
            rgb = buffer[..., :3] * (1 - a) + colour * a
            buffer[..., :3] = np.round(rgb).astype(np.uint8)
        gc.restore()
    return np.asarray(renderer.buffer_rgba()).copy()


def blocks(a, k=4):
    h, w = (a.shape[0] // k) * k, (a.shape[1] // k) * k
    return a[:h, :w].astype(float).reshape(h // k, k, w // k, k, 4).mean(axis=(1, 3))


def difference(a, b):
    diff = np.abs(a.astype(int) - b.astype(int))
    return diff.mean(), (diff.max(axis=2) > FAR_LEVELS).mean()


def background_of(view):
    """The canvas with only the cached background restored (what a blit starts from)."""
    return view.background_rgba()


@pytest.fixture(params=EXPLORERS, scope="module")
def recorded(request):
    explorer = getattr(widgets, request.param).example()
    track = record_track(explorer)
    yield explorer, track, unpack(track.data)
    explorer.close()


def positions_to_check(track, n=4):
    picks = np.linspace(0, track.positions - 1, n).round().astype(int)
    return sorted(set(picks.tolist()))


def test_every_frame_replays_to_the_agg_rendering_and_readout(recorded, request):
    explorer, track, doc = recorded
    background = background_of(explorer.view)
    worst = (0.0, 0.0)
    for i in positions_to_check(track):
        explorer.main_slider.value = track.values[i]
        truth = explorer.view.to_rgba()
        mean, far = difference(replay(doc, i, background), truth)
        worst = max(worst[0], mean), max(worst[1], far)
        assert mean <= MEAN_TOL and far <= FAR_SHARE, (i, mean, far)
        readout = doc["readout_texts"][doc["readouts"][i]]
        assert readout == explorer.readout.value
    print(f"{type(explorer).__name__}: worst mean diff {worst[0]:.3f}, far share {worst[1]:.4f}")


def test_a_frame_of_another_position_is_caught(recorded):
    """The comparison tells the frame of the slider's other end from the right one."""
    explorer, track, doc = recorded
    background = background_of(explorer.view)
    first, last = 0, track.positions - 1
    explorer.main_slider.value = track.values[first]
    truth = explorer.view.to_rgba()
    right = np.abs(blocks(replay(doc, first, background)) - blocks(truth)).mean()
    wrong = np.abs(blocks(replay(doc, last, background)) - blocks(truth)).mean()
    assert wrong > 2 * right, (right, wrong)


def test_recording_leaves_the_explorer_where_it_was(recorded):
    explorer, track, doc = recorded
    value = explorer.main_slider.value
    before, readout = explorer.view.to_rgba(), explorer.readout.value
    record_track(explorer)
    assert explorer.main_slider.value == value
    assert explorer.readout.value == readout
    assert np.array_equal(explorer.view.to_rgba(), before)


def test_tracks_are_small_enough_for_the_wire(recorded):
    explorer, track, doc = recorded
    assert track.positions == len(grid(explorer.main_slider)) == len(doc["frames"])
    assert len(track.data) <= 300 * 1024


def test_text_as_glyph_outlines_still_replays():
    """``text="path"`` records outlines ("text" ops) in place of bitmaps, within the tolerance."""
    explorer = widgets.LikelihoodExplorer.example()
    track = record_track(explorer, text="path")
    doc = unpack(track.data)
    kinds = {op[0] for frame in doc["frames"] for op in frame}
    assert "text" in kinds and "bitmap" not in kinds and not doc["masks"]
    background = background_of(explorer.view)
    i = track.positions // 3
    explorer.main_slider.value = track.values[i]
    mean, far = difference(replay(doc, i, background), explorer.view.to_rgba())
    explorer.close()
    assert mean <= MEAN_TOL and far <= FAR_SHARE, (mean, far)


def test_bitmap_text_is_recorded_as_masks():
    explorer = widgets.BackpropExplorer.example()
    doc = unpack(record_track(explorer).data)
    explorer.close()
    kinds = {op[0] for frame in doc["frames"] for op in frame}
    assert "bitmap" in kinds and "text" not in kinds
    for width, height, pixels in doc["masks"]:
        assert len(pixels) == width * height and max(pixels) > 0
        assert all(p % 17 == 0 for p in pixels)              # 16 levels
