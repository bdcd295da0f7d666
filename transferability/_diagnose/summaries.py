"""The summaries of a :class:`~.diagnostic.Diagnostic`, as functions of its tables.

Every summary leaves out duplicates (``doublon``); shares of amount are computed over the
contracts the library could judge (fort + moyen + faible), and say so in their column names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._io import CATEGORIES
from .._utils import DAYS_PER_MONTH, distinct_rows
from .potential import SECTORS
from .rules import ENGAGED, LEVELS, UNDETERMINED
from .verdict import SECTOR_NAMES, sector_known

TRANSFERABLE = [*(f"montant_transferable_{s}" for s in SECTORS), "montant_transferable"]

ALL = "Ensemble"


def _kept(contrats: pd.DataFrame) -> pd.DataFrame:
    return contrats[~contrats["doublon"].astype(bool)]


def _by_level(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = frame.groupby([*keys, "niveau"], observed=True)["montant"]
    amounts = grouped.sum().unstack("niveau", fill_value=0.0)
    counts = grouped.size().unstack("niveau", fill_value=0)
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
    transferable = frame.groupby(keys, observed=True)[TRANSFERABLE].sum().reindex(out.index).fillna(0.0)
    out["montant_transferable"] = transferable["montant_transferable"]
    out["part_montant_transferable_sur_juges"] = (out["montant_transferable"] / judged).where(judged > 0)
    return out


def _sector_shares(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per sector, the shares of the amount judged for that sector in fort, in fort or moyen, and
    transferable (sum of parts), with the transferable amount."""
    columns = {}
    for sector in SECTORS:
        level = frame[f"niveau_{sector}"].astype(object)
        judged = frame["montant"].where(level.isin(LEVELS), 0.0)
        sums = (
            pd.DataFrame(
                {
                    "juge": judged,
                    "fort": frame["montant"].where(level.eq("fort"), 0.0),
                    "engage": frame["montant"].where(level.isin(ENGAGED), 0.0),
                    "transferable": frame[f"montant_transferable_{sector}"].fillna(0.0),
                    **{k: frame[k] for k in keys},
                }
            )
            .groupby(keys, observed=True)[["juge", "fort", "engage", "transferable"]]
            .sum()
        )
        base = sums["juge"].where(sums["juge"] > 0)
        columns[f"part_montant_fort_{sector}"] = sums["fort"] / base
        columns[f"part_montant_fort_ou_moyen_{sector}"] = sums["engage"] / base
        columns[f"montant_transferable_{sector}"] = sums["transferable"]
        columns[f"part_montant_transferable_{sector}"] = sums["transferable"] / base
    return pd.DataFrame(columns)


def _largest_weight(frame: pd.DataFrame, keys: list[str], n: int) -> pd.Series:
    """The share of the fort-or-moyen amount that the ``n`` largest fort-or-moyen contracts carry."""
    engaged = frame[frame["niveau"].isin(ENGAGED)]
    total = engaged.groupby(keys, observed=True)["montant"].sum()
    top = engaged.groupby(keys, observed=True)["montant"].apply(lambda m: m.nlargest(n).sum())
    return (top / total.where(total > 0)).rename("part_plus_gros_fort_ou_moyen")


def synthese(contrats: pd.DataFrame, n_largest: int = 10) -> pd.DataFrame:
    """See :meth:`Diagnostic.synthese`."""
    frame = _amounts(_kept(contrats))
    frame["categorie_procedure"] = pd.Categorical(frame["categorie_procedure"], categories=list(CATEGORIES))
    every = frame.assign(categorie_procedure=ALL)
    keys = ["categorie_procedure"]
    parts = []
    for sub, index in ((frame, list(CATEGORIES)), (every, [ALL])):
        table = (
            _by_level(sub, keys).join(_sector_shares(sub, keys)).join(_largest_weight(sub, keys, n_largest))
        )
        parts.append(table.reindex(index))
    out = pd.concat(parts)
    count_columns = [c for c in out.columns if c.startswith("nb_")]
    out[count_columns] = out[count_columns].fillna(0).astype(int)
    amounts = [c for c in out.columns if c.startswith("montant_")]
    out[amounts] = out[amounts].fillna(0.0)
    maxima = frame["montant_nature"].astype(str).str.startswith("maximum")
    per_cat = frame[maxima].groupby("categorie_procedure", observed=False)["montant"].sum()
    out["montant_maxima_accords_cadres"] = per_cat.reindex(out.index).fillna(0.0)
    out.loc[ALL, "montant_maxima_accords_cadres"] = frame.loc[maxima, "montant"].sum()
    if "montant_aberrant" in frame.columns:  # amounts left out of every total (placeholders, absurd)
        absurd = frame["montant_aberrant"].astype(bool)
        per_cat = frame[absurd].groupby("categorie_procedure", observed=False).size()
        out["nb_montants_aberrants"] = per_cat.reindex(out.index).fillna(0).astype(int)
        out.loc[ALL, "nb_montants_aberrants"] = int(absurd.sum())
    out.index.name = "categorie_procedure"
    return out


HEADLINE = (
    "part_montant_fort_ou_moyen",
    "part_montant_fort",
    "montant_transferable",
    "part_montant_transferable",
)
EITHER = "ESAT, EA ou SIAE"


def synthese_secteurs(s: pd.DataFrame) -> pd.DataFrame:
    """See :meth:`Diagnostic.synthese_secteurs`; ``s`` is :func:`synthese`'s table."""
    either = [f"{c}_sur_juges" if c.startswith("part") else c for c in HEADLINE]
    views = [(SECTOR_NAMES[k], [f"{c}_{k}" for c in HEADLINE]) for k in SECTORS] + [(EITHER, either)]
    rows = [
        (category, sector, s.loc[category, "montant_total"], *s.loc[category, names].to_numpy())
        for category in s.index
        for sector, names in views
    ]
    columns = ["categorie_procedure", "secteur", "montant_total", *HEADLINE]
    return pd.DataFrame(rows, columns=columns).set_index(["categorie_procedure", "secteur"])


def synthese_annuelle(contrats: pd.DataFrame) -> pd.DataFrame:
    """See :meth:`Diagnostic.synthese_annuelle`."""
    frame = _amounts(_kept(contrats))
    frame["annee"] = pd.to_datetime(frame["date_notification"]).dt.year.astype("Int64")
    frame["montant_fort_ou_moyen"] = frame["montant"].where(frame["niveau"].isin(ENGAGED), 0.0)
    grouped = frame.groupby("annee", dropna=False)
    out = grouped.agg(
        nb_marches=("montant", "size"),
        montant=("montant", "sum"),
        montant_annualise=("montant_annuel", "sum"),
        montant_fort_ou_moyen=("montant_fort_ou_moyen", "sum"),
        **{c: (c, "sum") for c in TRANSFERABLE},
    )
    return out.reset_index()


def _amounts(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with their amounts as floats, a missing amount counting 0 in every sum."""
    return frame.assign(
        montant=lambda t: t["montant"].astype(float).fillna(0.0),
        **{c: frame[c].astype(float).fillna(0.0) for c in TRANSFERABLE},
    )


def transferable_by(contrats: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Amounts in fort or moyen contracts and transferable amounts (sum of parts) by ``keys``, per sector
    and MAPA and formal apart, largest transferable amount first."""
    frame = _amounts(_kept(contrats))
    out = _by_level(frame, keys)
    out["montant_fort_ou_moyen"] = out["montant_fort"] + out["montant_moyen"]
    for column in TRANSFERABLE[:-1]:
        out[column] = frame.groupby(keys, observed=True)[column].sum().reindex(out.index).fillna(0.0)
    for cat, name in (("MAPA", "mapa"), ("Formalisé", "formalise")):
        sub = frame[frame["categorie_procedure"].eq(cat)]
        out[f"montant_transferable_{name}"] = (
            sub.groupby(keys, observed=True)["montant_transferable"].sum().reindex(out.index).fillna(0.0)
        )
    return out.sort_values(["montant_transferable", "montant_fort_ou_moyen"], ascending=False)


def par_direction(contrats: pd.DataFrame) -> pd.DataFrame:
    """See :meth:`Diagnostic.par_direction`."""
    frame = contrats.assign(direction=_direction_labels(contrats))
    out = transferable_by(frame, ["direction"])
    out.index = out.index.astype(str)  # the labels, not their categories
    out["recommandation_principale"] = _main_recommendation(_kept(frame)).reindex(out.index).fillna("Aucune")
    return out


def _direction_labels(contrats: pd.DataFrame) -> pd.Categorical:
    """Each contract's direction, else « (acheteur) » and its buyer's name or id: written once per distinct
    (direction, buyer name, buyer id), a category per row (a national file has a million rows)."""
    keys = contrats[["direction", "acheteur_nom", "acheteur_id"]].astype(object)
    codes, first = distinct_rows(keys)
    direction, name, buyer = (keys[c].iloc[first].reset_index(drop=True) for c in keys.columns)
    labels = direction.where(direction.notna(), "(acheteur) " + name.fillna(buyer).fillna("inconnu"))
    return pd.Categorical(labels.to_numpy(object)[codes])


def _main_recommendation(frame: pd.DataFrame) -> pd.Series:
    """Per direction, the kind of recommendation (share and trade left out) that carries the largest
    transferable amount."""
    frame = frame[frame["montant_transferable"].fillna(0) > 0]  # the few transferable contracts only
    kind = frame["recommandation"].astype(str).str.split(" d’environ", regex=False).str[0]
    amounts = pd.DataFrame(
        {"direction": frame["direction"], "kind": kind, "amount": frame["montant_transferable"]}
    )
    sums = amounts.groupby(["direction", "kind"], observed=True)["amount"].sum().reset_index()
    best = sums.sort_values("amount", ascending=False, kind="stable").drop_duplicates("direction")
    best["direction"] = best["direction"].astype(str)
    return best.set_index("direction")["kind"]


def par_acheteur(contrats: pd.DataFrame) -> pd.DataFrame:
    """See :meth:`Diagnostic.par_acheteur`."""
    frame = contrats.assign(
        acheteur_nom=contrats["acheteur_nom"].astype(object).fillna(""),
        acheteur_id=contrats["acheteur_id"].astype(object).fillna("inconnu"),
    )
    return transferable_by(frame, ["acheteur_id", "acheteur_nom"])


def calendrier(contrats: pd.DataFrame, reference, lead_months: int = 6) -> pd.DataFrame:
    """See :meth:`Diagnostic.calendrier`."""
    frame = _kept(contrats).assign(
        ligne=np.arange(len(contrats))[~contrats["doublon"].astype(bool).to_numpy()]
    )
    frame = frame[frame["niveau"].isin(ENGAGED)].copy()
    ref = pd.Timestamp(reference)
    end = pd.to_datetime(frame["date_renouvellement"])
    months = pd.to_numeric(frame["duree_mois"], errors="coerce").astype(float)
    cycle = pd.to_timedelta(months * DAYS_PER_MONTH, unit="D")
    # a recurring need is bought again at each term: the next renewal from the reference date on
    behind = np.ceil(((ref - end) / cycle).clip(lower=0).fillna(0)).astype(int)
    frame["date_renouvellement"] = (end + cycle * behind).dt.normalize()
    frame["renouvellement_projete"] = behind > 0
    frame = frame[frame["date_renouvellement"].notna() & (frame["date_renouvellement"] >= ref)]
    frame["date_lancement"] = frame["date_renouvellement"] - pd.DateOffset(months=lead_months)
    quarter = frame["date_renouvellement"].dt.quarter.astype(str)
    frame["trimestre"] = "T" + quarter + " " + frame["date_renouvellement"].dt.year.astype(str)
    cols = [
        "trimestre", "date_lancement", "date_renouvellement", "renouvellement_projete", "id_contrat",
        "acheteur_nom", "direction", "objet", "famille", "metier", "montant", "niveau", "montant_transferable",
        "recommandation", "ligne",
    ]  # fmt: skip
    return frame.sort_values(["date_renouvellement", "id_contrat"], kind="stable")[cols].reset_index(
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
        # the contracts judged, and those without any territory (a reason not to be): the report and the
        # command line say so when too few are judged (Settings.part_jugee_min)
        "part_jugee": float(len(judged) / len(frame)) if len(frame) else 0.0,
        "part_territoire_inconnu": float(frame["territoire"].eq("inconnu").mean()) if len(frame) else 0.0,
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
        "secteurs_sans_prestataire": [
            SECTOR_NAMES[s] for s, known in sector_known(diag.annuaire).items() if not known
        ],
    }
