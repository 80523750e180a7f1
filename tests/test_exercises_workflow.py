"""The instructor workflow, end to end, on every notebook in course/.

- every lesson has at least two exercises, each a solution cell and an
  autograded test cell in nbgrader's format (schema 3, unique grade ids);
- ``mlekit student`` never lets a solution or a hidden test through (a unique
  marker is planted in every such region and searched for in the output;
  the self-study edition's own leak test is in ``tests/test_editions.py``);
- executed top to bottom, both student editions (handout and self-study) fail
  only in exercise cells, and only with NotImplementedError or a check's
  message; every lesson cell runs;
- the real ``nbgrader generate_assignment`` + ``nbgrader autograde`` give the
  instructor version full marks and an unmodified student copy zero.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mlekit.exercises._core import FAIL_MARK, PASS_MARK
from mlekit.teaching.editions import edition_notebook, write_edition
from mlekit.teaching.handout import BEGIN_HIDDEN, BEGIN_SOLUTION, handout_notebook, scrub_source

COURSE = Path(__file__).resolve().parent.parent / "course"
NOTEBOOKS = sorted(COURSE.glob("[0-9][0-9]_*.ipynb"))
CHECK_MARK, CROSS_MARK = PASS_MARK, FAIL_MARK


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def test_there_are_lessons_to_test():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_lesson_has_two_nbgrader_exercises(path):
    nb = nbformat.read(path, as_version=4)
    solutions = [c for c in nb.cells if nbgrader_meta(c).get("solution")]
    graded = [c for c in nb.cells if nbgrader_meta(c).get("grade")]
    assert len(solutions) >= 2 and len(graded) >= 2, f"{path.name}: fewer than two exercises"
    ids = [nbgrader_meta(c)["grade_id"] for c in solutions + graded]
    assert len(ids) == len(set(ids)), f"{path.name}: duplicate grade ids"
    for cell in solutions + graded:
        meta = nbgrader_meta(cell)
        assert meta["schema_version"] == 3
        assert {"grade", "solution", "locked", "grade_id"} <= set(meta)
    for cell in graded:
        assert nbgrader_meta(cell)["points"] > 0 and nbgrader_meta(cell)["locked"]
        assert "check_" in cell.source, "each autograded cell calls a check"
    for cell in solutions:
        assert BEGIN_SOLUTION in cell.source


def test_no_solution_or_hidden_test_reaches_the_student_copy(tmp_path):
    from edition_helpers import planted_course

    src, solution, hidden = planted_course(tmp_path / "src")
    planted = solution | hidden
    assert len(planted) >= 2 * len(NOTEBOOKS)
    out_dir = tmp_path / "student"
    report = write_edition(src, out_dir, "handout", log=lambda *a: None)
    assert sorted(report.added) == sorted(p.name for p in src.glob("*.ipynb"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in out_dir.rglob("*") if p.is_file())
    leaked = [m for m in planted if m in text]
    assert not leaked, f"{len(leaked)} planted solution/hidden-test markers leaked"
    assert "raise NotImplementedError()" in text and "# YOUR CODE HERE" in text


def test_student_copy_keeps_everything_else(tmp_path):
    out_dir = tmp_path / "student"
    write_edition(COURSE, out_dir, "handout", log=lambda *a: None)
    for path in NOTEBOOKS:
        original = nbformat.read(path, as_version=4)
        copy = nbformat.read(out_dir / path.name, as_version=4)
        assert len(copy.cells) == len(original.cells)
        for a, b in zip(original.cells, copy.cells):
            # the instructor run's timings are dropped with the outputs; all else is kept
            kept = {k: v for k, v in a.metadata.items() if k != "execution"}
            assert a.cell_type == b.cell_type and kept == b.metadata
            if BEGIN_SOLUTION not in a.source and BEGIN_HIDDEN not in a.source:
                assert a.source == b.source
            if b.cell_type == "code":
                assert b.outputs == [] and b.execution_count is None


def test_unbalanced_markers_refuse_to_produce_a_copy():
    from mlekit.teaching.handout import MarkerError

    with pytest.raises(MarkerError, match="never closed"):
        scrub_source("x = 1\n### BEGIN SOLUTION\nx = 2")
    with pytest.raises(MarkerError, match="without"):
        scrub_source("### END HIDDEN TESTS")
    with pytest.raises(MarkerError, match="misspelt"):
        scrub_source("## BEGIN SOLUTION\nsecret = 1")


@pytest.mark.parametrize("edition", ["handout", "self-study"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_fails_only_in_exercise_cells(path, edition, tmp_path):
    from nbclient import NotebookClient

    from edition_helpers import exercise_failures

    student = edition_notebook(nbformat.read(path, as_version=4), edition, path.name)
    NotebookClient(student, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    failures = exercise_failures(student, path.name)
    assert failures["solution"] >= 2 and failures["check"] >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_instructor_version_passes_every_check(path):
    # nbval runs these notebooks too; here we assert that each check *printed success*
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade"):
            from edition_helpers import check_output_text

            out = check_output_text(cell)
            assert out.startswith(CHECK_MARK) and CROSS_MARK not in out, cell.source[:120]


def _nbgrader(course_dir, *args):
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_real_nbgrader_gives_full_marks_to_solutions_and_zero_to_blank_copies(tmp_path):
    pytest.importorskip("nbgrader")
    course = tmp_path / "course"
    source = course / "source" / "lessons"
    source.mkdir(parents=True)
    for path in NOTEBOOKS:
        shutil.copy(path, source / path.name)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'mlekit'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.ExecutePreprocessor.timeout = 120\n")
    _nbgrader(course, "generate_assignment", "lessons", "--force")
    release = course / "release" / "lessons"
    assert sorted(p.name for p in release.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    for student, folder in (("instructor", source), ("blank", release)):
        target = course / "submitted" / student / "lessons"
        target.mkdir(parents=True)
        for path in folder.glob("*.ipynb"):
            shutil.copy(path, target / path.name)
    _nbgrader(course, "autograde", "lessons", "--create", "--force")

    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("instructor", "blank"):
            sub = gb.find_submission("lessons", student)
            scores[student] = {nb.name: (nb.score, nb.max_score) for nb in sub.notebooks}
            scores[student]["total"] = (sub.score, sub.max_score)
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if student == "instructor":
                        assert grade.score == grade.max_score, (nb.name, grade.name)
                    elif grade.cell.cell_type == "code":
                        assert grade.score == 0, (nb.name, grade.name)
    (tmp_path / "scores.json").write_text(json.dumps(scores, indent=1))
    print("nbgrader scores (score, max):", json.dumps(scores, indent=1))
    total, maximum = scores["instructor"]["total"]
    assert maximum > 0 and total == maximum
    assert scores["blank"]["total"][0] == 0


def test_mlekit_grade_scores_without_nbgrader(tmp_path, capsys):
    """``mlekit grade``: full marks for solutions, zero for a blank copy, partial in between."""
    from mlekit import cli

    path = COURSE / "04_phone_survey.ipynb"
    nb = nbformat.read(path, as_version=4)
    full, blank, partial = (tmp_path / name for name in ("full", "blank", "partial"))
    for folder in (full, blank, partial):
        folder.mkdir()
    nbformat.write(nb, full / path.name)
    student = handout_notebook(nb, path.name)
    nbformat.write(student, blank / path.name)
    # the partial student answers exercise 2 only (p_hat), correctly
    for cell in student.cells:
        if nbgrader_meta(cell).get("grade_id") == "ex04-2-p-hat":
            cell.source = "def p_hat(k, n):\n    return k / n"
    nbformat.write(student, partial / path.name)
    csv_path = tmp_path / "grades.csv"
    assert cli.main(["grade", str(COURSE), str(full), str(blank), str(partial),
                     "--csv", str(csv_path)]) == 0
    rows = [line.split(",") for line in csv_path.read_text().splitlines()[1:]]
    by_student = {}
    for student_name, _, grade_id, score, max_score, *_ in rows:
        by_student.setdefault(student_name, {})[grade_id] = (float(score), float(max_score))
    assert all(s == m for s, m in by_student["full"].values())
    assert all(s == 0 for s, _ in by_student["blank"].values())
    assert by_student["partial"]["ex04-2-p-hat-check"] == (2.0, 2.0)
    assert by_student["partial"]["ex04-1-gradient-check"][0] == 0
    log = capsys.readouterr().out
    assert "NotImplementedError" in log or FAIL_MARK in log      # reasons are reported
