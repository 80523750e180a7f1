"""``mlekit start``: a student's folder is prepared, updated, and nothing in it is ever lost.

The central test edits a lesson the way a student does (in JupyterLab: a new
cell, an answer typed in, saved), runs ``mlekit start`` again, then once more
after "upgrading" to a newer course version, and compares the edited file
byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat


from exercise_helpers import graded_cells_in_course
from mlekit import cli
from mlekit.teaching import editions, workspace
from mlekit.teaching.workspace import MANIFEST, sync

COURSE = Path(__file__).resolve().parent.parent / "course"
LESSONS = sorted(p.name for p in COURSE.glob("[0-9][0-9]_*.ipynb"))


def snapshot(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def start(folder, capsys) -> list[str]:
    """``mlekit start --no-lab FOLDER``; the lines it printed."""
    assert cli.main(["start", "--no-lab", str(folder)]) == 0
    return capsys.readouterr().out.strip().splitlines()


def newer_course(tmp_path: Path) -> Path:
    """A copy of course/ as a later release might ship it: two lessons edited, one new."""
    src = tmp_path / "newer-course"
    src.mkdir()
    for name in LESSONS:
        (src / name).write_bytes((COURSE / name).read_bytes())
    for name in ("04_phone_survey.ipynb", "05_gaussian_mse.ipynb"):
        nb = nbformat.read(src / name, as_version=4)
        nb.cells[0].source += "\n\n*Revised in the next release.*"
        nbformat.write(nb, src / name)
    extra = nbformat.v4.new_notebook()
    extra.cells = [nbformat.v4.new_markdown_cell("# 11 · A new lesson")]
    nbformat.write(extra, src / "11_new_lesson.ipynb")
    return src


def edit_like_a_student(path: Path) -> bytes:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "ex04-2-p-hat":
            cell.source = "def p_hat(k, n):\n    return k / n   # my answer"
    nb.cells.append(nbformat.v4.new_markdown_cell("My own notes: p-hat is the share of k in n."))
    nbformat.write(nb, path)
    return path.read_bytes()


def test_start_prepares_the_self_study_edition_and_prints_its_path(tmp_path, capsys):
    folder = tmp_path / "mlekit-course"
    lines = start(folder, capsys)
    assert lines[-1] == str(folder.resolve())
    assert f"{len(LESSONS)} added" in lines[0]
    assert sorted(p.name for p in folder.glob("*.ipynb")) == LESSONS
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["edition"] == "self-study" and manifest["lessons"] == LESSONS
    for name in LESSONS:
        assert manifest["files"][name]["sha256"] == hashlib.sha256(
            (folder / name).read_bytes()).hexdigest()
    nb = nbformat.read(folder / "04_phone_survey.ipynb", as_version=4)
    assert any("mlekit-help" in c.metadata.get("tags", []) for c in nb.cells)
    assert "### BEGIN SOLUTION" not in (folder / "04_phone_survey.ipynb").read_text()


def test_a_second_run_changes_nothing(tmp_path, capsys):
    folder = tmp_path / "mlekit-course"
    start(folder, capsys)
    before = snapshot(folder)
    lines = start(folder, capsys)
    assert "up to date" in lines[0]
    assert snapshot(folder) == before


def test_nothing_the_student_changed_is_ever_lost(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "mlekit-course"
    start(folder, capsys)
    lesson = folder / "04_phone_survey.ipynb"
    edited = edit_like_a_student(lesson)

    # 1. run again, same mlekit: the edit stays, and nothing is written beside it
    lines = start(folder, capsys)
    assert lesson.read_bytes() == edited
    assert "1 kept as you changed them" in lines[0]
    assert not list(folder.glob("04_phone_survey (*"))

    # 2. "upgrade" mlekit: a newer course with 04 and 05 revised and a lesson 11 added
    src = newer_course(tmp_path)
    monkeypatch.setattr(editions, "course_source", lambda: src)
    monkeypatch.setattr("mlekit.__version__", "0.2.0")
    untouched_05 = (folder / "05_gaussian_mse.ipynb").read_bytes()
    lines = start(folder, capsys)
    assert lesson.read_bytes() == edited                                  # byte for byte
    beside = folder / "04_phone_survey (mlekit 0.2.0).ipynb"
    new_04 = editions.build_edition(src, "self-study")["04_phone_survey.ipynb"]
    assert beside.read_bytes() == new_04
    kept_lines = [line for line in lines if line.startswith("kept your")]
    assert kept_lines == ["kept your 04_phone_survey.ipynb (you changed it); the new version is "
                          "in '04_phone_survey (mlekit 0.2.0).ipynb'"]
    assert (folder / "05_gaussian_mse.ipynb").read_bytes() != untouched_05   # not touched: updated
    assert "Revised in the next release" in (folder / "05_gaussian_mse.ipynb").read_text()
    assert (folder / "11_new_lesson.ipynb").is_file()                    # new lesson added
    assert "1 added" in lines[-2] and "1 updated" in lines[-2] and "1 kept" in lines[-2]

    # 3. run the newer version again: still nothing lost, no second copy
    before = snapshot(folder)
    lines = start(folder, capsys)
    assert snapshot(folder) == before
    assert not [line for line in lines if line.startswith("kept your")]


def test_a_deleted_lesson_comes_back_and_a_foreign_file_is_kept(tmp_path, capsys):
    folder = tmp_path / "mlekit-course"
    folder.mkdir()
    mine = b'{"a notebook": "the student wrote before mlekit was there"}'
    (folder / "02_log_likelihood.ipynb").write_bytes(mine)
    lines = start(folder, capsys)
    assert (folder / "02_log_likelihood.ipynb").read_bytes() == mine
    assert (folder / "02_log_likelihood (mlekit 0.1.0).ipynb").is_file()
    assert any(line.startswith("kept your 02_log_likelihood.ipynb") for line in lines)
    (folder / "03_negative_log_likelihood.ipynb").unlink()
    start(folder, capsys)
    assert (folder / "03_negative_log_likelihood.ipynb").is_file()


def test_a_student_who_reverts_gets_updates_again(tmp_path, capsys):
    folder = tmp_path / "w"
    first = {"a.ipynb": b"one"}
    sync(first, folder, edition="self-study", version="1", log=lambda *a: None)
    (folder / "a.ipynb").write_bytes(b"mine")
    report = sync({"a.ipynb": b"two"}, folder, edition="self-study", version="2",
                  log=lambda *a: None)
    assert report.kept == [("a.ipynb", "a (mlekit 2).ipynb")]
    (folder / "a.ipynb").write_bytes(b"one")          # back to what mlekit gave them
    report = sync({"a.ipynb": b"three"}, folder, edition="self-study", version="3",
                  log=lambda *a: None)
    assert report.updated == ["a.ipynb"] and (folder / "a.ipynb").read_bytes() == b"three"


def test_start_refuses_the_instructor_folder_and_another_edition(tmp_path, capsys):
    assert cli.main(["start", "--no-lab", str(COURSE)]) == 2
    assert "instructor notebooks" in capsys.readouterr().err
    handout = tmp_path / "handout"
    assert cli.main(["student", str(COURSE), str(handout)]) == 0
    capsys.readouterr()
    assert cli.main(["start", "--no-lab", str(handout)]) == 2
    assert "holds the handout edition" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert cli.main(["start", "--no-lab", str(tmp_path / "file")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_start_without_jupyterlab_says_how_to_get_it(tmp_path, capsys, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_lab(name, *args, **kwargs):
        if name == "jupyterlab":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_lab)
    assert workspace.start(tmp_path / "c", lab=True) == 1
    out = capsys.readouterr().out
    assert "pip install 'mlekit[lab]'" in out and (tmp_path / "c" / LESSONS[0]).is_file()


def test_start_opens_jupyterlab_at_lesson_00_in_the_folder(tmp_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(workspace, "_launch",
                        lambda command, cwd: calls.append((command, cwd)) or 0)
    assert cli.main(["start", str(tmp_path / "c"), "--", "--port", "9999"]) == 0
    ((command, cwd),) = calls
    assert command[1:] == ["-m", "jupyterlab", "00_start_here.ipynb", "--port", "9999"]
    assert Path(cwd) == (tmp_path / "c").resolve()


def test_lab_arguments_without_a_folder_are_not_taken_for_the_folder(tmp_path, monkeypatch,
                                                                       capsys):
    calls = []
    monkeypatch.setattr(workspace, "_launch",
                        lambda command, cwd: calls.append((command, cwd)) or 0)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["start", "--", "--allow-root", "--no-browser"]) == 0
    ((command, cwd),) = calls
    assert command[-2:] == ["--allow-root", "--no-browser"]
    assert Path(cwd) == (tmp_path / "mlekit-course").resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mlekit-course"]


def test_mlekit_progress_finds_the_course_folder(tmp_path, monkeypatch, capsys):
    start(tmp_path / "mlekit-course", capsys)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["progress"]) == 0
    out = capsys.readouterr().out
    total = graded_cells_in_course()
    assert "04 The phone survey" in out and f"0 of {total}" in out
    monkeypatch.chdir(tmp_path / "mlekit-course")
    assert cli.main(["progress"]) == 0
    assert f"0 of {total}" in capsys.readouterr().out
    assert cli.main(["progress", str(tmp_path / "nowhere")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_mlekit_student_writes_either_student_edition(tmp_path, capsys):
    assert cli.main(["student", str(COURSE), str(tmp_path / "h")]) == 0
    assert cli.main(["student", str(COURSE), str(tmp_path / "s"), "--edition", "self-study"]) == 0
    handout = (tmp_path / "h" / "04_phone_survey.ipynb").read_text()
    study = (tmp_path / "s" / "04_phone_survey.ipynb").read_text()
    assert "mlekit-help" not in handout and "mlekit-help" in study
    assert cli.main(["student", str(COURSE), str(COURSE / "inside")]) == 2
    assert "must not be the source folder" in capsys.readouterr().err
