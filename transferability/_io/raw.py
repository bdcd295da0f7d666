"""What every table reader returns (``RawTable``), and how it finds the header row (``HeaderRule``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._errors import InputError
from .._utils import clean_text
from .decoding import HEADER_SEARCH_ROWS


@dataclass(frozen=True)
class HeaderRule:
    """How a reader finds the header row among the first rows of a table.

    ``score`` rates a row's cleaned cells (the contracts' and the directories' header vocabularies);
    the best row of the first ``HEADER_SEARCH_ROWS`` is the header when it scores at least ``min_score``.
    When no row does, ``missing(where, rows, fix)`` gives the error to raise; without ``missing``, the
    first row is taken as the header (a directory whose columns are checked afterwards).
    """

    score: Callable[[list[str]], float]
    min_score: float = 1
    missing: Callable[[str, list[list[object]], str], InputError] | None = None

    def find(self, rows: list[list[object]]) -> int | None:
        """Index of the header row among ``rows``, or None."""
        scores = [self.score([clean_text(c) for c in r]) for r in rows[:HEADER_SEARCH_ROWS]]
        if not scores or max(scores) < self.min_score:
            return None
        return scores.index(max(scores))

    def find_or_fail(self, rows: list[list[object]], where: str, fix: str = "") -> int:
        header = self.find(rows)
        if header is not None:
            return header
        if self.missing is None:
            return 0
        raise self.missing(where, rows, fix)


@dataclass
class RawTable:
    """Rows read from one file, before normalisation."""

    frame: pd.DataFrame
    lines: list = field(default_factory=list)
    format: str = ""
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    set_aside: Counter = field(default_factory=Counter)
    canonical: bool = False  # columns are canonical fields already (JSON, XML)
    header_line: int | None = 0  # None: records without a header row (FINESS extraction)
    alerts: dict[int, list[str]] = field(default_factory=dict)  # source line → warnings of its row
    # the row above the header, labels carried right over their span ("Montant" over "HT" and "TTC"): a
    # header on two rows, or a title; the readers use it only for headers they cannot name alone
    groups: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> RawTable:
        """A DataFrame read like a file whose header row holds its column names (line 1; rows from line 2).

        Examples
        --------
        >>> raw = RawTable.from_frame(pd.DataFrame({"objet": ["Nettoyage", None]}))
        >>> raw.lines, raw.frame["objet"].tolist()
        ([2, 3], ['Nettoyage', None])
        """
        cells = frame.astype(object).where(frame.notna(), None).reset_index(drop=True)
        cells.columns = [str(c) for c in cells.columns]
        return cls(cells, list(range(2, len(cells) + 2)), "DataFrame", header_line=1)


def group_labels(above: list, columns: list[str]) -> dict[str, str]:
    """Column → the label of the row above the header that spans it (carried right until the next one).

    Examples
    --------
    >>> group_labels(["", "Montant", "", "Dates"], ["Objet", "HT", "TTC", "Notification"])
    {'HT': 'Montant', 'TTC': 'Montant', 'Notification': 'Dates'}
    """
    out, current = {}, ""
    for i, column in enumerate(columns):
        label = clean_text(above[i]) if i < len(above) else ""
        current = label or current
        if current:
            out[column] = current
    return out if sum(bool(clean_text(a)) for a in above) >= 2 else {}


def drop_empty_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns with neither a header nor any value (a table that starts at column C) are dropped."""
    unnamed = [c for c in frame.columns if str(c).startswith("colonne_")]
    empty = [
        c
        for c in unnamed
        if not frame[c].map(lambda v: v is not None and v == v and str(v).strip() != "").any()
    ]
    return frame.drop(columns=empty) if empty else frame


def drop_repeated_headers(frame: pd.DataFrame, lines: list, header: list, aside: Counter):
    """Rows that repeat the header (exports pasted one after the other) are set aside."""
    named = [(c, clean_text(h)) for c, h in zip(frame.columns, header, strict=False) if clean_text(h)][:3]
    if len(frame) == 0 or len(named) < 2:
        return frame, lines
    same = np.ones(len(frame), dtype=bool)
    for column, text in named:
        same &= frame[column].astype(str).str.strip().to_numpy() == text
    if not same.any():
        return frame, lines
    aside["en-tête répété"] += int(same.sum())
    keep = ~same
    return frame[keep].reset_index(drop=True), [ln for ln, k in zip(lines, keep, strict=True) if k]


def unique_names(columns: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for c in columns:
        seen[c] += 1
        out.append(c if seen[c] == 1 else f"{c}_{seen[c]}")
    return out


def unwrap_excel_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells written the way Excel keeps leading zeros in a CSV (``="03221000"``) read as their text."""
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object:
            text = values.astype(str)
            wrapped = text.str.startswith('="') & text.str.endswith('"')
            if wrapped.any():
                frame.loc[wrapped, column] = text[wrapped].str.slice(2, -1)
    return frame
