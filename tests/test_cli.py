"""The command line: exit codes, French messages and what it prints, outputs checked before the work."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from transferability.cli import main

DATA = Path(__file__).parent / "data"
NB = "\xa0"


def test_contrats_prints_the_reading_report(capsys):
    assert main(["contrats", str(DATA / "mpi_2019_extrait.json")]) == 0
    out = capsys.readouterr().out
    assert f"marchés{NB}: 10" in out and f"écartées{NB}: 2 × contrat de concession" in out


def test_user_error_gives_exit_1_and_a_message_without_traceback(capsys, tmp_path):
    assert main(["contrats", str(tmp_path / "absent.csv")]) == 1
    err = capsys.readouterr().err
    assert "fichier introuvable" in err and "Traceback" not in err


def test_demo_writes_the_report_and_a_french_summary(tmp_path, capsys):
    out = tmp_path / "rapport.xlsx"
    assert main(["diagnostic", "--exemple", "-o", str(out)]) == 0
    assert load_workbook(out, read_only=True).sheetnames[0]
    printed = capsys.readouterr().out
    assert f"marchés{NB}:" in printed and "Rapport écrit" in printed
    assert "<Diagnostic" not in printed and "{" not in printed


def test_too_few_contracts_judged_gives_exit_4_and_says_what_to_do(tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text(
        "Objet;Montant HT\nTonte des pelouses;5000\nNettoyage des locaux;8000\n", encoding="utf-8"
    )
    assert main(["diagnostic", str(path), "-o", str(tmp_path / "r.xlsx")]) == 4
    err = capsys.readouterr().err
    assert "--territoire 73" in err and "Code de sortie 4" in err and "Traceback" not in err
    assert (tmp_path / "r.xlsx").is_file()
    assert main(["diagnostic", str(path), "--territoire", "73", "-o", str(tmp_path / "r.xlsx")]) == 0


def test_classer_writes_every_row_in_order_and_a_review_sheet(tmp_path, capsys):
    out, review = tmp_path / "c.csv", tmp_path / "revue.xlsx"
    args = [
        "classer",
        str(DATA / "croix_extrait.json"),
        "-o",
        str(out),
        "--revue",
        str(review),
        "--n-revue",
        "3",
    ]
    assert main(args) == 0
    table = pd.read_csv(out, sep=";", encoding="utf-8-sig", decimal=",")
    assert table["source_ligne"].tolist() == list(range(1, 9))
    assert {"famille", "proba_famille", "metier", "capacite", "explication_metier"} <= set(table.columns)
    assert len(pd.read_excel(review)) == 3


def test_a_user_model_needs_confiance(tmp_path, capsys):
    model = tmp_path / "m.joblib"
    model.write_bytes(b"not a model")
    args = [
        "classer",
        str(DATA / "croix_extrait.json"),
        "-o",
        str(tmp_path / "c.csv"),
        "--modele",
        str(model),
    ]
    assert main(args) == 1
    assert "trusted=True" in capsys.readouterr().err


@pytest.mark.parametrize("fmt, sep, encoding", [("excel", ";", "utf-8-sig"), ("standard", ",", "utf-8")])
def test_csv_outputs_never_start_a_formula_in_either_format(tmp_path, capsys, fmt, sep, encoding):
    out = tmp_path / "c.csv"
    args = [
        "contrats",
        str(DATA / "mauvais" / "objets_formules.csv"),
        "-o",
        str(out),
        "--csv-format",
        fmt,
        "-q",
    ]
    assert main(args) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (fmt == "excel")  # the BOM French Excel needs to read UTF-8
    with out.open(encoding=encoding, newline="") as f:
        cells = [cell for row in csv.reader(f, delimiter=sep) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert any(c.startswith("'=") for c in cells)  # the text is kept, behind an apostrophe


def test_the_two_corrections_flags_have_distinct_names_and_the_old_one_still_works(tmp_path, capsys):
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


@pytest.mark.parametrize(
    "argv, message",
    [
        (["diagnostic"], "aucun fichier de marchés"),
        (["contrats"], "aucun fichier de marchés"),
        (["contrats", "a.csv", "--inconnue"], "arguments inconnus"),
        (["classer", "a.csv"], "arguments obligatoires manquants"),
        (["diagnostic", "--exemple", "--taille-lot", "mille"], "nombre entier attendu"),
        (["diagnostic", "--exemple", "--csv-format", "tab"], "choix invalide"),
        (["contrats", "a.csv", "--colonne", "objet"], "CHAMP=ENTÊTE"),
        (["inconnue"], "choix invalide"),
    ],
)
def test_usage_errors_are_french_with_exit_code_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "usage: " not in err


def test_outputs_are_checked_before_any_work(tmp_path, capsys):
    sample = ["diagnostic", "--exemple"]
    cases = [
        ([*sample, "-o", str(tmp_path)], "est un dossier"),
        ([*sample, "-o", str(tmp_path / "rapport.csv")], "s’écrit en .xlsx"),
        ([*sample, "--csv", str(tmp_path / "absent" / "t.csv")], "dossier introuvable"),
        (
            ["classer", str(DATA / "croix_extrait.json"), "-o", str(tmp_path / "nulle" / "c.csv")],
            "dossier introuvable",
        ),
    ]
    (tmp_path / ".~lock.ouvert.xlsx#").write_text("verrou")
    cases.append(([*sample, "-o", str(tmp_path / "ouvert.xlsx")], "ouvert dans LibreOffice"))
    for argv, message in cases:
        assert main(argv) == 2, argv
        assert message in capsys.readouterr().err
    assert not list(tmp_path.glob("*.xlsx"))


def test_the_tables_a_large_report_writes_beside_it_never_overwrite_an_input_or_an_output(tmp_path, capsys):
    """A report too large for its sheets writes every contract (or direction) beside it: that name may be
    neither a file read nor the table asked for with --csv."""
    read = tmp_path / "r.marches.csv"
    read.write_bytes((DATA / "aife_extrait.csv").read_bytes())
    before = read.read_bytes()
    assert main(["diagnostic", str(read), "-o", str(tmp_path / "r.xlsx")]) == 2
    assert "est aussi un fichier lu" in capsys.readouterr().err and read.read_bytes() == before
    argv = [
        "diagnostic",
        "--exemple",
        "-o",
        str(tmp_path / "s.xlsx"),
        "--csv",
        str(tmp_path / "s.directions.csv"),
    ]
    assert main(argv) == 2
    assert "choisir un autre nom pour la table (--csv)" in capsys.readouterr().err
    assert not list(tmp_path.glob("s.*"))


def test_version_and_standard_input(capsys, monkeypatch):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("transferability ")
    data = (DATA / "croix_extrait.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["contrats", "-"]) == 0
    assert f"marchés{NB}: 8" in capsys.readouterr().out


def test_retraining_never_writes_over_the_shipped_model(tmp_path, capsys, monkeypatch):
    import transferability as tr

    shipped = Path(tr.load_model.__code__.co_filename).parents[2] / "models"
    if not (
        shipped / "trade_classifier.joblib"
    ).exists():  # an installed wheel: the models are in the package
        shipped = Path(tr.__file__).parent / "models"
    before = (shipped / "trade_classifier.joblib").read_bytes()
    assert main(["entrainer", "-o", str(shipped), "--sans-evaluation"]) == 1
    assert "écriture refusée dans le dossier du modèle livré" in capsys.readouterr().err
    assert (shipped / "trade_classifier.joblib").read_bytes() == before


def test_a_broken_pipe_ends_quietly():
    """``transferability … | head -1``: no traceback when the reader stops early."""
    cmd = [sys.executable, "-m", "transferability.cli", "contrats", str(DATA / "aife_extrait.csv"), "-v"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err


def test_a_windows_1252_console_gets_no_encoding_error(tmp_path):
    cmd = [sys.executable, "-m", "transferability.cli", "contrats", str(DATA / "croix_extrait.json")]
    env = {"PYTHONIOENCODING": "cp1252", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(cmd, capture_output=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode("cp1252", "replace")
    assert b"Traceback" not in proc.stderr


def test_a_file_of_one_contract_is_said_in_the_singular(tmp_path, capsys):
    lines = (DATA / "consolide_travaux_extrait.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "un.csv").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    code = main(
        ["diagnostic", str(tmp_path / "un.csv"), "--territoire", "74", "-o", str(tmp_path / "r.xlsx")]
    )
    out = capsys.readouterr().out
    assert code == 0 and "1 marché\u00a0: " in out and "MAPA (1 marché, " in out and "1 marchés" not in out
