"""Reading contract files of every format into the canonical table (real records)."""

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

import transferability as tr

DATA = Path(__file__).parent / "data"

# file, format reported, source rows, contracts, rows set aside
FIXTURES = [
    ("aife_extrait.csv", "CSV", 22, 22, 0),
    ("mpi_2019_extrait.json", "DECP JSON 2019", 12, 10, 2),
    ("croix_extrait.json", "DECP JSON 2019", 8, 8, 0),
    ("dematis_2022_extrait.json", "DECP JSON 2022", 10, 9, 1),
    ("bretagne_2019_extrait.csv", "CSV", 35, 32, 0),
    ("bretagne_2021_extrait.csv", "CSV", 30, None, 0),
    ("bretagne_2019_extrait.xml", "DECP XML 2022", 12, 12, 0),
    ("consolide_travaux_extrait.csv", "CSV", 60, None, 0),
    ("flat_2021_2026_extrait.csv", "CSV", 40, None, 0),
]


def _lines(table):
    return sum(len(v) if isinstance(v, list) else 1 for v in table["source_ligne"])


@pytest.mark.parametrize(("name", "fmt", "rows", "contracts", "aside"), FIXTURES)
def test_every_row_is_accounted_for(name, fmt, rows, contracts, aside):
    table = tr.read_contracts(DATA / name)
    report = table.attrs["lecture"][0]
    assert report["format"] == fmt
    assert report["lignes_lues"] == rows
    assert _lines(table) + sum(report["lignes_ecartees"].values()) == rows
    assert sum(report["lignes_ecartees"].values()) == aside
    if contracts is not None:
        assert len(table) == contracts
    assert list(table.columns[: len(tr.CONTRACT_COLUMNS)]) == tr.CONTRACT_COLUMNS
    assert table["alertes"].map(lambda a: isinstance(a, list)).all()


def test_state_buyers_defects_are_repaired_and_flagged():
    table = tr.read_contracts(DATA / "aife_extrait.csv")
    padded = table[table["alertes"].map(lambda a: any("7 chiffres" in x for x in a))]
    assert len(padded) >= 3
    assert padded["code_cpv"].str.fullmatch(r"0\d{7}").all()
    assert set(table["nature"].dropna()) <= {"Marché", "Accord-cadre", "Marché subséquent"}
    assert "Marché passé sans publicité ni mise en concurrence préalable" in set(table["procedure"])
    assert "Procédure avec négociation" in set(table["procedure"])
    assert (table["categorie_procedure"] == "Inconnue").sum() >= 2
    assert table["titulaires"].map(len).max() >= 2
    assert any("illisibles" in n for n in table.attrs["lecture"][0]["notes"])


def test_buyer_export_groups_holders_and_picks_amounts():
    table = tr.read_contracts(DATA / "bretagne_2019_extrait.csv")
    report = table.attrs["lecture"][0]
    assert "Windows-1252" in " ".join(report["notes"])
    first = table.iloc[0]
    assert first["acheteur_id"] == "23350001600040"  # written "23 350 001 600 040"
    assert first["montant"] == 40000.0 and first["montant_nature"] == "prévu"  # initial amount empty
    assert first["date_notification"] == pd.Timestamp("2019-01-30")
    grouped = table[table["source_ligne"].map(lambda v: isinstance(v, list))]
    assert len(grouped) >= 1
    assert (grouped["titulaires"].map(len) >= 2).all()
    assert table["departement"].notna().all()  # no place given: the buyer's department, flagged
    assert table["alertes"].map(lambda a: any("département de l’acheteur" in x for x in a)).any()


def test_xml_conversion_warns_on_each_schema_violation():
    table = tr.read_contracts(DATA / "bretagne_2019_extrait.xml")
    assert table["alertes"].map(lambda a: any("XSD" in x and "dateNotification" in x for x in a)).all()
    assert "non conforme au schéma XSD" in " ".join(table.attrs["lecture"][0]["notes"])
    assert table.loc[0, "montant"] == 4000000.0  # the converter's defect is read as written


def test_consolidated_rows_become_one_contract_with_its_holders():
    table = tr.read_contracts(DATA / "consolide_travaux_extrait.csv")
    assert table["objet"].isna().all() and table["code_cpv"].notna().all()
    assert table["type_marche"].eq("Travaux").all()
    assert table["titulaires"].map(len).max() >= 2
    assert table["departement"].notna().all()  # from acheteur_departement_code


def test_json_2022_reads_social_considerations_and_sets_concessions_aside():
    table = tr.read_contracts(DATA / "dematis_2022_extrait.json")
    assert table.attrs["lecture"][0]["lignes_ecartees"] == {"contrat de concession": 1}
    assert table["considerations_sociales"].map(lambda v: isinstance(v, list)).all()


def test_same_contract_on_two_platforms_is_marked_duplicate(tmp_path):
    table = tr.read_contracts([DATA / "croix_extrait.json", DATA / "croix_extrait.json"])
    assert table["doublon"].sum() == len(table) // 2
    assert not table["doublon"].iloc[: len(table) // 2].any()


@pytest.mark.parametrize("header_row", [1, 5, 12])
def test_xlsx_export_with_header_anywhere_in_the_first_rows(tmp_path, header_row):
    src = tr.read_contracts(DATA / "croix_extrait.json")
    book = Workbook()
    ws = book.active
    ws.title = "Marchés 2021"
    if header_row > 1:
        ws.cell(1, 1, "Liste des marchés notifiés — Ville de Croix")
    headers = ["Référence", "Intitulé", "Montant € HT", "Date d'attribution", "Mode de passation", "CPV"]
    for j, h in enumerate(headers, start=1):
        ws.cell(header_row, j, h)
    for i, r in enumerate(src.itertuples(), start=header_row + 1):
        values = [
            r.id_contrat,
            r.objet,
            r.montant,
            r.date_notification.to_pydatetime(),
            r.procedure,
            r.code_cpv,
        ]
        for j, v in enumerate(values, start=1):
            ws.cell(i, j, v)
    last = header_row + len(src) + 2
    ws.cell(last, 1, "TOTAL")
    ws.cell(last, 3, float(src["montant"].sum()))
    hidden = book.create_sheet("brouillon")
    hidden.sheet_state = "hidden"
    path = tmp_path / "export.xlsx"
    book.save(path)
    table = tr.read_contracts(path)
    report = table.attrs["lecture"][0]
    assert report["feuille"] == "Marchés 2021" and report["ligne_entete"] == header_row
    assert len(table) == len(src)
    assert report["lignes_ecartees"] == {"ligne vide": 1, "ligne de total": 1}
    assert table["objet"].tolist() == src["objet"].tolist()
    assert table["montant"].tolist() == src["montant"].tolist()
    assert table["source_ligne"].iloc[0] == header_row + 1
    assert "1 feuille(s) masquée(s) ignorée(s)" in report["notes"]


def test_columns_override_the_guess(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Réf;Texte;Valeur\nA1;Nettoyage des locaux de la mairie;12 000,00\n", encoding="utf-8")
    table = tr.read_contracts(path, columns={"objet": "Texte", "montant": "Valeur", "id_contrat": "Réf"})
    assert table.loc[0, "objet"] == "Nettoyage des locaux de la mairie"
    assert table.loc[0, "montant"] == 12000.0


def test_double_encoded_export_is_repaired(tmp_path):
    text = (DATA / "bretagne_2021_extrait.csv").read_text(encoding="utf-8")
    broken = text.encode("utf-8").decode("latin-1").encode("utf-8")  # "é" → "Ã©", as real exports have it
    path = tmp_path / "double.csv"
    path.write_bytes(broken)
    table = tr.read_contracts(path)
    assert table.loc[0, "acheteur_nom"] == "Région Bretagne"
    assert any("doublement encodé" in n for n in table.attrs["lecture"][0]["notes"])


@pytest.mark.parametrize(
    ("cell", "value", "alert"),
    [
        ("NC", None, "montant non renseigné"),
        ("-1 200,00", -1200.0, "montant négatif"),
        ("1e11", None, "montant aberrant"),
        ("1 200 000,00 € HT", 1200000.0, None),
    ],
)
def test_bad_amount_cells_keep_their_row(tmp_path, cell, value, alert):
    path = tmp_path / "m.csv"
    path.write_text(f"Objet;Montant HT\nTonte des espaces verts;{cell}\n", encoding="utf-8")
    table = tr.read_contracts(path)
    assert len(table) == 1
    got = table.loc[0, "montant"]
    assert (pd.isna(got) and value is None) or got == value
    alerts = " ".join(table.loc[0, "alertes"])
    assert (alert in alerts) if alert else "montant" not in alerts


def test_bad_date_and_cpv_cells_are_flagged(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "Objet;CPV;Date de notification;Procédure\n"
        "Nettoyage;XXXX;31/12/1899;Procédure inventée\n"
        "Nettoyage;90911200-8;01/01/2099;MAPA\n",
        encoding="utf-8",
    )
    table = tr.read_contracts(path, today=dt.date(2026, 11, 24))
    first, second = (" ".join(a) for a in table["alertes"])
    assert "code CPV inconnu" in first and "date nulle" in first and "procédure inconnue" in first
    assert "date dans le futur" in second
    assert table.loc[1, "code_cpv"] == "90911200" and table.loc[1, "categorie_procedure"] == "MAPA"


def test_file_without_object_nor_cpv_is_refused_with_what_was_found(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Nom;Téléphone\nDupont;0102030405\n", encoding="utf-8")
    with pytest.raises(tr.InputError, match=r"aucune colonne d’objet ni de code CPV.*Nom \| Téléphone"):
        tr.read_contracts(path)


def test_every_problem_of_several_files_is_listed_at_once(tmp_path):
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(
        tr.InputError,
        match=r"2 problèmes(?s:.)*vide\.csv : fichier vide(?s:.)*absent\.csv : fichier introuvable",
    ):
        tr.read_contracts([empty, tmp_path / "absent.csv"])


def test_wrong_sheet_lists_the_sheets(tmp_path):
    book = Workbook()
    book.active.title = "Marchés"
    path = tmp_path / "a.xlsx"
    book.save(path)
    with pytest.raises(
        tr.InputError,
        match=r"feuille introuvable ; trouvé : « 2024 » ; solution : choisir une de : « Marchés »",
    ):
        tr.read_contracts(path, sheet="2024")


def test_truncated_json_is_refused(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"marches": [{"id": "1", "objet": "Tonte"}]})[:-5], encoding="utf-8")
    with pytest.raises(tr.InputError, match="JSON mal formé.*tronqué"):
        tr.read_contracts(path)


def test_unknown_encoding_is_refused(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(b"Objet;Montant\nTonte;1\n" + b"\x81\x8d\xff\xfe")
    with pytest.raises(tr.InputError, match=r"encodage non reconnu.*octet 0x81"):
        tr.read_contracts(path)


def test_parquet_consolidated_file(tmp_path):
    frame = pd.read_csv(DATA / "consolide_travaux_extrait.csv", dtype=str)
    path = tmp_path / "decp.parquet"
    frame.to_parquet(path)
    table = tr.read_contracts(path)
    assert table.attrs["lecture"][0]["format"] == "Parquet"
    assert len(table) == len(tr.read_contracts(DATA / "consolide_travaux_extrait.csv"))


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_total_row_labelled_outside_the_object_is_set_aside_in_any_format(tmp_path, suffix):
    """A « TOTAL » in the buyer's column, with a CPV code and the sum: the text columns of a parquet file
    (arrow strings) are searched for the label like a CSV file's."""
    frame = pd.read_csv(DATA / "consolide_travaux_extrait.csv", dtype=str)
    total = {
        "acheteur_nom": "TOTAL",
        "codeCPV": "45214200",
        "montant": str(frame["montant"].astype(float).sum()),
    }
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    path = tmp_path / f"export{suffix}"
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path)
    table = tr.read_contracts(path)
    assert len(table) == len(tr.read_contracts(DATA / "consolide_travaux_extrait.csv"))
    assert table.attrs["lecture"][0]["lignes_ecartees"] == {"ligne de total": 1}


def test_rows_of_one_contract_are_grouped_in_place_with_their_holders_and_amounts(tmp_path):
    """One row per holder, an amount that differs, a row pasted twice, a row without reference: one row
    per contract, in the file's order, each with its lines, holders, the larger amount and what was done."""
    path = tmp_path / "marches.csv"
    path.write_text(
        "Identifiant;SIRET acheteur;Objet;Montant HT;Date de notification;SIRET titulaire;Titulaire\n"
        "A1;21730001500019;Tonte des pelouses;100;01/02/2024;11111111111111;Espaces Verts X\n"
        "A1;21730001500019;TONTE des pelouses;200;01/02/2024;22222222222222;Jardins Y\n"
        "B2;21730001500019;Nettoyage des locaux;50;;33333333333333;Propre Z\n"
        "B2;21730001500019;Nettoyage des locaux;50;;33333333333333;Propre Z\n"
        "C3;21730001500019;Impression;70;03/03/2024;44444444444444;Imprimerie W\n"
        ";21730001500019;Sans référence;80;04/04/2024;55555555555555;Sans Ref\n",
        encoding="utf-8",
    )
    table = tr.read_contracts(path)
    assert table["id_contrat"].fillna("absent").tolist() == ["A1", "B2", "C3", "absent"]
    assert table["id_contrat"].dtype == "str"  # texts held by arrow, a missing one NaN as pandas has it
    assert table["source_ligne"].tolist() == [[2, 3], [4, 5], 6, 7]
    assert table["montant"].tolist() == [200.0, 50.0, 70.0, 80.0] and table["montant"].dtype == "Float64"
    assert [[h["nom"] for h in hs] for hs in table["titulaires"]][:2] == [
        ["Espaces Verts X", "Jardins Y"],
        ["Propre Z"],
    ]
    assert table["date_notification"].isna().tolist() == [False, True, False, False]
    assert any(
        a.startswith("montants différents selon les lignes du même marché (100, 200)")
        for a in table["alertes"][0]
    )
    assert any(a.startswith("ligne répétée à l’identique (1 fois, lignes 4, 5)") for a in table["alertes"][1])
    assert not any("montants" in a or "répétée" in a for alerts in table["alertes"][2:] for a in alerts)


def test_a_list_of_objects_without_amounts_is_a_list_of_contracts(tmp_path):
    path = tmp_path / "objets.csv"
    path.write_text(
        "Objet\nNettoyage des locaux\nTonte des pelouses\nImpression du magazine\n", encoding="utf-8"
    )
    table = tr.read_contracts(path)
    assert len(table) == 3 and table.attrs["lecture"][0]["lignes_ecartees"] == {}


@pytest.mark.parametrize("cpv", ["¹", "²3", "٣٣", "①2"])
def test_unicode_digits_in_a_cpv_are_not_a_division(tmp_path, cpv):
    """Superscripts and other Unicode digits pass ``str.isdigit`` but are no CPV division (issue 17)."""
    from transferability._io import cells as _cells

    assert _cells.parse_type("", cpv) is None
    path = tmp_path / "marches.csv"
    path.write_text(f"Objet;Code CPV;Montant\nNettoyage des locaux;{cpv};1000\n", encoding="utf-8")
    table = tr.read_contracts(path)
    assert len(table) == 1 and table["type_marche"].isna().all()
    assert any("CPV" in a for a in table["alertes"].iloc[0])


def test_department_and_commune_codes_take_ascii_digits_only():
    from transferability._reference import resolve_place
    from transferability._utils import is_ascii_digits

    assert [is_ascii_digits(t) for t in ("73", "²", "٧٣", "", None, "7a")] == [True] + [False] * 5
    assert resolve_place("73", "Code département", None).departement == "73"
    assert resolve_place("٧٣", "Code département", None).departement != "73"
