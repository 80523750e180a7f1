"""The self-study edition of one notebook: the handout plus help opened on request.

Under every exercise's check cell the self-study copy gets one Markdown cell
of collapsed ``<details>`` blocks: the hints, from gentle to specific, and
last the worked solution. Nothing is shown until the student clicks a
block's title, and nothing in it is ever executed. Each part is written once:

- the hints and the worked explanation sit beside the check, in
  ``mlekit/exercises/lessonNN.py`` (``@check(hints=..., explanation=...)``);
- the solution code is the instructor notebook's own solution region.

The help cell is tagged ``mlekit-help``, records the ``grade_id`` of the
check it belongs to (``metadata.mlekit.help_for``) and is not editable, so a
stray double click does not open its source.
"""

from __future__ import annotations

import importlib
import re

from .handout import handout_notebook, solution_text

__all__ = ["self_study_notebook", "exercise_help", "help_markdown", "HELP_TAG"]

HELP_TAG = "mlekit-help"
_IMPORT = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+(\w+)(?:\s+as\s+(\w+))?", re.M)
_IMPORT_MODULE = re.compile(r"^\s*import\s+([\w.]+)\s+as\s+(\w+)", re.M)
_CALL = re.compile(r"\b(\w+)\.(check_\w+)\s*\(")


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _check_modules(nb) -> dict:
    """Alias -> module name for the exercise modules a notebook imports."""
    aliases = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for package, name, alias in _IMPORT.findall(cell.source):
            aliases[alias or name] = f"{package}.{name}"
        for module, alias in _IMPORT_MODULE.findall(cell.source):
            aliases[alias] = module
    return aliases


def exercise_help(nb, check_cell):
    """The :class:`~mlekit.exercises._core.ExerciseHelp` of the checks a graded cell calls.

    A cell that calls several checks (lesson 05's exercise 2 checks two
    functions) gets their help merged: all hints in order, the explanations
    one after the other. None when the cell calls no check that can be
    imported (an instructor's plain asserts, say): its help then holds the
    solution only.
    """
    from ..exercises._core import ExerciseHelp

    aliases = _check_modules(nb)
    found = []
    for alias, name in _CALL.findall(check_cell.source):
        module_name = aliases.get(alias)
        if module_name is None:
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        help_ = getattr(getattr(module, name, None), "help", None)
        if help_ is not None and help_ not in found:
            found.append(help_)
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    return ExerciseHelp(tuple(h for help_ in found for h in help_.hints),
                        "\n\n".join(help_.explanation for help_ in found if help_.explanation))


def help_markdown(hints, explanation: str, solution: str | None,
                  cell_type: str = "code") -> str:
    """The Markdown of a help cell: one ``<details>`` per hint, then the solution."""
    blocks = []
    for number, hint in enumerate(hints, 1):
        title = "Hint" if len(hints) == 1 else f"Hint {number}"
        blocks.append(f'<details class="mlekit-hint">\n<summary><b>{title}</b></summary>\n\n'
                      f"{hint.strip()}\n\n</details>")
    if solution is not None or explanation:
        body = [explanation.strip()] if explanation else []
        if solution is not None:
            body.append(f"```python\n{solution}\n```" if cell_type == "code" else solution)
        blocks.append('<details class="mlekit-solution">\n<summary><b>Solution</b> '
                      "(try the hints first)</summary>\n\n" + "\n\n".join(body)
                      + "\n\n</details>")
    return "\n\n".join(blocks)


def self_study_notebook(nb, name: str = "notebook"):
    """Return the self-study copy of an nbformat notebook (the input is not changed)."""
    import nbformat

    student = handout_notebook(nb, name)          # same cells, same order, scrubbed
    inserts = []
    solution_cell = None
    for index, cell in enumerate(nb.cells):
        meta = _nbgrader(cell)
        if meta.get("solution"):
            solution_cell = cell
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        help_ = exercise_help(nb, cell)
        solution = None
        if solution_cell is not None:
            solution = solution_text(solution_cell.source, where=f"{name}, cell {index}")
        text = help_markdown(help_.hints if help_ else (), help_.explanation if help_ else "",
                             solution, solution_cell.cell_type if solution_cell else "code")
        solution_cell = None
        if text:
            help_cell = nbformat.v4.new_markdown_cell(text)
            help_cell.metadata = {"editable": False, "tags": [HELP_TAG],
                                  "mlekit": {"help_for": meta.get("grade_id", "")}}
            help_cell.pop("id", None)
            inserts.append((index + 1, help_cell))
    for position, help_cell in reversed(inserts):
        student.cells.insert(position, help_cell)
    if student.get("nbformat_minor", 0) >= 5:
        # cell ids: deterministic, so a rebuilt edition is byte-identical
        for cell in student.cells:
            if "id" not in cell:
                gid = cell.metadata.get("mlekit", {}).get("help_for", "")
                cell["id"] = re.sub(r"[^A-Za-z0-9-]", "-", f"help-{gid}")[:64]
    return student
