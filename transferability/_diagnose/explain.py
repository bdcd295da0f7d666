"""Each contract's level explained in one French sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._reference import HORS_CHAMP, geography

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


def _fr(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def _coverage_sentence(row) -> str:
    n = row.nb_prestataires
    where = _place_name(row)
    if n == 0:
        return f"aucun prestataire du métier ne couvre {where}"
    cover = f"{n} prestataire{'s' if n > 1 else ''} couvre{'nt' if n > 1 else ''} {where}"
    assumed = getattr(row, "nb_prestataires_supposes", 0) or 0
    if assumed:
        cover += (
            ", métiers à confirmer"
            if assumed == n
            else f", dont {assumed} aux métiers supposés (à confirmer)"
        )
    if row.distance_plus_proche_km == row.distance_plus_proche_km:
        cover += f", le plus proche à {row.distance_plus_proche_km:.0f} km"
    if row.base_couverture == "famille":
        cover += " (prestataires de la famille)"
    return cover


def _why_undetermined(row) -> str:
    if row.territoire != "inconnu":
        return "ni objet ni code CPV"
    if row.lieu_type == "pays" and row.lieu_code not in ("FR", "FRA", "FRANCE"):
        return "lieu d’exécution à l’étranger"
    return "lieu et département de l’acheteur inconnus"


def sentences(table: pd.DataFrame, judged: np.ndarray) -> list[str]:
    """The explanation of each contract: its trade, who covers its place, what its amount weighs."""
    out = []
    for row, ok in zip(table.itertuples(), judged, strict=True):
        if not ok:
            why = (
                "ni objet ni code CPV"
                if row.territoire != "inconnu"
                else "lieu et département de l’acheteur inconnus"
            )
            out.append(f"Indéterminé : {why}")
            continue
        if row.famille == HORS_CHAMP:
            out.append("Hors champ\u00a0: aucun métier du secteur inclusif ne porte cet achat")
            continue
        trade = f"{row.metier}\u00a0: capacité {CAPACITY_WORDS.get(row.capacite, row.capacite)}"
        trade += f" (confiance {row.proba_capacite * 100:.0f}\u00a0%)"
        if not (isinstance(row.objet, str) and row.objet.strip()):
            trade += " d’après le seul code CPV"
        parts = [trade, _coverage_sentence(row)]
        if row.dependance_economique == row.dependance_economique:
            what = "du CA moyen" if row.base_dependance.startswith("CA") else "de la capacité estimée"
            share = row.dependance_economique * 100
            parts.append(
                f"montant annuel\u00a0: {'moins de 1' if share < 1 else f'{share:.0f}'}\u00a0% {what}"
            )
        out.append("\u00a0; ".join(parts))
    return out
