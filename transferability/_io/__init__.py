"""Reading files safely: safety checks, decoding, workbook rows, the table reader, cell parsers."""

from . import cells, safety
from .cells import CATEGORIES, parse_amount, parse_cpv
from .csv_chunks import CsvChunks
from .decoding import HEADER_SEARCH_ROWS, csv_records, decode, sniff_separator
from .reading import read_small_table, reading_report, source_column
from .safety import check_archive, check_not_binary, file_head, gunzipped, looks_utf16
from .sheets import close_workbook, open_workbook, sheet_rows, visible_sheets
from .tables import (
    HeaderRule,
    RawTable,
    detect_format,
    large_file_format,
    parquet_row_group,
    raw_text,
    read_chunks,
    read_table,
)

__all__ = [
    "CATEGORIES",
    "HEADER_SEARCH_ROWS",
    "HeaderRule",
    "RawTable",
    "CsvChunks",
    "cells",
    "check_archive",
    "check_not_binary",
    "close_workbook",
    "csv_records",
    "decode",
    "detect_format",
    "file_head",
    "gunzipped",
    "large_file_format",
    "looks_utf16",
    "open_workbook",
    "parse_amount",
    "parse_cpv",
    "parquet_row_group",
    "raw_text",
    "read_chunks",
    "read_small_table",
    "reading_report",
    "read_table",
    "safety",
    "sheet_rows",
    "sniff_separator",
    "source_column",
    "visible_sheets",
]
