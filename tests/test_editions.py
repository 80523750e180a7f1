"""The three editions, built from course/: what each may and may not contain.

- the **instructor** edition is course/ itself (nbval runs it; its checks pass);
- the **handout** carries no solution and no hidden test at all;
- the **self-study** edition carries each solution only inside the collapsed
  "Solution" block of the help cell under its own check, never a hidden
  test, and at least one hint per exercise that is not the answer.

Both student editions executing with only exercise cells failing is tested in
tests/test_exercises_workflow.py (every lesson, both editions).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from mlekit.teaching.editions import build_edition, course_source, edition_notebook
from edition_helpers import planted_course
from mlekit.teaching.handout import BEGIN_HIDDEN, END_SOLUTION, solution_text
from mlekit.teaching.selfstudy import HELP_TAG, exercise_help

COURSE = Path(__file__).resolve().parent.parent / "course"
NOTEBOOKS = sorted(COURSE.glob("[0-9][0-9]_*.ipynb"))
SOLUTION_BLOCK = re.compile(r'<details class="mlekit-solution">.*?</details>', re.S)


def nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_help(cell) -> bool:
    return HELP_TAG in cell.get("metadata", {}).get("tags", [])


def exercises(nb):
    """(solution cell, check cell) pairs of an instructor notebook, in order."""
    pairs, solution = [], None
    for cell in nb.cells:
        if nbgrader(cell).get("solution"):
            solution = cell
        elif nbgrader(cell).get("grade"):
            pairs.append((solution, cell))
            solution = None
    return pairs


def test_the_packaged_course_is_this_checkout():
    assert course_source().resolve() == COURSE.resolve()


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    src, solution, hidden = planted_course(tmp_path_factory.mktemp("planted") / "course")
    assert len(solution) >= 2 * len(NOTEBOOKS) and len(hidden) >= len(NOTEBOOKS)
    return src, solution, hidden


def test_handout_holds_no_solution_and_no_hidden_test(planted):
    src, solution, hidden = planted
    text = "\n".join(data.decode("utf-8") for data in build_edition(src, "handout").values())
    assert not [m for m in solution | hidden if m in text]


def test_self_study_shows_each_solution_only_in_its_own_solution_block(planted):
    src, solution, hidden = planted
    files = build_edition(src, "self-study")
    everything = "\n".join(data.decode("utf-8") for data in files.values())
    assert not [m for m in hidden if m in everything], "a hidden test reached the self-study edition"
    found = set()
    for name, data in files.items():
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        for index, cell in enumerate(nb.cells):
            text = cell.source + "".join(str(o) for o in cell.get("outputs", []))
            markers = {m for m in solution if m in text}
            if not markers:
                continue
            where = f"{name} cell {index}"
            assert is_help(cell) and cell.cell_type == "markdown", f"{where}: a solution outside help"
            blocks = "".join(SOLUTION_BLOCK.findall(cell.source))
            assert all(m in blocks for m in markers), f"{where}: a solution outside its block"
            outside = SOLUTION_BLOCK.sub("", cell.source)
            assert not any(m in outside for m in markers), f"{where}: a solution in a hint"
            # the help sits right under the check of the same exercise
            check = nb.cells[index - 1]
            assert nbgrader(check).get("grade")
            assert cell.metadata["mlekit"]["help_for"] == nbgrader(check)["grade_id"]
            assert not markers & found, f"{where}: a solution shown twice"
            found |= markers
    assert found == solution, f"{len(solution - found)} solutions are missing from the help"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_self_study_adds_one_help_cell_per_exercise_and_changes_nothing_else(path):
    nb = nbformat.read(path, as_version=4)
    handout = edition_notebook(nb, "handout", path.name)
    study = edition_notebook(nb, "self-study", path.name)
    rest = [c for c in study.cells if not is_help(c)]
    helps = [c for c in study.cells if is_help(c)]
    assert [c.source for c in rest] == [c.source for c in handout.cells]
    assert len(helps) == len(exercises(nb))
    for cell in helps:
        assert cell.cell_type == "markdown" and cell.metadata["editable"] is False
        assert cell.source.count("<details") == cell.source.count("</details>") >= 2
        assert "<summary><b>Hint" in cell.source and "<summary><b>Solution</b>" in cell.source
        # collapsed: nothing opens until the student clicks
        assert "<details open" not in cell.source
    ids = [c.get("id") for c in study.cells]
    assert all(ids) and len(set(ids)) == len(ids)
    nbformat.validate(study)
    assert "widgets" not in study.metadata        # no saved widget state without outputs


def test_building_twice_gives_the_same_bytes():
    assert build_edition(COURSE, "self-study") == build_edition(COURSE, "self-study")


def _numbers(text: str) -> set[str]:
    """Decimal literals with at least three significant digits (0.5125, 6.1086, 1.2039)."""
    found = set()
    for number in re.findall(r"(?<![\w.])-?\d+\.\d+", text):
        digits = number.lstrip("-").replace(".", "").lstrip("0")
        if len(digits) >= 3:
            found.add(number.lstrip("-"))
    return found


def _code_lines(text: str) -> set[str]:
    """The solution's code lines, spaces removed, that say something (not `return x`)."""
    lines = set()
    for line in text.splitlines():
        bare = re.sub(r"\s+", "", line.split("#")[0])
        if len(bare) >= 10 and not bare.startswith(("def", '"""', "'''")):
            lines.add(bare)
    return lines


EXERCISES = [(path, i) for path in NOTEBOOKS
             for i in range(len(exercises(nbformat.read(path, as_version=4))))]


@pytest.mark.parametrize("path, i", EXERCISES, ids=[f"{p.name[:2]}-ex{i + 1}" for p, i in EXERCISES])
def test_every_exercise_has_hints_and_a_worked_explanation_that_do_not_leak(path, i):
    nb = nbformat.read(path, as_version=4)
    solution_cell, check_cell = exercises(nb)[i]
    help_ = exercise_help(nb, check_cell)
    assert help_ is not None, f"{check_cell.source.splitlines()[0]}: the check has no help"
    assert help_.hints, "at least one hint"
    assert len(help_.explanation) >= 80, "the solution needs a worked explanation"
    answer = solution_text(solution_cell.source)
    region = check_cell.source.split(BEGIN_HIDDEN, 1)[-1] if BEGIN_HIDDEN in check_cell.source else ""
    secret_numbers = _numbers(answer) | _numbers(region)
    secret_lines = _code_lines(answer.split(END_SOLUTION)[0])
    for number, hint in enumerate(help_.hints, 1):
        assert len(hint) >= 60, f"hint {number} is too thin to help"
        shown = {n for n in secret_numbers if re.search(rf"(?<![\d.]){re.escape(n)}(?!\d)", hint)}
        assert not shown, f"hint {number} gives away {shown}"
        bare = re.sub(r"\s+", "", hint)
        leaked = [line for line in secret_lines if line in bare]
        assert not leaked, f"hint {number} contains the solution's code {leaked}"


def _messages(module) -> list[str]:
    """Every literal text a check module puts into a StudentError (f-string parts included)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(module))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "StudentError":
            for sub in ast.walk(node):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    found.append(sub.value)
    return [re.sub(r"\s+", " ", text) for text in found]


@pytest.mark.parametrize("path, i", EXERCISES, ids=[f"{p.name[:2]}-ex{i + 1}" for p, i in EXERCISES])
def test_hints_say_more_than_the_checks_own_messages(path, i):
    import importlib

    nb = nbformat.read(path, as_version=4)
    _, check_cell = exercises(nb)[i]
    help_ = exercise_help(nb, check_cell)
    module = importlib.import_module(f"mlekit.exercises.lesson{path.name[:2]}")
    messages = " ".join(_messages(module))
    for hint in help_.hints:
        for sentence in re.split(r"(?<=[.:!?])\s+", re.sub(r"\s+", " ", hint)):
            if len(sentence) >= 30:
                assert sentence not in messages, f"this hint only repeats the check: {sentence!r}"


def test_a_cell_with_two_checks_gets_the_help_of_both():
    from mlekit.exercises import lesson05

    path = COURSE / "05_gaussian_mse.ipynb"
    nb = nbformat.read(path, as_version=4)
    (_, check_cell), = [pair for pair in exercises(nb) if "check_best_constant_mae" in pair[1].source]
    help_ = exercise_help(nb, check_cell)
    mse, mae = lesson05.check_best_constant_mse.help, lesson05.check_best_constant_mae.help
    assert help_.hints == mse.hints + mae.hints
    assert mse.explanation in help_.explanation and mae.explanation in help_.explanation
