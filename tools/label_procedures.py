"""Give each labelled contract its procedure category (MAPA, formal…), read from its source file.

The labelling batches kept no procedure; the potential's evaluation reports the aggregate transferable share
per procedure category, the figure the report headlines, so each labelled row needs it. This tool reads every
source file of ``data/etiquettes_marches.csv`` in ``../shared/data`` with :func:`read_contracts` and writes
``data/labels/procedures.csv`` (``source_fichier``, ``source_ligne``, ``categorie_procedure``), which
``tools/merge_labels.py`` joins (line
numbers differ, so rows are matched by reference and object; else by line when it holds the same object; a row still not found is Inconnue, counted).

Usage: python tools/label_procedures.py [--shared ../shared/data]
"""

import argparse
import warnings
from pathlib import Path

import pandas as pd

import transferability as tr
from transferability._utils import fold

ROOT = Path(__file__).resolve().parent.parent


def _key(ids: pd.Series, objects: pd.Series) -> pd.Series:
    """A contract's identity within one file: its reference and its folded object (line numbers differ
    between the labelling sampler, which counts skipped records, and the reader)."""
    return ids.fillna("").astype(str).str.strip() + "|" + objects.fillna("").astype(str).map(fold).str.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    args = parser.parse_args()
    labels = pd.read_csv(ROOT / "data" / "etiquettes_marches.csv", dtype=str, keep_default_na=False)
    out, unmatched = [], 0
    for name, rows in labels.groupby("source_fichier"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = tr.read_contracts(Path(args.shared) / name)
        category = table["categorie_procedure"].astype(str)
        by_object = pd.Series(category.to_numpy(), index=_key(table["id_contrat"], table["objet"]))
        ids = table["id_contrat"].fillna("").astype(str).str.strip()
        by_id = pd.Series(category.to_numpy(), index=ids)[~ids.duplicated(keep=False).to_numpy()]
        found = _key(rows["id_contrat"], rows["objet"]).map(by_object[~by_object.index.duplicated()])
        found = found.fillna(rows["id_contrat"].str.strip().map(by_id))  # an object the reader repaired
        lines = table.assign(source_ligne=table["source_ligne"].astype(str)).drop_duplicates("source_ligne")
        lines = lines.set_index("source_ligne")
        start = lines["objet"].fillna("").map(fold).str[:15]
        same_line = rows["source_ligne"].map(start) == rows["objet"].map(fold).str[:15]
        by_line = rows["source_ligne"].map(lines["categorie_procedure"].astype(str)).where(same_line)
        found = found.fillna(by_line)  # else: the line, if it holds the same object
        unmatched += int(found.isna().sum())
        found = found.fillna("Inconnue")
        out.append(rows[["source_fichier", "source_ligne"]].assign(categorie_procedure=found.to_numpy()))
    result = pd.concat(out, ignore_index=True)
    result.to_csv(ROOT / "data" / "labels" / "procedures.csv", index=False)
    print(result["categorie_procedure"].value_counts().to_string())
    print(f"{unmatched} labelled rows not found in their source file (Inconnue)")


if __name__ == "__main__":
    main()
