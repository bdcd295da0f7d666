"""Reading raw rows out of tabular contract files (CSV, xlsx, parquet).

Each reader returns a :class:`RawTable`: the cells as found, each row's source line, what
was set aside and the warnings of single rows. Tabular files keep their own headers and are
recognised by a header scorer the caller gives (contracts: :mod:`.._contracts.headers`); DECP JSON and XML are mapped field by field in :mod:`.._contracts.decp`.
Source lines: the physical line where a row starts in a CSV (a quoted cell may span lines),
a spreadsheet's row number, the 1-based position of the record in a JSON or XML file.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .._errors import InputError, Problem
from .csv_table import read_csv_table
from .decoding import BOMS, sniff_separator, utf16_codec
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


def read_chunks(path: Path, where: str, chunksize: int, *, as_text: bool = True) -> Iterator[pd.DataFrame]:
    """A large parquet or CSV file in chunks of ``chunksize`` rows, every cell as text (None when empty).

    ``as_text=False`` leaves a parquet file's columns in their own types (compact, quick to send to
    another process), for :func:`raw_text` to turn into text later.

    The CSV's encoding (UTF-8, else Windows-1252) and separator are told from its first 64 KiB, after the
    same safety checks as any file; the national file is too large to decode whole.
    """
    if large_file_format(path, where) == "parquet":
        try:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=chunksize):
                yield raw_text(batch.to_pandas()) if as_text else batch.to_pandas()
        except (pa.ArrowException, OSError) as exc:  # a file cut short or damaged
            raise InputError(
                Problem(
                    "fichier parquet illisible (tronqué ou abîmé)", where, str(exc), "l’exporter de nouveau"
                )
            ) from None
        return
    try:
        yield from pd.read_csv(path, chunksize=chunksize, **csv_options(path, where))
    except pd.errors.ParserError as exc:
        raise InputError(_csv_problem(str(exc), where)) from None


def _csv_problem(message: str, where: str) -> Problem:
    """What a CSV row pandas cannot cut into cells has wrong, and where."""
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        expected, line, found = fields.groups()
        return Problem(
            "ligne aux cellules en trop",
            f"{where}, ligne {line}",
            f"{found} cellules au lieu de {expected}",
            "mettre entre guillemets la cellule qui contient le séparateur, ou la corriger",
        )
    if "EOF inside string" in message:
        line = re.search(r"line (\d+)", message)
        return Problem(
            "guillemet jamais refermé",
            f"{where}, à partir de la ligne {line.group(1)}" if line else where,
            "le fichier s’arrête dans une cellule entre guillemets",
            "refermer le guillemet, ou exporter le fichier de nouveau en entier",
        )
    return Problem("fichier CSV illisible", where, message, "exporter le fichier de nouveau")


def large_file_format(path: Path, where: str) -> str:
    """« parquet » or « csv » (after the safety checks of any text file)."""
    head = file_head(path, 65536)
    if detect_format(path, head) == "parquet":
        return "parquet"
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


def csv_options(path: Path, where: str) -> dict:
    """How pandas reads a large CSV file as text: its encoding and separator told from its first 64 KiB."""
    head = file_head(path, 65536)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the end of the sample
            encoding = "cp1252"
    sep = sniff_separator(head.decode(encoding, errors="replace"))
    return {
        "sep": sep,
        "dtype": object,
        "keep_default_na": False,
        "encoding": encoding,
        "encoding_errors": _WINDOWS_BYTES,  # rows of another encoding further down the file
        "quoting": csv.QUOTE_MINIMAL,
    }


def _as_windows_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    """Bytes the file's encoding cannot decode read as Windows-1252 (Latin-1 for the five it leaves out):
    a file exported in UTF-8 whose rows pasted from elsewhere are in Windows-1252."""
    bad = error.object[error.start : error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), error.end


_WINDOWS_BYTES = "transferability-windows-bytes"
codecs.register_error(_WINDOWS_BYTES, _as_windows_bytes)
