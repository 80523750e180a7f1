"""The figures stored in ``course/*.ipynb`` are the ones a fresh run draws today.

nbval compares text, not images: it skips ``image/png`` and (tests/nbval_harness.py)
the ``text/html`` snapshot of a live figure. A lesson could therefore keep
figures drawn by older plotting code and still pass. Here every notebook of
``course/`` is copied to a temporary folder and re-executed with
:func:`mlekit.cli.execute`, the code behind the documented command
``mlekit execute course/``; then every stored image must equal the fresh one:

* each ``image/png`` output (matplotlib figures and every explorer's static
  fallback), by cell index and output index;
* each base64 PNG inside the ``text/html`` of a widget output (ipympl's
  snapshot of a live figure), by cell, output and position in the HTML;
* the ``_data_url`` of each ipympl canvas model in the notebook's saved widget
  state (``metadata.widgets["application/vnd.jupyter.widget-state+json"]``),
  located by the cell output whose widget tree holds it (model ids are new in
  every run, so they cannot be matched directly).

Both PNGs are decoded and their RGBA pixels compared with numpy. They must be
pixel-identical (``PIXEL_TOLERANCE = 0``): two fresh runs on one machine draw
identical pixels (Agg is deterministic; measured on all 11 lessons, run 1 vs
run 2), so any difference is a real one. A checkout whose fonts or matplotlib
differ from the machine that executed the notebooks will fail here; that is
what this test is for: re-execute with ``mlekit execute course/``.

Each stored ``_data_url`` must also start with ``data:image/png;base64,``: an
earlier bug stored the bare base64, which JupyterLab then requested as a
relative URL (``/lab/tree/iVBORw0…``) and never sized the canvas.

Cost: one execution per notebook (a module-scoped fixture, parametrised by
notebook, shared by every assertion that needs the fresh run), about 35 s for
the whole course on 2 cores. Under ``pytest -n 2 --dist loadfile`` the file
stays on one worker, so each notebook still runs once; ``--dist load`` may
split one notebook's tests over two workers and run it twice.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "course"
NOTEBOOKS = sorted(p.name for p in COURSE.glob("*.ipynb"))

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
PNG_PREFIX = "data:image/png;base64,"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: largest allowed |stored - fresh| in any RGBA channel of any pixel (0: identical);
#: two fresh runs here are pixel-identical, see the module docstring
PIXEL_TOLERANCE = 0
HOW_TO_FIX = "re-execute with `mlekit execute course/` (and commit the notebooks)"
_IMG_IN_HTML = re.compile(r"""data:image/png;base64,([A-Za-z0-9+/=\s]+)""")


# ------------------------------------------------------------ what is stored
def _canvas_order(state: dict, root: str) -> list[str]:
    """MPLCanvasModel ids reachable from widget *root*, depth first (the order children appear)."""
    found, seen, stack = [], set(), [root]
    while stack:
        model_id = stack.pop()
        if model_id in seen or model_id not in state:
            continue
        seen.add(model_id)
        model = state[model_id]
        if model.get("model_name") == "MPLCanvasModel":
            found.append(model_id)
        refs = []

        def collect(value):
            if isinstance(value, str) and value.startswith("IPY_MODEL_"):
                refs.append(value[len("IPY_MODEL_"):])
            elif isinstance(value, (list, tuple)):
                for item in value:
                    collect(item)
            elif isinstance(value, dict):
                for item in value.values():
                    collect(item)

        collect(model.get("state", {}))
        stack.extend(reversed(refs))
    return found


def widget_state(nb) -> dict:
    """model id -> saved model (``model_name``, ``state``) of the notebook's widget state."""
    return (nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {}))


def data_urls(nb) -> dict[tuple, tuple[str, object]]:
    """Every ipympl canvas ``_data_url`` in the widget state, keyed by where it is displayed.

    Key ``("canvas", cell, output, k)``: the k-th canvas in the widget tree of that
    output. Canvases no output displays get ``("canvas", None, None, k)`` in state order.
    """
    state = widget_state(nb)
    urls, placed = {}, set()
    for c, cell in enumerate(nb.get("cells", [])):
        for o, out in enumerate(cell.get("outputs", []) or []):
            view = (out.get("data") or {}).get(WIDGET_VIEW)
            if not view:
                continue
            for k, model_id in enumerate(_canvas_order(state, view.get("model_id", ""))):
                placed.add(model_id)
                where = f"cell {c}, output {o}: ipympl canvas {k} _data_url (widget state)"
                urls[("canvas", c, o, k)] = (where, state[model_id]["state"].get("_data_url"))
    loose = [m for m, model in state.items()
             if model.get("model_name") == "MPLCanvasModel" and m not in placed]
    for k, model_id in enumerate(loose):
        where = f"ipympl canvas {k} not displayed by any output: _data_url (widget state)"
        urls[("canvas", None, None, k)] = (where, state[model_id]["state"].get("_data_url"))
    return urls


def stored_images(nb) -> dict[tuple, tuple[str, bytes | str]]:
    """Every image in a notebook: key -> (where, PNG bytes, or a sentence if undecodable)."""
    images = {}
    for c, cell in enumerate(nb.get("cells", [])):
        for o, out in enumerate(cell.get("outputs", []) or []):
            data = out.get("data") or {}
            if "image/png" in data:
                images[("image/png", c, o)] = (f"cell {c}, output {o}: image/png",
                                               _b64(data["image/png"]))
            html = data.get("text/html")
            if WIDGET_VIEW in data and html:
                html = "".join(html) if isinstance(html, list) else html
                for k, match in enumerate(_IMG_IN_HTML.finditer(html)):
                    images[("text/html", c, o, k)] = (
                        f"cell {c}, output {o}: PNG {k} in the widget's text/html snapshot",
                        _b64(match.group(1)))
    for key, (where, url) in data_urls(nb).items():
        if url is None:
            continue              # no snapshot kept (a browser was connected): nothing to compare
        if not isinstance(url, str) or not url.startswith(PNG_PREFIX):
            images[key] = (where, f"is not a {PNG_PREFIX}… URL")
        else:
            images[key] = (where, _b64(url[len(PNG_PREFIX):]))
    return images


def _b64(text) -> bytes | str:
    text = "".join(text) if isinstance(text, list) else text
    try:
        raw = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        return f"is not valid base64 ({exc})"
    return raw if raw.startswith(PNG_SIGNATURE) else "is base64 but not a PNG"


def pixels(png: bytes) -> np.ndarray:
    """RGBA pixels of a PNG, shape (height, width, 4), uint8."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGBA"))


def image_difference(stored: bytes, fresh: bytes, tolerance: int = PIXEL_TOLERANCE) -> str | None:
    """None if the two PNGs draw the same pixels (within *tolerance*), else what differs."""
    if stored == fresh:
        return None
    a, b = pixels(stored), pixels(fresh)
    if a.shape != b.shape:
        return (f"size differs: stored {a.shape[1]}x{a.shape[0]} px, "
                f"fresh run {b.shape[1]}x{b.shape[0]} px")
    delta = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2)
    bad = delta > tolerance
    if not bad.any():
        return None
    rows, cols = np.nonzero(bad)
    return (f"{int(bad.sum())} of {bad.size} pixels differ (largest channel difference "
            f"{int(delta.max())}, within x {cols.min()}..{cols.max()}, "
            f"y {rows.min()}..{rows.max()})")


def compare_images(stored_nb, fresh_nb, name: str, tolerance: int = PIXEL_TOLERANCE) -> list[str]:
    """Every stored image that differs from the fresh run, missing, or extra, in words."""
    stored, fresh = stored_images(stored_nb), stored_images(fresh_nb)
    problems = []
    for key in sorted(stored.keys() | fresh.keys(), key=_sort_key):
        if key not in fresh:
            problems.append(f"{name} {stored[key][0]}: stored, but the fresh run has no such image")
            continue
        if key not in stored:
            problems.append(f"{name} {fresh[key][0]}: the fresh run draws it, not stored")
            continue
        where, old = stored[key]
        new = fresh[key][1]
        if isinstance(old, str) or isinstance(new, str):
            problems.append(f"{name} {where}: stored {old if isinstance(old, str) else 'ok'}, "
                            f"fresh {new if isinstance(new, str) else 'ok'}")
            continue
        diff = image_difference(old, new, tolerance)
        if diff:
            problems.append(f"{name} {where}: {diff}")
    return problems


def _sort_key(key):
    """Cell, output, kind, position: the order a reader meets the images."""
    kind, cell, output, *rest = key
    return (-1 if cell is None else cell, -1 if output is None else output, kind, *rest)


def data_url_problems(nb, name: str) -> list[str]:
    """Every canvas ``_data_url`` that is not a ``data:image/png;base64,`` PNG URL."""
    problems = []
    for where, url in data_urls(nb).values():
        if url is None:
            continue
        if not isinstance(url, str) or not url.startswith(PNG_PREFIX):
            problems.append(f"{name} {where} starts with {str(url)[:24]!r}, not {PNG_PREFIX!r} "
                            "(the browser would request it as a relative URL)")
        elif isinstance(_b64(url[len(PNG_PREFIX):]), str):
            problems.append(f"{name} {where} {_b64(url[len(PNG_PREFIX):])}")
    return problems


def fail_listing(problems: list[str], what: str) -> None:
    pytest.fail("\n".join([f"{what}; {HOW_TO_FIX}:", *(f"  - {p}" for p in problems)]),
                pytrace=False)


# --------------------------------------------------------- the fresh run
def execute_copy(source: Path, folder: Path):
    """Copy *source* into *folder*, run ``mlekit execute`` on the copy, return it read back.

    ``execute`` starts the kernel without ``MPLBACKEND``, whatever this process has.
    """
    import nbformat

    from mlekit.cli import execute

    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / source.name
    shutil.copyfile(source, copy)
    failed = execute([copy])
    if failed:
        pytest.fail(f"{source.name} failed to execute (`mlekit execute`); its traceback is in "
                    "the captured stderr above", pytrace=False)
    return nbformat.read(copy, as_version=4)


@pytest.fixture(scope="module", params=NOTEBOOKS)
def executed(request, tmp_path_factory):
    """(name, stored notebook, freshly executed copy): one execution per notebook."""
    import nbformat

    name = request.param
    fresh = execute_copy(COURSE / name, tmp_path_factory.mktemp("fresh"))
    return name, nbformat.read(COURSE / name, as_version=4), fresh


def test_stored_images_equal_a_fresh_run(executed):
    name, stored, fresh = executed
    assert stored_images(fresh), f"{name}: the fresh run drew no image at all"
    problems = compare_images(stored, fresh, name)
    if problems:
        fail_listing(problems, f"{name}: stored images differ from a fresh run")


def test_fresh_run_keeps_png_data_urls(executed):
    """The code, not just the stored file: a fresh run's canvases keep a valid PNG data URL."""
    name, _, fresh = executed
    problems = data_url_problems(fresh, f"{name} (fresh run)")
    if problems:
        pytest.fail("\n".join(["a fresh run stores broken canvas data URLs:", *problems]),
                    pytrace=False)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_stored_data_urls_have_png_prefix(name):
    import nbformat

    nb = nbformat.read(COURSE / name, as_version=4)
    problems = data_url_problems(nb, name)
    if problems:
        fail_listing(problems, f"{name}: broken ipympl canvas data URLs are stored")


# ------------------------------------- the comparison itself can fail
SAMPLE = "01_likelihood.ipynb"     # image/png outputs and two ipympl canvases


def _sample():
    import nbformat

    return nbformat.read(COURSE / SAMPLE, as_version=4)


def _png(rgba: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="png")
    return buffer.getvalue()


def _altered(png: bytes, x: int = 5, y: int = 7) -> bytes:
    rgba = pixels(png).copy()
    rgba[y, x, :3] = 255 - rgba[y, x, :3]        # one pixel inverted
    return _png(rgba)


def _first_png_output(nb):
    for c, cell in enumerate(nb.cells):
        for o, out in enumerate(cell.get("outputs", [])):
            if "image/png" in out.get("data", {}):
                return c, o, out
    raise AssertionError(f"{SAMPLE} has no image/png output")


def test_a_notebook_equals_itself():
    assert stored_images(_sample()), f"{SAMPLE} holds no image: the sample is wrong"
    assert compare_images(_sample(), _sample(), SAMPLE) == []


def test_one_changed_pixel_in_a_stored_png_is_flagged():
    stale = _sample()
    c, o, out = _first_png_output(stale)
    out["data"]["image/png"] = base64.b64encode(
        _altered(base64.b64decode(out["data"]["image/png"]))).decode()
    problems = compare_images(stale, _sample(), SAMPLE)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{SAMPLE} cell {c}, output {o}: image/png: 1 of ")
    assert "x 5..5, y 7..7" in problems[0]


def test_a_changed_canvas_data_url_is_flagged_at_its_cell():
    stale = _sample()
    key = next(k for k in data_urls(stale) if k[1] is not None)
    _, c, o, _ = key
    view = stale.cells[c].outputs[o]["data"][WIDGET_VIEW]["model_id"]
    canvas = widget_state(stale)[_canvas_order(widget_state(stale), view)[0]]["state"]
    old = base64.b64decode(canvas["_data_url"][len(PNG_PREFIX):])
    canvas["_data_url"] = PNG_PREFIX + base64.b64encode(_altered(old)).decode()
    problems = compare_images(stale, _sample(), SAMPLE)
    assert len(problems) == 1, problems
    assert f"cell {c}, output {o}: ipympl canvas 0 _data_url" in problems[0]


def test_a_changed_png_in_a_widget_html_snapshot_is_flagged():
    # today's lessons display explorers with a PNG fallback; ipympl's own snapshot looks so
    png = _png(np.full((20, 30, 4), 200, np.uint8))      # the altered pixel: 255 - 200 = 55

    def notebook(image: bytes):
        html = f"<div><img src='{PNG_PREFIX}{base64.b64encode(image).decode()}' width=30/></div>"
        out = {"output_type": "display_data", "metadata": {},
               "data": {WIDGET_VIEW: {"model_id": "x"}, "text/html": html, "text/plain": "Canvas"}}
        return {"cells": [{"cell_type": "code", "outputs": [out]}], "metadata": {}}

    assert compare_images(notebook(png), notebook(png), "nb") == []
    problems = compare_images(notebook(_altered(png)), notebook(png), "nb")
    assert problems == ["nb cell 0, output 0: PNG 0 in the widget's text/html snapshot: "
                        "1 of 600 pixels differ (largest channel difference 145, "
                        "within x 5..5, y 7..7)"]


def test_a_figure_of_another_size_or_a_missing_figure_is_flagged():
    stored = _png(np.zeros((10, 12, 4), np.uint8))
    assert image_difference(stored, _png(np.zeros((10, 13, 4), np.uint8))) == \
        "size differs: stored 12x10 px, fresh run 13x10 px"
    fewer = _sample()
    c, o, _ = _first_png_output(fewer)
    del fewer.cells[c].outputs[o]["data"]["image/png"]
    assert any("the fresh run draws it, not stored" in p
               for p in compare_images(fewer, _sample(), SAMPLE))
    assert any("stored, but the fresh run has no such image" in p
               for p in compare_images(_sample(), fewer, SAMPLE))


def test_the_tolerance_is_a_real_bound():
    png = _png(np.full((4, 4, 4), 100, np.uint8))
    darker = np.full((4, 4, 4), 100, np.uint8)
    darker[0, 0, 0] = 103
    assert image_difference(png, _png(darker), tolerance=3) is None
    assert image_difference(png, _png(darker), tolerance=2).startswith("1 of 16 pixels differ")


def test_a_data_url_without_its_prefix_is_flagged():
    nb = _sample()
    assert data_url_problems(nb, SAMPLE) == []
    canvases = [m for m in widget_state(nb).values() if m["model_name"] == "MPLCanvasModel"]
    assert canvases, f"{SAMPLE} has no ipympl canvas: the sample is wrong"
    canvases[0]["state"]["_data_url"] = canvases[0]["state"]["_data_url"][len(PNG_PREFIX):]
    problems = data_url_problems(nb, SAMPLE)
    assert len(problems) == 1 and "starts with 'iVBORw0KGgo" in problems[0], problems
    stale = compare_images(nb, _sample(), SAMPLE)
    assert len(stale) == 1 and "is not a data:image/png;base64,… URL" in stale[0], stale


def test_mlekit_execute_ignores_mplbackend_agg(tmp_path, monkeypatch):
    """``MPLBACKEND=Agg`` in the shell must not reach the kernel: it would store no figures."""
    import nbformat

    from mlekit.cli import execute

    cell = nbformat.v4.new_code_cell("import matplotlib\nprint(matplotlib.get_backend())")
    path = tmp_path / "backend.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    assert execute([path]) == 0
    printed = nbformat.read(path, as_version=4).cells[0].outputs[0]["text"]
    # ipykernel picks its inline backend when MPLBACKEND is unset, as for a student
    assert "inline" in printed, f"the kernel's matplotlib backend is {printed.strip()}"
