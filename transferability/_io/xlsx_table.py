"""Reading a workbook into a ``RawTable``: the sheet that holds the table, its header row, its rows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from .._errors import InputError, Problem
from .._utils import clean_text
from .raw import HeaderRule, RawTable, drop_empty_columns, drop_repeated_headers, group_labels, unique_names
from .sheets import close_workbook, open_workbook, sheet_rows, visible_sheets

CLEAR_HEADER = 3  # a header naming this many known fields is the table's: no need to read further sheets


def read_xlsx_table(path: Path, where: str, sheet: str | None, rule: HeaderRule) -> RawTable:
    """The visible sheet (or ``sheet``) whose first rows hold the best header, as a :class:`RawTable`.

    Sheets are read in order; one whose header names ``CLEAR_HEADER`` fields or more is taken at once, else
    the best header of all the sheets wins (a cover sheet saying "Objet : …" is not the table).
    """
    book = open_workbook(path, where)
    try:
        notes: list[str] = []
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            notes.append(f"classeur Excel nommé « {path.suffix or 'sans extension'} » : lu comme classeur")
        names = _sheets_to_read(book, sheet, where, notes)
        first, empty, best = None, [], None
        for name in names:
            got = sheet_rows(book, name, where)
            if not any(clean_text(c) for r in got.rows for c in r):
                empty.append(name)
                continue
            header = rule.find(got.rows)
            if header is None:
                first = first or (name, got)
                continue
            score = rule.score([clean_text(c) for c in got.rows[header]])
            if best is None or score > best[0]:
                best = (score, name, got, header)
            if score >= CLEAR_HEADER:
                break
        if best is not None:
            _, name, got, header = best
            notes.extend(got.notes)
            notes.extend(_same_header_elsewhere(book, names, name, got.rows[header], rule, where))
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


def _same_header_elsewhere(
    book, names: list[str], read: str, header: list, rule: HeaderRule, where: str
) -> list[str]:
    """A note naming the other sheets that hold a table with the same header (one sheet a year): not read."""
    if len(names) < 2 or len(names) > 20:
        return []
    wanted = [clean_text(c) for c in header]
    same = []
    for name in names:
        if name == read:
            continue
        rows = sheet_rows(book, name, where).rows
        found = rule.find(rows)
        if found is not None and [clean_text(c) for c in rows[found]] == wanted:
            same.append(name)
    if not same:
        return []
    shown = ", ".join(f"« {n} »" for n in same)
    return [
        f"autres feuilles au même en-tête non lues : {shown} (les lire une à une avec sheet=… / --feuille)"
    ]


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
        [(r + [None] * longest)[:longest] for r in body], columns=unique_names(columns), dtype=object
    )
    if several:
        notes.append(f"feuille « {name} » lue")
    start = header + 2
    lines = list(range(start, start + len(frame)))
    aside: Counter = Counter()
    frame, lines = drop_repeated_headers(frame, lines, rows[header], aside)
    kept = {ln: a for ln, a in alerts.items() if ln >= start}
    groups = group_labels(rows[header - 1], list(frame.columns)) if header > 0 else {}
    frame = drop_empty_columns(frame)
    return RawTable(
        frame, lines, "Excel", name, notes, aside, header_line=header + 1, alerts=kept, groups=groups
    )


def _filled_length(row: list) -> int:
    n = len(row)
    while n and (row[n - 1] is None or row[n - 1] == ""):
        n -= 1
    return n
