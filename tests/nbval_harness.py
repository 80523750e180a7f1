"""pytest plugin loaded by pyproject.toml (``-p nbval_harness``) for the notebook tests.

nbval compares every stored output of every course notebook with a fresh run
(strict mode). Two outputs can never match byte for byte and are not part of
what a lesson claims:

* ipympl figures embed a ``text/html`` snapshot (a base64 PNG inside an
  ``<img>``) next to their widget view; its pixels depend on fonts and
  renderer versions. That ``text/html`` is dropped from any output that is a
  widget (it carries ``application/vnd.jupyter.widget-view+json``), in the
  stored and the fresh output alike. Every other ``text/html`` is compared.
* ``image/png`` is already skipped by nbval itself.

Those images are compared instead, pixel by pixel with a fresh
``mlekit execute`` run, by ``tests/test_stored_outputs.py``.

Everything else (text, numbers after tests/sanitize.cfg, errors) is compared.
"""

from __future__ import annotations

import copy
import os

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _strip_widget_html(outputs):
    cleaned = []
    for out in outputs or []:
        data = out.get("data") if isinstance(out, dict) else None
        if data and WIDGET_MIME in data and "text/html" in data:
            out = copy.deepcopy(out)
            del out["data"]["text/html"]
        cleaned.append(out)
    return cleaned


def pytest_configure(config):
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # nbval not installed: nothing to adjust
        return
    if getattr(IPyNbCell.compare_outputs, "_mlekit_wrapped", False):
        return
    original = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        return original(self, _strip_widget_html(test), _strip_widget_html(ref), skip_compare)

    compare_outputs._mlekit_wrapped = True
    IPyNbCell.compare_outputs = compare_outputs


def _is_notebook_item(item) -> bool:
    return type(item).__name__ == "IPyNbCell"


try:
    import pytest as _pytest

    @_pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(item):
        # Kernels inherit this process's environment. MPLBACKEND=Agg (set by a developer's
        # shell or by any test) would turn every `plt.show()` into no output and fail the
        # stored figures, so notebooks always start with matplotlib's notebook default.
        if _is_notebook_item(item):
            os.environ.pop("MPLBACKEND", None)
except ImportError:  # pragma: no cover
    pass
