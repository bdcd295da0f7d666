"""The review workbook: the classifications worth a consultant's correction first."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .excel import Book, write_table


def export_review(classified: pd.DataFrame, path: str | Path, n: int = 200) -> Path:
    """The ``n`` predictions whose correction is worth most, in an Excel sheet a consultant corrects.

    Worth = probability that the family or the capability is wrong × the contract's amount (a contract
    without amount counts as the median amount), so that a doubtful 2 M€ contract comes before a doubtful
    5 k€ one; ties keep the least confident first.
    """
    confidence = classified["proba_famille"].astype(float) * classified["proba_capacite"].astype(float)
    amount = pd.to_numeric(classified.get("montant"), errors="coerce") if "montant" in classified else None
    amount = (
        amount.fillna(amount.median() if amount is not None and amount.notna().any() else 1.0)
        if amount is not None
        else 1.0
    )
    worth = (1 - confidence) * amount
    worst = (
        classified.assign(confiance=confidence.round(3), valeur_correction=(worth).round(0))
        .sort_values(["valeur_correction", "confiance"], ascending=[False, True], kind="stable")
        .head(n)
    )
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
        "montant",
        "confiance",
        "valeur_correction",
    ]
    sheet = worst[[c for c in cols if c in worst.columns]].assign(famille_corrigee="", capacite_corrigee="")
    book = Book(path)
    write_table(book.sheet("À revoir"), sheet)
    return book.close()
