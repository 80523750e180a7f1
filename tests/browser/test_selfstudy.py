"""The self-study edition as a student uses it, in JupyterLab in a real Chromium.

``mlekit start`` prepares ``mlekit-course/`` in the server's root. In lesson 04
the test runs the lesson up to exercise 1, then, typing with the keyboard:

1. a wrong answer (the gradient with its sign flipped), Shift+Enter twice:
   the check's output shows the failure mark and a hint, and the mark is
   drawn with a real glyph (not an empty box);
2. a right answer: the green success box with its drawn check mark;
3. a click on "Hint 1", then on "Solution" in the help cell under the check:
   each opens and its text becomes visible (nothing was visible before);
   a double click does not open the help cell's source;
4. ``mlekit progress`` on the folder then shows 1 of 3 for lesson 04.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from mlekit.exercises._core import FAIL_MARK, PASS_MARK

STUDY = "mlekit-course"
LESSON = f"{STUDY}/04_phone_survey.ipynb"
RUN_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def study_folder(lab):
    from mlekit.teaching.workspace import start

    folder = lab.server.root / STUDY
    start(folder, lab=False, log=lambda *a: None)
    return folder


def wait_until(lab, path, index, test, what, timeout_s=RUN_TIMEOUT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = lab.call("cellState", path, index)
        if test(state):
            return state
        time.sleep(0.1)
    pytest.fail(f"{path} cell {index}: {what} within {timeout_s} s (state {state})",
                pytrace=False)


def answer(lab, cell, lines):
    """Replace the cell's code by typing *lines*, then run it and the check below it."""
    page = lab.page
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    for number, line in enumerate(lines):
        if number:
            page.keyboard.press("Enter")          # the editor indents after the ':' itself
        page.keyboard.type(line)
    page.keyboard.press("Shift+Enter")            # run the answer; the check is selected
    page.keyboard.press("Shift+Enter")            # run the check


def test_a_student_answers_asks_for_help_and_sees_progress(lab, study_folder, browser_report):
    path = LESSON
    lab.call("open", path)
    try:
        lab.call("tagCells", path)
        page = lab.page
        solution = page.locator('[data-grade-id="ex04-1-gradient"]')
        check = page.locator('[data-grade-id="ex04-1-gradient-check"]')
        index = int(solution.get_attribute("data-mlekit-cell"))
        check_index = index + 1
        help_cell = page.locator(f'[data-mlekit-cell="{check_index + 1}"]')
        lab.call("runAbove", path, index)
        assert lab.wait_for("ranAbove", path, index, timeout_s=RUN_TIMEOUT_S), \
            "the lesson above exercise 1 did not finish running"

        # 1. a wrong answer: the failure mark and the hint
        answer(lab, solution, ["def nll_gradient(p):", "return 7 / p - 3 / (1 - p)"])
        first = wait_until(lab, path, check_index,
                           lambda s: s["count"] is not None and not s["running"] and s["idle"],
                           "the check did not run")
        stderr = check.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        stderr.wait_for(state="visible", timeout=30_000)
        text = stderr.inner_text()
        assert text.startswith(FAIL_MARK) and "wrong sign" in text, text
        glyphs = lab.call("glyphRenders", f'[data-mlekit-cell="{check_index}"] '
                          '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
                          FAIL_MARK)
        assert all(g["drawn"] and not g["tofu"] for g in glyphs), glyphs

        # 2. a right answer: the success mark
        answer(lab, solution, ["def nll_gradient(p):", "return -7 / p + 3 / (1 - p)"])
        wait_until(lab, path, check_index,
                   lambda s: s["count"] not in (None, first["count"]) and not s["running"]
                   and s["idle"], "the check did not run again")
        success = check.locator(".mlekit-check-pass")
        success.wait_for(state="visible", timeout=30_000)
        assert success.locator("svg").count() == 1           # the mark is drawn, not a glyph
        assert success.inner_text().startswith("Correct")
        assert stderr.count() == 0

        # 3. the help: closed until asked for, then the hint, then the solution
        hint_text = help_cell.locator("details.mlekit-hint").first.locator("p").first
        code = help_cell.locator("details.mlekit-solution pre")
        help_cell.scroll_into_view_if_needed()
        assert help_cell.locator("summary").count() == 3      # Hint 1, Hint 2, Solution
        assert not hint_text.is_visible() and not code.is_visible()
        help_cell.locator("summary", has_text="Hint 1").click()
        hint_text.wait_for(state="visible", timeout=10_000)
        assert "sum of two terms" in hint_text.inner_text()
        assert not code.is_visible(), "opening a hint must not show the solution"
        help_cell.locator("summary", has_text="Solution").click()
        code.wait_for(state="visible", timeout=10_000)
        assert "return -7 / p + 3 / (1 - p)" in code.inner_text()
        help_cell.locator(".jp-RenderedMarkdown").dblclick()
        assert lab.call("cellState", path, check_index + 1)["rendered"] is True, \
            "a double click opened the help cell's source"
        shot = browser_report.artifact("selfstudy_lesson04_help.png")
        help_cell.screenshot(path=str(shot))
        check.screenshot(path=str(browser_report.artifact("selfstudy_lesson04_check.png")))
    finally:
        lab.close(path)

    # 4. the progress the two checks recorded
    run = subprocess.run([sys.executable, "-m", "mlekit.cli", "progress", str(study_folder)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    row = next(line for line in run.stdout.splitlines() if line.startswith("04 "))
    assert "1 of 3" in row and "2 / 5" in row and row.count(PASS_MARK) == 1, run.stdout
    browser_report.artifact("selfstudy_progress.txt").write_text(run.stdout, encoding="utf-8")
    print("\nmlekit progress after the browser test:\n" + run.stdout)
