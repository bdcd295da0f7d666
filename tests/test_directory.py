"""Reading provider directories of every format into the canonical providers table (real SIAE rows)."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from transferability import InputError
from transferability._datasets import load_sample_directory
from transferability._directory import DIRECTORY_COLUMNS, check_siret, parse_kind, read_directory

DATA = Path(__file__).parent / "data" / "annuaires"

# file, format recognised, lines read, providers, lines set aside
FIXTURES = [
    ("asp_extrait.csv", "asp", 23, 23, 0),
    ("geiq_extrait.csv", "asp", 6, 6, 0),
    ("lemarche_extrait.csv", "lemarche", 13, 12, 1),
    ("lemarche_esat_extrait.csv", "lemarche_esat", 9, 9, 0),
    ("gesat_extrait.csv", "gesat", 11, 11, 0),
    ("finess_extrait.csv", "finess", 10, 8, 2),
    ("canonique_extrait.csv", "canonique", 8, 8, 0),
]


def _row(table: pd.DataFrame, name: str) -> pd.Series:
    return table[table["raison_sociale"].eq(name)].iloc[0]


def _has(alerts: list[str], text: str) -> bool:
    return any(text in a for a in alerts)


@pytest.mark.parametrize(("name", "fmt", "lines", "providers", "aside"), FIXTURES)
def test_every_row_is_accounted_for(name, fmt, lines, providers, aside):
    table = read_directory(DATA / name)
    report = table.attrs["lecture"][0]
    assert report["format"] == fmt
    assert report["lignes_lues"] == lines
    assert len(table) == report["prestataires"] == providers
    assert sum(report["lignes_ecartees"].values()) == aside
    assert list(table.columns[: len(DIRECTORY_COLUMNS)]) == DIRECTORY_COLUMNS
    assert table["source_fichier"].eq(name).all()
    assert table["source_ligne"].is_unique and table["id_prestataire"].is_unique
    assert table["alertes"].map(lambda a: isinstance(a, list) and all(isinstance(x, str) for x in a)).all()
    assert table["metiers"].map(lambda m: isinstance(m, list)).all()
    assert set(table["source_metiers"].dropna()) <= {"déclaré", "déduit"}
    assert table["confiance_metiers"].dropna().between(0, 1).all()
    assert set(table["perimetre"]) <= {"France entière", "rayon", "zones"}
    assert table.loc[table["perimetre"].eq("rayon"), "rayon_km"].notna().all()
    known = table["type_structure"].notna()
    assert table.loc[known, "secteur"].isin(["Insertion", "Handicap"]).all()


@pytest.mark.parametrize("forced", [None, "lemarche"])
def test_format_can_be_forced(forced):
    table = read_directory(DATA / "lemarche_extrait.csv", format=forced)
    assert table.attrs["lecture"][0]["format"] == "lemarche"


def test_kinds_are_mapped_from_codes_names_and_finess_categories():
    lemarche = read_directory(DATA / "lemarche_extrait.csv")
    ei = _row(lemarche, "SA SISTRA")
    assert (ei["type_structure"], ei["secteur"]) == ("EI", "Insertion")
    assert "L5132-5" in ei["cadre_legal"]
    assert _row(lemarche, "ASSOC ESPOIR")["type_structure"] == "AI"
    finess = read_directory(DATA / "finess_extrait.csv")
    assert set(finess["type_structure"]) == {"ESAT", "EA"}
    assert finess["secteur"].eq("Handicap").all()
    assert parse_kind("Etablissement et service d'aide par le travail (ESAT)") == ("ESAT", None)
    assert parse_kind("Entreprise adaptée de travail temporaire")[0] == "EATT"


@pytest.mark.parametrize(
    ("name", "provider", "written"),
    [
        ("lemarche_extrait.csv", "ACTIV CITES", "Régie de quartier"),
        (
            "lemarche_esat_extrait.csv",
            "BANQUE ALIMENTAIRE DU BAS RHIN",
            "Entreprise solidaire d'utilité sociale",
        ),
        ("canonique_extrait.csv", "LES NOUVEAUX JARDINS DE LA SOLIDARITE", "SCOP"),
    ],
)
def test_unknown_kind_is_kept_empty_with_an_alert(name, provider, written):
    row = _row(read_directory(DATA / name), provider)
    assert row["type_structure"] is None or pd.isna(row["type_structure"])
    assert f"type de structure inconnu (« {written} »)" in row["alertes"]


def test_siret_luhn_key():
    table = read_directory(DATA / "lemarche_esat_extrait.csv")
    bad = _row(table, "SCOPROBAT")
    assert bad["siret"] == "43474850500015"  # kept as written
    assert _has(bad["alertes"], "SIRET invalide")
    assert not table.drop(index=bad.name)["alertes"].map(lambda a: _has(a, "SIRET")).any()
    asp = read_directory(DATA / "asp_extrait.csv")
    assert not asp["alertes"].map(lambda a: _has(a, "SIRET invalide")).any()
    assert check_siret("35600000000010") == ("35600000000010", None)  # La Poste: digit sum multiple of 5
    short = "4107177140003"
    assert check_siret(short) == (short, f"SIRET mal formé (« {short} » : 14 chiffres attendus)")


def test_declared_trades_are_matched_and_inferred_ones_are_flagged_as_such():
    lemarche = read_directory(DATA / "lemarche_extrait.csv")
    solidaires = _row(lemarche, "INITIATIVES SOLIDAIRES")  # a sector name holding commas
    assert solidaires["source_metiers"] == "déclaré" and solidaires["confiance_metiers"] == 1.0
    assert set(solidaires["metiers"]) == {"restauration-collective", "nettoyage-locaux", "recyclage-d3e"}
    interim = _row(lemarche, "CAP INTERIM 62 ARRAS")  # no sector declared: inferred from the name
    assert (interim["source_metiers"], interim["metiers"]) == ("déduit", ["mise-a-disposition"])
    assert interim["confiance_metiers"] < 1
    asp = read_directory(DATA / "asp_extrait.csv")  # the ASP list declares no trade
    assert asp["source_metiers"].eq("déduit").all()
    natur = _row(asp, "NATUR ALP")  # NAF 81.30Z: landscaping
    assert natur["metiers"] == ["entretien-espaces-verts"]
    assert natur["familles"] == ["Espaces verts et paysagers"]
    gesat = read_directory(DATA / "gesat_extrait.csv")
    assert _row(gesat, "ASSOC FEMMES ACTIVES")["metiers"] == ["confection-textile"]  # "Domaine 1"


def test_unreadable_declared_trades_are_flagged():
    espoir = _row(read_directory(DATA / "lemarche_extrait.csv"), "ASSOC ESPOIR")
    assert "métier déclaré non reconnu : « accompagnement socio-professionnel »" in espoir["alertes"]
    assert set(espoir["metiers"]) == {"nettoyage-locaux", "entretien-espaces-verts"}  # ménage, jardinage
    sistra = _row(read_directory(DATA / "lemarche_esat_extrait.csv"), "SA SISTRA")
    assert _has(sistra["alertes"], "aucun métier déclaré reconnu : métiers déduits")


def test_rome_codes_add_inferred_trades(tmp_path):
    frame = pd.read_csv(DATA / "asp_extrait.csv", dtype=str, keep_default_na=False)
    frame["rome"] = ""
    frame.loc[frame["name"].eq("COVETECH01"), "rome"] = "A1203 | k2204"
    frame.loc[frame["name"].eq("SARL MICRONOV"), "rome"] = "6202A"
    path = tmp_path / "asp_rome.csv"
    frame.to_csv(path, index=False)
    table = read_directory(path)
    covetech = _row(table, "COVETECH01")
    assert covetech["source_metiers"] == "déduit"
    assert set(covetech["metiers"]) == {"entretien-espaces-verts", "nettoyage-locaux"}
    assert covetech["confiance_metiers"] >= 0.9
    assert "code ROME illisible (« 6202A »)" in _row(table, "SARL MICRONOV")["alertes"]


def test_declared_perimeters_and_defaults_by_family():
    lemarche = read_directory(DATA / "lemarche_extrait.csv")
    adds = _row(lemarche, "ADDS")  # building (50 km) and cleaning (40 km), no perimeter declared
    assert (adds["perimetre"], adds["rayon_km"], adds["perimetre_par_defaut"]) == ("rayon", 50.0, True)
    assert _has(adds["alertes"], "périmètre d'intervention non déclaré : rayon par défaut de 50 km")
    rivages = _row(lemarche, "ASSOC RIVAGES PROPRES")
    assert (rivages["perimetre"], rivages["rayon_km"]) == ("rayon", 30.0)
    assert not rivages["perimetre_par_defaut"]
    assert _row(lemarche, "VESTALI")["zones"] == ["dep:62", "dep:59"]
    assert _row(lemarche, "SA SISTRA")["perimetre"] == "France entière"
    canonical = read_directory(DATA / "canonique_extrait.csv")
    assert _row(canonical, "ASSOC MARIANNE")["zones"] == ["dep:38", "dep:73"]  # written "Isère | Savoie"
    assert _row(canonical, "CTRE COM ACTION SOCIAL VILLEFONTAINE")["zones"] == ["com:38185"]  # "Grenoble"


def test_locations_cedex_and_missing_place():
    gesat = read_directory(DATA / "gesat_extrait.csv")
    janus = _row(gesat, "JANUS SAS")  # 59815 is a CEDEX code: not in the postal base
    assert janus["commune_insee"] == "59343" and not _has(janus["alertes"], "code postal")
    eureka = _row(read_directory(DATA / "lemarche_extrait.csv"), "ASSOC EUREKA")
    assert "aucune localisation utilisable" in eureka["alertes"]
    assert pd.isna(eureka["lat"]) and pd.isna(eureka["departement"])
    asp = read_directory(DATA / "asp_extrait.csv")
    assert _row(asp, "MFR DES CHARENTES")["commune_insee"] == "16097"  # no INSEE code: postal code and city
    assert _has(_row(asp, "ENTREPRISE MAINTENANCE ENTRETIEN")["alertes"], "coordonnées inconnues")


def test_finess_lambert93_coordinates_are_converted():
    finess = read_directory(DATA / "finess_extrait.csv")
    asp = pd.read_csv(DATA / "asp_extrait.csv", dtype={"siret": str}).drop_duplicates("siret")
    asp = asp.set_index("siret")
    merged = finess.merge(asp[["lat", "lon"]].add_suffix("_asp"), left_on="siret", right_index=True)
    assert len(merged) == len(finess)
    assert (merged["lat"] - merged["lat_asp"]).abs().max() < 1e-5  # built from these centroids
    assert (merged["lon"] - merged["lon_asp"]).abs().max() < 1e-5
    assert finess["lat"].notna().all()  # the row without a geolocation record gets its commune's centroid


def test_lambert93_known_point(tmp_path):
    # Château des ducs de Savoie, Chambéry's prefecture: 45.5661 N, 5.9175 E. Its Lambert-93 X/Y were
    # computed with IGN's conic projection formulas (Snyder), independently of pyproj.
    record = [
        "structureet",
        "990000099",
        "",
        "PREFECTURE TEST",
        "",
        "",
        "",
        "",
        "",
        "place Caffe",
        "",
        "",
        "065",
        "73",
        "SAVOIE",
        "73000 CHAMBERY",
        "",
        "",
        "246",
    ] + [""] * 13
    text = (
        "finess;etalab;95;2019-07-01\n"
        + ";".join(record)
        + "\n"
        + "geolocalisation;990000099;927522.49;6500492.56;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;\n"
    )
    path = tmp_path / "etalab.csv"
    path.write_text(text, encoding="utf-8")
    row = read_directory(path).iloc[0]
    assert abs(row["lat"] - 45.5661) < 1e-6 and abs(row["lon"] - 5.9175) < 1e-6
    assert row["commune_insee"] == "73065" and row["type_structure"] == "ESAT"


def test_xlsx_with_a_title_row(tmp_path):
    source = pd.read_csv(
        DATA / "lemarche_extrait.csv",
        sep=";",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
        skip_blank_lines=False,
    )
    book = Workbook()
    ws = book.active
    ws.append(["Export Le marché de l'inclusion"])
    ws.append(list(source.columns))
    for row in source.itertuples(index=False):
        ws.append([v or None for v in row])
    path = tmp_path / "annuaire.xlsx"
    book.save(path)
    table = read_directory(path)
    report = table.attrs["lecture"][0]
    assert (report["support"], report["ligne_entete"], report["format"]) == ("Excel", 2, "lemarche")
    csv = read_directory(DATA / "lemarche_extrait.csv")
    assert table["metiers"].tolist() == csv["metiers"].tolist()
    assert table["type_structure"].fillna("").tolist() == csv["type_structure"].fillna("").tolist()


def test_several_files_flag_repeated_siret_across_them(tmp_path):
    copy = tmp_path / "copie.csv"
    shutil.copy(DATA / "geiq_extrait.csv", copy)
    table = read_directory([DATA / "geiq_extrait.csv", copy])
    assert len(table.attrs["lecture"]) == 2 and len(table) == 12
    assert table["alertes"].map(lambda a: _has(a, "SIRET présent sur plusieurs lignes")).all()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Téléphone;Email\n01 02 03 04 05;a@b.fr\n", "colonne manquante : une colonne de nom"),
        (
            "Raison sociale;Téléphone\nESAT X;01 02 03 04 05\n",
            "colonne manquante : une colonne de localisation",
        ),
        ("", "fichier vide"),
    ],
)
def test_unusable_files_raise_one_input_error(tmp_path, content, message):
    path = tmp_path / "annuaire.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_directory(path)


def test_every_problem_of_every_file_in_one_error(tmp_path):
    path = tmp_path / "vide.csv"
    path.write_text("Téléphone;Email\n01;a@b.fr\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_directory([path, tmp_path / "absent.csv"])
    assert len(caught.value.problems) == 3  # no name, no location, missing file
    assert "« Téléphone », « Email »" in str(caught.value)
    with pytest.raises(InputError, match="format d’annuaire inconnu"):
        read_directory(DATA / "asp_extrait.csv", format="siae")


def test_sample_directory_loads_with_fictitious_rows_only_among_esat_and_ea():
    table = load_sample_directory()
    assert len(table) == 793 and table["region"].eq("84").all()
    assert set(table.loc[table["fictif"], "type_structure"]) == {"ESAT", "EA"}
    assert not table.loc[table["type_structure"].isin(["EI", "AI", "ACI", "ETTI", "GEIQ"]), "fictif"].any()
    assert table.loc[table["fictif"], "raison_sociale"].str.contains(r"fictif|fictive").all()
    assert table[["lat", "lon"]].notna().all().all()
    fake = table[table["fictif"]]
    assert fake["type_structure"].value_counts().to_dict() == {"ESAT": 182, "EA": 127}
    assert fake["effectif"].sum() == 19660
    savoie = fake[fake["departement"].eq("73")]
    assert savoie.groupby("type_structure")["effectif"].agg(["count", "sum"]).to_dict("index") == {
        "EA": {"count": 10, "sum": 321.0},
        "ESAT": {"count": 9, "sum": 1096.0},
    }
    esat_families = {f for fs in savoie.loc[savoie["type_structure"].eq("ESAT"), "familles"] for f in fs}
    assert len(esat_families) == 13 and "Hors champ" not in esat_families
    assert fake["source_metiers"].eq("déclaré").all() and not fake["perimetre_par_defaut"].any()
    real = table[~table["fictif"]]
    assert real["source_metiers"].dropna().eq("déduit").all()
    assert real["siret"].notna().all()
