"""What ``import mlekit`` costs and what the math modules depend on.

* ``import mlekit`` (and using models, losses, datasets) in a fresh
  interpreter loads neither matplotlib nor ipywidgets, and nothing outside
  numpy and the standard library.
* Every math module imports only numpy, the standard library and, relatively,
  mlekit's own ``_validation`` / ``_math`` (checked on the source with ast, so
  an import inside a function counts too).
* Every public function and class (a module's ``__all__``) has a numpydoc
  ``Examples`` section; every public method and property has a docstring.
"""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

import mlekit

PACKAGE_DIR = Path(mlekit.__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent

MATH_MODULES = ["models", "losses", "information", "optim", "step_rules", "autodiff", "nn",
                "gradcheck", "datasets", "neuron", "surfaces"]
PRIVATE_HELPERS = ["_validation", "_math"]
HEAVY = ("matplotlib", "ipywidgets")


# ------------------------------------------------------------- fresh interpreter
def _fresh_python(code: str) -> dict:
    """Run *code* in a new interpreter (repo root as cwd) and return its JSON output."""
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


SNAPSHOT = "import json, sys; print(json.dumps(sorted(sys.modules)))"

IMPORT_AND_USE = """
import json, sys
before = set(sys.modules)
import mlekit as mk
mk.models, mk.losses
x = mk.datasets.phone_survey()
mk.models.Bernoulli().nll(x, p=0.5)
mk.losses.mse([0.0], [1.0])
print(json.dumps({"file": mk.__file__, "new": sorted(set(sys.modules) - before)}))
"""


@pytest.fixture(scope="module")
def fresh_import():
    return _fresh_python(IMPORT_AND_USE)


def test_fresh_import_uses_this_checkout(fresh_import):
    assert Path(fresh_import["file"]).resolve().parent == PACKAGE_DIR


@pytest.mark.parametrize("heavy", HEAVY)
def test_import_mlekit_does_not_load_heavy_gui_packages(fresh_import, heavy):
    loaded = [m for m in fresh_import["new"] if m == heavy or m.startswith(heavy + ".")]
    assert not loaded, f"import mlekit loaded {loaded[:5]}"


def test_import_mlekit_does_not_load_plotting_or_widgets(fresh_import):
    lazy = {"mlekit.plotting", "mlekit.widgets", "mlekit.exercises", "mlekit.teaching"}
    assert not lazy & set(fresh_import["new"])


def test_import_mlekit_loads_only_numpy_and_the_standard_library(fresh_import):
    # anything new that is not numpy, mlekit or stdlib (ignoring what the bare
    # interpreter had already loaded, e.g. site hooks) is an unwanted dependency
    baseline = set(_fresh_python(SNAPSHOT))
    allowed = set(sys.stdlib_module_names) | {"numpy", "mlekit"}
    foreign = sorted(m for m in fresh_import["new"]
                     if m not in baseline and m.split(".")[0] not in allowed)
    assert not foreign, f"import mlekit loaded third-party modules: {foreign[:10]}"


# ----------------------------------------------------------- imports, read from source
# math modules may use each other (one-way layers), never plotting/widgets/exercises
ALLOWED_RELATIVE = {"_validation", "_math", *MATH_MODULES}


def forbidden_imports(source: str) -> list[str]:
    """Return every import in *source* that is not numpy, stdlib or mlekit's helpers."""
    allowed_top = set(sys.stdlib_module_names) | {"numpy", "__future__"}
    bad = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            bad += [a.name for a in node.names if a.name.split(".")[0] not in allowed_top]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module.split(".")[0] not in allowed_top:
                    bad.append(node.module)
            elif node.level > 1:           # from .. import x: outside the package
                bad.append("." * node.level + (node.module or ",".join(a.name for a in node.names)))
            elif node.module is None:       # from . import a, b
                bad += ["." + a.name for a in node.names if a.name not in ALLOWED_RELATIVE]
            elif node.module not in ALLOWED_RELATIVE:   # from .x import y
                bad.append("." + node.module)
    return bad


def test_import_checker_flags_what_it_should():
    # the checker itself must be able to fail
    snippet = ("import os\nimport numpy as np\nfrom numpy.linalg import norm\n"
               "from . import _validation as V\nfrom ._math import xlogy\n"
               "import matplotlib.pyplot as plt\nfrom scipy import stats\n"
               "from . import plotting\nfrom .widgets import LikelihoodExplorer\n"
               "from .. import other\n"
               "def f():\n    import ipywidgets\n")
    assert forbidden_imports(snippet) == [
        "matplotlib.pyplot", "scipy", ".plotting", ".widgets", "..other", "ipywidgets"]


@pytest.mark.parametrize("module", MATH_MODULES + PRIVATE_HELPERS)
def test_math_module_imports_only_numpy_and_stdlib(module):
    source = (PACKAGE_DIR / f"{module}.py").read_text(encoding="utf-8")
    assert forbidden_imports(source) == []


def test_exercises_never_import_teaching_or_drawing():
    """teaching -> exercises -> math, one way: a check must work without the edition tools."""
    for path in sorted((PACKAGE_DIR / "exercises").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                assert (node.module or "").split(".")[0] not in (
                    "teaching", "plotting", "widgets", "cli"), f"{path.name}: from ..{node.module}"
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                assert not node.module.startswith(("mlekit.teaching", "mlekit.widgets")), path.name


# ------------------------------------------------------------------- docstrings
def _public_api():
    """Every function and class in a math module's __all__ (data such as nn.ACTIVATIONS aside)."""
    for name in MATH_MODULES:
        module = getattr(mlekit, name)
        for attr in module.__all__:
            obj = getattr(module, attr, None)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                yield pytest.param(module, attr, id=f"{name}.{attr}")


@pytest.mark.parametrize("module", MATH_MODULES)
def test_all_names_exist(module):
    mod = getattr(mlekit, module)
    assert [n for n in mod.__all__ if not hasattr(mod, n)] == []


def has_examples_section(doc: str | None) -> bool:
    """A numpydoc section header: a line 'Examples' underlined with dashes."""
    lines = [line.strip() for line in inspect.cleandoc(doc or "").splitlines()]
    return any(a == "Examples" and b.startswith("---") for a, b in zip(lines, lines[1:]))


def test_examples_detector():
    assert has_examples_section("Title.\n\n    Examples\n    --------\n    >>> 1\n    1\n")
    assert not has_examples_section("Title.\n\nSee the examples in the notebook.\n")
    assert not has_examples_section(None)


@pytest.mark.parametrize("module, name", list(_public_api()))
def test_public_function_or_class_has_examples(module, name):
    obj = getattr(module, name)
    assert has_examples_section(obj.__doc__), (
        f"{module.__name__}.{name} needs a numpydoc Examples section")


def _public_methods():
    for name in MATH_MODULES:
        module = getattr(mlekit, name)
        for attr in module.__all__:
            cls = getattr(module, attr)
            if not inspect.isclass(cls):
                continue
            seen = set()
            for klass in cls.__mro__:            # include methods inherited from mlekit bases
                if not klass.__module__.startswith("mlekit"):
                    continue
                for meth, value in vars(klass).items():
                    if meth.startswith("_") or meth in seen:
                        continue
                    if isinstance(value, (staticmethod, classmethod)):
                        value = value.__func__
                    if inspect.isfunction(value) or isinstance(value, property):
                        seen.add(meth)
                        yield pytest.param(value, id=f"{name}.{attr}.{meth}")


@pytest.mark.parametrize("method", list(_public_methods()))
def test_public_method_is_documented(method):
    doc = inspect.getdoc(method) or ""
    assert len(doc.split()) >= 3, "public methods and properties need a docstring"


def test_the_wheel_contains_every_module_and_data_file(tmp_path):
    """A non-editable install (Binder's `pip install --no-deps .`) must get everything."""
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(tmp_path), str(PACKAGE_DIR.parent)], check=True, timeout=600)
    (wheel,) = tmp_path.glob("mlekit-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    wanted = {str(p.relative_to(PACKAGE_DIR.parent)).replace("\\", "/")
              for p in PACKAGE_DIR.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert wanted - shipped == set()
