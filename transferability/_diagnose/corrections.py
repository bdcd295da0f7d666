"""A consultant's per-contract overrides of famille, capacité or niveau, applied to a diagnostic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputError, Problem
from .._io import read_small_table
from .._reference import taxonomy as tx
from .diagnostic import Diagnostic
from .pipeline import conclude
from .potential import SECTORS
from .rules import LEVELS

LEVEL_COLUMNS = ("niveau", *(f"niveau_{s}" for s in SECTORS))
COLUMNS = ("famille", "capacite", *LEVEL_COLUMNS)


def read_level_corrections(path: str | Path) -> pd.DataFrame:
    """Read a corrections sheet: ``id_contrat`` (and ``acheteur_id`` when ids repeat across buyers),
    then any of ``famille``, ``capacite``, ``niveau`` (both sectors), ``niveau_esat_ea``, ``niveau_siae``.
    Every bad cell is listed in one error."""
    path = Path(path)
    sheet = read_small_table(
        path,
        str(path),
        {"id_contrat", "acheteur_id", *COLUMNS},
        "fournir un .xlsx avec les colonnes id_contrat et famille / capacite / niveau",
    )
    problems = []
    if "id_contrat" not in sheet.columns:
        problems.append(
            Problem(
                "colonne id_contrat absente",
                str(path),
                ", ".join(sheet.columns),
                "ajouter la référence du marché en colonne id_contrat",
            )
        )
    if not set(COLUMNS) & set(sheet.columns):
        problems.append(
            Problem(
                "aucune colonne à corriger",
                str(path),
                ", ".join(sheet.columns),
                "ajouter une colonne famille, capacite ou niveau",
            )
        )
    allowed = {"famille": tx.family_labels(), "capacite": tx.CAPACITIES} | dict.fromkeys(
        LEVEL_COLUMNS, LEVELS
    )
    for col, values in allowed.items():
        if col in sheet.columns:
            for i, v in sheet[col].items():
                if v and v not in values:
                    problems.append(
                        Problem(
                            f"{col} inconnu(e)",
                            f"{path}, ligne {i}, colonne {col}",
                            f"« {v} »",
                            "choisir parmi : " + ", ".join(values),
                        )
                    )
    if problems:
        raise InputError(problems)
    return sheet


def apply_corrections(diag, corrections):
    """A copy of the diagnostic with the consultant's overrides; ``correction_consultant`` says what changed.

    The verdict is judged again with the corrected family and capability (coverage is kept); a level given
    (``niveau`` for both sectors, or one sector's) replaces that sector's, and the parts, recommendations
    and explanations follow.
    """
    sheet = corrections if isinstance(corrections, pd.DataFrame) else read_level_corrections(corrections)
    table = diag.contrats.copy()
    table["correction_consultant"] = None
    overrides = pd.DataFrame({f"niveau_{s}": None for s in SECTORS}, index=table.index, dtype=object)
    by_buyer = "acheteur_id" in sheet.columns
    unknown = []
    for i, row in sheet.iterrows():
        mask = table["id_contrat"].astype(str) == str(row["id_contrat"])
        if by_buyer and row.get("acheteur_id"):
            mask &= table["acheteur_id"].astype(str) == str(row["acheteur_id"])
        if not mask.any():
            unknown.append(
                Problem(
                    "marché introuvable",
                    f"corrections, ligne {i}",
                    f"« {row['id_contrat']} »",
                    "vérifier la référence (colonne id_contrat)",
                )
            )
            continue
        changed = []
        for col in COLUMNS:
            if not row.get(col):
                continue
            if col in LEVEL_COLUMNS:
                overrides.loc[mask, list(overrides.columns) if col == "niveau" else [col]] = row[col]
            else:
                table.loc[mask, col] = row[col]
            changed.append(f"{col} corrigé(e)")
        table.loc[mask, "correction_consultant"] = " ; ".join(changed)
    if unknown:
        raise InputError(unknown)
    providers = diag.prestataires_par_marche or [np.array([], dtype=int)] * len(table)
    table = conclude(table, providers, diag.annuaire, diag.parametres, overrides=overrides)
    return Diagnostic(table, diag.annuaire, diag.parametres, diag.prestataires_par_marche)
