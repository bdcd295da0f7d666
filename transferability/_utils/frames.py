"""Tables written to CSV or parquet: lists flattened, and no text a spreadsheet would take for a formula."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._errors import InputError, Problem
from .csvwriter import csv_bytes

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
            table[col] = _flat_cells(values.to_numpy())  # texts become a string column, as a list would
    return table


def _flat_cells(cells: np.ndarray) -> np.ndarray:
    """The cells of an object column written for a spreadsheet (see :func:`flat_lists`). A column of texts,
    or of lists of texts, is joined and scanned by arrow, only its risky cells rewritten; any other column
    (holders, mixed cells) cell by cell."""
    kind = pd.api.types.infer_dtype(cells, skipna=True)
    if kind == "empty":  # missing cells only
        return cells
    if kind == "string":
        texts = pa.array(cells, type=pa.large_string(), from_pandas=True)
    elif kind == "mixed" and all(v is None or isinstance(v, list) for v in cells):
        try:
            lists = pa.array(cells, type=pa.list_(pa.large_string()))
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # not every item a text
            return _cells_one_by_one(cells)
        texts = pc.binary_join(lists, pa.scalar(" | ", pa.large_string()))
        cells = texts.to_numpy(zero_copy_only=False)
    else:
        return _cells_one_by_one(cells)
    risky = np.zeros(len(cells), dtype=bool)
    for trigger in FORMULA_TRIGGERS:
        risky |= pc.fill_null(pc.starts_with(texts, trigger), False).to_numpy(zero_copy_only=False)
    if risky.any():
        cells = cells.copy()
        cells[risky] = ["'" + v for v in cells[risky]]
    return cells


def _cells_one_by_one(cells: np.ndarray) -> np.ndarray:
    out = np.empty(len(cells), dtype=object)
    out[:] = [
        _csv_cell(v) if isinstance(v, list) or (isinstance(v, str) and v.startswith(FORMULA_TRIGGERS)) else v
        for v in cells
    ]
    return out


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
    options = CSV_FORMATS[format]
    bom = "\ufeff".encode() if header and options["encoding"] == "utf-8-sig" else b""
    return bom + csv_bytes(flat, options["sep"], options["decimal"], header=header)


def map_distinct(func, values) -> np.ndarray:
    """``func`` of each value, computed once per distinct value: the way to parse a column whose values
    repeat. A missing value (None, NaN, NaT, pd.NA) gives ``func(None)``; values that cannot be hashed
    (lists) are told apart by their text.

    Examples
    --------
    >>> map_distinct(str.upper, ["a", "b", "a"]).tolist()
    ['A', 'B', 'A']
    >>> map_distinct(lambda v: v or "?", ["a", None, float("nan")]).tolist()
    ['a', '?', '?']
    """
    cells = np.asarray(values, dtype=object)
    try:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:  # unhashable cells: numbered by their text, each computed on its first cell
        keys = np.array([str(v) if isinstance(v, list | dict | set) else v for v in cells], dtype=object)
        codes, _ = pd.factorize(keys, use_na_sentinel=True)
        present = np.flatnonzero(codes >= 0)
        uniques = cells[present[np.unique(codes[present], return_index=True)[1]]]
    table = np.empty(len(uniques) + 1, dtype=object)  # the last entry: missing values (code -1)
    for i, value in enumerate(uniques):
        table[i] = func(value)
    if (codes < 0).any():
        table[-1] = func(None)
    return table[codes]


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
