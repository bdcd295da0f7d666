"""Low-level Excel writing shared by the reports: safe cells, formats, widths.

No cell written from data can start a formula: text beginning with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is stored as a string with openpyxl's ``data_type = "s"``
(never evaluated), which Excel and LibreOffice display as written.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

from .._utils import FORMULA_TRIGGERS, join_items

EURO = '#,##0"\u00a0€"'
KEURO = '#,##0"\u00a0k€"'
MEURO = '#,##0"\u00a0M€"'
PERCENT = '0"\u00a0"%'
COUNT = "#,##0"
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)


# French typography for the report's own text: a non-breaking space before « : ; % € ! ? », the
# typographic apostrophe, and the capital accents the vocabulary files leave out
_BEFORE = re.compile(r" ([:;%€!?])")
_ACCENTS = {"Energie": "Énergie", "Etablissement": "Établissement", "Electricit": "Électricit"}
_TAGS = re.compile(r"<[^>]{1,40}>")


def amount_unit(largest: float, settings) -> tuple[float, str, str]:
    """The divisor, unit and number format of a chart's amounts and its table's: k€, or M€ from
    ``settings.montant_en_millions`` on (a national file's billions of k€ are unreadable)."""
    if largest >= settings.montant_en_millions:
        return 1e6, "M€", MEURO
    return 1e3, "k€", KEURO


def french(text: str) -> str:
    """The report's own text in French typography.

    Examples
    --------
    >>> french("Energie, environnement : 12 % d'achats")
    'Énergie, environnement\xa0: 12\xa0% d’achats'
    """
    text = _BEFORE.sub("\u00a0\\1", text).replace("'", "’")
    for plain, accented in _ACCENTS.items():
        text = text.replace(plain, accented)
    return text


def plain_text(text):
    """A buyer's text as read, without HTML tags (``<br />``) left in exports."""
    if not isinstance(text, str) or "<" not in text:
        return text
    return re.sub(r"\s{2,}", " ", _TAGS.sub(" ", text)).strip()


def cell_value(value):
    """A Python value Excel can hold: lists joined, NaN and NaT emptied, timestamps as dates."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool | np.bool_):
        return "oui" if value else "non"
    if isinstance(value, list | tuple):
        return join_items(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date()
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    return value


def write_cell(ws, row: int, col: int, value, number_format: str | None = None, raw: bool = False):
    """Write one cell; text that would start a formula is forced to a plain string.

    The report's own text is set in French typography (:func:`french`); ``raw`` keeps a buyer's text as
    read (only HTML tags are removed). Control characters XML cannot hold (a stray ``\x02`` in a buyer's
    object) are dropped instead of failing the whole report.
    """
    value = cell_value(value)
    if isinstance(value, str):
        value = plain_text(value) if raw else french(value)
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
    raw: tuple[str, ...] = (),
    wrap: tuple[str, ...] = (),
    fit: bool = True,
    printed: int | None = None,
) -> int:
    """Write a DataFrame with a styled, frozen header; returns the next free row.

    ``raw`` names the columns of a buyer's text (kept as read), ``wrap`` those whose text wraps; with
    ``fit=False`` the sheet's column widths are kept as they are. In a table with wrapped text, the cells of
    the first ``printed`` columns (all by default) read from the top, as on paper.
    """
    formats = formats or {}
    wrapped, top = _alignment_id(ws, WRAPPED), _alignment_id(ws, TOP)
    last_top = len(frame.columns) if printed is None else printed
    for j, name in enumerate(frame.columns, start=1):
        cell = write_cell(ws, start_row, j, str(name))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
        for j, (name, value) in enumerate(zip(frame.columns, row, strict=True), start=1):
            cell = write_cell(ws, i, j, value, formats.get(name), raw=name in raw)
            if name in wrap:
                _align(cell, wrapped)
            elif wrap and j <= last_top:  # a row of wrapped text: cells read from the top
                _align(cell, top)
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    if autofilter and len(frame.columns):
        ws.auto_filter.ref = f"A{start_row}:{get_column_letter(len(frame.columns))}{start_row + len(frame)}"
    if fit:
        _fit_columns(ws, frame, widths)
    _fit_header(ws, frame, start_row)
    if wrap:
        _fit_rows(ws, frame, start_row, wrap)
    return start_row + len(frame) + 1


def _fit_columns(ws, frame: pd.DataFrame, widths: dict[str, int] | None) -> None:
    for j, name in enumerate(frame.columns, start=1):
        width = (widths or {}).get(name)
        if width is None:
            sample = [len(str(cell_value(v) or "")) for v in frame[name].head(200)]
            # headers wrap: a long column name asks for at most 16 characters
            width = min(60, max(10, min(len(str(name)) + 2, 16), *(s + 2 for s in sample))) if sample else 12
        column = ws.column_dimensions[get_column_letter(j)]
        # a sheet may hold several tables: a column keeps the widest need (openpyxl's default is 13)
        column.width = max(width, column.width if column.customWidth else 0)


WRAPPED, TOP = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")


def _alignment_id(ws, alignment: Alignment) -> int:
    """The workbook's index of ``alignment``: set on each cell by index, since ``cell.alignment = …`` hashes
    the alignment again for every cell (a third of the time of a 20,000-row sheet)."""
    return ws.parent._alignments.add(alignment)


def _align(cell, alignment_id: int) -> None:
    """What ``cell.alignment = …`` does, with the index found once (see :func:`_alignment_id`)."""
    if not cell._style:
        cell._style = StyleArray()
    cell._style.alignmentId = alignment_id


def _fit_header(ws, frame: pd.DataFrame, row: int) -> None:
    """The header row tall enough for its wrapped names."""
    lines = 1
    for j, name in enumerate(frame.columns, start=1):
        chars = max((ws.column_dimensions[get_column_letter(j)].width or 13) - 1, 5)
        lines = max(lines, math.ceil(len(str(name)) / chars))
    if lines > 1:
        ws.row_dimensions[row].height = 14 * min(lines, 4)


def _line_length(value) -> float:
    """The width a text takes, in average characters: capitals are wider (about 1.2)."""
    text = str(cell_value(value) or "")
    return len(text) + 0.2 * sum(c.isupper() for c in text)


def _fit_rows(ws, frame: pd.DataFrame, start_row: int, wrap: tuple[str, ...]) -> None:
    """Row heights for wrapped text (neither Excel nor LibreOffice sizes the rows of a generated file):
    the most lines any wrapped cell of the row needs at its column's width, 13 points a line."""
    lines = np.ones(len(frame), dtype=int)
    for j, name in enumerate(frame.columns, start=1):
        if name not in wrap:
            continue
        chars = max(ws.column_dimensions[get_column_letter(j)].width - 1, 5)
        sizes = frame[name].map(_line_length).to_numpy(float)
        lines = np.maximum(lines, np.ceil(sizes / chars).astype(int))
    for i in np.flatnonzero(lines > 1):
        ws.row_dimensions[start_row + 1 + int(i)].height = 13 * min(int(lines[i]), 12)
