"""CSV text of a whole table built column by column with arrow, byte for byte what pandas writes.

``DataFrame.to_csv`` formats every cell in Python (a national file's table is millions of cells); here
each column becomes texts at once (numbers by numpy, texts quoted by arrow) and the rows are joined by
arrow. The output is the one pandas gives with the csv module's minimal quoting: a field is quoted when it
holds the separator, a quote or a line feed; missing values are empty; numbers are their repr, with the
decimal mark asked; lines end with a line feed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_TEXT = pa.large_string()


def csv_bytes(table: pd.DataFrame, sep: str, decimal: str, *, header: bool) -> bytes:
    """The rows of ``table`` (and its header line when ``header``) as UTF-8 CSV bytes.

    Examples
    --------
    >>> csv_bytes(pd.DataFrame({"a": [1.5, None], "b": ['say "hi"; bye', None]}), ";", ",", header=True)
    b'a;b\\n1,5;"say ""hi""; bye"\\n;\\n'
    """
    head = b""
    if header:
        names = _quoted(pa.array([str(c) for c in table.columns], type=_TEXT), sep)
        head = (sep.join(names.to_pylist()) + "\n").encode("utf-8")
    if table.empty or not len(table.columns):
        return head
    columns = [_texts(table[c], sep, decimal) for c in table.columns]
    rows = pc.binary_join_element_wise(
        *columns, pa.scalar(sep, _TEXT), null_handling="replace", null_replacement=""
    )
    rows = pc.binary_join_element_wise(rows, pa.scalar("", _TEXT), pa.scalar("\n", _TEXT))  # each row ends
    if isinstance(rows, pa.ChunkedArray):  # a column of arrow strings read from parquet comes in chunks
        rows = rows.combine_chunks()
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset : rows.offset + len(rows) + 1]
    return head + rows.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


def _texts(values: pd.Series, sep: str, decimal: str) -> pa.Array:
    """One column as the texts pandas writes (null where the cell is missing)."""
    dtype = values.dtype
    if pd.api.types.is_float_dtype(dtype):  # numpy's float texts are Python's repr
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        texts = numbers.astype(str)
        if decimal != ".":
            texts = np.char.replace(texts, ".", decimal, count=1)
        return pa.array(texts, type=_TEXT, mask=np.isnan(numbers))
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return pa.array(np.where(values.to_numpy(), "True", "False"), type=_TEXT)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return pa.array(values.to_numpy().astype(str), type=_TEXT)
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        stamps = values.to_numpy()
        missing = np.isnat(stamps)
        days = stamps.astype("datetime64[D]")
        if (stamps[~missing] == days[~missing]).all():  # dates only: pandas writes the day alone
            return pa.array(np.datetime_as_string(days), type=_TEXT, mask=missing)
    if isinstance(dtype, pd.StringDtype):
        return _quoted(pa.array(values.array, type=_TEXT), sep)
    cells = values.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=True) not in ("string", "empty"):
        cells = np.array([None if _missing(v) else str(v) for v in cells], dtype=object)
    return _quoted(pa.array(cells, type=_TEXT, from_pandas=True), sep)


def _quoted(texts: pa.Array, sep: str) -> pa.Array:
    """Texts holding the separator, a quote or a line feed enclosed in quotes, their quotes doubled."""
    needs = pc.fill_null(pc.match_substring_regex(texts, "[" + re.escape(sep + '"') + "\\n]"), False)
    if not pc.any(needs).as_py():
        return texts
    quote, nothing = pa.scalar('"', _TEXT), pa.scalar("", _TEXT)
    enclosed = pc.binary_join_element_wise(quote, pc.replace_substring(texts, '"', '""'), quote, nothing)
    return pc.if_else(needs, enclosed, texts)


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)
