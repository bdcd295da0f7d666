"""Reading a CSV export into a ``RawTable``: separator, header row, rows spanning lines, ragged rows."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections import Counter

import pandas as pd

from .._errors import InputError, Problem
from .._utils import clean_text
from .decoding import (
    EXCEL_HINT,
    MAX_CELL_LINES,
    SEPARATORS,
    allow_large_cells,
    csv_records,
    decode,
    head_lines,
    sniff_separator,
)
from .raw import (
    HeaderRule,
    RawTable,
    drop_empty_columns,
    drop_repeated_headers,
    group_labels,
    unique_names,
    unwrap_excel_text,
)


def _fast_body(body: str, sep: str, width: int) -> pd.DataFrame | None:
    """The body parsed by pandas' C reader, or None when a row spans several lines or is too long."""
    if not body:
        return pd.DataFrame(columns=range(width), dtype=object)
    expected = body.count("\n") + (not body.endswith("\n"))
    try:
        with warnings.catch_warnings():
            # a first row wider than the header: pandas would cut every row to its width, silently
            warnings.simplefilter("error", pd.errors.ParserWarning)
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
    except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError, ValueError):
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
    sep = header_separator(head, where, rule)
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
    frame.columns = unique_names(columns)
    if '="' in body:
        frame = unwrap_excel_text(frame)
    if sep != ",":
        notes.append(f"séparateur « {'tabulation' if sep == chr(9) else sep} »")
    aside: Counter = Counter()
    frame, lines = drop_repeated_headers(frame, lines, head_rows[header], aside)
    groups = group_labels(head_rows[header - 1], list(frame.columns)) if header > 0 else {}
    frame = drop_empty_columns(frame)
    return RawTable(
        frame, lines, "CSV", None, notes, aside, header_line=header_line, alerts=alerts, groups=groups
    )


def header_separator(head: str, where: str, rule: HeaderRule) -> str:
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
