"""Low-level Excel writing shared by the reports: the workbook and its sheets, safe cells, formats, widths.

The workbooks are written by XlsxWriter: cells go straight to the file's XML, four times faster than
building openpyxl's cell objects, which the department's report spent most of its time on. What a sheet
sets last wins (column widths, row heights, frozen panes, filter, print area), as the sheets are written
top to bottom and adjust those as they go: :class:`Sheet` keeps them and applies them when the workbook
is closed.

No cell written from data can start a formula: text is always written as a string (``write_string``,
never parsed), which Excel and LibreOffice display as written.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.utility import xl_col_to_name

from .._utils import join_items

EURO = '#,##0"\u00a0€"'
KEURO = '#,##0"\u00a0k€"'
MEURO = '#,##0"\u00a0M€"'
PERCENT = '0"\u00a0"%'
COUNT = "#,##0"
DATE = "DD/MM/YYYY"
# cell styles, in XlsxWriter's format properties
HEADER = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "pattern": 1, "text_wrap": True,
          "valign": "top"}  # fmt: skip
TITLE = {"bold": True, "font_size": 14}
BOLD = {"bold": True}
NOTE = {"italic": True, "font_size": 9}
WRAPPED = {"text_wrap": True, "valign": "top"}
TOP = {"valign": "top"}
DEFAULT_WIDTH = 13  # what the sheets assume of a column whose width they did not set
PX_PER_CM = 96 / 2.54

# French typography for the report's own text: a non-breaking space before « : ; % € ! ? », the
# typographic apostrophe, and the capital accents the vocabulary files leave out
_BEFORE = re.compile(r" ([:;%€!?])")
_ACCENTS = {"Energie": "Énergie", "Etablissement": "Établissement", "Electricit": "Électricit"}
_TAGS = re.compile(r"<[^>]{1,40}>")
# the control characters XML 1.0 cannot hold (tab, line feed and carriage return it can)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Book:
    """A workbook being written: its sheets in order, and each cell format made once (XlsxWriter adds a
    format to the file per ``add_format`` call)."""

    def __init__(self, path: str | Path, properties: dict | None = None):
        self.path = Path(path)
        options = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                   "strings_to_urls": False}  # fmt: skip
        self.book = xlsxwriter.Workbook(str(self.path), options)
        if properties:
            self.book.set_properties(properties)
        self.sheets: list[Sheet] = []
        self._formats: dict[tuple, object] = {}

    def sheet(self, name: str) -> Sheet:
        sheet = Sheet(self, name)
        self.sheets.append(sheet)
        return sheet

    def format(self, style: dict | None):
        """The format of ``style`` (XlsxWriter's properties), None for no style."""
        if not style:
            return None
        key = tuple(sorted(style.items()))
        if key not in self._formats:
            self._formats[key] = self.book.add_format(dict(style))
        return self._formats[key]

    def close(self) -> Path:
        """Apply what each sheet set last and write the file; a file that cannot be written raises the
        system's error (``PermissionError`` for a file open in Excel)."""
        for sheet in self.sheets:
            sheet.finish()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.book.close()
        except FileCreateError as error:
            cause = error.args[0] if error.args else error
            raise (cause if isinstance(cause, OSError) else OSError(str(cause))) from None
        return self.path


class Sheet:
    """One worksheet, 1-based rows and columns as in Excel, with what the report reads back or changes
    (column widths, row heights, frozen panes, filter, print area, page breaks) applied at the end."""

    def __init__(self, book: Book, name: str):
        self.book, self.name = book, name
        self.ws = book.book.add_worksheet(name)
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        self.freeze: tuple[int, int] | None = None  # the first cell that scrolls
        self.filter: tuple[int, int, int] | None = None  # header row, last row, last column
        self.area: tuple[int, int] | None = None  # the printed range: A1 to (last row, last column)
        self.breaks: list[int] = []  # a page ends after each of these rows

    def width(self, col: int) -> float:
        return self.widths.get(col, DEFAULT_WIDTH)

    def merge(self, row: int, first_col: int, last_col: int, value, style: dict | None = None) -> None:
        """One line of text across columns (the value written as a string, never as a formula)."""
        self.ws.merge_range(row - 1, first_col - 1, row - 1, last_col - 1, "", self.book.format(style))
        write_cell(self, row, first_col, value, style=style)

    def colour_if_equal(self, col: int, first_row: int, last_row: int, value: str, colour: str) -> None:
        """Cells of column ``col`` equal to ``value`` filled with ``colour`` (conditional format)."""
        fill = self.book.format({"bg_color": f"#{colour}"})
        self.ws.conditional_format(first_row - 1, col - 1, last_row - 1, col - 1,
                                   {"type": "cell", "criteria": "==", "value": f'"{value}"', "format": fill})  # fmt: skip

    def finish(self) -> None:
        ws = self.ws
        for col, width in self.widths.items():
            ws.set_column(col - 1, col - 1, width)
        for row, height in self.heights.items():
            ws.set_row(row - 1, height)
        if self.freeze:
            ws.freeze_panes(self.freeze[0] - 1, self.freeze[1] - 1)
        if self.filter:
            header, last, last_col = self.filter
            ws.autofilter(header - 1, 0, last - 1, last_col - 1)
        if self.area:
            ws.print_area(0, 0, self.area[0] - 1, self.area[1] - 1)
        if self.breaks:
            ws.set_h_pagebreaks(sorted(set(self.breaks)))


def column_letter(col: int) -> str:
    """``1`` → ``"A"``."""
    return xl_col_to_name(col - 1)


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
    """A Python value Excel can hold: lists joined, NaN, infinities and NaT emptied, timestamps as dates."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool | np.bool_):
        return "oui" if value else "non"
    if isinstance(value, list | tuple | np.ndarray):  # an arrow list comes out of ``Series.map`` as an array
        return join_items(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date()
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return cell_value(value.item())
    return value


def _text(value, raw: bool):
    """The text a cell shows: the report's own in French typography (:func:`french`), a buyer's as read
    (``raw``: only HTML tags removed); control characters XML cannot hold (a stray ``\\x02`` in a buyer's
    object) dropped instead of failing the whole report."""
    value = plain_text(value) if raw else french(value)
    return _ILLEGAL.sub("", value) if _ILLEGAL.search(value) else value


def write_cell(ws: Sheet, row: int, col: int, value, number_format: str | None = None, raw: bool = False,
               style: dict | None = None) -> None:  # fmt: skip
    """Write one cell; text is always a string, never a formula (see the module's docstring)."""
    value = cell_value(value)
    if isinstance(value, str):
        value = _text(value, raw)
    book = ws.book
    if number_format and value is not None:
        fmt = book.format({**(style or {}), "num_format": number_format})
    elif isinstance(value, dt.date):
        fmt = book.format({**(style or {}), "num_format": DATE})
    else:
        fmt = book.format(style)
    _put(ws.ws, row - 1, col - 1, value, fmt)


def _put(ws, row: int, col: int, value, fmt) -> None:
    """One converted value (see :func:`cell_value`) at 0-based ``row``, ``col``."""
    if value is None:
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.date) and value.year < 1900:  # before Excel's calendar: the date as text
        ws.write_string(row, col, f"{value.day:02d}/{value.month:02d}/{value.year:04d}", fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, _text(str(value), True), fmt)


def write_table(
    ws: Sheet,
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
    last_top = len(frame.columns) if printed is None else printed
    for j, name in enumerate(frame.columns, start=1):
        write_cell(ws, start_row, j, str(name), style=HEADER)
    for j, name in enumerate(frame.columns, start=1):
        align = WRAPPED if name in wrap else TOP if wrap and j <= last_top else {}
        _write_column(ws, frame[name].tolist(), start_row, j, align, formats.get(name), name in raw)
    ws.freeze = (start_row + 1, 1)
    if autofilter and len(frame.columns):
        ws.filter = (start_row, start_row + len(frame), len(frame.columns))
    if fit:
        _fit_columns(ws, frame, widths)
    _fit_header(ws, frame, start_row)
    if wrap:
        _fit_rows(ws, frame, start_row, wrap)
    return start_row + len(frame) + 1


def _write_column(ws: Sheet, values: list, start_row: int, col: int, align: dict, number_format, raw: bool):
    """A table's column under its header (0-based positions from here), each format found once."""
    book, sheet, col = ws.book, ws.ws, col - 1
    fmt = book.format({**align, "num_format": number_format} if number_format else align)
    date_fmt = book.format({**align, "num_format": number_format or DATE})
    for row, value in enumerate(values, start=start_row):
        value = cell_value(value)
        if value is None:
            continue
        if isinstance(value, str):
            value = _text(value, raw)
        _put(sheet, row, col, value, date_fmt if isinstance(value, dt.date) else fmt)


def _fit_columns(ws: Sheet, frame: pd.DataFrame, widths: dict[str, int] | None) -> None:
    for j, name in enumerate(frame.columns, start=1):
        width = (widths or {}).get(name)
        if width is None:
            sample = [len(str(cell_value(v) or "")) for v in frame[name].head(200)]
            # headers wrap: a long column name asks for at most 16 characters
            width = min(60, max(10, min(len(str(name)) + 2, 16), *(s + 2 for s in sample))) if sample else 12
        # a sheet may hold several tables: a column keeps the widest need
        ws.widths[j] = max(width, ws.widths.get(j, 0))


def _fit_header(ws: Sheet, frame: pd.DataFrame, row: int) -> None:
    """The header row tall enough for its wrapped names."""
    lines = 1
    for j, name in enumerate(frame.columns, start=1):
        chars = max((ws.width(j) or DEFAULT_WIDTH) - 1, 5)
        lines = max(lines, math.ceil(len(str(name)) / chars))
    if lines > 1:
        ws.heights[row] = 14 * min(lines, 4)


def _line_length(value) -> float:
    """The width a text takes, in average characters: capitals are wider (about 1.2)."""
    text = str(cell_value(value) or "")
    return len(text) + 0.2 * sum(c.isupper() for c in text)


def _fit_rows(ws: Sheet, frame: pd.DataFrame, start_row: int, wrap: tuple[str, ...]) -> None:
    """Row heights for wrapped text (neither Excel nor LibreOffice sizes the rows of a generated file):
    the most lines any wrapped cell of the row needs at its column's width, 13 points a line."""
    lines = np.ones(len(frame), dtype=int)
    for j, name in enumerate(frame.columns, start=1):
        if name not in wrap:
            continue
        chars = max(ws.width(j) - 1, 5)
        sizes = frame[name].map(_line_length).to_numpy(float)
        lines = np.maximum(lines, np.ceil(sizes / chars).astype(int))
    for i in np.flatnonzero(lines > 1):
        ws.heights[start_row + 1 + int(i)] = 13 * min(int(lines[i]), 12)
