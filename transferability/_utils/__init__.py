"""Shared utilities: French text folding, today's date, bundled resources, tables written to CSV."""

from . import clock
from .arrow_lists import any_holder_in, holders_column, python_lists
from .cache import cache_dir, cached
from .clock import DAYS_PER_MONTH
from .collector import collector_paused
from .frames import (
    CSV_FORMATS,
    FORMULA_TRIGGERS,
    as_strings,
    check_csv_format,
    csv_rows,
    distinct_rows,
    flat_lists,
    join_items,
    map_distinct,
    map_unless_clean,
)
from .french import NBSP, THIN, fr_amount, fr_count, fr_euros, fr_int, fr_pct
from .resources import data_dir, data_path, models_dir, read_data_csv
from .text import (
    alert_kind,
    clean_already,
    clean_text,
    fold,
    fold_in_place,
    fold_series,
    fold_with_origins,
    has_text,
    is_ascii_digits,
    regex_found,
    search,
)

__all__ = [
    "NBSP",
    "THIN",
    "fr_amount",
    "fr_count",
    "fr_euros",
    "fr_int",
    "fr_pct",
    "cache_dir",
    "cached",
    "collector_paused",
    "DAYS_PER_MONTH",
    "FORMULA_TRIGGERS",
    "alert_kind",
    "any_holder_in",
    "holders_column",
    "python_lists",
    "as_strings",
    "clean_already",
    "clean_text",
    "clock",
    "data_dir",
    "data_path",
    "flat_lists",
    "distinct_rows",
    "csv_rows",
    "check_csv_format",
    "CSV_FORMATS",
    "fold",
    "fold_in_place",
    "fold_series",
    "fold_with_origins",
    "has_text",
    "is_ascii_digits",
    "join_items",
    "map_distinct",
    "map_unless_clean",
    "models_dir",
    "read_data_csv",
    "regex_found",
    "search",
]
