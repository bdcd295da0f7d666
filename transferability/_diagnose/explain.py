"""Each contract's level explained in one French sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._reference import HORS_CHAMP, geography
from .recommend import percent
from .rules import described

# the capability qualifies « capacité » (feminine): the words a reader expects
CAPACITY_WORDS = {"total": "totale", "partiel": "partielle", "aucun": "aucune"}


def _place_name(row) -> str:
    geo = geography()
    if isinstance(row.commune_insee, str) and row.commune_insee in geo.nom:
        return geo.nom[row.commune_insee]
    if isinstance(row.departement, str) and row.departement in geo.departements.index:
        return geo.departements.at[row.departement, "nom"]
    if isinstance(row.region, str) and row.region in geo.regions.index:
        return geo.regions.at[row.region, "nom"]
    return "un territoire inconnu"


def _coverage_sentence(row) -> str:
    n = row.nb_prestataires
    where = _place_name(row)
    if n == 0:
        return f"aucun prestataire du métier ne couvre {where}"
    kinds = [f"{k} {word}" for k, word in ((row.nb_handicap, "ESAT ou EA"), (row.nb_insertion, "SIAE")) if k]
    cover = f"{n} prestataire{'s' if n > 1 else ''} couvre{'nt' if n > 1 else ''} {where}"
    if kinds:
        cover += f" (dont {' et '.join(kinds)})"
    assumed = getattr(row, "nb_prestataires_supposes", 0) or 0
    if assumed:
        cover += (
            ", métiers à confirmer"
            if assumed == n
            else f", dont {assumed} aux métiers supposés (à confirmer)"
        )
    if row.distance_plus_proche_km == row.distance_plus_proche_km:
        cover += f", le plus proche à {row.distance_plus_proche_km:.0f}\u00a0km"
    if row.base_couverture == "famille":
        cover += " (prestataires de la famille)"
    return cover


def _why_undetermined(row, has_object: bool) -> str:
    if not has_object:
        return "ni objet ni code CPV"
    if row.territoire == "inconnu":
        if row.lieu_type == "pays" and row.lieu_code not in ("FR", "FRA", "FRANCE"):
            return "lieu d’exécution à l’étranger"
        return "lieu et département de l’acheteur inconnus"
    if row.potentiel_esat_ea == row.potentiel_siae == "indéterminé":
        return "objet trop imprécis pour juger le potentiel"
    return "aucun prestataire de ces secteurs dans l’annuaire"


def _verdict_sentence(row) -> str:
    """Each sector's level, with the share of the amount it could carry out where it is moyen."""
    said = []
    for sector, name in (("esat_ea", "ESAT, EA"), ("siae", "SIAE")):
        level, part = getattr(row, f"niveau_{sector}"), getattr(row, f"part_{sector}")
        if level == "moyen" and part == part:
            trade = f"\u00a0: {row.metier.lower()}" if isinstance(row.metier, str) else ""
            level += f" (un lot d’{percent(part)} du montant{trade})"
        said.append(f"{name} {level}")
    return "niveau " + ", ".join(said)


# the columns the sentences read: iterated alone, not the whole table's seventy
SENTENCE_COLUMNS = [
    "famille", "niveau", "metier", "capacite", "proba_capacite", "objet", "niveau_esat_ea", "niveau_siae",
    "part_esat_ea", "part_siae", "dependance_economique", "base_dependance", "commune_insee", "departement",
    "region", "nb_prestataires", "nb_handicap", "nb_insertion", "distance_plus_proche_km", "base_couverture",
    "territoire", "lieu_type", "lieu_code", "potentiel_esat_ea", "potentiel_siae", "nb_prestataires_supposes",
]  # fmt: skip


def sentences(table: pd.DataFrame, judged: np.ndarray, notes: list[list[str]]) -> list[str]:
    """The explanation of each contract: its trade, each sector's level, who covers its place, what its
    amount weighs, and what the territory did to a sector's potential (``notes``)."""
    out = []
    amounts = pd.to_numeric(table["montant"], errors="coerce").astype(float).to_numpy()
    read = table[[c for c in SENTENCE_COLUMNS if c in table.columns]]
    # texts as Python strings at once: iterating an arrow-backed column cell by cell is slow
    read = read.astype({c: object for c in read.columns if isinstance(read[c].dtype, pd.StringDtype)})
    rows = zip(read.itertuples(), judged, described(table), notes, amounts, strict=True)
    for row, ok, has_object, said, amount in rows:
        if row.famille == HORS_CHAMP and ok:
            out.append(
                "Hors champ\u00a0: aucun métier des secteurs protégé, adapté ou d’insertion ne porte cet achat"
            )
            continue
        if row.niveau == "indéterminé":
            out.append(f"Indéterminé\u00a0: {_why_undetermined(row, has_object)}")
            continue
        trade = f"{row.metier}\u00a0: capacité {CAPACITY_WORDS.get(row.capacite, row.capacite)}"
        trade += f" (confiance {row.proba_capacite * 100:.0f}\u00a0%)"
        if not (isinstance(row.objet, str) and row.objet.strip()):
            trade += " d’après le seul code CPV"
        parts = [trade, _verdict_sentence(row), _coverage_sentence(row), *said]
        if np.isnan(amount):
            parts.append("montant absent\u00a0: potentiel jugé sur l’objet seul, aucun montant transférable")
        elif row.dependance_economique == row.dependance_economique:
            what = "du CA moyen" if row.base_dependance.startswith("CA") else "de la capacité estimée"
            share = row.dependance_economique * 100
            parts.append(
                f"montant annuel\u00a0: {'moins de 1' if share < 1 else f'{share:.0f}'}\u00a0% {what}"
            )
        out.append("\u00a0; ".join(parts))
    return out
