"""Build the bundled sample contracts (development tool, reads ../shared).

Real DECP records of local buyers of Auvergne-Rhône-Alpes (region 84), written as a
buyer's spreadsheet export would be (``;``, decimal comma, dd/mm/yyyy, French headers),
each row keeping its origin (DECP file and record) in the column "Source DECP".

Usage: python tools/make_sample.py ../shared/data/decp data/exemples/marches_aura_2018_2024.csv
"""

import sys
from pathlib import Path

import pandas as pd

from transferability._contracts import read_contracts

N_CONTRACTS = 710  # the size of the seed's diagnostic (394 formal contracts + 316 MAPA)


def main(root, out):
    root = Path(root)
    files = sorted((root / "local").glob("*.json"))
    table = read_contracts(files)
    keep = table["region"].eq("84") & table["objet"].notna() & ~table["doublon"] & table["montant"].notna()
    pool = table[keep].sample(frac=1.0, random_state=84)
    pool = pool.groupby("acheteur_id", group_keys=False).head(25).head(N_CONTRACTS)
    pool = pool.sort_values(["acheteur_id", "date_notification"], kind="stable")

    def amount(x):
        return f"{x:,.2f}".replace(",", " ").replace(".", ",")

    export = pd.DataFrame(
        {
            "Acheteur": pool["acheteur_nom"].fillna(""),
            "SIRET acheteur": pool["acheteur_id"],
            "N° de marché": pool["id_contrat"],
            "Objet du marché": pool["objet"],
            "Code CPV": pool["code_cpv"].fillna(""),
            "Nature": pool["nature"].fillna(""),
            "Procédure": pool["procedure"].fillna(""),
            "Montant € HT": pool["montant"].map(amount),
            "Durée (mois)": pool["duree_mois"].map(lambda d: "" if pd.isna(d) else f"{d:g}"),
            "Date de notification": pool["date_notification"].dt.strftime("%d/%m/%Y").fillna(""),
            "Lieu d'exécution": pool["lieu_code"].fillna(""),
            "Type de lieu": pool["lieu_type"].where(pool["lieu_code"].notna(), "").fillna(""),
            "Titulaire": pool["titulaires"].map(lambda hs: " ; ".join(h["nom"] or h["id"] for h in hs)),
            "Source DECP": pool["source_fichier"] + ":" + pool["source_ligne"].astype(str),
        }
    )
    export.to_csv(out, sep=";", index=False, encoding="utf-8")
    print(f"{len(export)} contracts, {export['SIRET acheteur'].nunique()} buyers -> {out}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
