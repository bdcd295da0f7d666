"""Low-level Excel writing shared by the reports: safe cells, formats, widths.

No cell written from data can start a formula: text beginning with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is stored as a string with openpyxl's ``data_type = "s"``
(never evaluated), which Excel and LibreOffice display as written.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .._utils import FORMULA_TRIGGERS, join_items

EURO = '#,##0 "€"'
PERCENT = "0 %"
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)


def cell_value(value):
    """A Python value Excel can hold: lists joined, NaN and NaT emptied, timestamps as dates."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list | tuple):
        return join_items(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date()
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    return value


def write_cell(ws, row: int, col: int, value, number_format: str | None = None):
    """Write one cell; text that would start a formula is forced to a plain string.

    Control characters XML cannot hold (a stray ``\x02`` in a buyer's object) are dropped
    instead of failing the whole report.
    """
    value = cell_value(value)
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
    if number_format and value is not None:
        cell.number_format = number_format
    elif isinstance(value, dt.date):
        cell.number_format = "DD/MM/YYYY"
    return cell


def write_table(
    ws,
    frame: pd.DataFrame,
    start_row: int = 1,
    formats: dict[str, str] | None = None,
    widths: dict[str, int] | None = None,
    autofilter: bool = True,
) -> int:
    """Write a DataFrame with a styled, frozen header; returns the next free row."""
    formats = formats or {}
    for j, name in enumerate(frame.columns, start=1):
        cell = write_cell(ws, start_row, j, str(name))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
        for j, (name, value) in enumerate(zip(frame.columns, row, strict=True), start=1):
            write_cell(ws, i, j, value, formats.get(name))
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    if autofilter and len(frame.columns):
        ws.auto_filter.ref = f"A{start_row}:{get_column_letter(len(frame.columns))}{start_row + len(frame)}"
    for j, name in enumerate(frame.columns, start=1):
        width = (widths or {}).get(name)
        if width is None:
            sample = [len(str(cell_value(v) or "")) for v in frame[name].head(200)]
            width = min(60, max(10, len(str(name)) + 2, *(s + 2 for s in sample))) if sample else 12
        column = ws.column_dimensions[get_column_letter(j)]
        # a sheet may hold several tables: a column keeps the widest need (openpyxl's default is 13)
        column.width = max(width, column.width if column.customWidth else 0)
    return start_row + len(frame) + 1
