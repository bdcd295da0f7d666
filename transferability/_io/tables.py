"""Reading raw rows out of tabular contract files (CSV, xlsx, parquet).

Each reader returns a :class:`RawTable`: the cells as found, each row's source line, what
was set aside and the warnings of single rows. Tabular files keep their own headers and are
recognised by a header scorer the caller gives (contracts: :mod:`.._contracts.headers`); DECP JSON and XML are mapped field by field in :mod:`.._contracts.decp`.
Source lines: the physical line where a row starts in a CSV (a quoted cell may span lines),
a spreadsheet's row number, the 1-based position of the record in a JSON or XML file.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from .._errors import InputError, Problem
from .._utils import clean_text
from .decoding import (
    BOMS,
    EXCEL_HINT,
    HEADER_SEARCH_ROWS,
    MAX_CELL_LINES,
    SEPARATORS,
    allow_large_cells,
    csv_records,
    decode,
    head_lines,
    sniff_separator,
    utf16_codec,
)
from .safety import check_not_binary, file_head, looks_utf16
from .sheets import close_workbook, open_workbook, sheet_rows, visible_sheets

__all__ = [
    "HeaderRule",
    "RawTable",
    "decode",
    "detect_format",
    "read_chunks",
    "read_csv_table",
    "read_parquet_table",
    "read_table",
    "read_xlsx_table",
    "sniff_separator",
]


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


def _fast_body(body: str, sep: str, width: int) -> pd.DataFrame | None:
    """The body parsed by pandas' C reader, or None when a row spans several lines or is too long."""
    if not body:
        return pd.DataFrame(columns=range(width), dtype=object)
    expected = body.count("\n") + (not body.endswith("\n"))
    try:
        frame = pd.read_csv(
            io.BytesIO(body.encode("utf-8")),
            sep=sep,
            header=None,
            names=range(width),
            index_col=False,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            on_bad_lines="error",
            encoding="utf-8",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    return frame if len(frame) == expected else None  # fewer rows: a quoted cell spans lines


def read_csv_table(raw: bytes, where: str, rule: HeaderRule) -> RawTable:
    text, notes = decode(raw, where)
    if not text.strip():
        raise InputError(Problem("fichier vide", where, "aucune ligne", "vérifier l’export"))
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")
        notes.append("fins de ligne Mac (CR seul) converties")
    head = head_lines(text)
    sep = _separator(head, where, rule)
    if EXCEL_HINT.match(head.split("\n", 1)[0].rstrip("\r")):
        notes.append(f"ligne « sep={sep} » d’Excel ignorée")
    head_rows, head_starts = csv_records(head, sep, where, whole=head == text)
    header = rule.find_or_fail(head_rows, where)
    columns = [clean_text(c) or f"colonne_{i + 1}" for i, c in enumerate(head_rows[header])]
    width = len(columns)
    header_line = head_starts[header]
    body_line = head_starts[header + 1] if header + 1 < len(head_starts) else header_line + 1
    offset = 0
    for _ in range(body_line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            offset = len(text)
            break
    body = text[offset:]
    alerts: dict[int, list[str]] = {}
    frame = _fast_body(body, sep, width)
    if frame is not None:
        lines = list(range(body_line, body_line + len(frame)))
    else:
        rows, lines = csv_records(body, sep, where, body_line)
        longest = max([width, *map(len, rows)])
        alerts = _row_alerts(rows, lines, width, sep, where, body, body_line)
        frame = pd.DataFrame(
            [(r + [""] * longest)[:longest] for r in rows], columns=range(longest), dtype=object
        )
        columns += [f"colonne_{i + 1}" for i in range(width, longest)]
    frame.columns = _unique(columns)
    if sep != ",":
        notes.append(f"séparateur « {'tabulation' if sep == chr(9) else sep} »")
    aside: Counter = Counter()
    frame, lines = _drop_repeated_headers(frame, lines, head_rows[header], aside)
    return RawTable(frame, lines, "CSV", None, notes, aside, header_line=header_line, alerts=alerts)


def _separator(head: str, where: str, rule: HeaderRule) -> str:
    """The separator that best splits the header row; the most regular one on a tie.

    Objects full of commas can make ``,`` look regular in a ``;`` file: the header decides.
    """
    sniffed = sniff_separator(head)
    if EXCEL_HINT.match(head.split("\n", 1)[0].rstrip("\r")):
        return sniffed
    best, best_score = sniffed, -1
    for sep in (sniffed, *(s for s in SEPARATORS if s != sniffed)):
        try:
            rows, _ = csv_records(head, sep, where, whole=False)
        except InputError:  # a cell this separator cannot split: not the file's separator
            continue
        header = rule.find(rows)
        score = -1 if header is None else rule.score([clean_text(c) for c in rows[header]])
        if score > best_score:
            best, best_score = sep, score
    return best


def _row_alerts(
    rows: list[list[str]], lines: list[int], width: int, sep: str, where: str, body: str, first: int
) -> dict:
    """Warnings of rows longer than the header; InputError when a quoted cell swallowed whole rows.

    A record spanning several lines is parsed again strictly: a closing quote followed by anything
    but a separator means the quote was not meant to close a cell, and lines were swallowed.
    """
    alerts: dict[int, list[str]] = {}
    offsets = None
    end = first + body.count("\n") + (not body.endswith("\n"))
    for r, line, nxt in zip(rows, lines, [*lines[1:], end], strict=True):
        if len(r) > width:
            alerts.setdefault(line, []).append(
                f"ligne de {len(r)} cellules pour {width} colonnes d’en-tête : cellules en trop gardées à "
                f"part (séparateur « {sep} » non protégé par des guillemets ?)"
            )
        if nxt - line < 2:
            continue
        if offsets is None:
            offsets = [0, *(m.end() for m in re.finditer("\n", body))]
        record = body[
            offsets[line - first] : offsets[nxt - first] if nxt - first < len(offsets) else len(body)
        ]
        try:
            allow_large_cells()
            list(csv.reader(io.StringIO(record), delimiter=sep, strict=True))
        except csv.Error:
            raise InputError(
                Problem(
                    "guillemet mal fermé : une cellule avale des lignes entières du fichier",
                    f"{where}, lignes {line} à {nxt - 1}",
                    f"« {clean_text(record)[:80]} »",
                    'fermer le guillemet ou le retirer (un guillemet dans une cellule s’écrit "")',
                )
            ) from None
        if nxt - line > MAX_CELL_LINES:
            alerts.setdefault(line, []).append(
                f"cellule sur {nxt - line} lignes (lignes {line} à {nxt - 1}) : guillemet mal fermé ?"
            )
    return alerts


def _drop_repeated_headers(frame: pd.DataFrame, lines: list, header: list, aside: Counter):
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


def _unique(columns: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for c in columns:
        seen[c] += 1
        out.append(c if seen[c] == 1 else f"{c}_{seen[c]}")
    return out


# -- spreadsheets ---------------------------------------------------------------------------
def read_xlsx_table(path: Path, where: str, sheet: str | None, rule: HeaderRule) -> RawTable:
    """The first visible sheet (or ``sheet``) whose first rows hold a header, as a :class:`RawTable`."""
    book = open_workbook(path, where)
    try:
        notes: list[str] = []
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            notes.append(f"classeur Excel nommé « {path.suffix or 'sans extension'} » : lu comme classeur")
        names = _sheets_to_read(book, sheet, where, notes)
        first, empty = None, []
        for name in names:
            got = sheet_rows(book, name, where)
            if not any(clean_text(c) for r in got.rows for c in r):
                empty.append(name)
                continue
            header = rule.find(got.rows)
            if header is None:
                first = first or (name, got)
                continue
            notes.extend(got.notes)
            return _sheet_table(got.rows, header, name, notes, got.alerts, len(names) > 1)
        fix = _hidden_sheet_hint(book, names, rule, where)
        if first is None:
            raise InputError(
                Problem(
                    "classeur vide : aucune feuille visible remplie",
                    where,
                    ", ".join(f"feuille « {n} » vide" for n in empty) or "aucune feuille visible",
                    fix or "vérifier l’export, ou choisir la feuille avec sheet=…",
                )
            )
        name, got = first
        if rule.missing is None:  # no sheet has a header: the first filled one, from its first row
            notes.extend(got.notes)
            return _sheet_table(got.rows, 0, name, notes, got.alerts, len(names) > 1)
        raise rule.missing(f"{where}, feuille « {name} »", got.rows, fix)
    finally:
        close_workbook(book)


def _sheets_to_read(book, sheet: str | None, where: str, notes: list[str]) -> list[str]:
    """``[sheet]`` when asked for (it must exist), else the visible sheets in order."""
    if sheet is not None:
        if sheet not in book.sheetnames:
            raise InputError(
                Problem(
                    "feuille introuvable",
                    where,
                    f"« {sheet} »",
                    "choisir une de : " + ", ".join(f"« {s} »" for s in book.sheetnames),
                )
            )
        return [sheet]
    visible = visible_sheets(book)
    hidden = len(book.sheetnames) - len(visible)
    if hidden:
        notes.append(f"{hidden} feuille(s) masquée(s) ignorée(s)")
    return visible


def _hidden_sheet_hint(book, read: list[str], rule: HeaderRule, where: str) -> str:
    """How to fix a workbook whose table sits on a hidden sheet ("" when none has a header)."""
    for name in book.sheetnames:
        if name not in read and rule.find(sheet_rows(book, name, where).rows) is not None:
            return f"la feuille masquée « {name} » a des en-têtes : la lire avec sheet='{name}'"
    return ""


def _sheet_table(rows, header, name, notes, alerts, several) -> RawTable:
    columns = [clean_text(c) or f"colonne_{i + 1}" for i, c in enumerate(rows[header])]
    body = rows[header + 1 :]
    longest = max([len(columns)] + [_filled_length(r) for r in body])
    columns += [f"colonne_{i + 1}" for i in range(len(columns), longest)]
    frame = pd.DataFrame(
        [(r + [None] * longest)[:longest] for r in body], columns=_unique(columns), dtype=object
    )
    if several:
        notes.append(f"feuille « {name} » lue")
    start = header + 2
    lines = list(range(start, start + len(frame)))
    aside: Counter = Counter()
    frame, lines = _drop_repeated_headers(frame, lines, rows[header], aside)
    kept = {ln: a for ln, a in alerts.items() if ln >= start}
    return RawTable(frame, lines, "Excel", name, notes, aside, header_line=header + 1, alerts=kept)


def _filled_length(row: list) -> int:
    n = len(row)
    while n and (row[n - 1] is None or row[n - 1] == ""):
        n -= 1
    return n


def read_parquet_table(path: Path, where: str) -> RawTable:
    try:
        frame = pd.read_parquet(path).astype(object)
    except Exception as exc:  # pyarrow's errors: truncated file, bad footer, unknown encoding
        raise InputError(
            Problem(
                "fichier Parquet illisible",
                where,
                f"{type(exc).__name__} : {exc}"[:200],
                "le fichier est peut-être tronqué : le télécharger de nouveau",
            )
        ) from None
    frame = frame.where(frame.notna(), None)
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


def read_chunks(path: Path, where: str, chunksize: int) -> Iterator[pd.DataFrame]:
    """A large parquet or CSV file in chunks of ``chunksize`` rows, every cell as text (None when empty).

    The CSV's encoding (UTF-8, else Windows-1252) and separator are told from its first 64 KiB, after the
    same safety checks as any file; the national file is too large to decode whole.
    """
    head = file_head(path, 65536)
    if detect_format(path, head) == "parquet":
        for batch in pq.ParquetFile(path).iter_batches(batch_size=chunksize):
            yield batch.to_pandas().astype(object).where(lambda f: f.notna(), None)
        return
    check_not_binary(head, where)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the end of the sample
            encoding = "cp1252"
    sep = sniff_separator(head.decode(encoding, errors="replace"))
    yield from pd.read_csv(
        path,
        sep=sep,
        dtype=object,
        keep_default_na=False,
        encoding=encoding,
        chunksize=chunksize,
        quoting=csv.QUOTE_MINIMAL,
    )
