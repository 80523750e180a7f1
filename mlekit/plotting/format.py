"""Number formatting shared by every view's and explorer's readout."""

from __future__ import annotations

import numpy as np

__all__ = ["fmt_number", "fmt_vector", "fmt_pairs"]


def fmt_number(v, digits: int = 4) -> str:
    """A compact number: *digits* decimals, scientific when tiny or huge, ``±inf`` spelt out.

    >>> fmt_number(6.931471805599453), fmt_number(2.2e-12), fmt_number(float("inf"))
    ('6.9315', '2.200e-12', '+inf')
    >>> fmt_number(0.65, 3), fmt_number(2.048e-06, 3)
    ('0.650', '2.05e-06')
    """
    v = float(v)
    if not np.isfinite(v):
        return "+inf" if v > 0 else ("-inf" if v < 0 else "nan")
    if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e5):
        return f"{v:.{digits - 1}e}"
    return f"{v + 0.0:.{digits}f}"


def fmt_vector(values, digits: int = 3) -> str:
    """``[0.200, 0.100, ...]`` with :func:`fmt_number` for each entry.

    >>> fmt_vector([0.2, 0.1, 0.65, 0.05])
    '[0.200, 0.100, 0.650, 0.050]'
    """
    return "[" + ", ".join(fmt_number(v, digits) for v in values) + "]"


def fmt_pairs(pairs, digits: int = 4) -> str:
    """One readout line ``name = value   name = value`` with :func:`fmt_number` for numbers.

    >>> fmt_pairs([("p", "0.500"), ("NLL", 6.931471805599453)])
    'p = 0.500   NLL = 6.9315'
    """
    return "   ".join(f"{name} = {value if isinstance(value, str) else fmt_number(value, digits)}"
                      for name, value in pairs)
