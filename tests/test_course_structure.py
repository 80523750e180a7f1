"""Every lesson keeps the course's shape (see the developers' guide):

opens with what the student will be able to do; shows figures with a
"What to notice" caption; verifies its claims in visible cells; gives an
explorer to play with and questions about it; ends with a summary table of
English / Korean terms. And every explorer in mlekit.widgets appears in at
least one lesson, so nbval runs it.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from mlekit import glossary, widgets

COURSE = Path(__file__).resolve().parent.parent / "course"
LESSONS = sorted(COURSE.glob("[0-9][0-9]_*.ipynb"))
HANGUL = glossary.HANGUL


def cells(path):
    return nbformat.read(path, as_version=4).cells


def test_lessons_are_numbered_without_gaps_or_duplicates():
    numbers = [int(p.name[:2]) for p in LESSONS]
    assert numbers == list(range(len(numbers))), numbers


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_opens_with_a_title_and_what_the_student_will_be_able_to_do(path):
    first = cells(path)[0]
    assert first.cell_type == "markdown"
    number = path.name[:2]
    assert first.source.startswith(f"# {number} ·"), "title: '# NN · Topic'"
    assert "you will be able to" in first.source


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_ends_with_a_summary_table_of_korean_terms(path):
    """The summary's English / 한국어 table comes from mlekit.glossary (one vocabulary)."""
    nb = cells(path)
    start = next(i for i, c in enumerate(nb) if c.cell_type == "markdown"
                 and "## Summary" in c.source)
    tables = [c for c in nb[start:] if c.cell_type == "code"
              and "glossary.summary_table(" in c.source]
    assert tables, "the summary shows its terms with glossary.summary_table(...)"
    shown = "".join(o.get("data", {}).get("text/plain", "") if isinstance(
        o.get("data", {}).get("text/plain", ""), str) else "".join(o["data"]["text/plain"])
        for o in tables[0].get("outputs", []))
    rows = [line for line in shown.splitlines() if HANGUL.search(line)]
    assert len(rows) >= 3, "the summary table names at least three terms"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_static_figure_has_a_caption_saying_what_to_notice(path):
    nb = cells(path)
    missing = []
    for i, cell in enumerate(nb):
        if cell.cell_type != "code":
            continue
        figures = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})
                   and "application/vnd.jupyter.widget-view+json" not in o.get("data", {})]
        if not figures:
            continue
        following = next((c for c in nb[i + 1:] if c.cell_type == "markdown"), None)
        if following is None or "What to notice" not in following.source:
            missing.append(i)
    assert not missing, f"figure cells without a 'What to notice' caption next: {missing}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_gives_an_explorer_and_questions_about_it(path):
    nb = cells(path)
    assert any("mk.widgets." in c.source for c in nb if c.cell_type == "code")
    text = "\n".join(c.source for c in nb if c.cell_type == "markdown")
    assert "Try this" in text


@pytest.mark.parametrize("path", [p for p in LESSONS if p.name[:2] != "00"],
                         ids=lambda p: p.name)
def test_lesson_verifies_its_claims_in_visible_cells(path):
    code = [c.source for c in cells(path) if c.cell_type == "code"
            and not c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    asserts = sum(len(re.findall(r"^\s*assert\b", src, flags=re.M)) for src in code)
    assert asserts >= 3, f"only {asserts} visible assert statements"


@pytest.mark.parametrize("name", sorted(widgets._EXPLORERS))
def test_every_explorer_appears_in_a_lesson(name):
    used = [p.name for p in LESSONS
            if any(f"mk.widgets.{name}(" in c.source for c in cells(p) if c.cell_type == "code")]
    assert used, f"{name} is not shown in any course notebook"


#: issue 15: a saved lesson stays small enough to open quickly on Binder and to review in git
MAX_NOTEBOOK_BYTES = 1_500_000


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_saved_lesson_is_at_most_1_5_mb(path):
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        outputs = []
        for index, cell in enumerate(cells(path)):
            for output in cell.get("outputs", []):
                for mime, data in output.get("data", {}).items():
                    outputs.append((len(str(data)), index, mime))
        biggest = ", ".join(f"cell {i} {mime} {n / 1e3:.0f} KB"
                            for n, i, mime in sorted(outputs, reverse=True)[:3])
        pytest.fail(f"{path.name} is {size / 1e6:.2f} MB (at most {MAX_NOTEBOOK_BYTES / 1e6} MB); "
                    f"largest outputs: {biggest}. Show fewer or smaller figures, then re-execute "
                    "with `mlekit execute`.")
