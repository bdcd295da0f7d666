"""Excel listing of a contract table as read: normalised columns, warnings, reading report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from ._excel import EURO, TITLE_FONT, write_cell, write_table


def write_contracts_listing(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the contracts with their normalised columns and warnings, and the reading report.

    Examples
    --------
    >>> import tempfile, transferability as tr
    >>> table = tr.read_contracts(tr.load_sample_contracts_path())
    >>> out = write_contracts_listing(table, Path(tempfile.mkdtemp()) / "lecture.xlsx")
    >>> out.suffix
    '.xlsx'
    """
    path = Path(path)
    book = Workbook()
    ws = book.active
    ws.title = "Marchés lus"
    write_cell(ws, 1, 1, "Marchés lus et normalisés").font = TITLE_FONT
    write_cell(ws, 2, 1, f"Produit le {dt.date.today():%d/%m/%Y} par transferability")
    shown = table.drop(
        columns=[
            c
            for c in table.columns
            if c.startswith("source_") and c not in ("source_fichier", "source_ligne")
        ]
    )
    write_table(ws, shown, start_row=4, formats={"montant": EURO})
    rep = book.create_sheet("Lecture")
    write_cell(rep, 1, 1, "Rapport de lecture").font = TITLE_FONT
    row = 3
    for report in table.attrs.get("lecture", []):
        for key, value in report.items():
            write_cell(rep, row, 1, key)
            if isinstance(value, dict):
                value = " ; ".join(f"{k} : {v}" for k, v in value.items())
            write_cell(rep, row, 2, value)
            row += 1
        row += 1
    rep.column_dimensions["A"].width = 28
    rep.column_dimensions["B"].width = 120
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
