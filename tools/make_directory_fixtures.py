"""Build the directory test fixtures in tests/data/annuaires/ (development tool, reads ../shared).

Every row is a real SIAE or GEIQ of ../shared/data/providers. No real Le marché download,
ESAT import, GESAT export or FINESS file could be had offline: those layouts are rebuilt from
their documented column lists, filled with the real rows. What is not the structures' own
data is listed in tests/data/README.md (sectors transcribed from descriptions, perimeters,
FINESS categories and numbers, one SIRET altered, one location blanked).

Usage: python tools/make_directory_fixtures.py ../shared/data/providers tests/data/annuaires
"""

import csv
import sys
from pathlib import Path

import pandas as pd
from pyproj import Transformer

from transferability._reference import geography

KINDS = {
    "ACI": "Atelier chantier d'insertion (ACI)",
    "EI": "Entreprise d'insertion (EI)",
    "AI": "Association intermédiaire (AI)",
    "ETTI": "Entreprise de travail temporaire d'insertion (ETTI)",
}
# Le marché download: row of siae_lemarche_fixture.csv -> (sectors transcribed from its description,
# perimeter)
LEMARCHE = {
    2: (
        "Restauration collective, Nettoyage spécifique (chantiers, parkings, hôpitaux, hôtellerie...), "
        "Recyclage textiles",
        "Seine-Saint-Denis",
    ),
    3: ("Accompagnement socio-professionnel, Ménage, Jardinage", "Pas-de-Calais"),
    4: ("Nettoyage urbain, Création et entretien des espaces verts", ""),
    5: ("Entretien, restauration, aménagement des espaces naturels, Travail de la pierre", "30 km"),
    8: ("Recyclage textiles, Collecte des déchets textiles", "Pas-de-Calais, Nord"),
    9: ("", ""),
    10: ("Métallurgie, Logistique, conditionnement", "50 km"),
    27: ("Tous travaux et petits bricolages, Nettoyage de locaux", ""),
    29: ("Maraîchage, légumerie, conserverie, Autre (Espaces verts)", "Nord, Pas-de-Calais"),
    40: (
        "Nettoyage de locaux, Création et entretien des espaces verts, Conciergerie d'entreprise",
        "Pas-de-Calais",
    ),
    42: ("Entretien, restauration, aménagement des espaces naturels, Travail du bois", "France entière"),
    48: ("Sous-traitance industrielle générale", "France entière"),
}
# the columns of le marché's download of its providers, in their order
LEMARCHE_HEADER = [
    "Raison sociale",
    "Enseigne",
    "Type de structure",
    "Secteurs d'activité",
    "Périmètre d'intervention",
    "Adresse",
    "Code postal",
    "Ville",
    "Référence client 1",
    "Référence client 2",
    "Référence client 3",
]
# le marché's import file of ESAT and EA, as its team sends it
LEMARCHE_ESAT_HEADER = [
    "Raison sociale",
    "Siret",
    "Type de structure",
    "Métiers proposés",
    "Adresse",
    "Code Postal",
    "Ville",
    "Téléphone",
    "Adresse e-mail",
    "Nombre de travailleurs dans la structure (en ETP)",
]
LEMARCHE_UNKNOWN_KIND = {4: "Régie de quartier"}  # Activ'Cités describes itself as a Régie de quartier
LEMARCHE_NO_PLACE = {42}  # postal code and city blanked on purpose
ESAT_IMPORT = [
    "41004342600031",
    "41822382200036",
    "41822438200022",
    "44068763000051",
    "42433786300031",
    "42021353000025",
    "49266165700014",
    "43474850500014",
    "34229573000044",
]
ESAT_BAD_SIRET = "43474850500014"  # last digit altered in the fixture
ESAT_UNKNOWN_KIND = {"34229573000044": "Entreprise solidaire d'utilité sociale"}
GESAT = [
    "80746931700018",
    "75187049400026",
    "39753671500014",
    "81091248500010",
    "75170343000163",
    "39887684700037",
    "39281437200034",
    "82200166500030",
]
ASP_ROWS = [220, 1456, 501, 2342, 3534, 3691, 3509, 3549]  # CEDEX, ambiguous, no centroid, repeated SIRET


def main(shared, out):
    shared, out = Path(shared), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    asp = pd.read_csv(shared / "siae_asp_2019_07.csv", dtype=str, keep_default_na=False)
    rome = pd.read_csv(shared / "siae_rome_2019_07.csv", dtype=str, keep_default_na=False)
    fixture = pd.read_csv(shared / "siae_lemarche_fixture.csv", dtype=str, keep_default_na=False)
    first_asp = asp.drop_duplicates("siret").set_index("siret")
    jobs = rome.groupby("siret")["appellation"].agg(lambda s: list(dict.fromkeys(s)))
    lemarche(fixture, out / "lemarche_extrait.csv")
    esat_import(first_asp, jobs, out / "lemarche_esat_extrait.csv")
    gesat(first_asp, jobs, asp, out / "gesat_extrait.csv")
    finess(asp, out / "finess_extrait.csv")
    copy_lines(
        shared / "siae_asp_2019_07.csv",
        [*range(1, 7)]
        + [a + 2 for a in ASP_ROWS]
        + [i + 2 for i in asp.index[asp["department"].eq("73")][:10]],
        out / "asp_extrait.csv",
    )
    copy_lines(shared / "geiq_2019_11.csv", [1, 2, 3, 4, 5, 6], out / "geiq_extrait.csv", grep="ROISSY")
    canonical(asp, out / "canonique_extrait.csv")


def lemarche(fixture: pd.DataFrame, path: Path) -> None:
    header = LEMARCHE_HEADER
    rows = []
    for i, (sectors, perimeter) in LEMARCHE.items():
        r = fixture.loc[i]
        place = ("", "") if i in LEMARCHE_NO_PLACE else (r["post_code"], r["city"])
        rows.append(
            [
                r["name"],
                r["brand"],
                LEMARCHE_UNKNOWN_KIND.get(i, KINDS[r["kind"]]),
                sectors,
                perimeter,
                r["address"],
                *place,
                "",
                "",
                "",
            ]
        )
        if i == 9:
            rows.append([""] * len(header))  # a blank line, as exports have
    _write(path, header, rows, ";", "utf-8-sig")


def esat_import(asp: pd.DataFrame, jobs: pd.Series, path: Path) -> None:
    header = LEMARCHE_ESAT_HEADER
    rows = []
    for siret in ESAT_IMPORT:
        r = asp.loc[siret]
        shown = siret[:-1] + str((int(siret[-1]) + 1) % 10) if siret == ESAT_BAD_SIRET else siret
        rows.append(
            [
                r["name"],
                shown,
                ESAT_UNKNOWN_KIND.get(siret, r["kind"]),
                ", ".join(jobs[siret]),
                r["address"],
                r["post_code"],
                r["city"],
                "",
                "",
                "",
            ]
        )
    _write(path, header, rows, "|", "utf-8")


def gesat(asp: pd.DataFrame, jobs: pd.Series, all_rows: pd.DataFrame, path: Path) -> None:
    domains = [f"Domaine {k}" for k in range(1, 14)]
    header = [
        "Raison Sociale",
        "Adresse",
        "Lieudit/BP",
        "Code Postal",
        "Ville",
        "Région",
        "Tel",
        "Email",
        "Siret",
        "Capacité d'accueil (nombre de TH total)",
        "Pôles de compétences",
        *domains,
    ]
    regions = geography().regions["nom"].to_dict()
    deps = geography().departements["region"].to_dict()
    rows = []
    cedex = all_rows[all_rows["geo_match"].eq("dept+name(cedex)")].set_index("siret")
    for siret in [*GESAT, *cedex.index]:
        r = asp.loc[siret]
        job_list = jobs.get(siret, [])
        rows.append(
            [
                r["name"],
                r["address"],
                "",
                r["post_code"],
                r["city"],
                regions[deps[r["department"]]],
                "",
                "",
                siret,
                "",
                "",
                *(job_list + [""] * 13)[:13],
            ]
        )
    _write(path, header, rows, ";", "cp1252")


def finess(asp: pd.DataFrame, path: Path) -> None:
    """The national FINESS extraction layout: structureet records, then geolocalisation records."""
    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    savoie = asp[asp["department"].eq("73")].head(10)
    categories = ["246", "247", "246", "247", "246", "247", "209", "246", "247", "209"]
    labels = {
        "246": "Etablissement et Service d'Aide par le Travail (E.S.A.T.)",
        "247": "Entreprise adaptée",
        "209": "Service de soins infirmiers à domicile (S.S.I.A.D)",
    }
    lines = [["finess", "etalab", "95", "2019-07-01"]]
    geo_lines = []
    for k, ((_, r), cat) in enumerate(zip(savoie.iterrows(), categories, strict=True), start=1):
        number = f"9900000{k:02d}"
        lines.append(
            [
                "structureet",
                number,
                f"9900001{k:02d}",
                r["name"][:38],
                r["name"],
                "",
                "",
                "",
                "",
                r["address"],
                "",
                "",
                r["commune_insee"][2:],
                r["department"],
                "SAVOIE",
                f"{r['post_code']} {r['city']}",
                "",
                "",
                cat,
                labels[cat],
                "",
                "",
                r["siret"],
                r["naf"],
                "",
                "",
                "",
                "",
                "2019-01-01",
                "2019-01-01",
                "2019-07-01",
                "",
            ]
        )
        if k != 5:  # one establishment without geolocation record
            x, y = to_l93.transform(float(r["lon"]), float(r["lat"]))
            geo_lines.append(
                [
                    "geolocalisation",
                    number,
                    f"{x:.1f}",
                    f"{y:.1f}",
                    "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93",
                    "2019-07-01",
                ]
            )
    _write(path, None, lines + geo_lines, ";", "utf-8")


def copy_lines(source: Path, numbers: list[int], path: Path, grep: str | None = None) -> None:
    """Copy lines of a CSV unchanged (1-based numbers; the header is line 1)."""
    lines = source.read_bytes().split(b"\n")
    keep = list(dict.fromkeys(numbers))
    chosen = [lines[n - 1] for n in keep]
    if grep:
        chosen += [ln for ln in lines if grep.encode() in ln]
    path.write_bytes(b"\n".join(chosen) + b"\n")


def canonical(asp: pd.DataFrame, path: Path) -> None:
    isere = asp[asp["department"].eq("38")].head(8)
    declared = [
        ("entretien-espaces-verts | nettoyage-locaux", "France entière", "", ""),
        ("Espaces verts | Blanchisserie", "rayon", "30", ""),
        ("", "zones", "", "dep:38 | dep:73"),
        ("recyclage-d3e", "zones", "", "Isère | Savoie"),
        ("", "", "", ""),
        ("restauration-collective", "", "", ""),
        ("conditionnement | logistique-stockage", "rayon", "25", ""),
        ("", "Grenoble", "", ""),
    ]
    rows = []
    for (_, r), (metiers, perimetre, rayon, zones) in zip(isere.iterrows(), declared, strict=True):
        kind = "SCOP" if len(rows) == 5 else r["kind"]
        rows.append(
            [
                r["siret"],
                r["name"],
                "",
                r["siret"],
                kind,
                r["address"],
                r["post_code"],
                r["commune_insee"],
                r["lat"],
                r["lon"],
                metiers,
                perimetre,
                rayon,
                zones,
                "False",
            ]
        )
    header = [
        "id_prestataire",
        "raison_sociale",
        "enseigne",
        "siret",
        "type_structure",
        "adresse",
        "code_postal",
        "commune_insee",
        "lat",
        "lon",
        "metiers",
        "perimetre",
        "rayon_km",
        "zones",
        "fictif",
    ]
    _write(path, header, rows, ",", "utf-8")


def _write(path: Path, header, rows, sep: str, encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=sep, lineterminator="\r\n" if encoding == "cp1252" else "\n")
        if header:
            writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    main(*sys.argv[1:3])
