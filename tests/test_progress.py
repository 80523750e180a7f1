"""The progress file the checks write, and the table ``mlekit progress`` prints.

The guarantees in ``mlekit/exercises/_progress.py``: recording happens only in
a student edition; a read-only folder, a corrupt or foreign file and two
kernels writing at once never break a check and never lose another record.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from exercise_helpers import FAIL_MARK, PASS_MARK, graded_cells_in_course
from mlekit.exercises import _progress
from mlekit.exercises import lesson04
from mlekit.teaching.progress import progress

ROOT = Path(__file__).resolve().parents[1]



@pytest.fixture
def edition(tmp_path, monkeypatch):
    """An empty student-edition folder, made the working folder (as a kernel's would be)."""
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / _progress.EDITION_FILE).write_text("{}")
    monkeypatch.chdir(folder)
    monkeypatch.delenv("MLEKIT_PROGRESS", raising=False)
    return folder


def recorded(folder) -> dict:
    return json.loads((folder / _progress.PROGRESS_FILE).read_text())["lessons"]


def good_gradient(p):
    return -7 / p + 3 / (1 - p)


def wrong_gradient(p):
    return 7 / p - 3 / (1 - p)


def test_checks_record_the_latest_outcome_and_count_attempts(edition, capsys):
    assert not lesson04.check_nll_gradient(wrong_gradient)
    entry = recorded(edition)["lesson04"]["check_nll_gradient"]
    assert entry["status"] == "failed" and entry["attempts"] == 1 and "first_passed" not in entry
    assert lesson04.check_nll_gradient(good_gradient)
    assert lesson04.check_p_hat(lambda k, n: k / n)
    lessons = recorded(edition)
    entry = lessons["lesson04"]["check_nll_gradient"]
    assert entry["status"] == "passed" and entry["attempts"] == 2 and entry["first_passed"]
    assert lessons["lesson04"]["check_p_hat"]["status"] == "passed"
    out = capsys.readouterr()
    assert out.out.count(PASS_MARK) == 2 and out.err.count(FAIL_MARK) == 1


def test_an_untouched_exercise_is_not_an_attempt(edition, capsys):
    def stub(p):
        raise NotImplementedError()

    assert not lesson04.check_nll_gradient(stub)
    assert not lesson04.check_gd_step(None)
    assert not (edition / _progress.PROGRESS_FILE).exists()
    assert "NotImplementedError" in capsys.readouterr().err


def test_nothing_is_recorded_outside_a_student_edition(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)                  # e.g. course/: the instructor notebooks
    assert lesson04.check_p_hat(lambda k, n: k / n)
    assert list(tmp_path.iterdir()) == []


def test_progress_off_switch(edition, monkeypatch, capsys):
    monkeypatch.setenv("MLEKIT_PROGRESS", "off")
    assert lesson04.check_p_hat(lambda k, n: k / n)
    assert not (edition / _progress.PROGRESS_FILE).exists()


def test_a_corrupt_file_is_kept_aside_and_a_new_record_starts(edition, capsys):
    junk = b'{"format": "mlekit-progress", "lessons": {"lesson01": {"check_'   # cut short
    (edition / _progress.PROGRESS_FILE).write_bytes(junk)
    assert lesson04.check_p_hat(lambda k, n: k / n)
    assert (edition / ".mlekit-progress.unreadable-1.json").read_bytes() == junk
    assert recorded(edition)["lesson04"]["check_p_hat"]["status"] == "passed"


def test_a_foreign_file_is_kept_and_reported(edition, capsys):
    foreign = b'["someone else\'s list"]\n'
    (edition / _progress.PROGRESS_FILE).write_bytes(foreign)
    lessons, notes = _progress.load(edition)
    assert lessons == {} and "not a progress file" in notes[0]
    report = progress(edition)
    assert "not a progress file" in str(report)
    assert lesson04.check_p_hat(lambda k, n: k / n)
    assert (edition / ".mlekit-progress.unreadable-1.json").read_bytes() == foreign


def test_entries_it_does_not_understand_survive_a_write(edition, capsys):
    data = {"format": "mlekit-progress", "version": 1,
            "lessons": {"lesson01": {"check_binomial": {"status": "passed", "attempts": 3,
                                                        "note": "from a newer mlekit"}},
                        "lesson99": "something else"},
            "extra": [1, 2]}
    (edition / _progress.PROGRESS_FILE).write_text(json.dumps(data))
    assert lesson04.check_p_hat(lambda k, n: k / n)
    after = json.loads((edition / _progress.PROGRESS_FILE).read_text())
    assert after["extra"] == [1, 2] and after["lessons"]["lesson99"] == "something else"
    assert after["lessons"]["lesson01"] == data["lessons"]["lesson01"]


def test_a_failing_write_never_breaks_the_check(edition, monkeypatch, capsys):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_progress, "_write_atomic", disk_full)
    fb = lesson04.check_p_hat(lambda k, n: k / n)
    assert fb and fb.message.startswith("Correct")
    assert capsys.readouterr().out.startswith(PASS_MARK)
    assert _progress.record("lesson04", "check_p_hat", True) is False


def test_a_lock_held_too_long_costs_the_record_not_the_check(edition, capsys):
    import fcntl

    fd = os.open(edition / _progress.LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)              # another kernel, stuck mid-write
    try:
        assert _progress.record("lesson04", "check_p_hat", True, timeout=0.2) is False
        assert not (edition / _progress.PROGRESS_FILE).exists()
    finally:
        os.close(fd)
    assert _progress.record("lesson04", "check_p_hat", True) is True


@pytest.fixture
def read_only_edition(tmp_path, monkeypatch):
    """A student-edition folder this process really cannot write to.

    Not root: chmod 555. Root writes anywhere, so there the folder is bind-mounted
    read-only onto itself (skipped where mounting is not allowed;
    test_an_unwritable_folder_never_breaks_a_check covers the same path everywhere).
    """
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / _progress.EDITION_FILE).write_text("{}")
    monkeypatch.chdir(folder)
    monkeypatch.delenv("MLEKIT_PROGRESS", raising=False)
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mount = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if mount.returncode != 0:
        pytest.skip(f"cannot make a read-only folder as root here: {mount.stderr.decode()[:200]}")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)],
                                 capture_output=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.decode()[:200]}")
        with pytest.raises(OSError):
            (folder / "probe").write_text("x")
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_folder_never_breaks_a_check(read_only_edition, capsys):
    fb = lesson04.check_p_hat(lambda k, n: k / n)
    assert fb and capsys.readouterr().out.startswith(PASS_MARK)
    assert _progress.record("lesson04", "check_p_hat", True) is False
    assert sorted(p.name for p in read_only_edition.iterdir()) == [_progress.EDITION_FILE]


def test_an_unwritable_folder_never_breaks_a_check(edition, monkeypatch, capsys):
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if Path(path).parent == edition:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    fb = lesson04.check_p_hat(lambda k, n: k / n)
    assert fb and capsys.readouterr().out.startswith(PASS_MARK)
    assert sorted(p.name for p in edition.iterdir()) == [_progress.EDITION_FILE]


def _writer(folder: str, lesson: str, start, rounds: int) -> None:
    os.chdir(folder)
    start.wait()
    for i in range(rounds):
        assert _progress.record(lesson, f"check_{i}", i % 2 == 0, timeout=30)
        assert _progress.record("shared", "check_all", True, timeout=30)


def test_kernels_writing_at_once_lose_nothing(edition):
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    writers, rounds = 6, 15
    procs = [ctx.Process(target=_writer, args=(str(edition), f"lesson{n:02d}", start, rounds))
             for n in range(writers)]
    for proc in procs:
        proc.start()
    start.set()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    lessons = recorded(edition)
    for n in range(writers):
        entries = lessons[f"lesson{n:02d}"]
        assert sorted(entries) == sorted(f"check_{i}" for i in range(rounds))
        assert [entries[f"check_{i}"]["status"] for i in range(rounds)] == [
            "passed" if i % 2 == 0 else "failed" for i in range(rounds)]
    assert lessons["shared"]["check_all"]["attempts"] == writers * rounds
    leftovers = [p.name for p in edition.iterdir() if p.suffix == ".tmp"]
    assert leftovers == []


# ------------------------------------------------------------------ the table
def test_progress_table_counts_exercises_and_points(tmp_path, monkeypatch, capsys):
    from mlekit.teaching.workspace import start

    folder = tmp_path / "mlekit-course"
    start(folder, lab=False, log=lambda *a: None)
    monkeypatch.chdir(folder)
    monkeypatch.delenv("MLEKIT_PROGRESS", raising=False)
    assert lesson04.check_p_hat(lambda k, n: k / n)              # 2 points
    assert not lesson04.check_nll_gradient(wrong_gradient)
    report = progress(folder)
    (row,) = [lesson for lesson in report.lessons if lesson.number == "04"]
    assert (row.passed, len(row.exercises), row.points, row.max_points) == (1, 3, 2, 5)
    assert [e.status for e in row.exercises] == ["failed", "passed", "not tried"]
    total = graded_cells_in_course()
    assert report.recording and report.total == total and report.passed == 1
    text = str(report)
    line = next(line for line in text.splitlines() if line.startswith("04 "))
    assert f"{FAIL_MARK} {PASS_MARK} \u00b7" in line and "1 of 3" in line and "2 / 5" in line
    html = report._repr_html_()
    assert 'href="04_phone_survey.ipynb"' in html and "1 of 3" in html
    assert f"{total - 1} exercises to go" in text


def test_progress_of_the_instructor_edition_says_nothing_is_recorded():
    report = progress(ROOT / "course")
    assert not report.recording and report.passed == 0
    assert "nothing is recorded here" in str(report)
    assert [lesson.number for lesson in report.lessons] == [
        p.name[:2] for p in sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb"))]


def test_progress_reports_a_broken_notebook_instead_of_failing(tmp_path):
    (tmp_path / "00_start_here.ipynb").write_text("{ not json")
    report = progress(tmp_path)
    assert report.lessons == [] and "could not be read" in str(report)
    with pytest.raises(FileNotFoundError, match="not a folder"):
        progress(tmp_path / "missing")


def test_an_exercise_with_two_checks_passes_only_when_both_pass(tmp_path, monkeypatch, capsys):
    from mlekit.exercises import lesson05
    from mlekit.teaching.workspace import start

    folder = tmp_path / "mlekit-course"
    start(folder, lab=False, log=lambda *a: None)
    monkeypatch.chdir(folder)
    monkeypatch.delenv("MLEKIT_PROGRESS", raising=False)

    def status():
        (row,) = [lesson for lesson in progress(folder).lessons if lesson.number == "05"]
        (exercise,) = [e for e in row.exercises if "check_best_constant_mae" in e.checks]
        return exercise.status

    assert status() == "not tried"
    assert lesson05.check_best_constant_mse(lambda t: float(np.mean(t)))
    assert status() == "not tried"                        # half done is not done
    assert not lesson05.check_best_constant_mae(lambda t: float(np.mean(t)))
    assert status() == "failed"
    assert lesson05.check_best_constant_mae(lambda t: float(np.median(t)))
    assert status() == "passed"


def test_lesson_titles_come_from_the_lesson_heading_not_from_the_students_notes(tmp_path):
    from mlekit.teaching.progress import _title

    heading = {"cell_type": "markdown", "source": "# 04 · The phone survey: by hand"}
    notes = {"cell_type": "markdown", "source": "# my notes\nremember the log"}
    assert _title({"cells": [notes, heading]}, "04_phone_survey") == "The phone survey"
    assert _title({"cells": [notes]}, "04_phone_survey") == "Phone survey"
