"""Merge the hand-labelled batches into data/etiquettes_marches.csv and measure agreement.

Development tool (no ../shared needed). The batches in data/labels/lot_*.csv were labelled by
reading each row against ../shared/LABELLING.md; data/labels/second_etiqueteur*.csv hold a
random sample labelled again, blind, by an independent second labeller. Rounds 1-4 (lots 1-10) have
the family and the capability; round 5 (lots 11-24) every column of the rubric, section 4 included
(potential per sector, transferable part).

``jeu`` says what each row is for (decided before any experiment of round 5, ``tools/sample_round5.py``):
``test`` for every row of the held-out source files, ``exclu`` for a row of another file whose buyer
appears in a held-out file, ``entrainement`` otherwise.

Usage: python tools/merge_labels.py
"""

import glob
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

sys.path.insert(0, str(Path(__file__).parent))
from sample_round5 import held_out  # noqa: E402

KEY = ["source_fichier", "source_ligne"]
FAMILIES = set(pd.read_csv("data/familles.csv", dtype=str)["famille"])
CAPACITIES = {"total", "partiel", "aucun"}
POTENTIALS = {"fort", "moyen", "faible", "indéterminé"}
SECTION4 = ["potentiel_esat_ea", "potentiel_siae", "part_transferable"]
COLUMNS = [
    "source_fichier", "source_ligne", "acheteur_id", "id_contrat", "objet", "code_cpv", "nature", "montant",
    "duree_mois", "origine", "famille", "capacite", *SECTION4, "jeu", "note", "lot", "categorie_procedure",
]  # fmt: skip


def read(pattern):
    frames = [
        pd.read_csv(f, dtype=str, keep_default_na=False).assign(lot=f.split("/")[-1].removesuffix(".csv"))
        for f in sorted(glob.glob(pattern))
    ]
    return pd.concat(frames, ignore_index=True)


def check(labels):
    """Every label is one of the rubric's; a part is empty or a multiple of 5 in 0..100."""
    bad = ~labels["famille"].isin(FAMILIES) | ~labels["capacite"].isin(CAPACITIES)
    new = labels["potentiel_esat_ea"] != ""
    for col in ("potentiel_esat_ea", "potentiel_siae"):
        bad |= new & ~labels[col].isin(POTENTIALS)
    part = pd.to_numeric(labels["part_transferable"], errors="coerce")
    bad |= new & part.notna() & ((part % 5 != 0) | (part < 0) | (part > 100))
    assert not bad.any(), labels[bad]


def assign_sets(merged):
    test_buyers = set(pd.read_csv("data/labels/acheteurs_test.csv", dtype=str)["acheteur_id"])
    test = merged["source_fichier"].map(held_out)
    excluded = ~test & merged["acheteur_id"].isin(test_buyers)
    return np.where(test, "test", np.where(excluded, "exclu", "entrainement"))


def main():
    labels = read("data/labels/lot_*.csv")
    for col in SECTION4:
        labels[col] = labels[col].fillna("") if col in labels else ""
    check(labels)
    cands = pd.concat(
        [
            pd.read_csv(f, dtype=str, keep_default_na=False)
            for f in sorted(glob.glob("data/labels/candidats*.csv"))
        ],
        ignore_index=True,
    )
    cands = cands.drop_duplicates(KEY)
    cands["duree_mois"] = cands["duree_mois"].fillna("")
    merged = labels.merge(
        cands[[*KEY, "code_cpv", "nature", "montant", "duree_mois"]], on=KEY, how="left", validate="1:1"
    )
    assert len(merged) == len(labels) and merged["code_cpv"].notna().all()
    merged["origine"] = merged["source_fichier"].map(
        lambda f: "local" if "/local/" in f or "buyer_exports" in f or "croix" in f else "État"
    )
    merged["jeu"] = assign_sets(merged)
    # each row's procedure category, read from its source file by tools/label_procedures.py
    procedures = pd.read_csv("data/labels/procedures.csv", dtype=str, keep_default_na=False)
    merged = merged.merge(procedures, on=KEY, how="left", validate="1:1")
    merged["categorie_procedure"] = merged["categorie_procedure"].fillna("Inconnue")
    merged[COLUMNS].to_csv("data/etiquettes_marches.csv", index=False)
    describe(merged)
    agreement(merged)


def describe(merged):
    print(
        f"{len(merged)} labelled contracts, {merged['acheteur_id'].nunique()} buyers, "
        f"{(merged['origine'] == 'local').sum()} from local buyers; "
        f"{(merged['potentiel_esat_ea'] != '').sum()} with section 4"
    )
    print(pd.crosstab(merged["famille"], merged["jeu"], margins=True).to_string())
    print(merged["capacite"].value_counts().to_string())
    s4 = merged[merged["potentiel_esat_ea"] != ""]
    print(
        f"section 4: {s4['acheteur_id'].nunique()} buyers, {(s4['origine'] == 'local').sum()} local rows, "
        f"{s4.loc[s4['origine'] == 'local', 'acheteur_id'].nunique()} local buyers"
    )
    print(pd.crosstab(s4["potentiel_esat_ea"], s4["potentiel_siae"], margins=True).to_string())


def agreement(merged):
    second = read("data/labels/second_etiqueteur*.csv")
    both = second.merge(merged, on=KEY, suffixes=("_2", "_1"), validate="1:1")
    for what in ("famille", "capacite", "potentiel_esat_ea", "potentiel_siae"):
        pair = both[(both[f"{what}_2"].fillna("") != "") & (both[f"{what}_1"] != "")]
        agree = (pair[f"{what}_1"] == pair[f"{what}_2"]).mean()
        kappa = cohen_kappa_score(pair[f"{what}_1"], pair[f"{what}_2"])
        print(f"{what}: {len(pair)} rows labelled twice, agreement {agree:.3f}, Cohen's kappa {kappa:.3f}")
    parts = (
        both[["part_transferable_1", "part_transferable_2"]].apply(pd.to_numeric, errors="coerce").dropna()
    )
    if len(parts):
        mad = (parts.iloc[:, 0] - parts.iloc[:, 1]).abs().mean()
        print(f"part_transferable: {len(parts)} rows, mean absolute difference {mad:.1f} points")
    disagreements = both[both["famille_1"] != both["famille_2"]][["objet_1", "famille_1", "famille_2"]]
    disagreements.to_csv("data/labels/desaccords_famille.csv", index=False)


if __name__ == "__main__":
    main()
