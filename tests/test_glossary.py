"""One Korean vocabulary: mlekit/data/glossary.csv, read by mlekit.glossary.

1. Every Korean word in the course (every cell of course/*.ipynb, Markdown and
   code) and in the package's Korean strings (mlekit/**/*.py) is a glossary
   lead term, or one of its aliases placed after "also called". Anything else,
   a misspelling, a second spelling or an unknown term, fails, with the line
   and the lead term to use. Planted mistakes prove the check can fail.
2. Every lesson's summary table is a code cell calling
   ``glossary.summary_table`` with keys that exist.
3. The API: lookups, clear errors for unknown keys, HTML / Markdown / text output.
"""

from __future__ import annotations

import ast
import csv
from importlib import resources
from pathlib import Path

import nbformat
import pytest

from mlekit import glossary

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb"))
PACKAGE_FILES = sorted(p for p in (ROOT / "mlekit").rglob("*.py") if p.name != "glossary.py")

#: files outside the course whose Korean the glossary spells differently (none left; an entry
#: here makes its file's test a strict xfail, so a fix is noticed)
KNOWN_MISMATCHES: dict[str, str] = {}


def problems_in(text):
    return [p.describe(text) for p in glossary.spelling_problems(text)]


# --------------------------------------------------------------- 1. one spelling per concept

@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_korean_word_in_a_lesson_is_a_glossary_spelling(path):
    found = []
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        found += [f"cell {i} ({cell.cell_type}), {msg}" for msg in problems_in(cell.source)]
    assert not found, "\n".join(found)


def _package_params():
    for path in PACKAGE_FILES:
        rel = path.relative_to(ROOT).as_posix()
        marks = ([pytest.mark.xfail(strict=True, reason=KNOWN_MISMATCHES[rel])]
                 if rel in KNOWN_MISMATCHES else [])
        yield pytest.param(path, id=rel, marks=marks)


@pytest.mark.parametrize("path", list(_package_params()))
def test_every_korean_word_in_the_package_is_a_glossary_spelling(path):
    """Docstrings, hints and figure titles (exercises, plotting, widgets, math modules)."""
    text = path.read_text(encoding="utf-8")
    found = problems_in(text)
    assert not found, f"{path.relative_to(ROOT)}:\n" + "\n".join(found)


def test_the_scan_covers_the_korean_figure_titles_and_hints():
    scanned = {p.relative_to(ROOT).as_posix() for p in PACKAGE_FILES}
    assert "mlekit/plotting/likelihood.py" in scanned
    assert any(s.startswith("mlekit/exercises/lesson") for s in scanned)
    assert any(s.startswith("mlekit/widgets/") for s in scanned)


@pytest.mark.parametrize("planted, kind", [
    ("the loss (크로스엔트로피)", "unknown"),            # misspelt: no space
    ("the loss (크로스 엔트로피)", "alias"),             # the other spelling, not marked
    ("the estimate (최대우도추정값)", "unknown"),         # method and estimate run together
    ("the likelihood (가능도)", "alias"),
    ("(이진 크로스 엔트로피)", "alias"),
    ("a new word (우도함수)", "unknown"),
])
def test_a_planted_wrong_spelling_in_a_lesson_fails(planted, kind):
    nb = nbformat.read(LESSONS[3], as_version=4)
    nb.cells[0].source += f"\n\nPlanted: {planted}."
    problems = [p for c in nb.cells for p in glossary.spelling_problems(c.source)]
    assert [p.kind for p in problems] == [kind], problems


@pytest.mark.parametrize("text", [
    "cross entropy (교차 엔트로피, also called 크로스 엔트로피)",
    "(교차 엔트로피, also 크로스 엔트로피)",
    "parameter (파라미터, also called\n모수)",
    "i.i.d. sample (독립 동일\n분포)",                   # a line break inside a term
    "| symbol | meaning | 한국어 |",
])
def test_leads_and_marked_aliases_pass(text):
    assert glossary.spelling_problems(text) == []


def test_the_check_finds_the_spellings_this_course_replaced():
    """The scanner would have caught the old spellings fixed in the package (issue 12)."""
    for old in ("binary cross entropy (이진 크로스 엔트로피)",
                "(확률적 / 미니배치 / 배치 경사 하강법)"):
        assert glossary.spelling_problems(old), old


# --------------------------------------------------------------- 2. summary tables

def summary_cells(path):
    cells = nbformat.read(path, as_version=4).cells
    start = next(i for i, c in enumerate(cells)
                 if c.cell_type == "markdown" and c.source.lstrip().startswith("## Summary"))
    return cells[start], cells[start + 1:]


def summary_call(source):
    """The keys and symbols of the ``glossary.summary_table(...)`` call in *source*."""
    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Attribute) and n.func.attr == "summary_table"
             and isinstance(n.func.value, ast.Name) and n.func.value.id == "glossary"]
    assert len(calls) == 1, "one glossary.summary_table(...) call"
    keys = ast.literal_eval(calls[0].args[0])
    symbols = {kw.arg: ast.literal_eval(kw.value) for kw in calls[0].keywords}.get("symbols", {})
    return keys, symbols


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_the_summary_table_comes_from_the_glossary(path):
    summary, after = summary_cells(path)
    assert "| English |" not in summary.source and "|---|" not in summary.source, \
        "the term table is a glossary.summary_table(...) cell, not hand-written Markdown"
    table_cell = after[0]
    assert table_cell.cell_type == "code", "the cell after '## Summary' prose draws the table"
    assert "from mlekit import glossary" in table_cell.source
    keys, symbols = summary_call(table_cell.source)
    unknown = [k for k in keys if k not in glossary.keys()]
    assert not unknown, f"unknown glossary keys: {unknown}"
    assert len(keys) >= 3 and len(set(keys)) == len(keys)
    table = glossary.summary_table(keys, symbols)          # runs the call's arguments
    assert table.keys == keys
    for cell in after[1:]:
        assert not (cell.cell_type == "markdown" and "| English |" in cell.source)


#: terms a lesson names in passing without teaching them (kept out of its summary table)
IN_PASSING = {
    "00": "all",        # the course map and the notation table name every lesson's terms
    "09": {"first_derivative", "second_derivative", "quasi_newton", "conjugate_gradient",
           "levenberg_marquardt", "newton_method", "interior_point"},   # the optimiser table
}


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_the_summary_table_lists_every_term_the_lesson_writes_in_korean(path):
    cells = nbformat.read(path, as_version=4).cells
    summary, after = summary_cells(path)
    keys, _ = summary_call(after[0].source)
    used = glossary.used_terms("\n".join(c.source for c in cells[:cells.index(summary)]))
    assert len(used) >= 3
    exempt = IN_PASSING.get(path.name[:2], set())
    if exempt == "all":
        return
    missing = [k for k in used if k not in keys and k not in exempt]
    assert not missing, f"the lesson writes these terms in Korean but its summary omits them: {missing}"


# --------------------------------------------------------------- 3. the data and the API

def test_the_data_file_is_utf8_csv_with_unique_keys_and_spellings():
    text = resources.files("mlekit").joinpath("data", "glossary.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows and list(rows[0]) == ["key", "english", "ko", "aliases", "symbol"]
    assert all(None not in r for r in rows), "a row has more fields than the header (quote commas)"
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys))
    spellings = [s for t in glossary.terms(keys) for s in t.spellings]
    assert len(spellings) == len(set(spellings)), "a Korean spelling belongs to two entries"
    assert all(glossary.HANGUL.search(t.ko) for t in glossary.terms(keys))


@pytest.mark.parametrize("key, lead", [
    ("cross_entropy", "교차 엔트로피"), ("binary_cross_entropy", "이진 교차 엔트로피"),
    ("estimate", "추정값"), ("estimator", "추정량"),
    ("maximum_likelihood_estimation", "최대우도추정"),
    ("outlier", "이상치"), ("residual", "잔차"), ("median", "중앙값"), ("gradient", "기울기"),
    ("epoch", "에폭"), ("hyperparameter", "하이퍼파라미터"), ("hessian", "헤세 행렬"),
    ("empirical_distribution", "경험적 분포"), ("sigmoid", "시그모이드"),
    ("tanh", "하이퍼볼릭 탄젠트"), ("leaky_relu", "리키 ReLU"), ("manhattan_distance", "맨해튼 거리"),
    ("euclidean_distance", "유클리드 거리"), ("minkowski_distance", "민코프스키 거리"),
    # the Korean strings in mlekit/plotting
    ("likelihood", "우도"), ("log_likelihood", "로그 우도"), ("negative_log_likelihood", "음의 로그 우도"),
    ("computation_graph", "계산 그래프"),
])
def test_lead_terms(key, lead):
    assert glossary.ko(key) == lead
    assert glossary.key_for(lead) == key


def test_lookups():
    assert glossary.ko("likelihood") == "우도"
    assert glossary.label("likelihood") == "likelihood (우도)"
    assert glossary.en("kl_divergence") == "Kullback–Leibler divergence"
    assert "크로스 엔트로피" in glossary.aliases("cross_entropy")
    assert glossary.key_for("그레이디언트") == "gradient"
    assert glossary.key_for("교차  엔트로피") == "cross_entropy"     # spaces normalised
    assert glossary.symbol("cross_entropy") == "$H(p, q)$"


def test_an_unknown_key_says_what_was_expected_what_came_and_how_to_fix_it():
    with pytest.raises(glossary.UnknownTermError) as info:
        glossary.ko("crossentropy")
    message = str(info.value)
    assert "key must be a glossary key, got 'crossentropy'" in message
    assert "Did you mean 'cross_entropy'" in message and "glossary.csv" in message
    assert isinstance(info.value, ValueError) and isinstance(info.value, KeyError)
    with pytest.raises(glossary.UnknownTermError, match="got 'zzz'. \\(all keys"):
        glossary.term("zzz")                                        # nothing close: no guess
    with pytest.raises(glossary.UnknownTermError, match="key must be"):
        glossary.summary_table(["likelihood", "likelyhood"])
    with pytest.raises(glossary.UnknownTermError, match="korean must be a lead term or alias"):
        glossary.key_for("크로스엔트로피")
    with pytest.raises(TypeError, match="keys must be a list"):
        glossary.summary_table("likelihood")
    with pytest.raises(TypeError, match="key must be a string"):
        glossary.term(3)
    with pytest.raises(ValueError, match="symbols must only name keys of the table"):
        glossary.summary_table(["likelihood"], symbols={"entropy": "$H$"})


def test_the_table_is_html_in_jupyter_and_aligned_text_or_markdown_elsewhere():
    table = glossary.summary_table(["likelihood", "cross_entropy", "underflow"],
                                   symbols={"underflow": "np.prod(p) < 1 & x"})
    page = table._repr_html_()
    assert page.startswith('<table class="mlekit-glossary">') and page.endswith("</table>")
    assert page.count("<tr>") == 4                                   # header + 3 rows
    assert "<td style=\"text-align:left\" lang=\"ko\">교차 엔트로피" in page
    assert "also called 크로스 엔트로피" in page
    assert "np.prod(p) &lt; 1 &amp; x" in page                      # escaped

    text = str(table)
    lines = text.splitlines()
    assert lines[0].startswith("English ") and "| 한국어" in lines[0] and lines[0].endswith("symbol")
    bars = {glossary._width(line[:line.index(" | ")]) for line in lines if " | " in line}
    assert len(bars) == 1, "the first column is padded to one width (Hangul counts double)"
    second = {glossary._width(line[:line.index(" | ", line.index(" | ") + 1)])
              for line in lines if line.count(" | ") == 2}
    assert len(second) == 1, "the second column too"
    assert repr(table) == text

    md = table._repr_markdown_()
    assert md.splitlines()[:2] == ["| English | 한국어 | symbol |", "|---|---|---|"]
    assert "| cross entropy | 교차 엔트로피 (also called 크로스 엔트로피) | $H(p, q)$ |" in md


def test_an_empty_symbol_override_leaves_the_cell_empty():
    table = glossary.summary_table(["likelihood"], symbols={"likelihood": ""})
    assert table.to_markdown().splitlines()[-1] == "| likelihood | 우도 (also called 가능도) |  |"


def test_explorer_titles_take_their_korean_from_the_glossary():
    from mlekit.plotting import likelihood

    for panel, key in (("likelihood", "likelihood"), ("log_likelihood", "log_likelihood"),
                       ("nll", "negative_log_likelihood"), ("nll_grad", "gradient")):
        assert glossary.ko(key) in likelihood._TITLES[panel]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_code_writes_no_korean_of_its_own(path):
    """Figure titles and labels in a lesson's code take their Korean from glossary.ko(...)."""
    found = [(i, line.strip()) for i, cell in enumerate(nbformat.read(path, as_version=4).cells)
             if cell.cell_type == "code"
             for line in cell.source.splitlines() if glossary.HANGUL.search(line)]
    assert not found, found
