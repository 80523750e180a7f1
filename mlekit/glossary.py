r"""The course's English / 한국어 vocabulary: one table, read from ``mlekit/data/glossary.csv``.

Every Korean term a lesson, a figure or a hint shows comes from here, so the
course spells each concept one way. An entry has a *key* (``"likelihood"``),
the English term, the Korean **lead** term (the spelling the course uses), its
**aliases** (other Korean spellings a student may meet elsewhere; a lesson may
show them only as "also called …") and an optional symbol.

>>> ko("likelihood")
'우도'
>>> label("cross_entropy")
'cross entropy (교차 엔트로피)'
>>> aliases("cross_entropy")
('크로스 엔트로피',)
>>> key_for("크로스 엔트로피")
'cross_entropy'

A lesson's summary table is one call; it shows as an HTML table in Jupyter and
as aligned text anywhere else:

>>> print(summary_table(["likelihood", "underflow"], symbols={"underflow": "np.prod(...) == 0.0"}))
English    | 한국어                            | symbol
---------- | --------------------------------- | -------------------
likelihood | 우도 (also called 가능도)         | $L(\theta \mid x)$
underflow  | 언더플로 (also called 언더플로우) | np.prod(...) == 0.0

:func:`spelling_problems` finds Korean in a text that the table spells
differently, the check behind ``tests/test_glossary.py``:

>>> [p.found for p in spelling_problems("the loss (크로스엔트로피) and 교차 엔트로피")]
['크로스엔트로피']
"""

from __future__ import annotations

import csv
import difflib
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Mapping

__all__ = [
    "Term", "TermTable", "UnknownTermError", "SpellingProblem",
    "terms", "term", "keys", "ko", "en", "label", "aliases", "symbol", "key_for",
    "summary_table", "spelling_problems", "used_terms",
]

HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: text right before an alias that marks it as "also called …" (the only place an alias may stand)
ALSO_CALLED = re.compile(r"\balso(?:\s+(?:called|written|known\s+as))?\s*[:\"'“‘*_]*\s*$", re.I)


@dataclass(frozen=True)
class Term:
    """One entry of the glossary."""

    key: str
    english: str
    ko: str
    aliases: tuple[str, ...] = ()
    symbol: str = ""

    @property
    def label(self) -> str:
        """``"english (lead)"``, the form lessons write beside a key concept."""
        return f"{self.english} ({self.ko})"

    @property
    def spellings(self) -> tuple[str, ...]:
        """The lead term first, then the aliases."""
        return (self.ko, *self.aliases)


class UnknownTermError(ValueError, KeyError):
    """A key that the glossary does not have (a ValueError and a KeyError)."""

    def __str__(self) -> str:          # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


@lru_cache(maxsize=1)
def _table() -> dict[str, Term]:
    text = resources.files("mlekit").joinpath("data", "glossary.csv").read_text(encoding="utf-8")
    table: dict[str, Term] = {}
    for row in csv.DictReader(text.splitlines()):
        alias_list = tuple(a.strip() for a in row["aliases"].split(";") if a.strip())
        table[row["key"]] = Term(row["key"], row["english"], row["ko"], alias_list, row["symbol"])
    return table


def keys() -> tuple[str, ...]:
    """All keys, in the order of the data file.

    >>> "gradient_descent" in keys()
    True
    """
    return tuple(_table())


def term(key: str) -> Term:
    """The :class:`Term` for *key*; an unknown key raises :class:`UnknownTermError`.

    >>> term("epoch").ko
    '에폭'
    >>> term("likelyhood")
    Traceback (most recent call last):
    ...
    mlekit.glossary.UnknownTermError: key must be a glossary key, got 'likelyhood'. Did you mean 'likelihood'...
    """
    table = _table()
    if not isinstance(key, str):
        raise TypeError(f"key must be a string such as 'likelihood', got {type(key).__name__}")
    if key not in table:
        close = difflib.get_close_matches(key, table, n=3, cutoff=0.6)
        hint = ("Did you mean " + " or ".join(repr(c) for c in close) + "? ") if close else ""
        raise UnknownTermError(
            f"key must be a glossary key, got {key!r}. {hint}(all keys: mlekit.glossary.keys(); "
            "add new terms to mlekit/data/glossary.csv)")
    return table[key]


def ko(key: str) -> str:
    """The Korean lead term: ``ko("likelihood") == "우도"``."""
    return term(key).ko


def en(key: str) -> str:
    """The English term: ``en("kl_divergence") == "Kullback–Leibler divergence"``."""
    return term(key).english


def label(key: str) -> str:
    """English with the Korean lead beside it: ``"likelihood (우도)"``."""
    return term(key).label


def aliases(key: str) -> tuple[str, ...]:
    """Other Korean spellings of the concept, shown only as "also called"."""
    return term(key).aliases


def symbol(key: str) -> str:
    """The usual symbol (LaTeX between ``$``), or ``""``."""
    return term(key).symbol


def key_for(korean: str) -> str:
    """The key whose lead term or alias is *korean* (spaces normalised).

    >>> key_for("가능도")
    'likelihood'
    """
    wanted = " ".join(korean.split())
    for t in _table().values():
        if wanted in t.spellings:
            return t.key
    close = difflib.get_close_matches(wanted, [s for t in _table().values() for s in t.spellings],
                                      n=3, cutoff=0.5)
    hint = ("Close spellings: " + ", ".join(close) + ". ") if close else ""
    raise UnknownTermError(f"korean must be a lead term or alias of the glossary, got {korean!r}. "
                           f"{hint}(add it to mlekit/data/glossary.csv)")


def _width(text: str) -> int:
    """Columns *text* takes in a terminal: Hangul (East Asian wide) counts twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class TermTable:
    """Rows of (English, 한국어, symbol): HTML in Jupyter, Markdown or aligned text elsewhere.

    Build it with :func:`summary_table`; ``str()`` gives aligned text,
    :meth:`to_markdown` a Markdown table, ``_repr_html_`` the HTML table.
    """

    header = ("English", "한국어", "symbol")

    def __init__(self, rows: Iterable[tuple[Term, str]]):
        self.rows = [(t, sym) for t, sym in rows]

    @property
    def keys(self) -> list[str]:
        return [t.key for t, _ in self.rows]

    def _cells(self) -> list[tuple[str, str, str]]:
        out = []
        for t, sym in self.rows:
            korean = t.ko + (f" (also called {', '.join(t.aliases)})" if t.aliases else "")
            out.append((t.english, korean, sym))
        return out

    def to_markdown(self) -> str:
        """A Markdown table (``|`` inside a cell is escaped)."""
        esc = lambda s: s.replace("|", r"\|")
        lines = ["| " + " | ".join(self.header) + " |", "|---|---|---|"]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in self._cells()]
        return "\n".join(lines)

    def __str__(self) -> str:
        rows = [self.header, *self._cells()]
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        pad = lambda c, w: c + " " * (w - _width(c))
        fmt = lambda r: " | ".join(pad(c, w) for c, w in zip(r, widths)).rstrip()
        return "\n".join([fmt(rows[0]), " | ".join("-" * w for w in widths), *map(fmt, rows[1:])])

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        head = "".join(f"<th style=\"text-align:left\">{html.escape(h)}</th>" for h in self.header)
        body = []
        for t, sym in self.rows:
            also = (f' <span style="opacity:0.7">(also called {html.escape(", ".join(t.aliases))})'
                    "</span>") if t.aliases else ""
            body.append(f'<tr><td style="text-align:left">{html.escape(t.english)}</td>'
                        f'<td style="text-align:left" lang="ko">{html.escape(t.ko)}{also}</td>'
                        f'<td style="text-align:left">{html.escape(sym, quote=False)}</td></tr>')
        return (f'<table class="mlekit-glossary"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>")


def terms(keys: Iterable[str]) -> list[Term]:
    """The :class:`Term` of each key, in order; every key is checked."""
    return [term(k) for k in keys]


def summary_table(keys: Iterable[str], symbols: Mapping[str, str] | None = None) -> TermTable:
    """A lesson's English / 한국어 / symbol table.

    Parameters
    ----------
    keys : iterable of str
        Glossary keys, in the order the rows should appear.
    symbols : mapping, optional
        Per-lesson symbols that replace the glossary's default for a key
        (e.g. ``{"likelihood": "$L(p)$"}``); ``""`` leaves the cell empty.

    Examples
    --------
    >>> table = summary_table(["entropy", "softmax"], symbols={"softmax": r"$\\hat y$"})
    >>> print(table.to_markdown())
    | English | 한국어 | symbol |
    |---|---|---|
    | entropy | 엔트로피 | $H(p)$ |
    | softmax | 소프트맥스 | $\\hat y$ |
    """
    symbols = dict(symbols or {})
    if isinstance(keys, str):
        raise TypeError(f"keys must be a list of glossary keys, got the string {keys!r}; "
                        f"write [{keys!r}]")
    chosen = terms(keys)
    extra = set(symbols) - {t.key for t in chosen}
    if extra:
        raise ValueError(f"symbols must only name keys of the table, got {sorted(extra)}; "
                         "add them to keys or drop them from symbols")
    return TermTable((t, symbols.get(t.key, t.symbol)) for t in chosen)


@dataclass(frozen=True)
class SpellingProblem:
    """A Korean word that is not the glossary's spelling."""

    found: str
    start: int
    kind: str                   # "alias" (allowed only after "also called") or "unknown"
    suggestion: str = ""

    def describe(self, text: str) -> str:
        line = text.count("\n", 0, self.start) + 1
        what = ("is an alias: write the lead term, or put it after 'also called'"
                if self.kind == "alias" else "is not a glossary spelling")
        fix = f" (lead term: {self.suggestion})" if self.suggestion else ""
        return f"line {line}: {self.found!r} {what}{fix}"


@lru_cache(maxsize=1)
def _spelling_pattern() -> tuple[re.Pattern, dict[str, tuple[Term, bool]]]:
    owner: dict[str, tuple[Term, bool]] = {}
    for t in _table().values():
        for i, s in enumerate(t.spellings):
            owner[" ".join(s.split())] = (t, i == 0)
    alternatives = sorted(owner, key=len, reverse=True)          # longest spelling wins
    body = "|".join(r"\s+".join(map(re.escape, s.split())) for s in alternatives)
    return re.compile(rf"(?<![\uac00-\ud7a3])(?:{body})(?![\uac00-\ud7a3])"), owner


def used_terms(text: str) -> list[str]:
    """Keys of the glossary terms *text* writes (lead or alias), in order of first use.

    >>> used_terms("the likelihood (우도) and its log, 로그 우도 (also called 로그 가능도)")
    ['likelihood', 'log_likelihood']
    """
    pattern, owner = _spelling_pattern()
    found = [owner[" ".join(m.group().split())][0].key for m in pattern.finditer(text)]
    return list(dict.fromkeys(found))


def spelling_problems(text: str, allowed: Iterable[str] = ("한국어",)) -> list[SpellingProblem]:
    """Korean in *text* that is not a lead term, or an alias outside "also called".

    Every glossary spelling is matched (longest first, whole Hangul words only);
    an alias is accepted when the text just before it says "also" / "also
    called". Any Hangul left over is reported as unknown, with the closest
    glossary spellings as a suggestion. *allowed* lists words that are not
    terms (by default the column header 한국어).

    >>> [(p.found, p.kind) for p in spelling_problems("우도 (also called 가능도), 가능도, 우도값")]
    [('가능도', 'alias'), ('우도값', 'unknown')]
    """
    pattern, owner = _spelling_pattern()
    problems, covered = [], []
    for m in pattern.finditer(text):
        covered.append((m.start(), m.end()))
        t, is_lead = owner[" ".join(m.group().split())]
        if not is_lead and not ALSO_CALLED.search(text[max(0, m.start() - 40):m.start()]):
            problems.append(SpellingProblem(m.group(), m.start(), "alias", t.ko))
    masked = list(text)
    for a, b in covered:
        masked[a:b] = " " * (b - a)
    rest = "".join(masked)
    every = list(owner)
    for m in re.finditer(r"[\uac00-\ud7a3]+(?:[ \-][\uac00-\ud7a3]+)*", rest):
        if m.group() in allowed:
            continue
        close = difflib.get_close_matches(m.group(), every, n=1, cutoff=0.4)
        lead = owner[close[0]][0].ko if close else ""
        problems.append(SpellingProblem(m.group(), m.start(), "unknown", lead))
    return sorted(problems, key=lambda p: p.start)
