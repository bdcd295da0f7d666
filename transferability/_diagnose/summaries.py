"""The summaries of a :class:`Diagnostic` (methods, kept apart to keep each module small).

Every summary leaves out duplicates (``doublon``); shares of amount are computed over the
contracts the library could judge (fort + moyen + faible), and say so in their column names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._io import CATEGORIES
from .scoring import LEVELS, UNDETERMINED

ALL = "Ensemble"


def _kept(self) -> pd.DataFrame:
    return self.contrats[~self.contrats["doublon"].astype(bool)]


def _by_level(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    amounts = frame.pivot_table(
        index=keys, columns="niveau", values="montant", aggfunc="sum", fill_value=0.0, observed=True
    )
    counts = frame.pivot_table(
        index=keys, columns="niveau", values="montant", aggfunc="size", fill_value=0, observed=True
    )
    out = pd.DataFrame(index=amounts.index)
    out["nb_marches"] = counts.sum(axis=1)
    for level in (*LEVELS, UNDETERMINED):
        out[f"nb_{level}"] = counts.get(level, 0)
    out["montant_total"] = amounts.sum(axis=1)
    for level in (*LEVELS, UNDETERMINED):
        out[f"montant_{level}"] = amounts.get(level, 0.0)
    judged = out[[f"montant_{lv}" for lv in LEVELS]].sum(axis=1)
    out["part_montant_fort_sur_juges"] = (out["montant_fort"] / judged).where(judged > 0)
    out["part_montant_fort_ou_moyen_sur_juges"] = (
        (out["montant_fort"] + out["montant_moyen"]) / judged
    ).where(judged > 0)
    return out


def synthese(self) -> pd.DataFrame:
    """Contracts and amounts by level × procedure category, and the share of amount fort or moyen.

    The denominator of each share is the amount of the contracts judged (fort, moyen or faible) in
    that category; undetermined contracts and duplicates are left out. ``montant_maxima_accords_cadres``
    tells how much of the amount is a framework agreement's maximum rather than a notified amount.
    """
    frame = _kept(self).assign(montant=lambda t: t["montant"].astype(float).fillna(0.0))
    frame["categorie_procedure"] = pd.Categorical(frame["categorie_procedure"], categories=list(CATEGORIES))
    out = _by_level(frame, ["categorie_procedure"]).reindex(list(CATEGORIES), fill_value=0)
    total = _by_level(frame.assign(categorie_procedure=ALL), ["categorie_procedure"])
    out = pd.concat([out, total])
    maxima = frame["montant_nature"].astype(str).str.startswith("maximum")
    per_cat = frame[maxima].groupby("categorie_procedure", observed=False)["montant"].sum()
    out["montant_maxima_accords_cadres"] = per_cat.reindex(out.index).fillna(0.0)
    out.loc[ALL, "montant_maxima_accords_cadres"] = frame.loc[maxima, "montant"].sum()
    out.index.name = "categorie_procedure"
    return out


def synthese_annuelle(self) -> pd.DataFrame:
    """Amounts and annualised amounts by year of notification and level."""
    frame = _kept(self).copy()
    frame["annee"] = pd.to_datetime(frame["date_notification"]).dt.year.astype("Int64")
    frame["montant"] = frame["montant"].astype(float)
    grouped = frame.groupby(["annee", "niveau"], dropna=False)
    out = pd.DataFrame(
        {
            "nb_marches": grouped.size(),
            "montant": grouped["montant"].sum(),
            "montant_annualise": grouped["montant_annuel"].sum(),
        }
    )
    return out.reset_index()


def _transferable_by(self, keys: list[str]) -> pd.DataFrame:
    frame = _kept(self).assign(montant=lambda t: t["montant"].astype(float).fillna(0.0))
    frame["transferable"] = frame["niveau"].isin(["fort", "moyen"])
    out = _by_level(frame, keys)
    for cat, name in (("MAPA", "mapa"), ("Formalisé", "formalise")):
        sub = frame[frame["transferable"] & frame["categorie_procedure"].eq(cat)]
        out[f"montant_transferable_{name}"] = (
            sub.groupby(keys)["montant"].sum().reindex(out.index).fillna(0.0)
        )
    out["montant_transferable"] = out["montant_fort"] + out["montant_moyen"]
    return out.sort_values("montant_transferable", ascending=False)


def par_famille(self, detail: bool = False) -> pd.DataFrame:
    """Transferable volume (fort + moyen) by family (and métier with ``detail=True``), MAPA and formal apart."""
    return _transferable_by(self, ["famille", "metier"] if detail else ["famille"])


def par_direction(self) -> pd.DataFrame:
    """The same by buying direction; a contract without direction is counted under its buyer."""
    frame = self.contrats
    direction, name = frame["direction"].astype(object), frame["acheteur_nom"].astype(object)
    label = direction.where(
        direction.notna(), "(acheteur) " + name.fillna(frame["acheteur_id"].astype(object)).fillna("inconnu")
    )
    diag = _Proxy(frame.assign(direction=label))
    return _transferable_by(diag, ["direction"])


def par_acheteur(self) -> pd.DataFrame:
    """The same by buyer (SIRET and name)."""
    frame = self.contrats.assign(
        acheteur_nom=self.contrats["acheteur_nom"].astype(object).fillna(""),
        acheteur_id=self.contrats["acheteur_id"].astype(object).fillna("inconnu"),
    )
    return _transferable_by(_Proxy(frame), ["acheteur_id", "acheteur_nom"])


class _Proxy:
    def __init__(self, contrats):
        self.contrats = contrats


def calendrier(self) -> pd.DataFrame:
    """Contracts coming up for renewal from the reference date, by quarter: the buyer's opportunities."""
    frame = _kept(self)
    ref = pd.Timestamp(self.parametres.reference)
    upcoming = frame[pd.to_datetime(frame["date_renouvellement"]) >= ref].copy()
    upcoming["trimestre"] = pd.to_datetime(upcoming["date_renouvellement"]).dt.to_period("Q").astype(str)
    cols = [
        "trimestre",
        "date_renouvellement",
        "id_contrat",
        "acheteur_nom",
        "objet",
        "famille",
        "metier",
        "montant",
        "niveau",
        "recommandation",
    ]
    return upcoming.sort_values(["date_renouvellement", "id_contrat"], kind="stable")[cols].reset_index(
        drop=True
    )


def prestataires(self, id_contrat: str) -> pd.DataFrame:
    """The providers covering a contract (nearest first), as found by the coverage stage."""
    rows = np.flatnonzero(self.contrats["id_contrat"].astype(str).to_numpy() == str(id_contrat))
    if not len(rows):
        raise KeyError(f"aucun marché d’identifiant « {id_contrat} » dans le diagnostic")
    chosen = self._providers[rows[0]]
    cols = [
        "raison_sociale",
        "type_structure",
        "secteur",
        "commune_insee",
        "departement",
        "metiers",
        "source_metiers",
        "perimetre",
        "rayon_km",
        "fictif",
    ]
    return self.annuaire.iloc[chosen][cols].reset_index(drop=True)


def controle_territoire(self) -> dict:
    """How well the directory fits the contracts' territory, and whether fictitious providers were used."""
    frame = _kept(self)
    judged = frame[frame["niveau"] != UNDETERMINED]
    outside = judged["nb_prestataires_tous_metiers"].eq(0)  # no provider of any trade covers the place
    used = sorted({int(i) for rows in self._providers for i in rows}) if self._providers else []
    fictitious = self.annuaire.iloc[used]["fictif"].astype(bool) if used else pd.Series(dtype=bool)
    return {
        "marches": len(frame),
        "part_hors_zone_couverte": round(float(outside.mean()), 3) if len(judged) else None,
        "departements_des_marches": sorted(frame["departement"].dropna().unique().tolist()),
        "departements_de_l_annuaire": sorted(self.annuaire["departement"].dropna().unique().tolist()),
        # unknown (None) after a chunked national run, which keeps no provider lists
        "prestataires_fictifs_utilises": int(fictitious.sum()) if self._providers is not None else None,
        "prestataires_utilises": len(used) if self._providers is not None else None,
        "annuaire_fictif_en_partie": bool(self.annuaire["fictif"].astype(bool).any()),
    }
