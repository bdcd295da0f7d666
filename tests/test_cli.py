"""The command line: exit codes and what it prints."""

from pathlib import Path

from openpyxl import load_workbook

from transferability.cli import main

DATA = Path(__file__).parent / "data"


def test_contrats_prints_the_reading_report(capsys):
    assert main(["contrats", str(DATA / "mpi_2019_extrait.json")]) == 0
    out = capsys.readouterr().out
    assert "marchés : 10" in out and "écartées : 2 × contrat de concession" in out


def test_user_error_gives_exit_1_and_a_message_without_traceback(capsys, tmp_path):
    assert main(["contrats", str(tmp_path / "absent.csv")]) == 1
    err = capsys.readouterr().err
    assert "fichier introuvable" in err and "Traceback" not in err


def test_demo_writes_the_report(tmp_path, capsys):
    out = tmp_path / "rapport.xlsx"
    assert main(["diagnostic", "--exemple", "-o", str(out)]) == 0
    assert load_workbook(out, read_only=True).sheetnames[0]


def test_classer_writes_every_row_in_order_and_a_review_sheet(tmp_path, capsys):
    out, review = tmp_path / "c.csv", tmp_path / "revue.xlsx"
    assert (
        main(
            [
                "classer",
                str(DATA / "croix_extrait.json"),
                "-o",
                str(out),
                "--revue",
                str(review),
                "--n-revue",
                "3",
            ]
        )
        == 0
    )
    import pandas as pd

    table = pd.read_csv(out)
    assert table["source_ligne"].tolist() == list(range(1, 9))
    assert {"famille", "proba_famille", "metier", "capacite", "explication_metier"} <= set(table.columns)
    assert len(pd.read_excel(review)) == 3


def test_a_user_model_needs_confiance(tmp_path, capsys):
    model = tmp_path / "m.joblib"
    model.write_bytes(b"not a model")
    assert (
        main(
            [
                "classer",
                str(DATA / "croix_extrait.json"),
                "-o",
                str(tmp_path / "c.csv"),
                "--modele",
                str(model),
            ]
        )
        == 1
    )
    assert "trusted=True" in capsys.readouterr().err


def test_csv_outputs_never_start_a_formula(tmp_path):
    import csv

    out = tmp_path / "c.csv"
    assert main(["contrats", str(DATA / "mauvais" / "objets_formules.csv"), "--csv", str(out), "-q"]) == 0
    with out.open(encoding="utf-8", newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert any(c.startswith("'=") for c in cells)  # the text is kept, behind an apostrophe


def test_the_two_corrections_flags_have_distinct_names_and_the_old_one_still_works(tmp_path, capsys):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id_contrat", "niveau"])
    book.active.append(["inexistant", "fort"])
    path = tmp_path / "corrections.xlsx"
    book.save(path)
    for flag in ("--corrections-niveaux", "--corrections"):
        code = main(["diagnostic", "--exemple", flag, str(path), "-q"])
        err = capsys.readouterr().err
        assert code == 1 and "marché introuvable" in err  # the file was read as level corrections
        assert ("remplacé par --corrections-niveaux" in err) == (flag == "--corrections")
