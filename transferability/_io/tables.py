"""Reading raw rows out of tabular contract files (CSV, xlsx, parquet).

Each reader returns a :class:`RawTable`: the cells as found, each row's source line, what
was set aside and the warnings of single rows. Tabular files keep their own headers and are
recognised by a header scorer the caller gives (contracts: :mod:`.._contracts.headers`); DECP JSON and XML are mapped field by field in :mod:`.._contracts.decp`.
Source lines: the physical line where a row starts in a CSV (a quoted cell may span lines),
a spreadsheet's row number, the 1-based position of the record in a JSON or XML file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .._errors import InputError, Problem
from .csv_chunks import CsvChunks
from .csv_table import read_csv_table
from .decoding import BOMS, utf16_codec
from .raw import HeaderRule, RawTable
from .safety import check_not_binary, file_head, looks_utf16
from .xlsx_table import read_xlsx_table

__all__ = [
    "HeaderRule",
    "RawTable",
    "detect_format",
    "read_chunks",
    "read_csv_table",
    "read_parquet_table",
    "read_table",
    "read_xlsx_table",
]


def detect_format(path: Path, head: bytes) -> str:
    """``csv``, ``xlsx``, ``json``, ``xml`` or ``parquet``, from the content first, then the suffix."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if looks_utf16(head):
        codec = next((c for bom, c, _ in BOMS if head.startswith(bom)), utf16_codec(head))
        head = head.decode(codec, "ignore").lstrip("\ufeff").encode("utf-8")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"{", b"[")):
        return "json"
    if stripped.startswith(b"<"):
        return "xml"
    return "csv"


def read_parquet_table(path: Path, where: str) -> RawTable:
    try:
        frame = raw_text(pd.read_parquet(path))
    except Exception as exc:  # pyarrow's errors: truncated file, bad footer, unknown encoding
        raise InputError(
            Problem(
                "fichier Parquet illisible",
                where,
                f"{type(exc).__name__} : {exc}"[:200],
                "le fichier est peut-être tronqué : le télécharger de nouveau",
            )
        ) from None
    return RawTable(frame, list(range(2, len(frame) + 2)), "Parquet")


def read_table(
    path: Path, where: str, rule: HeaderRule, sheet: str | None = None, fmt: str | None = None
) -> RawTable:
    """A CSV, xlsx or parquet file as a :class:`RawTable`, after the safety checks.

    ``fmt`` (``csv``, ``xlsx``, ``parquet``) is told from the content when not given.
    """
    head = file_head(path)
    fmt = fmt or detect_format(path, head)
    if fmt == "xlsx":
        return read_xlsx_table(path, where, sheet, rule)
    if fmt == "parquet":
        return read_parquet_table(path, where)
    check_not_binary(head, where)
    return read_csv_table(path.read_bytes(), where, rule)


def read_chunks(
    path: Path, where: str, chunksize: int, *, as_text: bool = True, rule: HeaderRule | None = None
) -> ParquetChunks | CsvChunks:
    """A large parquet or CSV file (plain or gzip) in chunks of ``chunksize`` rows, every cell as text (None
    when empty), each row indexed by its line in the file (the header on line 1 in a parquet file).

    ``as_text=False`` leaves a parquet file's columns in their own types (compact, quick to send to
    another process), for :func:`raw_text` to turn into text later. ``rule`` finds a CSV file's header
    among its first lines (the first line without it). What is iterated has ``set_aside`` (rows dropped,
    by kind) and ``notes``, filled as the chunks are read.
    """
    if large_file_format(path, where) == "parquet":
        return ParquetChunks(path, where, chunksize, as_text)
    return CsvChunks(path, where, chunksize, rule or HeaderRule(lambda cells: 0))


class ParquetChunks:
    """A parquet file's rows in chunks (see :func:`read_chunks`)."""

    def __init__(self, path: Path, where: str, chunksize: int, as_text: bool):
        self.path, self.where, self.chunksize, self.as_text = path, where, chunksize, as_text
        self.set_aside: Counter = Counter()
        self.notes: list[str] = []

    def __iter__(self) -> Iterator[pd.DataFrame]:
        line = 2
        try:
            for batch in pq.ParquetFile(self.path).iter_batches(batch_size=self.chunksize):
                frame = batch.to_pandas()
                frame.index = range(line, line + len(frame))
                line += len(frame)
                yield raw_text(frame) if self.as_text else frame
        except (pa.ArrowException, OSError) as exc:  # a file cut short or damaged
            raise InputError(
                Problem(
                    "fichier parquet illisible (tronqué ou abîmé)",
                    self.where,
                    str(exc),
                    "l’exporter de nouveau",
                )
            ) from None


def large_file_format(path: Path, where: str) -> str:
    """« parquet » or « csv » (after the safety checks of any text file)."""
    head = file_head(path, 65536)
    if detect_format(path, head) == "parquet":
        return "parquet"
    if not head.startswith(b"\x1f\x8b"):  # a gzip's text is checked once decompressed (CsvChunks)
        check_not_binary(head, where)
    return "csv"


def raw_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The cells of a frame read from parquet as the normaliser reads them: text columns as they are
    (arrow strings, missing as NaN: each text becomes a Python string only where it is read, once per
    distinct value), every other cell as a Python object, None where missing (a frame of objects already,
    read from CSV, is returned as it is). A column of floats that are all whole numbers gives integers:
    ids and codes typed as floats (a missing cell makes them so) are read as written,
    « 21730001500019 », not « 21730001500019.0 »."""
    others = [
        name
        for name, dtype in frame.dtypes.items()
        if not pd.api.types.is_object_dtype(dtype) and not isinstance(dtype, pd.StringDtype)
    ]
    if not others:
        return frame
    whole = {name: "Int64" for name in others if _whole_floats(frame[name])}
    converted = frame[others].astype(whole).astype(object).where(lambda f: f.notna(), None)
    return frame.assign(**{name: converted[name] for name in others})


def _whole_floats(values: pd.Series) -> bool:
    """A float column whose numbers are all whole and exact as floats (below 2⁵³)."""
    if not pd.api.types.is_float_dtype(values.dtype):
        return False
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    numbers = numbers[~np.isnan(numbers)]
    return bool(np.all(np.abs(numbers) < 2**53) and np.all(numbers == np.round(numbers)))


def parquet_row_group(path: Path, i: int) -> pd.DataFrame:
    """Row group ``i`` of a parquet file, every cell as text (see :func:`raw_text`)."""
    return raw_text(pq.ParquetFile(path).read_row_group(i).to_pandas())
