"""What every explorer promises, checked the same way for all of them (headless).

Each explorer in ``mlekit.widgets`` is built with its ``example()``
(the course's typical data) and its ``main_slider`` is moved:

- a move only blits (no full ``canvas.draw()``) and changes the figure's pixels;
- an error raised while handling a move lands in the explorer's Output widget
  (never swallowed, never a traceback out of the callback) and clears on the
  next good move;
- the mimebundle carries a PNG of the current state (for GitHub, nbviewer,
  HTML exports) next to the live widget view, with a stable text/plain;
- before a browser connects, the canvas keeps a valid PNG data URL and sends
  nothing (ipympl 0.10 would send raw RGBA; see mlekit.widgets._canvas);
- building and closing an explorer twice leaves no figure or widget behind;
- it is declared the one way (``CONTRIBUTING.md``, "Add an explorer"): a
  constructor of at most 40 lines whose first parameter is the data (or the
  model), built with the base class's helpers, with a docstring example.

Explorer-specific behaviour (values drawn, other controls) is tested in
``test_explorer_<name>.py``.
"""

from __future__ import annotations

import base64
import gc
import inspect
import weakref

import matplotlib.pyplot as plt
import pytest
from ipywidgets.widgets.widget import _instances as live_widgets

from mlekit import widgets
from mlekit.bench import _slider_values
from explorer_helpers import count_draws

NAMES = sorted(widgets._EXPLORERS)
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(params=NAMES)
def explorer(request):
    e = getattr(widgets, request.param).example()
    yield e
    e.close()


def moves(e, n=3):
    """n slider values, each different from the one before it (the first from the current)."""
    values = [v for v in _slider_values(e.main_slider, 24) if v != e.main_slider.value]
    picked, last = [], e.main_slider.value
    for v in values[::max(1, len(values) // n)] + values:
        if v != last and len(picked) < n:
            picked.append(v)
            last = v
    return picked


def test_main_slider_moves_only_blit_and_change_the_pixels(explorer, monkeypatch):
    calls = count_draws(explorer.view.canvas, monkeypatch)
    for value in moves(explorer):
        before = explorer.view.to_rgba()
        explorer.main_slider.value = value
        assert (explorer.view.to_rgba() != before).any(), f"no pixel changed at {value}"
    assert calls["draw"] == 0 and calls["blit"] == 3
    assert not explorer._has_error


def test_a_callback_error_lands_in_the_output_widget_and_clears(explorer, monkeypatch):
    def broken(**params):
        raise RuntimeError("planted failure in _set")

    first, second = moves(explorer, 2)
    monkeypatch.setattr(explorer.view, "_set", broken)
    explorer.main_slider.value = first                 # must not raise out of the callback
    text = "".join(o.get("text", "") for o in explorer.errors.outputs)
    assert "RuntimeError: planted failure in _set" in text and "Traceback" in text
    monkeypatch.undo()
    explorer.main_slider.value = second
    assert explorer.errors.outputs == () and not explorer._has_error


def test_mimebundle_carries_a_png_of_the_current_state(explorer):
    explorer.main_slider.value = moves(explorer, 1)[0]
    bundle = explorer._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"])[:8] == PNG
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith(type(explorer).__name__ + "(")
    assert "0x" not in bundle["text/plain"]            # stable under nbval


def test_before_a_browser_connects_the_canvas_keeps_a_png_data_url(explorer, monkeypatch):
    canvas = explorer.view.canvas
    sent = []
    monkeypatch.setattr(canvas, "send", lambda content, buffers=None: sent.append(buffers))
    explorer.main_slider.value = moves(explorer, 1)[0]
    assert sent == []
    assert canvas._data_url.startswith("data:image/png;base64,")
    assert base64.b64decode(canvas._data_url.split(",", 1)[1])[:8] == PNG


@pytest.mark.parametrize("name", NAMES)
def test_building_twice_leaks_no_figures_or_widgets(name):
    cls = getattr(widgets, name)
    cls.example().close()                                # warm caches (fonts, lazy imports)
    for _ in range(3):
        gc.collect()
    figures, count = plt.get_fignums(), len(live_widgets)
    refs = []
    for _ in range(2):
        e = cls.example()
        refs.append(weakref.ref(e.view.fig))
        e.close()
        del e
    for _ in range(3):                                   # widgets' finalizers need passes
        gc.collect()
    assert plt.get_fignums() == figures
    assert len(live_widgets) == count, [repr(w)[:60] for w in list(live_widgets.values())[count:]]
    assert all(r() is None for r in refs)


def test_every_registered_explorer_has_the_shared_interface():
    for name in NAMES:
        cls = getattr(widgets, name)
        assert issubclass(cls, widgets.Explorer), name
        assert cls.__doc__ and "Examples" in cls.__doc__, name
        assert "example" in vars(cls), f"{name} must define example()"


#: the first constructor parameter: what the math layer takes first
DATA_FIRST = {"x", "model", "t", "p"}
#: names of the old conventions: starting values are named like the math layer's parameters
#: (mu=, w=, w0=, theta0=, logits=), data like the math layer's arguments (x, t)
OLD_NAMES = {"start", "theta", "data", "target"}
#: what explorers build through Explorer.slider / Explorer.button instead
RAW_CONTROLS = ("widgets.FloatSlider(", "widgets.IntSlider(", "widgets.FloatLogSlider(",
                "widgets.Button(", ".on_click(")


def convention_problems(cls) -> list:
    """What keeps *cls* from being declared the one way (empty: nothing)."""
    problems = []
    lines, _ = inspect.getsourcelines(cls.__init__)
    if len(lines) > 40:
        problems.append(f"__init__ has {len(lines)} lines (at most 40)")
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if not params or params[0].name not in DATA_FIRST:
        problems.append(f"the first parameter must be the data ({sorted(DATA_FIRST)})")
    problems += [f"parameter {p.name!r} uses an old name" for p in params if p.name in OLD_NAMES]
    source = inspect.getsource(cls)
    problems += [f"builds {raw} itself" for raw in RAW_CONTROLS if raw in source]
    return problems


@pytest.mark.parametrize("name", NAMES)
def test_constructor_is_short_and_follows_the_convention(name):
    assert convention_problems(getattr(widgets, name)) == []


def test_the_convention_check_can_fail(tmp_path, monkeypatch):
    body = "        self.n = 0\n" * 41
    (tmp_path / "planted_explorer.py").write_text(
        "import ipywidgets as widgets\nfrom mlekit.widgets import Explorer\n\n\n"
        "class Planted(Explorer):\n    def __init__(self, start, data=None):\n" + body
        + "        self.b = widgets.Button()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from planted_explorer import Planted

    problems = convention_problems(Planted)
    assert any("43 lines" in p for p in problems), problems
    assert any("first parameter" in p for p in problems)
    assert any("'start'" in p for p in problems) and any("'data'" in p for p in problems)
    assert any("widgets.Button(" in p for p in problems)
