"""The Excel report: sheets, numbers, colours, row limit, and LibreOffice opening it."""

import datetime as dt
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

import transferability as tr

SHEETS = [
    "Synthèse",
    "Familles",
    "Directions",
    "Marchés",
    "Prestataires",
    "Calendrier",
    "Qualité des données",
    "Méthode",
]


@pytest.fixture(scope="module")
def diag():
    return tr.diagnose(
        tr.load_sample_contracts_path(), settings=tr.Settings(date_reference=dt.date(2024, 1, 1))
    )


@pytest.fixture(scope="module")
def report(diag, tmp_path_factory):
    return diag.to_excel(tmp_path_factory.mktemp("r") / "rapport.xlsx")


def test_the_eight_sheets_with_title_date_and_frozen_header(report):
    book = load_workbook(report)
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:
        assert ws["A1"].value and ws["A2"].value.startswith("Produit le")
    assert book["Marchés"].freeze_panes == "A6"


def test_contracts_sheet_has_every_contract_with_numbers_and_coloured_levels(report, diag):
    ws = load_workbook(report)["Marchés"]
    header = [c.value for c in ws[5]]
    assert ws.max_row - 5 == len(diag.contrats)
    amount = header.index("Montant HT") + 1
    values = [ws.cell(r, amount).value for r in range(6, ws.max_row + 1)]
    assert all(isinstance(v, float | int) for v in values if v is not None)
    assert ws.cell(6, amount).number_format.endswith('"€"')
    assert ws.auto_filter.ref.startswith("A5")
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert len(rules) == 4


def test_synthese_shares_are_percentages_and_say_which_providers_the_directory_holds(report):
    ws = load_workbook(report)["Synthèse"]
    rows = {ws.cell(r, 1).value: r for r in range(1, 40)}
    for sector in ("ESAT, EA", "SIAE", "ESAT, EA ou SIAE"):
        engaged, transferable = (ws.cell(rows[f"MAPA, {sector}"], c) for c in (2, 4))
        assert isinstance(engaged.value, float) and engaged.number_format == "0 %"
        assert transferable.value <= engaged.value
    texts = " ".join(str(ws.cell(r, 1).value) for r in range(1, 40))
    assert "FICTIFS" not in texts and "1\u202f504 ESAT" in texts
    assert "Couverture des entreprises adaptées (EA) inconnue" in texts and "GESAT" in texts


def test_more_contracts_than_the_row_limit_go_to_a_csv_beside(diag, tmp_path):
    path = diag.to_excel(tmp_path / "r.xlsx", max_rows=100)
    ws = load_workbook(path)["Marchés"]
    assert ws.max_row - 5 == 100
    beside = tmp_path / "r.marches.csv"
    assert beside.is_file() and sum(1 for _ in beside.open(encoding="utf-8")) > len(diag.contrats)
    texts = " ".join(
        str(c.value) for row in load_workbook(path)["Synthèse"].iter_rows() for c in row if c.value
    )
    assert "r.marches.csv" in texts


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice absent (Debian package libreoffice-calc)"
)
def test_libreoffice_opens_the_report_without_repair(report, tmp_path):
    run = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(report)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "rapport.pdf").stat().st_size > 10_000
