"""Build the bad-input corpus of tests/data/mauvais/ from real rows of tests/data (development tool).

Every contract row comes from the Région Bretagne 2021 export (bretagne_2021_extrait.csv), the
DECP JSON of Croix and Dematis, or the Bretagne XML conversion; every provider from the ASP list
(annuaires/asp_extrait.csv). Each file then gets one defect, described in
tests/data/mauvais/README.md with the answer it must get (tests/test_bad_inputs.py).

Usage: python tools/make_bad_inputs.py [tests/data/mauvais]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
HEADER = [
    "Référence",
    "Objet",
    "Code CPV",
    "Procédure",
    "Lieu d'exécution",
    "Durée (mois)",
    "Date de notification",
    "Montant HT",
]


def bretagne() -> list[list[str]]:
    """The 30 contracts of the Bretagne 2021 export, in the buyer-export layout of HEADER."""
    with (DATA / "bretagne_2021_extrait.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="|"))
    return [
        [
            r["id"],
            r["objet"],
            r["codeCPV"],
            r["procedure"],
            r["lieuExecution_nom"],
            r["DureeMois"],
            r["dateNotification"],
            r["montant"],
        ]
        for r in rows
    ]


ROWS = bretagne()


def text_csv(rows: list[list[str]], sep: str = ";", header: list[str] = HEADER, newline: str = "\r\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def euros(text: str) -> float:
    """ "14 700,00" (with a no-break space, as the export writes it) → 14700.0."""
    return float("".join(text.split()).replace(",", "."))


def with_cell(row: list[str], column: str, value: str) -> list[str]:
    row = list(row)
    row[HEADER.index(column)] = value
    return row


def objet(i: int) -> str:
    return ROWS[i][1]


def build(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)

    def write(name: str, data: str | bytes, encoding: str = "utf-8") -> None:
        (out / name).write_bytes(data if isinstance(data, bytes) else data.encode(encoding))

    # -- encodings -------------------------------------------------------------------------
    typographic = [list(r) for r in ROWS[:5]]
    typographic[1][1] = objet(1).replace("'", "’")  # "Formation à l’entretien…"
    typographic[3][1] = objet(3).replace("&#8211;", "–")  # the HTML entity of the export, decoded
    typographic[2][7] = ROWS[2][7] + " €"
    write("cp1252_octets_c1.csv", text_csv(typographic), "cp1252")
    write("utf8_controles_c1.csv", text_csv(typographic).encode("cp1252").decode("latin-1"))
    undefined = text_csv(ROWS[:5]).encode("cp1252")
    at = undefined.index(b"Impression")
    write("cp1252_octet_indefini.csv", undefined[:at] + b"\x81" + undefined[at:])
    write("utf16_texte_unicode.csv", b"\xff\xfe" + text_csv(ROWS[:5], sep="\t").encode("utf-16-le"))
    lines = text_csv(ROWS[:6]).split("\r\n")
    mixed = [ln.encode("cp1252") if i == 4 else ln.encode("utf-8") for i, ln in enumerate(lines)]
    write("utf8_une_ligne_cp1252.csv", b"\r\n".join(mixed))
    write("double_encodage.csv", text_csv(ROWS[:5]).encode("utf-8").decode("latin-1"))
    nul = text_csv(ROWS[:4]).encode("utf-8")
    write("octets_nuls.csv", nul.replace(b"Impression", b"Impr\x00ession") + b"\x00" * 64)

    # -- separators and quoting -----------------------------------------------------------
    write("separateur_point_virgule.csv", text_csv(ROWS[:6], sep=";"))
    write("separateur_virgule.csv", text_csv(ROWS[:6], sep=","))
    write("ligne_sep_excel.csv", "sep=;\r\n" + text_csv(ROWS[:4], sep=";"))
    longer = text_csv(ROWS[:4]).replace(objet(2), "Impression de supports; gamme tarifaire Breizhgo")
    write("ligne_trop_longue.csv", longer)
    write("guillemet_non_ferme.csv", text_csv(ROWS[:5]).replace(objet(2), '"Impression de supports'))
    write("guillemet_non_ferme_fin.csv", text_csv(ROWS[:6]).replace(objet(4), '"' + objet(4)))
    multi = [list(r) for r in ROWS[:4]]
    multi[1][1] = "Formation à l'entretien\net à la maintenance\ndes installations sanitaires"
    write("objet_multiligne.csv", text_csv(multi))

    # -- headers -----------------------------------------------------------------------------
    preamble = ["Liste des marchés notifiés en 2021", "Région Bretagne", "", "Extraction du 15/03/2021", ""]
    preamble += [""] * (11 - len(preamble))
    write("entete_ligne_12.csv", "\r\n".join(preamble) + "\r\n" + text_csv(ROWS[:5]))
    preamble = [f"Note {i} : données provisoires" for i in range(1, 20)]
    write("entete_ligne_20.csv", "\r\n".join(preamble) + "\r\n" + text_csv(ROWS[:5]))
    write("entete_repete.csv", text_csv(ROWS[:3]) + text_csv(ROWS[3:6]))
    write("entete_seule.csv", text_csv([]))
    write("vide.csv", b"")
    write("blancs.csv", "\r\n   \r\n\t\r\n")

    # -- cells -------------------------------------------------------------------------------
    write("montant_nc.csv", text_csv([ROWS[0], with_cell(ROWS[1], "Montant HT", "NC"), ROWS[2]]))
    write(
        "montant_euros_ht.csv",
        text_csv([ROWS[0], with_cell(ROWS[1], "Montant HT", "1 200 000,00 € HT"), ROWS[2]]),
    )
    write("montant_negatif.csv", text_csv([ROWS[0], with_cell(ROWS[1], "Montant HT", "-3 000,00"), ROWS[2]]))
    write("montant_1e11.csv", text_csv([ROWS[0], with_cell(ROWS[1], "Montant HT", "1e11"), ROWS[2]]))
    cpv = ["48411000-2", "48411000", "48411000-7", "3100000", "XXXX", "45311000-0 Travaux de câblage"]
    write("cpv_formes.csv", text_csv([with_cell(r, "Code CPV", c) for r, c in zip(ROWS, cpv, strict=False)]))
    dates = [
        "30/01/2021",
        "2021-01-30T00:00:00+01:00",
        "30 janvier 2021",
        "44226",
        "30/02/2021",
        "1er février 2021",
    ]
    write(
        "dates_texte.csv",
        text_csv([with_cell(r, "Date de notification", d) for r, d in zip(ROWS, dates, strict=False)]),
    )
    write(
        "date_1899_12_31.csv",
        text_csv([ROWS[0], with_cell(ROWS[1], "Date de notification", "31/12/1899"), ROWS[2]]),
    )
    durations = ["36 mois", "3 ans", "3 ans et 6 mois", "90 jours", "1 an renouvelable 3 fois", "-12"]
    write(
        "durees.csv",
        text_csv([with_cell(r, "Durée (mois)", d) for r, d in zip(ROWS, durations, strict=False)]),
    )
    empty = [with_cell(ROWS[0], "Objet", ""), with_cell(ROWS[1], "Objet", "   "), [""] * 8, ROWS[2]]
    write("objets_vides.csv", text_csv(empty))
    prefixes = ["=", "+", "-", "@", "\t", "\r"]
    formulas = [with_cell(r, "Objet", p + r[1]) for r, p in zip(ROWS, prefixes, strict=False)]
    formulas.append(with_cell(ROWS[6], "Objet", '=HYPERLINK("http://exemple.invalid";"cliquer")'))
    write("objets_formules.csv", text_csv(formulas))
    controls = [with_cell(ROWS[0], "Objet", objet(0).replace(" - ", " -\x02 ")), ROWS[1]]
    controls.append(with_cell(ROWS[2], "Objet", "\x1f" + objet(2) + "\x07"))
    write("objets_caracteres_controle.csv", text_csv(controls))
    write("doublons.csv", text_csv([ROWS[0], ROWS[0], ROWS[1]]))
    buyers = [
        [*r, siret]
        for r, siret in zip(ROWS[:4], ["23350001600040", "", "23 350 001 600 040", "2,335E+13"], strict=True)
    ]
    write("siret_acheteur_manquant.csv", text_csv(buyers, header=[*HEADER, "SIRET acheteur"]))

    # -- workbooks ---------------------------------------------------------------------------
    _workbooks(out)
    _bombs(out)
    write("classeur_97_2003.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    write("zip_corrompu.xlsx", b"PK\x03\x04" + b"\x14\x00" + bytes(40) + b"donnees tronquees")
    (out / "classeur_renomme.csv").write_bytes((out / "feuille_masquee.xlsx").read_bytes())

    # -- other formats -----------------------------------------------------------------------
    write(
        "binaire.csv",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)),
    )
    write(
        "page_html.csv",
        "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
        "<body><h1>502 Bad Gateway</h1></body></html>\n",
    )
    frame = pd.read_csv(DATA / "consolide_travaux_extrait.csv", dtype=str)
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    write("parquet_tronque.parquet", buffer.getvalue()[: len(buffer.getvalue()) // 2])
    _decp(out, write)
    _directories(out, write)


def _workbooks(out: Path) -> None:
    def book_with(rows, title="Marchés", header_row=1):
        book = Workbook()
        ws = book.active
        ws.title = title
        for j, h in enumerate(HEADER, start=1):
            ws.cell(header_row, j, h)
        for i, r in enumerate(rows, start=header_row + 1):
            for j, v in enumerate(r, start=1):
                ws.cell(i, j, v)
        return book, ws

    book, ws = book_with(ROWS[:5], header_row=12)
    ws.cell(1, 1, "Liste des marchés notifiés en 2021 — Région Bretagne")
    ws.merge_cells("A1:H3")
    book.save(out / "entete_ligne_12_fusion.xlsx")

    merged = [list(r) for r in ROWS[4:10]]
    for r in merged[1:3] + merged[4:6]:
        r[3] = None  # the procedure is merged over the rows of the same procedure
    book, ws = book_with(merged)
    ws.merge_cells("D2:D4")
    ws.merge_cells("D5:D7")
    book.save(out / "cellules_fusionnees.xlsx")

    book, ws = book_with(ROWS[5:10], title="Marchés")
    draft = book.create_sheet("Brouillon", 0)
    for j, h in enumerate(HEADER, start=1):
        draft.cell(1, j, h)
    draft.append(ROWS[0])
    draft.sheet_state = "hidden"
    book.active = 1
    book.save(out / "feuille_masquee.xlsx")

    book = Workbook()
    book.active.title = "Synthèse"
    data = book.create_sheet("Données")
    data.append(HEADER)
    for r in ROWS[:4]:
        data.append(r)
    data.sheet_state = "hidden"
    book.save(out / "donnees_sur_feuille_masquee.xlsx")

    rows = [[r[0], r[1], r[2], r[3], r[4], int(r[5]), r[6], None] for r in ROWS[:4]]
    book, ws = book_with(rows)
    ws.cell(1, 9, "Montant annuel")
    for i, r in enumerate(ROWS[:4], start=2):
        ws.cell(i, 9, euros(r[7]))
        ws.cell(i, 8, f"=I{i}*F{i}/12")
    book.save(out / "formules_sans_valeurs.xlsx")
    _with_cached_values(out / "formules_sans_valeurs.xlsx", out / "formules_avec_valeurs.xlsx", ROWS[:4])

    rows = [list(r) for r in ROWS[:6]]
    book, ws = book_with(rows)
    ws.cell(2, 7, dt.datetime(2021, 1, 1))
    ws.cell(3, 7, "01/01/2021")
    ws.cell(4, 7, 44202)  # 06/01/2021 as a bare serial number
    ws.cell(5, 7, 1)
    ws.cell(5, 7).number_format = "DD/MM/YYYY"  # 1899-12-31
    ws.cell(6, 7, 0)
    ws.cell(6, 7).number_format = "DD/MM/YYYY"  # 1899-12-30
    ws.cell(7, 7, "14 janvier 2021")
    book.save(out / "dates_excel.xlsx")

    book = Workbook()
    book.active.title = "Feuil1"
    book.save(out / "feuille_vide.xlsx")

    book, _ = book_with(ROWS[:3], title="Marchés 2021")
    book.save(out / "mauvaise_feuille.xlsx")

    book, _ = book_with(ROWS[:6])
    book.save(out / "dimension_fausse.xlsx")
    _rewrite(
        out / "dimension_fausse.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda t: t.replace('<dimension ref="A1:H7"', '<dimension ref="A1:H3"'),
    )


def _rewrite(path: Path, member: str, change) -> None:
    """Rewrite one XML member of a workbook in place."""
    with zipfile.ZipFile(path) as z:
        parts = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename == member:
                changed = change(data.decode("utf-8"))
                assert changed != data.decode("utf-8"), f"{member} unchanged"
                data = changed.encode("utf-8")
            z.writestr(info, data)


def _with_cached_values(source: Path, target: Path, rows) -> None:
    """Copy of a workbook whose formulas carry the value Excel would have saved."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                for i, r in enumerate(rows, start=2):
                    amount = euros(r[7]) * int(r[5]) / 12
                    formula = f"<f>I{i}*F{i}/12</f>"
                    text = re.sub(
                        re.escape(formula) + r"(<v\s*/>|<v></v>)?", f"{formula}<v>{amount:.2f}</v>", text
                    )
                assert text.count("</v>") >= len(rows), "cached values not set"
                data = text.encode("utf-8")
            zout.writestr(info, data)


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10)
    )
    + "]>\n"
)


def _bombs(out: Path) -> None:
    """Billion laughs in a workbook's shared strings and sheet; zip bombs by size and by ratio."""
    source = out / "mauvaise_feuille.xlsx"
    with (
        zipfile.ZipFile(source) as zin,
        zipfile.ZipFile(out / "bombe_xml_feuille.xlsx", "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                body = text[text.index("?>") + 2 :] if text.startswith("<?xml") else text
                row = '<row r="99"><c r="B99" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
                data = (LAUGHS + body.replace("</sheetData>", row + "</sheetData>", 1)).encode("utf-8")
            zout.writestr(info, data)
    _shared_strings_workbook(out / "bombe_xml_sharedstrings.xlsx", LAUGHS)
    with (
        zipfile.ZipFile(source) as zin,
        zipfile.ZipFile(out / "bombe_zip_taux.xlsx", "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row/>" * 6_000_000 + b"</sheetData>")
            zout.writestr(info, data, compresslevel=9)
    # A member whose central directory declares 4 Gio uncompressed: refused before any inflation.
    raw = bytearray(source.read_bytes())
    position = raw.find(b"PK\x01\x02")
    while position != -1:
        name_length = int.from_bytes(raw[position + 28 : position + 30], "little")
        name = bytes(raw[position + 46 : position + 46 + name_length])
        if name == b"xl/worksheets/sheet1.xml":
            raw[position + 24 : position + 28] = (0xFFFFFFF0).to_bytes(4, "little")
        position = raw.find(b"PK\x01\x02", position + 4)
    (out / "bombe_zip_taille_declaree.xlsx").write_bytes(bytes(raw))


def _shared_strings_workbook(path: Path, prolog: str) -> None:
    """A minimal workbook (as Excel writes it: strings in xl/sharedStrings.xml) whose shared strings
    carry ``prolog`` (the billion laughs) and expand ``&lol9;`` in the header "Objet"."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    strings = ["&lol9;", "Montant HT", objet(0), objet(1)]
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>",
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
        '<sheets><sheet name="Marchés" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>14700</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"><v>3000</v></c></row>'
        "</sheetData></worksheet>",
        "xl/sharedStrings.xml": prolog
        + f'<sst xmlns="{main}" count="4" uniqueCount="4">'
        + "".join(f"<si><t>{t}</t></si>" for t in strings)
        + "</sst>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))


def _decp(out: Path, write) -> None:
    croix = json.loads((DATA / "croix_extrait.json").read_text(encoding="utf-8"))
    dematis = json.loads((DATA / "dematis_2022_extrait.json").read_text(encoding="utf-8"))
    marches = dematis["marches"]["marche"]
    concessions = dematis["marches"].get("contrat-concession", [])
    misplaced = dict(concessions[0]) if concessions else {"concessionnaires": []}
    misplaced.setdefault("concessionnaires", [])
    write(
        "concessions_2022.json",
        json.dumps(
            {"marches": {"marche": [*marches[:3], misplaced], "contrat-concession": concessions * 2}},
            ensure_ascii=False,
            indent=1,
        ),
    )
    text = json.dumps(croix, ensure_ascii=False, indent=2)
    write("json_tronque.json", text[: len(text) * 2 // 3])
    write("liste_de_chaines.json", json.dumps([m["objet"] for m in croix["marches"][:4]], ensure_ascii=False))
    write("marches_nombre.json", json.dumps({"marches": len(croix["marches"])}))
    write("marches_liste_vide.json", json.dumps({"marches": []}))
    write("json_sans_champ_decp.json", json.dumps([{"nom": "Ville de Croix", "population": 21000}]))
    write("decp_utf16.json", b"\xff\xfe" + json.dumps(croix, ensure_ascii=False).encode("utf-16-le"))
    twice = {"marches": [croix["marches"][0], croix["marches"][0], croix["marches"][2]]}
    write("doublons.json", json.dumps(twice, ensure_ascii=False, indent=1))

    xml = (DATA / "bretagne_2019_extrait.xml").read_text(encoding="utf-8")
    start = xml.index("<marche>")
    write(
        "bombe_xml.xml",
        LAUGHS.replace("lolz", "marches") + "<marches>" + xml[start:].replace("<objet>", "<objet>&lol9;", 1),
    )
    write(
        "entite_externe.xml",
        '<?xml version="1.0"?>\n<!DOCTYPE marches [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<marches>'
        + xml[start:].replace("<objet>", "<objet>&xxe;", 1),
    )
    write("xml_tronque.xml", xml[: len(xml) // 2])
    write(
        "xml_pas_decp.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<annuaire>\n  <structure><nom>ESAT du Lac</nom>'
        "<ville>Chambéry</ville></structure>\n  <structure><nom>EA Savoie</nom></structure>\n</annuaire>\n",
    )


def _directories(out: Path, write) -> None:
    asp = pd.read_csv(DATA / "annuaires" / "asp_extrait.csv", dtype=str, keep_default_na=False)
    nowhere = asp.loc[:4, ["kind", "siret", "name", "naf"]].copy()
    nowhere["post_code"], nowhere["city"], nowhere["commune_insee"] = "", "", ""
    write("annuaire_sans_localisation.csv", nowhere.to_csv(index=False, lineterminator="\r\n"))
    kinds = asp.loc[5:9, ["siret", "name", "post_code", "city", "commune_insee"]].copy()
    kinds.insert(0, "Type de structure", ["SCOP", "Association loi 1901", "ESAT", "Entreprise adaptée", "?"])
    write("annuaire_types_inconnus.csv", kinds.to_csv(index=False, sep=";", lineterminator="\r\n"))
    write("annuaire_utf16.csv", b"\xff\xfe" + asp.loc[:4].to_csv(index=False, sep="\t").encode("utf-16-le"))
    write("annuaire_entete_seule.csv", ",".join(asp.columns) + "\r\n")
    odd = asp.loc[10:14].copy()
    odd["lat"], odd["lon"] = (
        ["nan", odd["lon"].iloc[1], "45,56", "91", ""],
        [
            "nan",
            odd["lat"].iloc[1],
            "5,92",
            "5.9",
            "",
        ],
    )
    write("annuaire_coordonnees_aberrantes.csv", odd.to_csv(index=False, lineterminator="\r\n"))
    longer = asp.loc[15:18].to_csv(index=False, sep=";", lineterminator="\r\n")
    name = asp.loc[16, "name"]
    write("annuaire_ligne_trop_longue.csv", longer.replace(name, name + ";SIÈGE", 1))


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA / "mauvais")
