"""What a student has done: exercises passed and points, per lesson.

:func:`progress` reads the lessons in a folder (their autograded cells and
points, nbgrader's metadata) and the progress file the checks write there
(:mod:`mlekit.exercises._progress`), and returns a :class:`ProgressReport`.
It shows as a table with coloured marks in JupyterLab (lesson 00 shows it at
its start and end) and as plain text in a terminal (``mlekit progress``).

>>> from mlekit.teaching.editions import course_source
>>> report = progress(course_source())     # the instructor notebooks: nothing recorded
>>> report.lessons[4].number, report.lessons[4].title, len(report.lessons[4].exercises)
('04', 'The phone survey', 3)
>>> report.recording, report.passed
(False, 0)
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..exercises._progress import load, recording_enabled
from ..exercises._core import FAIL_MARK, PASS_MARK
from ._totals import sum_of

__all__ = ["progress", "ProgressReport", "LessonProgress", "ExerciseProgress"]

NOT_TRIED_MARK = "\u00b7"     # ·
_CHECK = re.compile(r"\b(check_\w+)\s*\(")
_COLORS = {"passed": "#1a7f37", "failed": "#c62828", "not tried": "#9e9e9e"}


@dataclass
class ExerciseProgress:
    """One exercise: its checks, points, and the latest recorded outcome.

    An exercise whose cell calls several checks has passed when every one of
    them passed, and failed when the latest run of any of them failed.
    """

    number: int
    checks: tuple
    grade_id: str
    points: float
    status: str = "not tried"          # "passed", "failed" or "not tried"
    attempts: int = 0

    @property
    def mark(self) -> str:
        return {"passed": PASS_MARK, "failed": FAIL_MARK}.get(self.status, NOT_TRIED_MARK)


@dataclass
class LessonProgress:
    """One lesson notebook and its exercises."""

    notebook: str
    number: str
    title: str
    exercises: list = field(default_factory=list)

    @property
    def passed(self) -> int:
        """How many of the lesson's exercises have passed."""
        return sum(e.status == "passed" for e in self.exercises)

    points = sum_of("exercises", "points", "Points of the passed exercises.",
                   where=lambda e: e.status == "passed")
    max_points = sum_of("exercises", "points", "Points of all the lesson's exercises.")


def _points(value: float) -> str:
    return f"{value:g}"


@dataclass
class ProgressReport:
    """The table :func:`progress` returns; ``str()`` is plain text, Jupyter shows HTML."""

    folder: Path
    lessons: list
    recording: bool
    notes: list = field(default_factory=list)

    passed = sum_of("lessons", "passed", "Exercises passed over all lessons.")
    points = sum_of("lessons", "points", "Points earned over all lessons.")
    max_points = sum_of("lessons", "max_points", "Points possible over all lessons.")

    @property
    def total(self) -> int:
        """How many exercises the lessons hold."""
        return sum(len(lesson.exercises) for lesson in self.lessons)

    def _status_line(self) -> str:
        if not self.recording:
            return ("Checks record progress only in a student's copy of the course (made by "
                    "mlekit start); this folder is not one, so nothing is recorded here.")
        if self.passed == self.total and self.total:
            return "Every exercise passed. Well done!"
        if not any(e.status != "not tried" for lesson in self.lessons for e in lesson.exercises):
            return "No exercise checked yet: the table fills in as your checks pass."
        return f"{self.total - self.passed} exercises to go."

    def __str__(self) -> str:
        width = max([len(f"{lesson.number} {lesson.title}") for lesson in self.lessons] + [12])
        marks = max([2 * len(lesson.exercises) for lesson in self.lessons] + [4])
        head = f"{'lesson':<{width}}  {'done':<{marks}}  {'exercises':>9}  {'points':>8}"
        rows = [head, "-" * len(head)]
        for lesson in self.lessons:
            done = " ".join(e.mark for e in lesson.exercises)
            rows.append(f"{lesson.number + ' ' + lesson.title:<{width}}  {done:<{marks}}  "
                        f"{f'{lesson.passed} of {len(lesson.exercises)}':>9}  "
                        f"{_points(lesson.points) + ' / ' + _points(lesson.max_points):>8}")
        rows.append("-" * len(head))
        rows.append(f"{'total':<{width}}  {'':<{marks}}  {f'{self.passed} of {self.total}':>9}  "
                    f"{_points(self.points) + ' / ' + _points(self.max_points):>8}")
        rows.append(f"{PASS_MARK} passed   {FAIL_MARK} last check failed   "
                    f"{NOT_TRIED_MARK} not checked yet")
        rows.append(self._status_line())
        rows.extend(self.notes)
        return "\n".join(rows)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        def dot(e: ExerciseProgress) -> str:
            color = _COLORS.get(e.status, _COLORS["not tried"])
            fill = color if e.status != "not tried" else "transparent"
            label = f"exercise {e.number}: {e.status}"
            return (f'<span title="{label}" aria-label="{label}" style="display:inline-block;'
                    f"width:0.85em;height:0.85em;border-radius:50%;margin-right:0.25em;"
                    f'border:2px solid {color};background:{fill};box-sizing:border-box"></span>')

        def bar(fraction: float) -> str:
            return ('<div style="width:8em;height:0.6em;background:#e0e0e0;border-radius:3px">'
                    f'<div style="width:{100 * fraction:.0f}%;height:100%;background:#1a7f37;'
                    'border-radius:3px"></div></div>')

        cell = 'style="padding:0.2em 0.8em;text-align:{}"'
        rows = []
        for lesson in self.lessons:
            n = len(lesson.exercises)
            rows.append(
                f"<tr><td {cell.format('left')}><a href=\"{html.escape(lesson.notebook)}\">"
                f"{lesson.number} {html.escape(lesson.title)}</a></td>"
                f"<td {cell.format('left')}>{''.join(dot(e) for e in lesson.exercises)}</td>"
                f"<td {cell.format('right')}>{lesson.passed} of {n}</td>"
                f"<td {cell.format('right')}>{_points(lesson.points)} / "
                f"{_points(lesson.max_points)}</td>"
                f"<td {cell.format('left')}>{bar(lesson.passed / n if n else 0)}</td></tr>")
        total = self.passed / self.total if self.total else 0
        legend = "".join(
            f'<span style="margin-right:1.2em">{dot(ExerciseProgress(0, (), "", 0, status))}'
            f"{text}</span>"
            for status, text in (("passed", "passed"), ("failed", "last check failed"),
                                 ("not tried", "not checked yet")))
        notes = "".join(f"<p>{html.escape(note)}</p>" for note in self.notes)
        return (
            '<div class="mlekit-progress">'
            f"<table style=\"border-collapse:collapse\"><thead><tr>"
            f"<th {cell.format('left')}>lesson</th><th {cell.format('left')}>exercises</th>"
            f"<th {cell.format('right')}>passed</th><th {cell.format('right')}>points</th>"
            f"<th></th></tr></thead><tbody>{''.join(rows)}</tbody><tfoot><tr>"
            f"<th {cell.format('left')}>total</th><th></th>"
            f"<th {cell.format('right')}>{self.passed} of {self.total}</th>"
            f"<th {cell.format('right')}>{_points(self.points)} / {_points(self.max_points)}"
            f"</th><th {cell.format('left')}>{bar(total)}</th></tr></tfoot></table>"
            f"<p>{legend}</p><p>{html.escape(self._status_line())}</p>{notes}</div>")


_HEADING = re.compile(r"^#\s*\d\d\s*\u00b7\s*(.+)$", re.M)     # "# 04 · The phone survey: ..."


def _title(nb: dict, fallback: str) -> str:
    """The lesson's name from its "# NN · Name: subtitle" heading, else from the file name.

    A heading the student wrote above it (notes of their own) is skipped.
    """
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            match = _HEADING.search("".join(cell.get("source", "")))
            if match:
                return match.group(1).split(":", 1)[0].strip()      # the name, not the subtitle
    name = fallback.split("_", 1)[-1].replace("_", " ")
    return name[:1].upper() + name[1:]


def _attempts(entry: dict) -> int:
    try:
        return int(entry.get("attempts", 0) or 0)
    except (TypeError, ValueError):
        return 0


def _exercises(nb: dict) -> list[ExerciseProgress]:
    found = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade") or cell.get("cell_type") != "code":
            continue
        checks = tuple(dict.fromkeys(_CHECK.findall("".join(cell.get("source", "")))))
        found.append(ExerciseProgress(len(found) + 1, checks,
                                      meta.get("grade_id", ""), float(meta.get("points", 0))))
    return found


def progress(folder=".") -> ProgressReport:
    """The progress of the student whose course folder is *folder* (default: this one).

    Lessons are the notebooks ``NN_name.ipynb`` in the folder (the ones its
    manifest lists, if it has one); each autograded cell is one exercise,
    worth its nbgrader points. Never raises for a damaged file: it says so in
    the report's notes instead.
    """
    from .editions import lesson_notebooks
    from .workspace import read_manifest

    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder; give the folder of your course "
                                "(mlekit start made it, by default ./mlekit-course)")
    records, notes = load(folder)
    listed = read_manifest(folder).get("lessons")
    if listed:
        paths = [folder / name for name in listed if (folder / name).is_file()]
    else:
        paths = lesson_notebooks(folder)
    lessons = []
    for path in paths:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            notes.append(f"{path.name} could not be read as a notebook; it is left out.")
            continue
        number = path.name[:2]
        lesson = LessonProgress(path.name, number, _title(nb, path.stem), _exercises(nb))
        done = records.get(f"lesson{number}", {})
        for exercise in lesson.exercises:
            entries = [done.get(name, {}) for name in exercise.checks]
            statuses = [entry.get("status") for entry in entries]
            if "failed" in statuses:
                exercise.status = "failed"
            elif statuses and all(status == "passed" for status in statuses):
                exercise.status = "passed"
            exercise.attempts = max([_attempts(entry) for entry in entries] + [0])
        lessons.append(lesson)
    return ProgressReport(folder, lessons, recording_enabled(folder), notes)
