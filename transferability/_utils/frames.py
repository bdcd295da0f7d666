"""Tables written to CSV or parquet: lists flattened, and no text a spreadsheet would take for a formula."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import InputError, Problem

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# what Excel in French opens as is (« ; », decimal comma, UTF-8 announced by a BOM), and the plain CSV
CSV_FORMATS = {
    "excel": {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"},
    "standard": {"sep": ",", "decimal": ".", "encoding": "utf-8"},
}


def join_items(values) -> str:
    """A list cell as « a | b »; a dict item (a holder) by its non-empty values.

    Examples
    --------
    >>> join_items(["a", {"id": "1", "nom": ""}])
    'a | 1'
    """
    return " | ".join(
        " ".join(str(x) for x in v.values() if x) if isinstance(v, dict) else str(v) for v in values
    )


def flat_lists(table: pd.DataFrame) -> pd.DataFrame:
    """A table ready for a CSV file: lists written as « a | b », and texts that a spreadsheet would take
    for a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) prefixed with an apostrophe.

    Examples
    --------
    >>> flat_lists(pd.DataFrame({"objet": ["=1+1", "Tonte"], "alertes": [["a", "b"], []]})).values.tolist()
    [["'=1+1", 'a | b'], ['Tonte', '']]
    """
    table = table.copy()
    for col in table.columns:
        values = table[col]
        if isinstance(values.dtype, pd.StringDtype):
            risky = values.str.startswith(FORMULA_TRIGGERS).fillna(False).to_numpy(bool)
            table[col] = values.where(~risky, "'" + values) if risky.any() else values
        elif values.dtype == object:
            # one pass, the usual cell (a plain text or a scalar) left as it is without a call
            table[col] = [
                _csv_cell(v)
                if isinstance(v, list) or (isinstance(v, str) and v.startswith(FORMULA_TRIGGERS))
                else v
                for v in values.to_numpy()
            ]
    return table


def _csv_cell(value):
    if isinstance(value, list):
        value = join_items(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def check_csv_format(format: str, parameter: str = "format") -> None:
    """Raise :class:`InputError` unless ``format`` is one of :data:`CSV_FORMATS` (``parameter``: its name)."""
    if format not in CSV_FORMATS:
        raise InputError(
            Problem(
                "format de CSV inconnu",
                f"paramètre {parameter}",
                f"« {format} »",
                "choisir excel ou standard",
            )
        )


def csv_rows(flat: pd.DataFrame, format: str, *, header: bool) -> bytes:
    """The rows of a table already through :func:`flat_lists` as CSV bytes in ``format`` (see
    :data:`CSV_FORMATS`), with or without its header line; the byte-order mark of the excel format only
    with the header, so that parts written one after the other make one file.

    Examples
    --------
    >>> csv_rows(pd.DataFrame({"a": [1.5], "b": ["x"]}), "excel", header=True)
    b'\\xef\\xbb\\xbfa;b\\n1,5;x\\n'
    """
    options = {k: v for k, v in CSV_FORMATS[format].items() if k != "encoding"}
    text = flat.to_csv(None, index=False, header=header, **options)
    bom = "\ufeff" if header and CSV_FORMATS[format]["encoding"] == "utf-8-sig" else ""
    return (bom + text).encode("utf-8")


def distinct_rows(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's number among the distinct rows of ``frame``, numbered in order of first appearance (a
    missing value, None or NaN, is a value like any other), and the position of each distinct row's first
    appearance.

    Examples
    --------
    >>> codes, first = distinct_rows(pd.DataFrame({"a": ["x", "y", "x", None], "b": [1, 2, 1, float("nan")]}))
    >>> codes.tolist(), first.tolist()
    ([0, 1, 0, 2], [0, 1, 3])
    """
    key = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
        key = key * (len(uniques) + 1) + (codes + 1)
        key, _ = pd.factorize(key)  # renumbered after each column: the key stays small
    return key, np.unique(key, return_index=True)[1]  # factorize numbers in order of first appearance
