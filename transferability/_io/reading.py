"""What both readers (contracts, directories) say of each file: unrecognised columns kept, a reading report."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from .._utils import alert_kind, fold
from .tables import RawTable


def source_column(header: object, taken) -> str:
    """The name under which an unrecognised column is kept: ``source_`` and its folded header, unique.

    Examples
    --------
    >>> source_column("Délai de paiement", {"source_delai_de_paiement"})
    'source_delai_de_paiement_'
    """
    column = "source_" + (fold(header).replace(" ", "_") or "colonne")
    while column in taken:
        column += "_"
    return column


def reading_report(
    path: Path, raw: RawTable, recognised: dict, unrecognised: list, table: pd.DataFrame, set_aside: Counter
) -> dict:
    """The part of a file's reading report both readers share (each adds its own counts)."""
    kinds: Counter = Counter()
    for alerts in table["alertes"]:
        kinds.update(alert_kind(a) for a in alerts)
    return {
        "fichier": str(path),
        "feuille": raw.sheet,
        "ligne_entete": raw.header_line or None,
        "lignes_lues": len(raw.lines) + sum(raw.set_aside.values()),
        "lignes_ecartees": dict(set_aside),
        "colonnes_reconnues": recognised,
        "colonnes_non_reconnues": unrecognised,
        "notes": list(raw.notes),
        "alertes_par_type": dict(kinds.most_common()),
    }
