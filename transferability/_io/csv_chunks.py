"""A large CSV file (plain or gzip) read in chunks, its header and source lines as a whole file gives them.

The national file is too large to decode whole: its encoding and separator are told from its first
64 KiB, its header found among its first lines by the caller's header rule (a title above it, Excel's
« sep=; » line), and pandas' C reader cuts the rest in chunks. Each row is indexed by the physical line
where it starts: a quoted cell spanning lines moves the rows below it down, and blank lines keep their
place (as blank rows, which the normaliser sets aside and counts). Rows repeating the header (exports
pasted one after the other) are dropped and counted.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._errors import InputError, Problem, TransferabilityWarning
from .._utils import clean_text, fr_count, fr_int
from .csv_table import header_separator
from .decoding import BOMS, EXCEL_HINT, csv_records, head_lines, utf16_codec
from .raw import HeaderRule, drop_repeated_headers, unique_names, unwrap_excel_text
from .safety import check_not_binary, file_head, looks_utf16

HEAD_BYTES = 1 << 16  # what the encoding, the separator and the header are told from


def is_gzip(path: Path) -> bool:
    """A gzip file (``decp.csv.gz``), told from its first bytes."""
    return file_head(path, 2) == b"\x1f\x8b"


def text_head(path: Path, n: int = HEAD_BYTES) -> bytes:
    """The first ``n`` bytes of a file's text: decompressed when the file is gzip."""
    if not is_gzip(path):
        return file_head(path, n)
    try:
        with gzip.open(path, "rb") as f:
            return f.read(n)
    except (OSError, EOFError) as exc:
        raise InputError(
            Problem("archive gzip illisible", str(path), str(exc)[:200], "la télécharger de nouveau")
        ) from None


class CsvChunks:
    """The rows of a large CSV file in chunks of ``chunksize`` rows, every cell as text.

    Parameters
    ----------
    path : Path
        A CSV file, or a gzip of one.
    where : str
        The file as named in messages.
    chunksize : int
        Rows per chunk.
    rule : HeaderRule
        How the header row is found among the first lines (as for a whole file).

    Attributes
    ----------
    header_line : int
        The header's line in the file.
    set_aside : Counter
        Rows dropped so far, by kind (« en-tête répété »).
    notes : list of str
        What was noticed in reading (separator, Excel's « sep= » line, encoding).
    """

    def __init__(self, path: Path, where: str, chunksize: int, rule: HeaderRule):
        head = text_head(path)
        if not head.strip():
            raise InputError(Problem("fichier vide", where, "aucune ligne", "vérifier l’export"))
        check_not_binary(head, where)
        self.path, self.where, self.chunksize = path, where, chunksize
        self.options = csv_options(head)
        text = head_lines(head.decode(self.options["encoding"], errors="replace").lstrip("\ufeff"))
        self.newline = "\r" if "\r" in text and "\n" not in text else "\n"  # old Mac files: CR alone
        text = text.replace("\r", "\n") if self.newline == "\r" else text
        sep = header_separator(text, where, rule)
        self.options["sep"] = sep
        rows, starts = csv_records(text, sep, where, whole=False)
        header = rule.find_or_fail(rows, where)
        self.header = rows[header]
        # as wide as the widest row of the first lines: pandas cuts every row to its first row's width
        wide = max(len(r) for r in rows[header:]) if len(rows) > header else len(self.header)
        self.columns = unique_names(
            [
                clean_text(c) or f"colonne_{i + 1}"
                for i, c in enumerate(self.header + [""] * (wide - len(self.header)))
            ]
        )
        named = [(c, clean_text(h)) for c, h in zip(self.columns, self.header, strict=False) if clean_text(h)]
        self.probe = named[0] if named else None  # the header repeated holds this text in this column
        self.header_line = starts[header]
        self.body_line = starts[header + 1] if header + 1 < len(starts) else self.header_line + 1
        self.skipped = header + 1  # the records above the body, as pandas counts them when skipping
        self.set_aside: Counter = Counter()
        self.gzip = is_gzip(path)
        self.options["compression"] = "gzip" if self.gzip else None  # told by the content, not the name
        self.notes = _notes(text, sep, self.options["encoding"], self.gzip)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        reader = pd.read_csv(
            self.path, chunksize=self.chunksize, header=None, names=self.columns, index_col=False,
            skiprows=self.skipped, skip_blank_lines=False, on_bad_lines="warn", **self.options,
        )  # fmt: skip
        self.set_aside.clear()  # counted again if the file is read again
        line, record, too_long = self.body_line, self.skipped + 1, []  # the next row's line and record
        try:
            while (chunk := self._next(reader, lost := [])) is not None:
                breaks, seen = _scan(chunk, self.probe, self.newline)
                skipped = _skipped_before(len(chunk), record, lost)
                chunk.index = line + np.arange(len(chunk)) + np.cumsum(breaks) - breaks + skipped
                line += len(chunk) + int(breaks.sum()) + len(lost)  # a row set aside taken as one line
                record += len(chunk) + len(lost)
                too_long += lost
                self._check_quotes(chunk, breaks, seen["multiline"])
                yield self._cleaned(chunk, seen)
        except pd.errors.ParserError as exc:
            raise InputError(self._problem(str(exc))) from None
        finally:
            reader.close()
        if too_long:
            self._say_too_long(too_long)

    def _next(self, reader, too_long: list[int]) -> pd.DataFrame | None:
        """The next chunk, or None at the end; the records pandas skipped for their cells in excess (its
        warnings, « Skipping line 123: expected 18 fields, saw 20 ») added to ``too_long``."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            chunk = next(reader, None)
        for warning in caught:
            skipped = re.findall(r"Skipping line (\d+)", str(warning.message))
            if skipped:
                too_long += map(int, skipped)
            else:  # another warning (none is expected): said as it came
                warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        return chunk

    def _say_too_long(self, records: list[int]) -> None:
        """Rows of more cells than the header, set aside (the whole file is not stopped for them, as pandas
        cannot keep their cells in excess apart, as a whole read does): counted and warned with their lines."""
        self.set_aside["ligne aux cellules en trop"] += len(records)
        lines = [line for line in self._physical_lines(records[:5]) if line is not None]
        shown = ", ".join(map(str, lines)) + (
            f" et {fr_int(len(records) - 5)} autres" if len(records) > 5 else ""
        )
        warnings.warn(
            f"{fr_count(len(records), 'ligne aux cellules en trop écartée', 'lignes aux cellules en trop écartées')}"
            f" ({self.where}, {'ligne' if len(lines) == 1 else 'lignes'} {shown}) : plus de cellules que de "
            "colonnes d’en-tête ; mettre entre guillemets la cellule qui contient le séparateur, ou lire le "
            "fichier en entier (les cellules en trop y sont gardées à part)",
            TransferabilityWarning,
            stacklevel=4,
        )

    def _cleaned(self, chunk: pd.DataFrame, seen: dict) -> pd.DataFrame:
        """The chunk without rows repeating the header, and its cells written the Excel way (``="0322"``)
        read as their text, its NUL bytes dropped (``seen``: what the chunk's cells hold, from :func:`_scan`)."""
        if seen["header"]:
            lines = chunk.index
            chunk, kept = drop_repeated_headers(chunk, list(lines), self.header, self.set_aside)
            chunk.index = kept
        if seen["excel"]:
            chunk = unwrap_excel_text(chunk)
        for name in seen["nul"]:  # NUL bytes (a damaged export) dropped, as in a whole read
            chunk[name] = chunk[name].str.replace("\x00", "", regex=False)
        if seen["nul"] and _NUL_NOTE not in self.notes:
            self.notes.append(_NUL_NOTE)
        return chunk

    def _check_quotes(self, chunk: pd.DataFrame, breaks: np.ndarray, columns: dict[str, pa.Array]) -> None:
        """Raise InputError, as a whole read does, where a quote left open swallowed whole rows: a cell on
        several lines one of whose lines (after its first) holds half the header's separators or more.
        Arrow cuts the cells of each column holding line breaks (``columns``, from :func:`_scan`) and counts
        the separators of every line."""
        sep, most = self.options["sep"], max(2, (len(self.columns) - 1) // 2)
        for name, cells in columns.items():
            lines = pc.split_pattern(cells.fill_null(""), self.newline)
            starts = lines.offsets.to_numpy()
            counts = pc.count_substring(lines.flatten(), sep).to_numpy()
            later = np.ones(len(counts), dtype=bool)
            later[starts[:-1][starts[:-1] < len(counts)]] = False  # each cell's first line may hold anything
            swallowed = np.flatnonzero((counts >= most) & later)
            if len(swallowed):
                at = int(np.searchsorted(starts, swallowed[0], side="right")) - 1
                first, cell = int(chunk.index[at]), chunk[name].iat[at]
                raise InputError(
                    Problem(
                        "guillemet mal fermé : une cellule avale des lignes entières du fichier",
                        f"{self.where}, lignes {first} à {first + int(breaks[at])}",
                        f"« {clean_text(cell)[:80]} »",
                        'fermer le guillemet ou le retirer (un guillemet dans une cellule s’écrit "")',
                    )
                )

    def _problem(self, message: str) -> Problem:
        """What pandas cannot cut into rows (a quote never closed), with the physical line where it starts."""
        counted = re.search(r"starting at row (\d+)", message)  # 0-based
        line = self._physical_lines([int(counted.group(1)) + 1])[0] if counted else None
        return _csv_problem(message, self.where, line)

    def _physical_lines(self, records: list[int]) -> list[int | None]:
        """The physical line where each of ``records`` (pandas' count, the records skipped above the body
        counted; in increasing order) starts, read again from the file in one pass (None past a row Python's
        reader cannot cut either)."""
        opener = gzip.open if self.gzip else open
        above = self.body_line - 1  # physical lines above the body
        encoding, errors = self.options["encoding"], self.options["encoding_errors"]
        found: list[int | None] = []
        with opener(self.path, "rt", encoding=encoding, errors=errors, newline="") as text:
            for _ in range(above):
                text.readline()
            reader = csv.reader(text, delimiter=self.options["sep"])
            line, done = self.body_line, self.skipped + 1  # the record starting at ``line``
            try:
                for record in records:
                    for _ in islice(reader, max(record - done, 0)):
                        line = above + reader.line_num + 1
                    done = max(done, record)
                    found.append(line)
            except csv.Error:
                pass
        return found + [None] * (len(records) - len(found))


def _skipped_before(n: int, first: int, skipped: list[int]) -> np.ndarray:
    """For each of ``n`` rows read from record ``first`` on, how many of the records ``skipped`` by pandas
    came before it (each row's record is the next one not skipped)."""
    if not skipped:
        return np.zeros(n, dtype=np.int64)
    records = np.setdiff1d(np.arange(first, first + n + len(skipped)), skipped)[:n]
    return records - first - np.arange(n)


def _notes(text: str, sep: str, encoding: str, gzipped: bool) -> list[str]:
    notes = ["archive gzip lue sans être décompressée sur le disque"] if gzipped else []
    if EXCEL_HINT.match(text.split("\n", 1)[0].rstrip("\r")):
        notes.append(f"ligne « sep={sep} » d’Excel ignorée")
    if sep != ",":
        notes.append(f"séparateur « {'tabulation' if sep == chr(9) else sep} »")
    if encoding != "utf-8-sig":
        notes.append(f"encodage {'Windows-1252' if encoding == 'cp1252' else encoding.upper()}")
    return notes


_NUL_NOTE = "octets nuls supprimés"


def _scan(chunk: pd.DataFrame, probe: tuple[str, str] | None, newline: str = "\n") -> tuple[np.ndarray, dict]:
    """The line breaks inside each row's cells (a quoted cell spanning lines), whether any cell may repeat
    the header (``probe``: a header column and its text) or is written the Excel way (``="0322"``), and the
    columns holding line breaks (their cells as arrow strings) and NUL bytes. Each column's cells are joined once to be searched (a millisecond); only a
    column holding a line break is counted row by row, by arrow."""
    breaks = np.zeros(len(chunk), dtype=np.int64)
    seen: dict = {"header": False, "excel": False, "nul": [], "multiline": {}}
    for name in chunk.columns:
        values = chunk[name].tolist()
        try:
            joined = "\x1f".join(values)
        except TypeError:  # a short row's missing cells (NaN) left out
            joined = "\x1f".join(v for v in values if isinstance(v, str))
        if newline in joined:
            seen["multiline"][name] = cells = pa.array(values, type=pa.large_string(), from_pandas=True)
            breaks += pc.count_substring(cells, newline).fill_null(0).to_numpy(zero_copy_only=False)
        if "\x00" in joined:
            seen["nul"].append(name)
        seen["excel"] = seen["excel"] or '="' in joined
        seen["header"] = seen["header"] or (probe is not None and name == probe[0] and probe[1] in joined)
    return breaks, seen


def _csv_problem(message: str, where: str, line: int | None = None) -> Problem:
    """What a CSV file pandas cannot cut into rows has wrong (a quote never closed), and where (``line``:
    where its record starts, when known; else pandas' own count). Rows of cells in excess are skipped and
    said apart (:meth:`CsvChunks._say_too_long`)."""
    if "EOF inside string" in message:
        counted = re.search(r"row (\d+)", message)
        at = line or (counted and counted.group(1))
        return Problem(
            "guillemet jamais refermé",
            f"{where}, à partir de la ligne {at}" if at else where,
            "le fichier s’arrête dans une cellule entre guillemets",
            "refermer le guillemet, ou exporter le fichier de nouveau en entier",
        )
    return Problem("fichier CSV illisible", where, message.split("\n")[0], "exporter le fichier de nouveau")


_UTF8_ACCENT = re.compile(
    rb"[\xc2-\xc5][\x80-\xbf]|\xe2\x80[\x98\x99\x9c\x9d\xa6]"
)  # « é », « œ », « ’ » in UTF-8


def csv_options(head: bytes) -> dict:
    """How pandas reads a large CSV file as text, its encoding told from ``head`` (its first bytes): UTF-8,
    else Windows-1252, bytes of another encoding further down read as Windows-1252."""
    encoding = "utf-8-sig"
    wide = next((codec for bom, codec, _ in BOMS if head.startswith(bom)), None)
    if wide or looks_utf16(head[:1024]):  # with its byte-order mark, which pandas then drops, or without
        encoding = wide.removesuffix("-le").removesuffix("-be") if wide else utf16_codec(head)
    else:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # not merely a character cut at the end of the sample, and no UTF-8 accent anywhere: the lines
            # of a UTF-8 file pasted from Windows-1252 are read as such, one byte at a time (WINDOWS_BYTES)
            if exc.start < len(head) - 4 and not _UTF8_ACCENT.search(head):
                encoding = "cp1252"
    return {
        "dtype": object,
        "keep_default_na": False,
        "encoding": encoding,
        "encoding_errors": WINDOWS_BYTES,  # rows of another encoding further down the file
        "quoting": csv.QUOTE_MINIMAL,
    }


def _as_windows_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    """Bytes the file's encoding cannot decode read as Windows-1252 (Latin-1 for the five it leaves out):
    a file exported in UTF-8 whose rows pasted from elsewhere are in Windows-1252."""
    bad = error.object[error.start : error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), error.end


WINDOWS_BYTES = "transferability-windows-bytes"
codecs.register_error(WINDOWS_BYTES, _as_windows_bytes)
