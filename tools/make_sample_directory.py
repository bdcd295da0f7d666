"""Build the bundled sample directory of Auvergne-Rhône-Alpes (development tool, reads ../shared).

Real rows: the SIAE of region 84 in the ASP list (July 2019) and its GEIQ (November 2019),
read by ``read_directory`` with their ROME codes (``siae_rome_2019_07.csv``) so that their
métiers are inferred (NAF, name, ROME) and shown as inferred.

FICTITIOUS rows: no open list of ESAT and EA could be had offline, so ESAT and EA are
generated (``fictif`` = True, names "ESAT fictif n°12 (Chambéry)", no SIRET, no street
address), patterned on the region's figures: 182 ESAT and 127 EA, 19,660 disabled workers;
Savoie (73): 9 ESAT with 1,096 workers covering the 13 transferable families, 10 EA with
321 employees. The split of the other 18,243 workers between ESAT (13,700) and EA (4,543) is
an assumption (about three ESAT workers for one EA employee, as nationally). Places: real
communes of the region drawn with probability proportional to population (seed 84).

Usage: python tools/make_sample_directory.py ../shared/data/providers data/annuaires/annuaire_aura.csv
"""

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from transferability._directory import DIRECTORY_COLUMNS, LIST_SEPARATOR, read_directory
from transferability._reference import families, geography, metiers

SEED = 84
REGION = "84"
SAVOIE = "73"
COUNTS = {  # (kind, in Savoie?) -> (number of structures, disabled workers in total)
    ("ESAT", True): (9, 1096),
    ("EA", True): (10, 321),
    ("ESAT", False): (173, 13700),
    ("EA", False): (117, 4543),
}
ESAT_TRADES = {
    "entretien-espaces-verts": 10,
    "conditionnement": 8,
    "nettoyage-locaux": 7,
    "sous-traitance-industrielle": 7,
    "blanchisserie": 6,
    "restauration-collective": 5,
    "impression": 3,
    "routage-mailing": 3,
    "numerisation-archivage": 2,
    "menuiserie-bois": 2,
    "maraichage": 2,
    "recyclage-d3e": 2,
    "nettoyage-vehicules": 2,
    "logistique-stockage": 2,
    "traiteur": 1,
    "reprographie": 1,
    "signaletique": 1,
    "confection-textile": 1,
    "entretien-batiment": 1,
    "peinture-revetements": 1,
    "produits-alimentaires": 1,
    "objets-publicitaires": 1,
    "saisie-donnees": 1,
    "multiservices": 1,
    "reconditionnement-informatique": 1,
    "collecte-dechets": 1,
}
EA_TRADES = {
    "nettoyage-locaux": 6,
    "entretien-espaces-verts": 6,
    "logistique-stockage": 6,
    "conditionnement": 5,
    "sous-traitance-industrielle": 5,
    "saisie-donnees": 3,
    "numerisation-archivage": 3,
    "centre-appels": 3,
    "recyclage-d3e": 3,
    "accueil-standard": 2,
    "blanchisserie": 2,
    "restauration-collective": 2,
    "reconditionnement-informatique": 2,
    "impression": 2,
    "routage-mailing": 2,
    "entretien-batiment": 2,
    "support-informatique": 1,
    "developpement-logiciel": 1,
    "peinture-revetements": 1,
    "demenagement": 1,
    "livraison-coursier": 1,
    "communication-graphisme": 1,
    "metallerie": 1,
    "produits-alimentaires": 1,
}
RADII = {20: 1, 30: 3, 40: 3, 50: 3, 60: 2, 80: 1, 100: 1}
FICTIF_ALERT = (
    "structure fictive de l’exemple : aucune liste ouverte d’ESAT et d’EA n’était disponible hors ligne"
)


def real_rows(shared: Path) -> pd.DataFrame:
    asp = pd.read_csv(shared / "siae_asp_2019_07.csv", dtype=str, keep_default_na=False)
    rome = pd.read_csv(shared / "siae_rome_2019_07.csv", dtype=str, keep_default_na=False)
    codes = rome.groupby("siret")["rome"].agg(lambda s: LIST_SEPARATOR.join(dict.fromkeys(s.str.upper())))
    asp["rome"] = asp["siret"].map(codes).fillna("")
    geiq = pd.read_csv(shared / "geiq_2019_11.csv", dtype=str, keep_default_na=False)
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / "siae_asp_2019_07.csv", Path(tmp) / "geiq_2019_11.csv"]
        asp.to_csv(paths[0], index=False)
        geiq.to_csv(paths[1], index=False)
        table = read_directory(paths, format="asp")
    table = table[table["region"].eq(REGION)].copy()
    table["id_prestataire"] = table["siret"]
    return table[DIRECTORY_COLUMNS]


def _split_total(rng, k: int, total: int, minimum: int) -> list[int]:
    weights = rng.lognormal(0.0, 0.6, k)
    raw = minimum + weights / weights.sum() * (total - minimum * k)
    sizes = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - sizes))[: total - sizes.sum()]:
        sizes[i] += 1
    return sizes.tolist()


def _draw_trades(rng, table: dict[str, int], k: int) -> list[str]:
    names = list(table)
    p = np.array([table[n] for n in names], dtype=float)
    return list(rng.choice(names, size=k, replace=False, p=p / p.sum()))


def fictitious_rows() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    geo = geography()
    communes = geo.communes[
        geo.communes["region"].eq(REGION) & geo.communes["population"].gt(0) & geo.communes["lat"].notna()
    ]
    rows = []
    numbers = {"ESAT": 0, "EA": 0}
    for (kind, savoie), (count, workers) in COUNTS.items():
        pool = communes[communes["departement"].eq(SAVOIE) == savoie]
        p = pool["population"].to_numpy(float)
        picks = rng.choice(len(pool), size=count, p=p / p.sum())
        sizes = _split_total(rng, count, workers, 12 if kind == "ESAT" else 5)
        trade_table = ESAT_TRADES if kind == "ESAT" else EA_TRADES
        group = []
        for pick, size in zip(picks, sizes, strict=True):
            numbers[kind] += 1
            c = pool.iloc[pick]
            low, high = (2, 5) if kind == "ESAT" else (1, 4)
            label = "ESAT fictif" if kind == "ESAT" else "EA fictive"
            group.append(
                {
                    "id_prestataire": f"fictif-{kind.lower()}-{numbers[kind]:03d}",
                    "raison_sociale": f"{label} n°{numbers[kind]} ({c['nom']})",
                    "type_structure": kind,
                    "commune_insee": c["code_insee"],
                    "code_postal": str(c["codes_postaux"]).split()[0],
                    "departement": c["departement"],
                    "region": REGION,
                    "lat": c["lat"],
                    "lon": c["lon"],
                    "metiers": _draw_trades(rng, trade_table, int(rng.integers(low, high + 1))),
                    "effectif": size,
                }
            )
        if kind == "ESAT" and savoie:
            _cover_all_families(group)
        for row in group:
            row.update(_perimeter(rng, row, geo))
        rows.extend(group)
    table = pd.DataFrame(rows)
    table["source_metiers"] = "déclaré"
    table["confiance_metiers"] = 1.0
    table["perimetre_par_defaut"] = False
    table["fictif"] = True
    table["alertes"] = [[FICTIF_ALERT] for _ in range(len(table))]
    for name in DIRECTORY_COLUMNS:
        if name not in table.columns:
            table[name] = None
    return table[DIRECTORY_COLUMNS]


def _cover_all_families(group: list[dict]) -> None:
    """Savoie's 9 ESAT together cover the 13 transferable families."""
    family_of = metiers()["famille"].to_dict()
    wanted = [f for f in families()["famille"] if f != "Hors champ"]
    covered = {family_of[m] for row in group for m in row["metiers"]}
    for family in wanted:
        if family in covered:
            continue
        candidates = [m for m in ESAT_TRADES if family_of[m] == family] or [
            m for m, f in family_of.items() if f == family
        ]
        target = min(group, key=lambda r: len(r["metiers"]))
        target["metiers"].append(candidates[0])
        covered.add(family)


def _perimeter(rng, row: dict, geo) -> dict:
    draw = rng.random()
    if draw < 0.70:
        radii = list(RADII)
        p = np.array([RADII[r] for r in radii], dtype=float)
        return {"perimetre": "rayon", "rayon_km": float(rng.choice(radii, p=p / p.sum())), "zones": []}
    zones = [f"dep:{row['departement']}"]
    neighbours = [
        d
        for d in str(geo.departements.at[row["departement"], "voisins"]).split()
        if geo.region_of_department(d) == REGION
    ]
    if neighbours and rng.random() < 0.5:
        zones.append(f"dep:{rng.choice(neighbours)}")
    if draw > 0.96:
        zones = [f"reg:{REGION}"]
    return {"perimetre": "zones", "rayon_km": None, "zones": zones}


def write(table: pd.DataFrame, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    written = table.drop(columns=["source_fichier", "source_ligne"]).copy()
    for name in ("metiers", "familles", "zones", "alertes"):
        written[name] = written[name].map(lambda v: LIST_SEPARATOR.join(v) if isinstance(v, list) else "")
    written.to_csv(out, index=False, encoding="utf-8")


def main(shared, out):
    real = real_rows(Path(shared))
    fake = fictitious_rows()
    table = pd.concat([real, fake], ignore_index=True)
    write(table, Path(out))
    write(read_directory(out), Path(out))  # once more, with the derived columns (secteur, familles…) filled
    check = read_directory(out)
    print(
        f"{len(real)} real SIAE/GEIQ + {len(fake)} fictitious ESAT/EA -> {out} ({len(check)} rows read back)"
    )
    print(check["type_structure"].value_counts().to_dict())
    savoie = check[check["fictif"] & check["departement"].eq(SAVOIE)]
    print("Savoie fictitious:", savoie.groupby("type_structure")["effectif"].agg(["count", "sum"]).to_dict())
    print(
        "families of Savoie ESAT:",
        len({f for fs in savoie.loc[savoie.type_structure.eq("ESAT"), "familles"] for f in fs}),
    )
    print("workers (fictitious):", int(check.loc[check["fictif"], "effectif"].sum()))


if __name__ == "__main__":
    main(*sys.argv[1:3])
