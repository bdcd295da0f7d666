"""Tables written to CSV or parquet: lists flattened, and no text a spreadsheet would take for a formula."""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._errors import InputError, Problem
from .arrow_lists import EMPTY, HOLDER, TEXT, is_arrow_list, joined_lists, lists_of
from .csvwriter import csv_bytes
from .text import clean_already

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# every trigger is one ASCII byte, and in UTF-8 an ASCII byte is never part of another character
_TRIGGERS = np.zeros(256, dtype=bool)
_TRIGGERS[np.frombuffer("".join(FORMULA_TRIGGERS).encode("ascii"), dtype=np.uint8)] = True
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
    """A table ready for a CSV file: lists (Python lists or arrow lists) written as « a | b », and texts that a
    spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) prefixed with an
    apostrophe.

    Examples
    --------
    >>> flat_lists(pd.DataFrame({"objet": ["=1+1", "Tonte"], "alertes": [["a", "b"], []]})).values.tolist()
    [["'=1+1", 'a | b'], ['Tonte', '']]
    """
    table = table.copy(deep=False)  # columns are replaced, never changed in place
    for col in table.columns:
        values = table[col]
        if isinstance(values.dtype, pd.StringDtype):
            texts = pa.array(values.array)
            if formula_like(texts).any():
                table[col] = _flat_texts(texts).to_pandas().array
        elif values.dtype == object:
            table[col] = _flat_cells(values.to_numpy())  # texts become a string column, as a list would
        elif is_arrow_list(values.dtype):  # lists held by arrow: joined there
            table[col] = _flat_texts(joined_lists(lists_of(values))).to_pandas().array
    return table


def _flat_cells(cells: np.ndarray):
    """The cells of an object column written for a spreadsheet (see :func:`flat_lists`). A column of texts,
    of lists of texts, of holders or of line numbers is joined and scanned by arrow, its risky cells
    prefixed there, and comes back as a string array without a copy; any other column (mixed cells, bytes,
    a text arrow cannot encode) is written cell by cell."""
    kind = pd.api.types.infer_dtype(cells, skipna=True)
    if kind == "empty":  # missing cells only
        return cells
    texts = _arrow_texts(cells) if kind == "string" else _joined_lists(cells)
    if texts is None:
        return _cells_one_by_one(cells)
    return _flat_texts(texts).to_pandas().array


def _flat_texts(texts: pa.Array) -> pa.Array:
    """Arrow texts with those a spreadsheet would take for a formula prefixed with an apostrophe."""
    risky = formula_like(texts)
    if risky.any():
        prefixed = pc.binary_join_element_wise(pa.scalar("'", TEXT), texts, EMPTY)
        texts = pc.if_else(pa.array(risky), prefixed, texts)
    return texts


def _arrow_texts(cells: np.ndarray, lists: bool = False) -> pa.Array | None:
    """Texts (or lists of texts) as arrow strings; None for a text arrow cannot encode (a lone surrogate), or
    lists holding an item other than a text (bytes are taken as the text they encode)."""
    try:
        return pa.array(cells, type=pa.large_list(TEXT) if lists else TEXT, from_pandas=True)
    except (UnicodeEncodeError, pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def formula_like(texts: pa.Array) -> np.ndarray:
    """Whether each text starts with a formula trigger (a missing text does not), told by its first byte
    read from the arrow buffers: one numpy pass instead of one arrow pass per trigger.

    Examples
    --------
    >>> formula_like(pa.array(["=1+1", "Tonte", None, "", "-5 %"])).tolist()
    [True, False, False, False, True]
    """
    if isinstance(texts, pa.ChunkedArray):
        return np.concatenate([formula_like(chunk) for chunk in texts.chunks] or [np.zeros(0, dtype=bool)])
    if not (pa.types.is_string(texts.type) or pa.types.is_large_string(texts.type)):
        texts = texts.cast(TEXT)
    validity, offsets, data = texts.buffers()
    width = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    starts = np.frombuffer(offsets, dtype=width)[texts.offset : texts.offset + len(texts) + 1]
    if data is None or not data.size:  # no text has a character
        return np.zeros(len(texts), dtype=bool)
    data = np.frombuffer(data, dtype=np.uint8)
    # every text's first byte (the last byte of the data for an empty text at the end, which is not kept)
    risky = _TRIGGERS[data[np.minimum(starts[:-1], data.size - 1)]] & (starts[1:] > starts[:-1])
    if texts.null_count:
        valid = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
        risky &= valid[texts.offset : texts.offset + len(texts)].astype(bool)
    return risky


def _joined_lists(cells: np.ndarray) -> pa.Array | None:
    """Lists of texts, of whole numbers or of holders, joined as :func:`join_items` does (by
    :func:`joined_lists`), a whole number alone as a list of one (a contract's source line beside the lists
    of lines of grouped contracts); None for any other column."""
    kinds = set(map(type, cells))
    if list not in kinds or not kinds <= {list, int, type(None)}:
        return None
    if int in kinds:
        types = np.fromiter(map(type, cells), dtype=object, count=len(cells))
        return _with_lone_numbers(cells, np.equal(types, int))
    lists = _arrow_lists(cells)
    return None if lists is None else joined_lists(lists)


def _arrow_lists(cells: np.ndarray) -> pa.LargeListArray | None:
    """Lists of texts, of whole numbers or of holders as arrow lists; None for lists of any other items (a
    mix of kinds, an id or a name not a text). Lists whose first item is a text are converted at once, arrow
    checking that every other item is a text too."""
    first = next((cell[0] for cell in cells if cell), None)
    if first is None or isinstance(first, str):  # lists of texts, the usual case
        return _arrow_texts(cells, lists=True)
    items = list(chain.from_iterable(filter(None, cells)))
    kinds = set(map(type, items))
    try:
        if kinds == {int}:
            return pa.array(cells, type=pa.large_list(pa.int64()))
        if kinds == {dict} and set(map(tuple, items)) == {("id", "nom")}:
            return pa.array(cells, type=pa.large_list(HOLDER))
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, UnicodeEncodeError):
        pass  # a holder's id or name not a text, a number past 64 bits, a text arrow cannot encode
    return None


def _with_lone_numbers(cells: np.ndarray, lone: np.ndarray) -> pa.Array | None:
    """:func:`_joined_lists` of a column of lists and whole numbers (``lone``): the numbers written in digits
    at once, the lists joined, each put back in its row."""
    try:
        numbers = pc.cast(pa.array(cells[lone].astype(np.int64)), TEXT)
    except OverflowError:
        return None
    joined = _joined_lists(cells[~lone])
    if joined is None:
        return None
    rows = np.concatenate([np.flatnonzero(lone), np.flatnonzero(~lone)])
    order = np.empty_like(rows)
    order[rows] = np.arange(len(rows))  # where each row's text is in the numbers then the lists
    return pa.concat_arrays([numbers, joined]).take(order)


def _cells_one_by_one(cells: np.ndarray) -> np.ndarray:
    """:func:`_flat_cells` cell by cell. In a column holding lists, a whole number alone is written as a list
    of one (a contract's source line beside the lists of lines of grouped contracts)."""
    lists = any(isinstance(v, list | np.ndarray) for v in cells)
    out = np.empty(len(cells), dtype=object)
    out[:] = [
        _csv_cell(v)
        if isinstance(v, list | np.ndarray)
        or (lists and type(v) is int)
        or (isinstance(v, str) and v.startswith(FORMULA_TRIGGERS))
        else v
        for v in cells
    ]
    return out


def _csv_cell(value):
    if isinstance(value, list | np.ndarray):
        value = join_items(value)
    elif type(value) is int:
        value = str(value)
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
    >>> map_distinct(lambda v: v or "?", pd.Series(["a", None], dtype="str")).tolist()  # arrow strings
    ['a', '?']
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        # told apart by arrow: a Python string made for each distinct text only
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return _mapped(func, codes, uniques.to_numpy(dtype=object))
    cells = np.asarray(values, dtype=object)
    try:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:  # unhashable cells: numbered by their text, each computed on its first cell
        keys = np.array([str(v) if isinstance(v, list | dict | set) else v for v in cells], dtype=object)
        codes, _ = pd.factorize(keys, use_na_sentinel=True)
        present = np.flatnonzero(codes >= 0)
        uniques = cells[present[np.unique(codes[present], return_index=True)[1]]]
    return _mapped(func, codes, uniques)


def as_strings(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with each column of texts held as Python objects (its cells texts or missing, one text at
    least) turned into pandas strings, held by arrow: a missing cell becomes NaN. Other columns are left as
    they are, in place.

    Examples
    --------
    >>> table = as_strings(pd.DataFrame({"objet": ["Tonte", None], "lot": [None, None], "n": [1, [2]]}))
    >>> table.dtypes.astype(str).tolist(), table["objet"].isna().tolist()
    (['str', 'object', 'object'], [False, True])
    """
    for name in table.columns:
        cells = table[name].to_numpy() if table[name].dtype == object else None
        if cells is not None and pd.api.types.infer_dtype(cells, skipna=True) == "string":
            texts = _arrow_texts(cells)
            if texts is not None:  # else a text arrow cannot encode (a lone surrogate): kept as it is
                table[name] = pd.Series(texts.to_pandas().array, index=table.index, name=name)
    return table


def map_unless_clean(func, column: pd.Series, values: np.ndarray | None = None, also: str = "") -> np.ndarray:
    """``func`` of each cell of a column of arrow strings, computed once per distinct value, for the cells
    :func:`clean_already` does not find clean (or that hold one of ``also``); the others are kept as they
    are, found by arrow. For a ``func`` that leaves a clean text as it is, this is :func:`map_distinct`
    without a call per distinct clean text. ``values``: the column's cells as Python objects, if read.

    Examples
    --------
    >>> map_unless_clean(lambda v: v.strip() if v else "?", pd.Series(["Tonte", " Tonte ", None], dtype="str")).tolist()
    ['Tonte', 'Tonte', '?']
    """
    out = column.to_numpy(dtype=object) if values is None else values.copy()
    other = np.flatnonzero(~clean_already(column, also=also))
    out[other] = map_distinct(func, out[other])
    return out


def _mapped(func, codes: np.ndarray, uniques) -> np.ndarray:
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
