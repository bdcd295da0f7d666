"""The summaries of a :class:`~.diagnostic.Diagnostic`, as functions of its tables.

Every summary leaves out duplicates (``doublon``); shares of amount are computed over the
contracts the library could judge (fort + moyen + faible), and say so in their column names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._io import CATEGORIES
from .rules import LEVELS, UNDETERMINED

ALL = "Ensemble"


def _kept(contrats: pd.DataFrame) -> pd.DataFrame:
    return contrats[~contrats["doublon"].astype(bool)]


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


def synthese(contrats: pd.DataFrame) -> pd.DataFrame:
    """See :meth:`Diagnostic.synthese`."""
    frame = _kept(contrats).assign(montant=lambda t: t["montant"].astype(float).fillna(0.0))
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


def synthese_annuelle(contrats: pd.DataFrame) -> pd.DataFrame:
    """See :meth:`Diagnostic.synthese_annuelle`."""
    frame = _kept(contrats).copy()
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


def transferable_by(contrats: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Transferable volume (fort + moyen) by ``keys``, MAPA and formal apart, largest first."""
    frame = _kept(contrats).assign(montant=lambda t: t["montant"].astype(float).fillna(0.0))
    frame["transferable"] = frame["niveau"].isin(["fort", "moyen"])
    out = _by_level(frame, keys)
    for cat, name in (("MAPA", "mapa"), ("Formalisé", "formalise")):
        sub = frame[frame["transferable"] & frame["categorie_procedure"].eq(cat)]
        out[f"montant_transferable_{name}"] = (
            sub.groupby(keys)["montant"].sum().reindex(out.index).fillna(0.0)
        )
    out["montant_transferable"] = out["montant_fort"] + out["montant_moyen"]
    return out.sort_values("montant_transferable", ascending=False)


def par_direction(contrats: pd.DataFrame) -> pd.DataFrame:
    """See :meth:`Diagnostic.par_direction`."""
    direction, name = contrats["direction"].astype(object), contrats["acheteur_nom"].astype(object)
    label = direction.where(
        direction.notna(),
        "(acheteur) " + name.fillna(contrats["acheteur_id"].astype(object)).fillna("inconnu"),
    )
    return transferable_by(contrats.assign(direction=label), ["direction"])


def par_acheteur(contrats: pd.DataFrame) -> pd.DataFrame:
    """See :meth:`Diagnostic.par_acheteur`."""
    frame = contrats.assign(
        acheteur_nom=contrats["acheteur_nom"].astype(object).fillna(""),
        acheteur_id=contrats["acheteur_id"].astype(object).fillna("inconnu"),
    )
    return transferable_by(frame, ["acheteur_id", "acheteur_nom"])


def calendrier(contrats: pd.DataFrame, reference) -> pd.DataFrame:
    """See :meth:`Diagnostic.calendrier`."""
    frame = _kept(contrats)
    ref = pd.Timestamp(reference)
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


def prestataires(diag, id_contrat: str) -> pd.DataFrame:
    """See :meth:`Diagnostic.prestataires`."""
    rows = np.flatnonzero(diag.contrats["id_contrat"].astype(str).to_numpy() == str(id_contrat))
    if not len(rows):
        raise KeyError(f"aucun marché d’identifiant « {id_contrat} » dans le diagnostic")
    chosen = diag.prestataires_par_marche[rows[0]]
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
    return diag.annuaire.iloc[chosen][cols].reset_index(drop=True)


def controle_territoire(diag) -> dict:
    """See :meth:`Diagnostic.controle_territoire`."""
    frame = _kept(diag.contrats)
    judged = frame[frame["niveau"] != UNDETERMINED]
    outside = judged["nb_prestataires_tous_metiers"].eq(0)  # no provider of any trade covers the place
    used = diag.prestataires_utilises()
    fictitious = diag.annuaire.iloc[used]["fictif"].astype(bool) if used else pd.Series(dtype=bool)
    return {
        "marches": len(frame),
        "part_hors_zone_couverte": round(float(outside.mean()), 3) if len(judged) else None,
        "departements_des_marches": sorted(frame["departement"].dropna().unique().tolist()),
        "departements_de_l_annuaire": sorted(diag.annuaire["departement"].dropna().unique().tolist()),
        # unknown (None) after a chunked national run, which keeps no provider lists
        "prestataires_fictifs_utilises": int(fictitious.sum())
        if diag.prestataires_par_marche is not None
        else None,
        "prestataires_utilises": len(used) if diag.prestataires_par_marche is not None else None,
        "annuaire_fictif_en_partie": bool(diag.annuaire["fictif"].astype(bool).any()),
        "prestataires_par_type": diag.annuaire["type_structure"].fillna("inconnu").value_counts().to_dict(),
        "couverture_ea_inconnue": int(diag.annuaire["type_structure"].isin(["EA", "EATT"]).sum())
        < diag.parametres.ea_min_annuaire,
    }
