"""Totals over a list of parts, as read-only properties (grades and progress tables).

>>> from dataclasses import dataclass, field
>>> @dataclass
... class Item:
...     score: float
>>> @dataclass
... class Sheet:
...     items: list = field(default_factory=list)
...     score = sum_of("items", "score", "Points earned over all items.")
>>> Sheet([Item(1.0), Item(0.5)]).score
1.5
"""

from __future__ import annotations

__all__ = ["sum_of"]


def sum_of(parts: str, attribute: str, doc: str = "", *, where=None) -> property:
    """A property: the sum of *attribute* over ``self.<parts>``, keeping only the parts for
    which ``where(part)`` is true when *where* is given."""
    def get(self):
        return sum(getattr(p, attribute) for p in getattr(self, parts)
                   if where is None or where(p))
    return property(get, doc=doc)
