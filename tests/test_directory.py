"""Reading provider directories of every format into the canonical providers table (real SIAE, GEIQ and ESAT rows)."""

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
    ("esat_finess_2026_extrait.csv", "finess_esat", 38, 38, 0),
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
    assert set(table["source_metiers"].dropna()) <= {"déclaré", "déduit", "supposé"}
    assert table["metiers_supposes"].map(lambda m: isinstance(m, list)).all()
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
    with pytest.raises(InputError, match="annuaire illisible") as caught:
        read_directory(42, format="siae")
    assert len(caught.value.problems) == 2  # the source and the format, said at once


# ---- the official list of ESAT (FINESS 2026) ------------------------------------------------------------
ESAT_LIST = DATA / "esat_finess_2026_extrait.csv"
ASSUMED = 22  # the trades ESAT commonly do (data/esat_metiers_supposes.csv)


@pytest.fixture(scope="module")
def esat_list() -> pd.DataFrame:
    return read_directory(ESAT_LIST)


def _finess_frame() -> pd.DataFrame:
    return pd.read_csv(ESAT_LIST, dtype=str, keep_default_na=False)


def _site(table: pd.DataFrame, finess_et: str) -> pd.Series:
    return table[table["id_prestataire"].eq(f"finess:{finess_et}")].iloc[0]


def test_esat_list_every_site_is_an_esat_located_at_its_commune(esat_list):
    assert esat_list.attrs["lecture"][0]["format"] == "finess_esat"
    assert esat_list["type_structure"].eq("ESAT").all() and esat_list["secteur"].eq("Handicap").all()
    assert _site(esat_list, "020019931")["raison_sociale"] == "DISPJ"  # a name that is not "ESAT …"
    assert esat_list["id_prestataire"].str.fullmatch(r"finess:\w{9}").all()
    located = esat_list["lat"].notna() & esat_list["departement"].notna()
    assert located.sum() == 37  # CAT SPM: Saint-Pierre has no known centre
    assert _has(_site(esat_list, "970500104")["alertes"], "coordonnées inconnues")
    envol = _site(esat_list, "010008951")
    assert (envol["siret"], envol["commune_insee"], envol["code_postal"]) == (
        "77554456201361",
        "01047",
        "01150",
    )
    assert (envol["adresse"], envol["effectif"]) == ("385 ALL DU PRUNNUS", 9.0)
    nierme = _site(esat_list, "010784171")  # 01105 is a CEDEX code: the commune code places it
    assert (nierme["code_postal"], nierme["commune_insee"]) == ("01105", "01283")
    assert pd.isna(_site(esat_list, "090004920")["adresse"])  # an empty address
    assert _site(esat_list, "2A0003026")["departement"] == "2A"
    assert esat_list["source_et_type"].isin(["Principal", "Secondaire"]).all()
    assert esat_list["source_ej_raison_sociale"].str.len().gt(0).all()


def test_esat_list_places_are_counted_once_per_esat(esat_list):
    sabarthes, couseran = _site(esat_list, "090004920"), _site(esat_list, "090784174")
    assert pd.isna(sabarthes["effectif"]) and couseran["effectif"] == 49
    assert _has(sabarthes["alertes"], "capacité identique à celle de l’établissement principal")
    assert pd.isna(_site(esat_list, "100006998")["effectif"])  # the antenna of ESAT Champagne repeats 25
    assert pd.isna(_site(esat_list, "680023769")["effectif"])  # the laundry repeats Les Tournesols' 15
    assert _site(esat_list, "680015039")["effectif"] == 15
    for site in ("500003132", "500017322"):  # secondary sites at 0: places counted on the principal
        assert _has(_site(esat_list, site)["alertes"], "capacité nulle sur un site secondaire")
    moulin = _site(esat_list, "500004866")  # the principal at 0: unknown, not zero workers
    assert pd.isna(moulin["effectif"]) and _has(moulin["alertes"], "capacité autorisée nulle")
    given = pd.to_numeric(_finess_frame()["Capacité autorisée agrégée"]).sum()
    assert esat_list["effectif"].sum() == given - 49 - 25 - 15
    assert not esat_list["alertes"].map(lambda a: _has(a, "effectif nul")).any()


def test_esat_list_sites_sharing_a_siret_are_not_duplicates(esat_list):
    cluny = esat_list[esat_list["raison_sociale"].eq("ESAT FOYER DE CLUNY")]
    assert len(cluny) == 3 and cluny["id_prestataire"].is_unique
    for alerts in cluny["alertes"]:
        assert _has(alerts, "SIRET partagé entre sites FINESS (3 sites d’un même établissement")
        assert not _has(alerts, "SIRET présent sur plusieurs lignes")


def test_esat_trades_from_names_other_sites_or_assumed(esat_list):
    laverie = _site(esat_list, "450020250")  # ESAT LES CEDRES (LAVERIE)
    assert (laverie["metiers"], laverie["source_metiers"]) == (["blanchisserie"], "déduit")
    assert _site(esat_list, "450008347")["metiers"] == ["sous-traitance-industrielle"]  # (STI)
    assert _site(esat_list, "010005288")["metiers"] == ["mise-a-disposition"]  # hors les murs
    assert _site(esat_list, "680023777")["metiers"] == ["maraichage"]  # ferme
    tournesols = _site(esat_list, "680015039")  # the principal: what its sites' names say
    assert {"blanchisserie", "maraichage"} <= set(tournesols["metiers"])
    assert tournesols["confiance_metiers"] < _site(esat_list, "680023777")["confiance_metiers"]
    assert _has(tournesols["alertes"], "métiers déduits des noms des autres sites du même ESAT")
    laporte = _site(esat_list, "300782208")  # "Pierre Laporte" is a man, not a stone mason
    assert (laporte["metiers"], laporte["familles"], laporte["source_metiers"]) == ([], [], "supposé")
    assert len(laporte["metiers_supposes"]) == ASSUMED and "nettoyage-locaux" in laporte["metiers_supposes"]
    assert laporte["confiance_metiers"] == 0.3
    assert _has(laporte["alertes"], "métiers courants des ESAT supposés")
    known = esat_list["source_metiers"].eq("déduit")
    assert esat_list.loc[known, "metiers_supposes"].map(len).eq(0).all()
    assert esat_list.loc[~known, "metiers"].map(len).eq(0).all()


def test_canonical_table_keeps_assumed_trades_apart(tmp_path, esat_list):
    table = esat_list[DIRECTORY_COLUMNS].drop(columns=["source_fichier", "source_ligne"]).copy()
    for name in ("metiers", "familles", "zones", "alertes", "metiers_supposes"):
        table[name] = table[name].map(" | ".join)
    path = tmp_path / "canonique.csv"
    table.to_csv(path, index=False)
    again = read_directory(path)
    assert again.attrs["lecture"][0]["format"] == "canonique"
    for name in ("metiers", "metiers_supposes", "source_metiers", "effectif", "commune_insee"):
        assert again[name].astype(object).tolist() == esat_list[name].astype(object).tolist(), name
    assert again["alertes"].map(sorted).tolist() == esat_list["alertes"].map(sorted).tolist()


def test_esat_list_saved_by_a_spreadsheet_gets_its_leading_zeros_back(tmp_path):
    frame = _finess_frame()
    codes = ("EJ-N°FINESS", "ET-N°FINESS", "ET-Code Postal", "ET-Département Code", "ET-Commune Code")
    for column in codes:
        frame[column] = frame[column].str.lstrip("0")  # "01150" saved as the number 1150
    path = tmp_path / "esat_zeros_perdus.csv"
    frame.to_csv(path, sep=";", index=False)
    table = read_directory(path)
    envol = _site(table, "010008951")
    assert (envol["code_postal"], envol["departement"], envol["commune_insee"]) == ("01150", "01", "01047")
    assert "code postal « 1150 » à 4 chiffres\u00a0: zéro initial restauré (01150)" in envol["alertes"]
    assert "code commune « 1047 »\u00a0: zéro initial restauré (01047)" in envol["alertes"]
    assert table["departement"].tolist() == read_directory(ESAT_LIST)["departement"].tolist()


@pytest.mark.parametrize(
    ("written", "siret", "alert"),
    [
        ("77554456201361.0", "77554456201361", None),
        ("7.7554456201361e+13", "77554456201361", "SIRET écrit en notation scientifique"),
        ("7,75545E+13", None, "SIRET illisible\u00a0: notation scientifique d’Excel"),
    ],
)
def test_siret_written_as_a_number(tmp_path, written, siret, alert):
    frame = _finess_frame()
    frame.loc[0, "ET-SIRET"] = written
    path = tmp_path / "esat.csv"
    frame.to_csv(path, index=False)
    row = read_directory(path).iloc[0]
    assert row["siret"] == siret if siret else pd.isna(row["siret"])
    assert _has(row["alertes"], alert) if alert else not _has(row["alertes"], "SIRET")


def test_former_commune_code_falls_back_on_the_postal_code(tmp_path):
    frame = _finess_frame()
    pleyel = frame["ET-Raison sociale"].eq("ESAT PLEYEL")  # Pierrefitte-sur-Seine joined Saint-Denis in 2025
    frame.loc[pleyel, ["ET-Commune Code", "ET-Commune Libellé"]] = ["93059", "Pierrefitte-sur-Seine"]
    path = tmp_path / "esat.csv"
    frame.to_csv(path, index=False)
    row = _site(read_directory(path), "930003405")
    assert (row["commune_insee"], row["departement"]) == ("93066", "93")
    assert "code commune INSEE inconnu (« 93059 »)" in row["alertes"]


# ---- coordinates and places that are wrong --------------------------------------------------------------
CHAMBERY_CASTLE_L93 = (927522.49, 6500492.56)  # 45.5661 N, 5.9175 E (computed without pyproj, see above)
ADDRESS = ["address", "post_code", "city", "department", "commune_insee"]


def _savoie(tmp_path, drop=(), **columns) -> Path:
    """Three real SIAE of Savoie (``asp_extrait.csv``), some columns dropped or replaced."""
    frame = pd.read_csv(DATA / "asp_extrait.csv", dtype=str, keep_default_na=False)
    frame = frame[frame["department"].eq("73")].drop(columns=list(drop)).head(3)
    for name, values in columns.items():
        frame[name] = values
    path = tmp_path / "savoie.csv"
    frame.to_csv(path, index=False)
    return path


def test_lambert93_in_latitude_and_longitude_columns_is_converted(tmp_path):
    x, y = CHAMBERY_CASTLE_L93
    table = read_directory(_savoie(tmp_path, drop=ADDRESS, lat=[str(y)] * 3, lon=[str(x)] * 3))
    assert ((table["lat"] - 45.5661).abs() < 1e-5).all() and ((table["lon"] - 5.9175).abs() < 1e-5).all()
    assert table["departement"].eq("73").all()
    assert table["alertes"].map(lambda a: _has(a, "coordonnées Lambert-93 converties")).all()


def test_lambert93_x_y_columns_are_converted(tmp_path):
    x, y = CHAMBERY_CASTLE_L93
    table = read_directory(_savoie(tmp_path, drop=["lat", "lon"], X=[str(x)] * 3, Y=[str(y)] * 3))
    assert {"X": "x", "Y": "y"}.items() <= table.attrs["lecture"][0]["colonnes_reconnues"].items()
    row = table.iloc[0]  # NATUR ALP, La Ravoire: 5 km from the castle, within its commune's reach
    assert abs(row["lat"] - 45.5661) < 1e-5 and row["commune_insee"] == "73213"


def test_swapped_latitude_and_longitude_are_put_back(tmp_path):
    frame = pd.read_csv(DATA / "asp_extrait.csv", dtype=str, keep_default_na=False)
    savoie = frame[frame["department"].eq("73")].head(3)
    lat, lon = savoie["lat"].tolist(), savoie["lon"].tolist()
    without_place = read_directory(_savoie(tmp_path, drop=ADDRESS, lat=lon, lon=lat))
    assert without_place["lat"].round(5).tolist() == [float(v) for v in lat]
    assert without_place["departement"].eq("73").all()
    assert without_place["alertes"].map(lambda a: _has(a, "latitude et longitude inversées")).all()
    with_place = read_directory(_savoie(tmp_path, lat=lon, lon=lat))
    assert with_place["lat"].round(5).tolist() == [float(v) for v in lat]
    assert with_place["alertes"].map(lambda a: _has(a, "latitude et longitude inversées")).all()


@pytest.mark.parametrize(
    ("post_code", "city", "country", "said"),
    [
        ("7500", "TOURNAI (BELGIQUE)", "", "adresse hors de France (Belgique)"),
        ("7500", "TOURNAI", "", "adresse hors de France\u00a0? code postal à 4 chiffres"),
        ("7500", "TOURNAI", "Belgique", "adresse hors de France (Belgique)"),
        ("B-7500", "TOURNAI", "", "adresse hors de France (pays étranger"),
    ],
)
def test_a_provider_abroad_is_not_placed_in_france(tmp_path, post_code, city, country, said):
    columns = {
        "post_code": post_code,
        "city": city,
        "department": "",
        "commune_insee": "",
        "lat": "",
        "lon": "",
    }
    if country:
        columns["pays"] = country
    row = read_directory(_savoie(tmp_path, **columns)).iloc[0]
    assert pd.isna(row["departement"]) and pd.isna(row["commune_insee"]) and pd.isna(row["lat"])
    assert _has(row["alertes"], said)
    assert not _has(row["alertes"], "07500")  # never Guilherand-Granges (Ardèche)


def test_coordinates_abroad_without_commune_are_ignored(tmp_path):
    row = read_directory(_savoie(tmp_path, drop=ADDRESS, lat="50.8466", lon="4.3528")).iloc[0]  # Brussels
    assert pd.isna(row["departement"]) and pd.isna(row["lat"])
    assert _has(row["alertes"], "coordonnées hors de France")


# ---- staff, notice sheets, perimeters ---------------------------------------------------------------------
def test_staff_numbers_units_and_bands(tmp_path):
    frame = pd.read_csv(DATA / "lemarche_esat_extrait.csv", sep="|", dtype=str, keep_default_na=False)
    written = ["12,5 ETP", "8.5 ETP", "45 ETP", "-3", "0", "1 000 à 1 999 salariés", "1 ou 2 salariés"]
    written += ["250 salariés et plus", "Non renseigné"]
    frame["Nombre de travailleurs dans la structure (en ETP)"] = written
    path = tmp_path / "import_esat.csv"
    frame.to_csv(path, sep="|", index=False)
    table = read_directory(path)
    staff = [None if pd.isna(v) else float(v) for v in table["effectif"]]
    assert staff == [12.5, 8.5, 45.0, None, 0.0, 1499.5, 1.5, 250.0, None]
    alerts = table["alertes"].tolist()
    assert _has(alerts[3], "effectif négatif (« -3 »)") and _has(alerts[4], "effectif nul")
    assert _has(alerts[5], "tranche") and _has(alerts[7], "borne basse retenue")
    assert not any(_has(a, "effectif illisible") for a in alerts)


def test_a_notice_sheet_before_the_table_is_not_taken_for_it(tmp_path):
    source = pd.read_csv(DATA / "lemarche_esat_extrait.csv", sep="|", dtype=str, keep_default_na=False)
    book = Workbook()
    notice = book.active
    notice.title = "Notice"
    notice.append(["Import des ESAT - notice de remplissage"])
    notice.append(["Colonnes obligatoires :", "Raison sociale", "Siret", "Code Postal", "Ville"])
    sheet = book.create_sheet("ESAT")
    sheet.append(list(source.columns))
    for row in source.itertuples(index=False):
        sheet.append([v or None for v in row])
    path = tmp_path / "import.xlsx"
    book.save(path)
    table = read_directory(path)
    assert table.attrs["lecture"][0]["feuille"] == "ESAT" and len(table) == len(source)


def test_former_regions_and_lists_of_departments_are_zones(tmp_path):
    frame = pd.read_csv(DATA / "canonique_extrait.csv", dtype=str, keep_default_na=False).head(4)
    frame["perimetre"], frame["rayon_km"] = "zones", ""
    frame["zones"] = ["Rhône-Alpes", "Départements 38, 73 et 74", "Centre", "PACA"]
    path = tmp_path / "canonique.csv"
    frame.to_csv(path, index=False)
    table = read_directory(path)
    rhone_alpes = [f"dep:{d}" for d in ("01", "07", "26", "38", "42", "69", "73", "74")]
    assert table["zones"].tolist() == [rhone_alpes, ["dep:38", "dep:73", "dep:74"], ["reg:24"], ["reg:93"]]
    assert _has(table.iloc[0]["alertes"], "ancienne région « Rhône-Alpes »")
    assert not table["alertes"].map(lambda a: _has(a, "non reconnue") or _has(a, "par défaut")).any()


# ---- the bundled directory ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return load_sample_directory()


def test_bundled_directory_holds_real_structures_of_all_france(bundled):
    assert bundled["type_structure"].value_counts().to_dict() == {
        "ACI": 1978,
        "ESAT": 1504,
        "EI": 992,
        "AI": 666,
        "ETTI": 296,
        "GEIQ": 171,
        "EA": 2,
    }
    assert not bundled["fictif"].any() and not bundled["raison_sociale"].str.contains("fictif|fictive").any()
    assert bundled["id_prestataire"].is_unique
    metropolitan = {"11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"}
    assert metropolitan | {"01", "02", "03", "04", "06"} <= set(bundled["region"].dropna())
    located = bundled["lat"].notna() & bundled["departement"].notna()
    assert located.mean() > 0.998
    assert bundled.loc[bundled["type_structure"].ne("ESAT"), "siret"].notna().all()


def test_bundled_esat_trades_and_places(bundled):
    esat = bundled[bundled["type_structure"].eq("ESAT")]
    assert esat["source_metiers"].value_counts().to_dict() == {"supposé": 1411, "déduit": 93}
    assumed = esat[esat["source_metiers"].eq("supposé")]
    assert assumed["metiers"].map(len).eq(0).all() and assumed["metiers_supposes"].map(len).eq(ASSUMED).all()
    assert assumed["confiance_metiers"].eq(0.3).all()
    assert bundled.loc[bundled["type_structure"].ne("ESAT"), "metiers_supposes"].map(len).eq(0).all()
    assert (
        esat["effectif"].sum() == 118588
    )  # 119,263 authorised places, less those repeated by secondary sites
    assert esat["perimetre_par_defaut"].all()


def test_the_bundled_directory_is_cached_between_processes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("TRANSFERABILITY_NO_CACHE", raising=False)
    first = load_sample_directory()
    stored = list((tmp_path / "transferability").glob("annuaire_*.pkl"))
    assert len(stored) == 1
    pd.testing.assert_frame_equal(load_sample_directory(), first)
    stored[0].write_bytes(b"not a pickle")  # a damaged cache is read again, not trusted
    pd.testing.assert_frame_equal(load_sample_directory(), first)
