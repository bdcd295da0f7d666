"""What both readers (contracts, directories) say of each file: unrecognised columns kept, a reading report."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from .._errors import InputError, Problem
from .._utils import alert_kind, clean_text, fold
from .raw import HeaderRule
from .tables import RawTable, read_table


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


def read_small_table(path, where: str, wanted: set[str], fix: str) -> pd.DataFrame:
    """A small sheet a person filled in (a corrections workbook, or its CSV), every cell as text ("" when blank).

    Its header is the first of the first rows naming one of the ``wanted`` columns; none is an error that
    says how to ``fix`` it. Rows are indexed by their line in the file.
    """

    def missing(where_: str, rows: list, _fix: str) -> InputError:
        shown = " | ".join(clean_text(c) for c in (rows[0] if rows else []) if clean_text(c))[:200]
        return InputError(Problem("aucune colonne attendue", where_, f"première ligne : « {shown} »", fix))

    rule = HeaderRule(lambda cells: sum(c in wanted for c in cells), 1, missing)
    raw = read_table(Path(path), where, rule)
    text = raw.frame.map(lambda v: "" if v is None or v != v else clean_text(v))
    text.index = raw.lines  # each row indexed by its line in the file, for the messages
    return text
