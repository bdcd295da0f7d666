"""The review workbook: the least confident classifications, for a consultant to correct."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from .excel import write_table


def export_review(classified: pd.DataFrame, path: str | Path, n: int = 200) -> Path:
    """The ``n`` least confident predictions, in an Excel sheet a consultant corrects."""
    confidence = classified["proba_famille"].astype(float) * classified["proba_capacite"].astype(float)
    worst = classified.assign(confiance=confidence.round(3)).nsmallest(n, "confiance")
    cols = [
        "source_fichier",
        "source_ligne",
        "acheteur_id",
        "id_contrat",
        "objet",
        "code_cpv",
        "famille",
        "proba_famille",
        "capacite",
        "proba_capacite",
        "confiance",
    ]
    sheet = worst[[c for c in cols if c in worst.columns]].assign(famille_corrigee="", capacite_corrigee="")
    book = Workbook()
    ws = book.active
    ws.title = "À revoir"
    write_table(ws, sheet)
    path = Path(path)
    book.save(path)
    return path
