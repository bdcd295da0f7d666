"""The Excel report: sheets, numbers, colours, row limit, and LibreOffice opening it."""

import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

import transferability as tr

SHEETS = [
    "Messages clés",
    "Synthèse",
    "Familles",
    "Directions",
    "Marchés",
    "Calendrier",
    "Prestataires",
    "Qualité des données",
    "Méthode",
    "Glossaire",
]
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def diag():
    return tr.diagnose(
        tr.load_sample_contracts_path(), settings=tr.Settings(date_reference=dt.date(2024, 1, 1))
    )


@pytest.fixture(scope="module")
def report(diag, tmp_path_factory):
    return diag.to_excel(tmp_path_factory.mktemp("r") / "rapport.xlsx")


def test_the_sheets_with_title_buyer_period_and_page_numbers(report):
    book = load_workbook(report)
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:
        assert ws["A1"].value and "notifiés de 2018 à 2024" in ws["A2"].value
        assert ws["A3"].value.startswith("Produit le")
        assert ws.oddFooter.center.text == "Page &P / &N" and "2018 à 2024" in ws.oddHeader.right.text
        assert ws.page_setup.orientation == "landscape" and ws.print_area
    assert book["Marchés"].freeze_panes == "C6"  # the reference and the object stay in view
    assert book.properties.title.startswith("Diagnostic de transférabilité")


def test_title_buyer_and_period_can_be_given(diag, tmp_path):
    path = diag.to_excel(tmp_path / "r.xlsx", titre="Diagnostic 2026", acheteur="Département de la Savoie",
                         periode="marchés passés de 2016 à 2018")  # fmt: skip
    ws = load_workbook(path)["Messages clés"]
    assert ws["A1"].value == "Diagnostic 2026"
    assert ws["A2"].value == "Département de la Savoie — marchés passés de 2016 à 2018"


def test_key_messages_say_the_headline_per_sector_and_the_action_plan(report, diag):
    ws = load_workbook(report)["Messages clés"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    s = diag.synthese()
    share = (
        f"{s.loc['MAPA', 'part_montant_transferable_sur_juges'] * 100:.0f}{NBSP}% du montant est transférable"
    )
    assert any(t.startswith("Des MAPA, " + share) for t in texts)
    for heading in ("1. Les marchés lus", "5. Les dix premières occasions", "7. Plan d’action"):
        assert heading in texts
    assert any(t.startswith(f"Dans les 12 mois{NBSP}:") for t in texts)
    assert any(t.startswith(f"Allotir et sourcer{NBSP}:") for t in texts)
    assert not any("Diagnostic incomplet" in t for t in texts)


def test_a_run_where_nothing_is_judged_opens_on_a_red_block(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "Objet;Montant HT\nTonte des pelouses;5000\nNettoyage des locaux;8000\n", encoding="utf-8"
    )
    with pytest.warns(tr.TransferabilityWarning):
        d = tr.diagnose(path)
    ws = load_workbook(d.to_excel(tmp_path / "r.xlsx"))["Messages clés"]
    assert ws["A5"].value.startswith(f"Diagnostic incomplet{NBSP}: 0{NBSP}% seulement")
    assert ws["A5"].fill.fgColor.rgb.endswith("FDE2E2")
    assert any("--territoire 73" in str(c.value) for row in ws.iter_rows() for c in row)


def test_contracts_sheet_has_every_contract_with_numbers_and_coloured_levels(report, diag):
    ws = load_workbook(report)["Marchés"]
    header = [c.value for c in ws[5]]
    assert ws.max_row - 5 == len(diag.contrats)
    amount = header.index("Montant HT") + 1
    values = [ws.cell(r, amount).value for r in range(6, ws.max_row + 1)]
    assert all(isinstance(v, float | int) for v in values if v is not None)
    assert ws.cell(6, amount).number_format == '#,##0"\u00a0€"'
    assert ws.auto_filter.ref.startswith("A5")
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert len(rules) == 12  # the level, and each sector's
    levels = [ws.cell(r, header.index("Niveau") + 1).value for r in range(6, ws.max_row + 1)]
    order = {"fort": 0, "moyen": 1, "faible": 2, "indéterminé": 3}
    assert [order[v] for v in levels] == sorted(order[v] for v in levels)  # the opportunities first
    printed = int(ws.print_area.split(":")[-1].lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert printed - 5 == min(100, diag.contrats["niveau"].isin(["fort", "moyen"]).sum())


def test_french_typography_no_html_tags_no_true_false(report):
    book = load_workbook(report)
    ours = ("Messages clés", "Synthèse", "Méthode", "Glossaire")
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "b", f"{ws.title}!{c.coordinate} : booléen (VRAI/FAUX)"
                if isinstance(c.value, str):
                    assert not re.search(r"<[a-z/][^>]*>", c.value), (
                        f"{ws.title}!{c.coordinate} : balise HTML"
                    )
                    if ws.title in ours[1:] or (ws.title == ours[0] and c.row < 5):
                        assert not re.search(r" [:;%€]", c.value), f"{ws.title}!{c.coordinate} : {c.value!r}"
                        assert "'" not in c.value, f"{ws.title}!{c.coordinate} : apostrophe droite"
                if c.number_format and ("€" in c.number_format or "%" in c.number_format):
                    assert not re.search(r' ["]?[€%]', c.number_format), c.number_format
    messages = [str(c.value) for row in book["Messages clés"].iter_rows() for c in row
                if isinstance(c.value, str) and c.font.b]  # fmt: skip
    assert messages and not any(re.search(r" [:;%€]", t) for t in messages)
    familles = [
        str(c.value) for row in book["Familles"].iter_rows(min_col=1, max_col=1) for c in row if c.value
    ]
    assert "Énergie, environnement, gestion des déchets" in familles


def test_charts_show_their_axes_and_carry_a_description(report):
    with zipfile.ZipFile(report) as z:
        charts = [z.read(n).decode() for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        drawings = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/drawings/drawing")]
    assert len(charts) == 3
    for chart in charts:  # a category axis and a value axis, neither deleted (hidden)
        assert "<c:catAx>" in chart and "<c:valAx>" in chart and '<c:delete val="1"/>' not in chart
    assert sum(d.count('descr="Graphique') for d in drawings) == 3


def test_large_amounts_are_charted_and_tabled_in_millions(diag, report, tmp_path):
    """A national file's billions: from Settings.montant_en_millions the level and family tables and
    their charts count in M€ (the department's sample stays in k€)."""

    def headers(path):
        book = load_workbook(path)
        cells = [str(c.value) for name in ("Synthèse", "Familles") for r in book[name].iter_rows() for c in r]
        with zipfile.ZipFile(path) as z:
            drawings = " ".join(
                z.read(n).decode() for n in z.namelist() if n.startswith(("xl/charts/", "xl/drawings/"))
            )
        return " ".join(cells), drawings

    cells, drawings = headers(report)
    assert "Montant fort (k€)" in cells and "Transférable (k€)" in cells and "(M€" not in cells + drawings
    large = tr.diagnose(
        tr.load_sample_contracts_path(),
        settings=tr.Settings(date_reference=dt.date(2024, 1, 1), montant_en_millions=1e6),
    )
    cells, drawings = headers(large.to_excel(tmp_path / "r.xlsx"))
    assert "Montant fort (M€)" in cells and "Transférable (M€)" in cells and "(k€" not in cells
    assert "Montant par niveau et procédure (M€ HT)" in drawings
    ws = load_workbook(tmp_path / "r.xlsx")["Synthèse"]
    formats = {c.number_format for r in ws.iter_rows() for c in r if isinstance(c.value, float | int)}
    assert '#,##0"\u00a0M€"' in formats


def test_method_sheet_gives_every_setting_as_french_text(report):
    """Values of one column all written alike (a number right-aligned beside texts left-aligned read as
    misplaced on paper), thousands grouped: « 20 000 », « 7,5 % »."""
    ws = load_workbook(report)["Méthode"]
    header = next(r for r in range(1, 60) if ws.cell(r, 1).value == "Paramètre")
    values = {}
    for r in range(header + 1, header + 40):
        if ws.cell(r, 1).value is None:
            break
        values[ws.cell(r, 1).value] = ws.cell(r, 2).value
    assert len(values) >= 20 and all(isinstance(v, str) for v in values.values())
    assert values["Lignes gardées dans les feuilles longues (le reste en CSV à côté)"] == "20\u202f000"
    assert values["Part des heures qu’une clause réserve à l’insertion"] == "7,5\u00a0%"


def test_counts_of_one_agree_in_number(tmp_path):
    """« 1 marché se renouvelle », never « 1 marchés se renouvellent », in the key messages and in the
    warnings, on a real contract of the sample diagnosed alone."""
    one = tr.read_contracts(tr.load_sample_contracts_path()).head(1)
    with pytest.warns(tr.TransferabilityWarning) as caught:
        diag = tr.diagnose(one.assign(lieu_code=None, commune_insee=None, departement=None, region=None))
    said = [str(w.message) for w in caught]
    assert any(m.startswith("1 marché sans lieu") for m in said), said
    ws = load_workbook(diag.to_excel(tmp_path / "r.xlsx"))["Messages clés"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert not re.search(r"(?<![\d\u202f])[01] marchés", text), re.findall(r".{30}[01] marchés.{30}", text)
    assert re.search(r"(?<![\d\u202f])[01] marché ", text)


def test_synthese_shares_are_percentages_and_say_which_providers_the_directory_holds(report):
    ws = load_workbook(report)["Synthèse"]
    rows = {(ws.cell(r, 1).value, ws.cell(r, 2).value): r for r in range(1, 40)}
    for sector in ("ESAT, EA", "SIAE", "ESAT, EA ou SIAE"):
        engaged, transferable = (ws.cell(rows[("MAPA", sector)], c) for c in (4, 6))
        assert isinstance(engaged.value, float) and engaged.number_format == '0"\u00a0"%'
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


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or poppler absent (Debian packages libreoffice-calc, poppler-utils)",
)
def test_the_printed_report_is_readable_and_of_reasonable_length(report, tmp_path):
    """Every page at 50 % scale or more (the median height of its words, 11.2 points at 100 %), and the
    whole report in at most 35 pages."""
    env = {**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"}
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(report)],
                   capture_output=True, timeout=240, env=env, check=True)  # fmt: skip
    pdf = tmp_path / "rapport.pdf"
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = boxes.split("<page ")[1:]
    assert 10 <= len(pages) <= 35
    for number, page in enumerate(pages, start=1):
        heights = [
            float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)
        ]
        assert statistics.median(heights) >= 0.5 * 11.2, f"page {number} imprimée sous 50 %"
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    assert "Page 1 / " in text and "1. Les marchés lus" in text


def test_cells_excel_cannot_hold_are_written_as_text_or_left_empty(tmp_path):
    """A date before 1900 (Excel's calendar starts there) as text, an infinite amount empty, a text that
    looks like a formula as a string, a control character dropped."""
    from transferability._report.excel import Book, write_cell

    book = Book(tmp_path / "c.xlsx")
    sheet = book.sheet("Cellules")
    for row, value in enumerate(
        [dt.date(1850, 3, 1), float("inf"), "=1+1", "a\x02b", dt.date(2024, 5, 2)], 1
    ):
        write_cell(sheet, row, 1, value)
    book.close()
    ws = load_workbook(tmp_path / "c.xlsx")["Cellules"]
    values = [ws.cell(r, 1).value for r in range(1, 6)]
    assert values == ["01/03/1850", None, "=1+1", "ab", dt.datetime(2024, 5, 2)]
    assert ws.cell(3, 1).data_type == "s" and ws.cell(5, 1).number_format == "DD/MM/YYYY"
