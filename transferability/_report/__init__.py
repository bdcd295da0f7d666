"""Writers that read a Diagnostic: the Excel report, the aggregate report, the review workbook."""

from .csv import write_csv
from .review import export_review
from .workbook import write_aggregate_report, write_report

__all__ = [
    "write_csv",
    "export_review",
    "write_aggregate_report",
    "write_report",
]
