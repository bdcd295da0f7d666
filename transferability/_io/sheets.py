"""Reading the rows of a workbook safely, as a person sees them in Excel.

Shared by the contract and directory readers. The archive is checked first
(:func:`._safety.check_archive`); openpyxl then reads it in read-only mode, through
defusedxml, with the values Excel computed (``data_only``). What openpyxl alone would
hide is brought back or flagged:

* a merged range shows its value in every cell it covers (a "Direction" merged over
  five rows belongs to the five contracts);
* a formula saved without its computed value (a file written by a program, never opened
  in Excel) is read empty and flagged on its row;
* any XML or zip error met while reading becomes an :class:`InputError`, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml.ElementTree import iterparse

from .._errors import InputError, Problem
from .safety import check_archive

_FIX = "rouvrir le fichier dans Excel ou LibreOffice et l’enregistrer en .xlsx"
_EXTRAS = re.compile(rb"<(?:\w+:)?(?:f|mergeCell)[\s>/]")
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
CHUNK_BYTES = 1 << 20


@dataclass
class SheetRows:
    """A sheet's rows (lists of values) and what was repaired or found suspicious."""

    rows: list[list]
    notes: list[str] = field(default_factory=list)
    alerts: dict[int, list[str]] = field(default_factory=dict)  # 1-based row → alerts


def open_workbook(path: Path, where: str):
    """The workbook, read-only with computed values, once the archive passed the checks."""
    from openpyxl import load_workbook  # parses XML through defusedxml when it is installed

    check_archive(path, where)
    handle = path.open("rb")  # a file object: openpyxl would refuse a workbook named .csv or .xls
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # zip or XML errors: the file is not a readable workbook
        handle.close()
        raise InputError(
            Problem("classeur Excel illisible", where, f"{type(exc).__name__} : {exc}"[:200], _FIX)
        ) from None
    book._transferability_handle = handle
    return book


def close_workbook(book) -> None:
    """Close a workbook from :func:`open_workbook` and the file under it."""
    book.close()
    handle = getattr(book, "_transferability_handle", None)
    if handle is not None:
        handle.close()


def sheet_rows(book, name: str, where: str) -> SheetRows:
    """Every row of a sheet, merged ranges filled, formulas without a value flagged."""
    ws = book[name]
    try:
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # a wrong <dimension> written by some exporters would cut rows off
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        merged, uncached, formulas = _extras(ws)
    except InputError:
        raise
    except Exception as exc:  # defusedxml refusals, broken XML, zip errors met while reading
        raise InputError(
            Problem(
                "feuille illisible ou dangereuse",
                f"{where}, feuille « {name} »",
                f"{type(exc).__name__} : {exc}"[:200],
                _FIX,
            )
        ) from None
    out = SheetRows(rows)
    filled = _fill_merged(rows, merged)
    if filled:
        out.notes.append(
            f"feuille « {name} » : {len(merged)} plage(s) de cellules fusionnées, valeur recopiée dans "
            f"{filled} cellule(s)"
        )
    for row, col in uncached:
        out.alerts.setdefault(row, []).append(
            f"formule sans valeur calculée en {col}{row} : cellule lue vide (ouvrir et enregistrer le "
            "fichier dans Excel pour calculer les formules)"
        )
    if formulas:
        cached = formulas - len(uncached)
        out.notes.append(
            f"feuille « {name} » : {formulas} cellule(s) calculée(s) par formule"
            + (f", {cached} lue(s) avec la valeur enregistrée par Excel" if cached else "")
            + (f", {len(uncached)} sans valeur calculée (lues vides)" if uncached else "")
        )
    return out


def _extras(ws) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, str]], int]:
    """Merged ranges and formula cells of a sheet, read from its XML only when it has some."""
    open_source = getattr(ws, "_get_source", None)  # openpyxl's read-only sheet: its XML member
    if open_source is None:
        return [], [], 0
    with open_source() as src:
        tail, found = b"", False
        while chunk := src.read(CHUNK_BYTES):
            if _EXTRAS.search(tail + chunk):
                found = True
                break
            tail = chunk[-32:]
    if not found:
        return [], [], 0
    merged, uncached, formulas = [], [], 0
    with open_source() as src:
        for _, el in iterparse(src, events=("end",)):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "c":
                f = _child(el, "f")
                if f is not None:
                    formulas += 1
                    v = _child(el, "v")
                    if v is None or not (v.text or "").strip():
                        m = _REF.match(el.get("r", ""))
                        if m:
                            uncached.append((int(m.group(2)), m.group(1)))
                el.clear()
            elif tag == "row":
                el.clear()
            elif tag == "mergeCell":
                bounds = _bounds(el.get("ref", ""))
                if bounds:
                    merged.append(bounds)
    return merged, uncached, formulas


def _child(el, name: str):
    for c in el:
        if c.tag.rsplit("}", 1)[-1] == name:
            return c
    return None


def _bounds(ref: str) -> tuple[int, int, int, int] | None:
    """``"B2:C4"`` → (min_row, min_col, max_row, max_col), 1-based."""
    from openpyxl.utils.cell import range_boundaries

    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return None
    if None in (min_col, min_row, max_col, max_row):
        return None
    return min_row, min_col, max_row, max_col


def _fill_merged(rows: list[list], merged: list[tuple[int, int, int, int]]) -> int:
    """Copy each merged range's top-left value into its other cells; returns the cells filled."""
    filled = 0
    for min_row, min_col, max_row, max_col in merged:
        if min_row > len(rows):
            continue
        value = _get(rows, min_row, min_col)
        if value is None:
            continue
        for r in range(min_row, min(max_row, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col) and row[c - 1] is None:
                    row[c - 1] = value
                    filled += 1
    return filled


def _get(rows: list[list], r: int, c: int):
    row = rows[r - 1]
    return row[c - 1] if c <= len(row) else None


def visible_sheets(book) -> list[str]:
    return [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
