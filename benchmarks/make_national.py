"""Build a national-size consolidated DECP file by resampling the real records of ../shared.

Objects, CPV codes, places, amounts, procedures and durations are drawn from the real local and
State records; identifiers are new; objects are perturbed (a commune's name and a lot number are
appended, as real objects carry them) so that no per-text cache can make the run trivial. The
layout is the national consolidated one: one row per contract × holder (15 % of contracts get a
second holder row).

Usage: python benchmarks/make_national.py N OUT.parquet [../shared/data/decp]
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

import transferability as tr

SEED = 2026


def real_records(root: Path) -> pd.DataFrame:
    files = sorted((root / "local").glob("*.json")) + [
        root / "aife_2019_flat.csv",
        root / "croix_2019_2021.json",
    ]
    table = tr.read_contracts(files)
    return table[table["objet"].notna()].reset_index(drop=True)


def make(n: int, root: Path) -> pd.DataFrame:
    real = real_records(root)
    rng = np.random.default_rng(SEED)
    communes = pd.read_csv(Path(tr.__file__).parent.parent / "data" / "geo" / "communes.csv", dtype=str)
    n_contracts = int(n / 1.15)
    pick = rng.integers(0, len(real), n_contracts)
    base = real.iloc[pick].reset_index(drop=True)
    places = communes.sample(n_contracts, replace=True, random_state=SEED).reset_index(drop=True)
    lots = rng.integers(1, 30, n_contracts)
    buyers = rng.integers(0, 26_773, n_contracts)
    frame = pd.DataFrame(
        {
            "uid": [f"B{b:08d}C{i:09d}" for i, b in enumerate(buyers)],
            "id": [f"C{i:09d}" for i in range(n_contracts)],
            "acheteur_id": [f"{21000000000000 + b * 7:014d}" for b in buyers],
            "acheteur_nom": [f"Acheteur {b}" for b in buyers],
            "objet": [
                f"{o} - {p} - lot {k}" for o, p, k in zip(base["objet"], places["nom"], lots, strict=True)
            ],
            "codeCPV": base["code_cpv"].fillna(""),
            "procedure": base["procedure"].fillna(""),
            "nature": base["nature"].fillna(""),
            "montant": base["montant"].astype(float).round(2).astype(str).replace("<NA>", ""),
            "dureeMois": base["duree_mois"].astype(str).replace("<NA>", ""),
            "dateNotification": base["date_notification"].dt.strftime("%Y-%m-%d").fillna(""),
            "lieuExecution_code": places["code_insee"],
            "lieuExecution_typeCode": "Code commune",
            "titulaire_id": [f"{30000000000000 + int(x):014d}" for x in rng.integers(0, 10**9, n_contracts)],
            "titulaire_nom": "Titulaire",
        }
    )
    second = frame.sample(frac=0.15, random_state=SEED)
    second = second.assign(titulaire_id=[f"{40000000000000 + i:014d}" for i in range(len(second))])
    out = pd.concat([frame, second]).sort_values("uid", kind="stable").reset_index(drop=True)
    return out.head(n)


if __name__ == "__main__":
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    root = (
        Path(sys.argv[3])
        if len(sys.argv) > 3
        else Path(__file__).resolve().parents[1].parent / "shared/data/decp"
    )
    table = make(n, root)
    table.to_parquet(out, index=False) if out.suffix == ".parquet" else table.to_csv(out, index=False)
    print(f"{len(table):,} rows, {table['uid'].nunique():,} contracts -> {out}")
