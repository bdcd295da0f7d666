"""What counts as a blank cell, and how a cell is quoted in a warning."""

from __future__ import annotations

import math

from .._utils import clean_text, fold

_MISSING = set(  # folded texts that mean "not given"
    "|nc|n c|nd|n d|na|sans objet|non communique|non disponible|neant|null|none|nan|-|?|inconnu|x".split("|")  # noqa: SIM905
)


def as_float(value: int | float) -> float:
    """A number as a float; integers too large for a float become ±inf instead of raising."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def short(value: object, n: int = 80) -> str:
    """A cell as shown in a warning: clean text, cut after ``n`` characters."""
    text = clean_text(value)
    return text if len(text) <= n else text[: n - 1] + "…"


def is_missing(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        try:
            return bool(value != value)  # NaN, NaT
        except (TypeError, ValueError):
            return False
    # a text of punctuation alone ("-", "?", "—") is missing; a text in another script ("٣٣") is a value
    folded = fold(value)
    return not any(c.isalnum() for c in value) or (folded != "" and folded in _MISSING)
