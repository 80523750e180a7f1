"""Unit tests of the track player's ES module (``mlekit/widgets/track.js``), run in Node.

The browser test shows the player paints the right picture; these pin down its two pure
functions on many inputs, against independent references:

* ``nearest(values, v)`` against a brute-force argmin (numpy), ties going to the lower
  index as numpy's does, on hypothesis-generated sorted grids and query points;
* ``unpack(bytes)`` against :func:`mlekit.plotting.track.unpack` on a real explorer's track
  (the document and every text mask's bytes), and its refusal of bytes that are not a track;
* ``pathOf(coords, codes)`` against matplotlib's own reading of a path
  (``Path.iter_segments``): the moveTo / lineTo / quadraticCurveTo / bezierCurveTo /
  closePath calls it makes on a recording ``Path2D`` stand-in, for real paths (a glyph
  outline with quadratic curves, a circle with cubic ones, a closed polygon, a polyline).

Node is installed with the browser tests' system packages (``.ci/run``); without it these
tests are skipped, except in CI, where that is an error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlekit.plotting.track import SCALE, _path_data

TRACK_JS = Path(__file__).resolve().parents[1] / "mlekit" / "widgets" / "track.js"
NODE = shutil.which("node")

if NODE is None and os.environ.get("CI"):
    raise RuntimeError("node is required for tests/test_track_js.py in CI (apt-get install nodejs)")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (apt-get install nodejs)")

#: a Path2D stand-in that records its calls, then the module under test, then the calls
HARNESS = """
globalThis.Path2D = class { constructor() { this.calls = []; }
  moveTo(...a) { this.calls.push(['M', ...a]); } lineTo(...a) { this.calls.push(['L', ...a]); }
  quadraticCurveTo(...a) { this.calls.push(['Q', ...a]); }
  bezierCurveTo(...a) { this.calls.push(['C', ...a]); } closePath() { this.calls.push(['Z']); } };
const { nearest, pathOf, unpack } = await import(%s);
const input = JSON.parse(require_stdin());
const out = [];
for (const [fn, args] of input) {
  if (fn === 'nearest') out.push(nearest(...args));
  else if (fn === 'pathOf') out.push(pathOf(...args).calls);
  else {    // unpack: base64 in, the document out with each mask's bytes as a list
    const doc = await unpack(new DataView(Uint8Array.from(Buffer.from(args[0], 'base64')).buffer));
    doc.masks = doc.masks.map(([w, h, a]) => [w, h, Array.from(a)]);
    out.push(doc);
  }
}
process.stdout.write(JSON.stringify(out));
"""


def node(calls: list) -> subprocess.CompletedProcess:
    """Evaluate ``[[name, args], ...]`` in Node against track.js."""
    script = ("import { createRequire } from 'module'; const require = createRequire(import.meta.url);\n"
              + HARNESS.replace("require_stdin()", "require('fs').readFileSync(0, 'utf8')")
              % (json.dumps(TRACK_JS.as_uri()),))
    return subprocess.run([NODE, "--input-type=module", "-e", script], input=json.dumps(calls),
                          capture_output=True, text=True, timeout=60, check=False)


def run_js(calls: list) -> list:
    """The results of *calls* (see :func:`node`); fails on any error in Node."""
    done = node(calls)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# --------------------------------------------------------------- nearest
grids = st.lists(st.integers(-10_000, 10_000), min_size=1, max_size=60, unique=True).map(
    lambda xs: sorted(x / 100 for x in xs))


@settings(max_examples=30, deadline=None)
@given(grid=grids, queries=st.lists(st.floats(-120, 120, allow_nan=False), min_size=1, max_size=20))
def test_nearest_is_the_brute_force_argmin(grid, queries):
    # a batch per example: one node start per hypothesis example
    got = run_js([["nearest", [grid, q]] for q in queries + grid])
    expected = [int(np.argmin(np.abs(np.asarray(grid) - q))) for q in queries + grid]
    assert got == expected


def test_nearest_at_the_slider_grid_of_an_explorer():
    from mlekit.widgets import LikelihoodExplorer
    from mlekit.widgets.track import grid

    explorer = LikelihoodExplorer.example()
    values = grid(explorer.main_slider)
    explorer.close()
    # every grid value maps to itself, and a value half a step off stays on its side
    step = values[1] - values[0]
    queries = values[::37] + [v + 0.4 * step for v in values[::41]] + [values[0] - 1, values[-1] + 1]
    expected = list(range(0, len(values), 37)) + list(range(0, len(values), 41)) + [0, len(values) - 1]
    assert run_js([["nearest", [values, q]] for q in queries]) == expected


# --------------------------------------------------------------- pathOf
def _expected_calls(path) -> list:
    """matplotlib's segments of *path*, as the Path2D calls that draw them (y unflipped)."""
    from matplotlib.path import Path as MPath

    letters = {MPath.MOVETO: "M", MPath.LINETO: "L", MPath.CURVE3: "Q", MPath.CURVE4: "C"}
    calls = []
    for vertices, code in path.iter_segments(simplify=False, curves=True):
        if code == MPath.CLOSEPOLY:
            calls.append(["Z"])
        elif code != MPath.STOP:
            calls.append([letters[code], *(np.round(vertices * SCALE) / SCALE).tolist()])
    return calls


def _paths():
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path as MPath
    from matplotlib.textpath import TextPath

    glyphs = TextPath((3, 4), "Ag 우도", size=14, prop=FontProperties(family="DejaVu Sans"))
    circle = MPath.unit_circle().transformed(
        __import__("matplotlib.transforms", fromlist=["Affine2D"]).Affine2D().scale(20).translate(50, 40))
    square = MPath([(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)],
                   [MPath.MOVETO, MPath.LINETO, MPath.LINETO, MPath.LINETO, MPath.CLOSEPOLY])
    line = MPath(np.column_stack([np.linspace(0, 100, 50), np.sin(np.linspace(0, 6, 50)) * 30]))
    return {"glyphs": glyphs, "circle": circle, "square": square, "polyline": line}


@pytest.mark.parametrize("name", ["glyphs", "circle", "square", "polyline"])
def test_path_of_draws_what_matplotlib_reads(name):
    path = _paths()[name]
    coords, codes = _path_data(path.vertices, path.codes, flip=None)
    (got,) = run_js([["pathOf", [coords, codes]]])
    expected = _expected_calls(path)
    assert len(got) == len(expected) > 1
    for g, e in zip(got, expected):
        assert g[0] == e[0]
        np.testing.assert_allclose(g[1:], e[1:], atol=1e-9)
    if name == "glyphs":
        assert {call[0] for call in got} >= {"M", "Q", "Z"}       # TrueType outlines: quadratics
    if name == "circle":
        assert "C" in {call[0] for call in got}


# --------------------------------------------------------------- unpack
def test_unpack_reads_what_python_packed():
    import base64

    from mlekit.plotting.track import unpack
    from mlekit.widgets import BackpropExplorer
    from mlekit.widgets.track import record_track

    explorer = BackpropExplorer.example()          # text-heavy: many masks
    data = record_track(explorer).data
    explorer.close()
    expected = unpack(data)
    (got,) = run_js([["unpack", [base64.b64encode(data).decode()]]])
    assert len(expected["masks"]) > 10
    assert got["masks"] == [[w, h, list(m)] for w, h, m in expected["masks"]]
    del got["masks"], expected["masks"]
    assert got == expected


def test_unpack_refuses_bytes_that_are_not_a_track():
    import base64

    done = node([["unpack", [base64.b64encode(b"\x78\x9c not a track").decode()]]])
    assert done.returncode != 0 and "not a track" in done.stderr
