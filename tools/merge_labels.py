"""Merge the hand-labelled batches into data/etiquettes_marches.csv and measure agreement.

Development tool (no ../shared needed). The batches in data/labels/lot_*.csv were labelled by
reading each row against ../shared/LABELLING.md; data/labels/second_etiqueteur*.csv hold a
random sample labelled again, blind, by an independent second labeller.

Usage: python tools/merge_labels.py
"""

import glob

import pandas as pd
from sklearn.metrics import cohen_kappa_score

KEY = ["source_fichier", "source_ligne"]


def read(pattern):
    frames = [
        pd.read_csv(f, dtype=str, keep_default_na=False).assign(lot=f.split("/")[-1].removesuffix(".csv"))
        for f in sorted(glob.glob(pattern))
    ]
    return pd.concat(frames, ignore_index=True)


def main():
    labels = read("data/labels/lot_*.csv")
    cands = pd.concat(
        [
            pd.read_csv(f, dtype=str, keep_default_na=False)
            for f in sorted(glob.glob("data/labels/candidats*.csv"))
        ],
        ignore_index=True,
    )
    cands = cands.drop_duplicates(KEY)
    merged = labels.merge(cands[[*KEY, "code_cpv", "nature", "montant"]], on=KEY, how="left", validate="1:1")
    assert len(merged) == len(labels) and merged["code_cpv"].notna().all()
    merged["origine"] = merged["source_fichier"].map(
        lambda f: "local" if "/local/" in f or "buyer_exports" in f or "croix" in f else "État"
    )
    cols = [
        "source_fichier",
        "source_ligne",
        "acheteur_id",
        "id_contrat",
        "objet",
        "code_cpv",
        "nature",
        "montant",
        "origine",
        "famille",
        "capacite",
        "note",
        "lot",
    ]
    merged[cols].to_csv("data/etiquettes_marches.csv", index=False)
    print(
        f"{len(merged)} labelled contracts, {merged['acheteur_id'].nunique()} buyers, "
        f"{(merged['origine'] == 'local').sum()} from local buyers"
    )
    print(merged["famille"].value_counts().to_string())
    print(merged["capacite"].value_counts().to_string())

    second = read("data/labels/second_etiqueteur*.csv")
    both = second.merge(merged, on=KEY, suffixes=("_2", "_1"), validate="1:1")
    for what in ("famille", "capacite"):
        agree = (both[f"{what}_1"] == both[f"{what}_2"]).mean()
        kappa = cohen_kappa_score(both[f"{what}_1"], both[f"{what}_2"])
        print(f"{what}: {len(both)} rows labelled twice, agreement {agree:.3f}, Cohen's kappa {kappa:.3f}")
    disagreements = both[both["famille_1"] != both["famille_2"]][["objet_1", "famille_1", "famille_2"]]
    disagreements.to_csv("data/labels/desaccords_famille.csv", index=False)


if __name__ == "__main__":
    main()
