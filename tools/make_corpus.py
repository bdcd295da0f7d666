"""Build the real-world defect corpus of tests/data/corpus/ (development tool).

Every contract or provider row of the corpus is a REAL row of the project's reference material
(``../shared/data``, beside the checkout; see its README): Région Bretagne's 2019 export, the DECP JSON of
marches-publics.info, the PES, e-marchespublics, Dematis and Croix, the flattened DECP of State buyers (AIFE),
the national consolidated table, the six-column flat DECP (antoninsanz), the ASP list of SIAE, Le marché's
fixture and the 2026 FINESS list of ESAT. Each file then gets ONE defect (or is kept unchanged when the real
file already carries it); ``cases.csv`` gives, per case, how the file is used, the answer expected and the
real rows it comes from; ``README.md`` says what was changed.

Settings files (``.toml``) hold no data: they are the project's own parameters, with one mistake each.
Command-line and API misuses are described in ``cases.csv`` (empty ``fichier`` or a file of the corpus).

Usage: python tools/make_corpus.py [--shared ../shared/data] [--out tests/data/corpus]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
from make_directory_fixtures import LEMARCHE_ESAT_HEADER, LEMARCHE_HEADER  # tools/ is the script's directory
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

ROOT = Path(__file__).resolve().parents[1]

CASES: list[dict] = []
GENRES = {
    "cellule vide": "Cellules vides, NaN, null : plantages",
    "structure": "Structure du tableau et détection de l'en-tête",
    "colonnes": "Noms de colonnes (canoniques, DECP à plat, portails)",
    "montants": "Montants",
    "dates et durées": "Dates et durées",
    "cpv": "Codes CPV",
    "lieux": "Lieux d'exécution",
    "textes": "Textes des objets",
    "encodages": "Encodages",
    "doublons": "Doublons et noms de fichiers",
    "formats DECP": "Formes de fichiers DECP (JSON Lines, marché seul, archives)",
    "annuaires": "Annuaires de prestataires",
    "paramètres": "Fichiers de paramètres (TOML) et Settings",
    "ligne de commande": "Ligne de commande",
    "API": "API Python",
    "diagnostic": "Sorties du diagnostic",
}


def case(cas: str, genre: str, fichier: str, appel: str, attendu: str, source: str, change: str) -> None:
    assert genre in GENRES, genre
    assert not any(c["cas"] == cas for c in CASES), cas
    CASES.append(
        dict(
            cas=cas, genre=genre, fichier=fichier, appel=appel, attendu=attendu, source=source, change=change
        )
    )


# -- real material ----------------------------------------------------------------------------------
class Shared:
    """The real files of ../shared/data, loaded once."""

    def __init__(self, base: Path):
        self.base = base
        b = pd.read_csv(
            base / "decp/buyer_exports/region_bretagne_2019_export.csv",
            sep=";",
            encoding="latin-1",
            dtype=str,
            keep_default_na=False,
        )
        b.columns = [c.strip() for c in b.columns]
        b["_ligne"] = b.index + 2
        self.bre = b
        self.aife = pd.read_csv(base / "decp/aife_2019_flat.csv", dtype=str, keep_default_na=False)
        self.aife["_ligne"] = self.aife.index + 2
        self.conso = pd.read_csv(
            base / "decp/consolidated_travaux_2024H2.csv", dtype=str, keep_default_na=False
        )
        self.conso["_ligne"] = self.conso.index + 2
        self.flat = pd.read_csv(
            base / "decp/local/antoninsanz__decp_flat_2021_2026.csv", dtype=str, keep_default_na=False
        )
        self.flat["_ligne"] = self.flat.index + 2
        self.asp = pd.read_csv(base / "providers/siae_asp_2019_07.csv", dtype=str, keep_default_na=False)
        self.asp["_ligne"] = self.asp.index + 2
        self.fixture = pd.read_csv(
            base / "providers/siae_lemarche_fixture.csv", dtype=str, keep_default_na=False
        )
        self.fixture["_ligne"] = self.fixture.index + 2
        self.esat = pd.read_csv(base / "providers/esat_finess_2026.csv", dtype=str, keep_default_na=False)
        self.esat["_ligne"] = self.esat.index + 2
        self.communes = pd.read_csv(base / "geo/communes.csv", dtype=str).set_index("code_insee")

    def department(self, code: str, kind: str) -> str:
        """The department a DECP place code gives, by its type (for the expected answers)."""
        kind = kind.lower()
        if "departement" in kind.replace("é", "e"):
            return code.zfill(2)
        if "commune" in kind and code in self.communes.index:
            return self.communes.at[code, "departement"]
        if "postal" in kind:
            cp = pd.read_csv(self.base / "geo/codes_postaux.csv", dtype=str).set_index("code_postal")[
                "codes_insee"
            ]
            deps = {
                self.communes.at[c, "departement"]
                for c in cp.get(code, "").split()
                if c in self.communes.index
            }
            return deps.pop() if len(deps) == 1 else "?"
        return "?"

    def json_records(self, name: str) -> list[dict]:
        data = json.loads((self.base / "decp" / name).read_text(encoding="utf-8"))
        m = data["marches"]
        return m["marche"] if isinstance(m, dict) else m


def euros(text: str) -> float:
    return float("".join(text.split()).replace(",", "."))


def fr_amount(x: float) -> str:
    """38800.0 → "38 800,00" (no-break spaces as the Bretagne export writes them: plain spaces here)."""
    return f"{x:,.2f}".replace(",", " ").replace(".", ",")


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


# The buyer-export layout used by most contract cases: the real headers of Région Bretagne's 2019 export.
H = [
    "Id du marché",
    "Objet marché",
    "Code CPV",
    "Procédure",
    "Lieu exécution",
    "Durée mois",
    "Date notification",
    "Montant initial (Ht)",
    "Titulaire/Mandataire",
]
BRE_FILE = "decp/buyer_exports/region_bretagne_2019_export.csv"
# Real rows picked (physical lines of the export): contracts with a place of execution and an amount.
PLACED = [3, 34, 203, 291, 321, 400, 464, 508]
MORE = [112, 113, 115, 116, 117, 119, 121, 122, 216, 279, 465, 467, 468, 529, 571, 572, 573, 574, 595, 596]


class Rows:
    """Bretagne rows in the export layout H, with their source lines."""

    def __init__(self, sh: Shared, lines: list[int]):
        b = sh.bre.set_index("_ligne")
        self.lines = list(lines)
        self.rows = [[b.at[ln, h] for h in H] for ln in lines]

    def src(self) -> str:
        return f"{BRE_FILE}, lignes {', '.join(map(str, self.lines))}"


def text_csv(rows, header=H, sep=";", newline="\r\n", pre=()) -> str:
    out = io.StringIO()
    for line in pre:
        out.write(line + newline)
    w = csv.writer(out, delimiter=sep, lineterminator=newline)
    if header is not None:
        w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


class Out:
    def __init__(self, path: Path):
        self.path = path

    def write(self, name: str, data: str | bytes, encoding: str = "utf-8") -> str:
        p = self.path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
        return name

    def json(self, name: str, obj, **kw) -> str:
        return self.write(name, json.dumps(obj, ensure_ascii=False, indent=1, **kw))

    def xlsx(self, name: str, build) -> str:
        wb = Workbook()
        build(wb)
        p = self.path / name
        wb.save(p)
        return name


def patch_member(path: Path, member: str, change) -> None:
    with zipfile.ZipFile(path) as z:
        parts = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename == member:
                new = change(data.decode("utf-8"))
                assert new != data.decode("utf-8"), f"{member} unchanged"
                data = new.encode("utf-8")
            z.writestr(info, data)


def typed(row: list[str]) -> list:
    """An export row as Excel would type it: CPV and Id as text, duration and amount as numbers, date as date."""
    r = list(row)
    r[5] = int(r[5]) if r[5].isdigit() else r[5]
    r[6] = dt.datetime.strptime(r[6], "%d/%m/%Y") if r[6] else None
    r[7] = euros(r[7]) if r[7] else None
    return r


def sheet(ws, rows, header=H, start=1):
    for j, h in enumerate(header, start=1):
        ws.cell(row=start, column=j, value=h)
    for i, r in enumerate(rows, start=start + 1):
        for j, v in enumerate(r, start=1):
            if v is not None and v != "":
                ws.cell(row=i, column=j, value=v)


# ===================================================================================================
# Contracts
# ===================================================================================================
def blank_cells(o: Out, sh: Shared) -> None:
    g = "cellule vide"
    R = Rows(sh, PLACED)

    def book(col, conv, blank_at, name):
        rows = [typed(r) for r in R.rows]
        if conv:
            for r in rows:
                r[col] = conv(r[col])
        rows[blank_at][col] = None
        o.xlsx(name, lambda wb: sheet(wb.active, rows))
        wb_title = name
        return rows, wb_title

    rows, f = book(7, None, 3, "xlsx_montant_vide.xlsx")
    case(
        "V01",
        g,
        f,
        "read_contracts",
        f"8 marchés ; montant de la ligne 5 vide avec l’alerte « montant absent » ; les 7 autres montants numériques "
        f"(ligne 2 = {rows[0][7]:.0f}, ligne 9 = {rows[7][7]:.0f}) ; pas d’exception (le ticket signalait KeyError: nan)",
        R.src(),
        "classeur .xlsx, montants saisis en nombres, la cellule H5 vidée",
    )
    rows, f = book(5, None, 2, "xlsx_duree_vide.xlsx")
    case(
        "V02",
        g,
        f,
        "read_contracts",
        f"8 marchés ; durée de la ligne 4 vide (sans alerte de lecture) ; durée ligne 2 = {rows[0][5]} mois ; pas d’exception",
        R.src(),
        "classeur .xlsx, durées saisies en nombres, la cellule F4 vidée",
    )

    def cpv_number(v):
        return int(v.split("-")[0])

    R2 = Rows(sh, [3, 34, 279, 291, 321, 400, 464, 508])
    rows = [typed(r) for r in R2.rows]
    for r in rows:
        r[2] = cpv_number(r[2])
    rows[4][2] = None
    o.xlsx("xlsx_cpv_nombres_vide.xlsx", lambda wb: sheet(wb.active, rows))
    case(
        "V03",
        g,
        "xlsx_cpv_nombres_vide.xlsx",
        "read_contracts",
        "8 marchés ; code CPV de la ligne 6 vide (sans alerte « code CPV inconnu ») ; ligne 4 : 9123000 saisi en "
        "nombre → 09123000 avec l’alerte « code CPV à 7 chiffres complété d’un zéro » ; ligne 2 = 45300000 ; pas d’exception",
        R2.src(),
        "codes CPV saisis en nombres (chiffre de contrôle retiré : 09123000 devient 9123000), la cellule C6 vidée",
    )
    rows, f = book(6, None, 5, "xlsx_date_vide.xlsx")
    case(
        "V04",
        g,
        f,
        "read_contracts",
        "8 marchés ; date de notification de la ligne 7 vide, les autres des dates (ligne 2 = 2019-01-24) ; pas d’exception",
        R.src(),
        "dates saisies en dates Excel, la cellule G7 vidée",
    )
    R3 = Rows(sh, PLACED)
    rows = [typed(r) for r in R3.rows]
    for r in rows:
        r[7] = None
    o.xlsx("xlsx_colonne_montant_vide.xlsx", lambda wb: sheet(wb.active, rows))
    case(
        "V05",
        g,
        "xlsx_colonne_montant_vide.xlsx",
        "read_contracts",
        "8 marchés ; tous les montants vides, alerte « montant absent » sur chacun ; pas d’exception",
        R3.src(),
        "colonne « Montant initial (Ht) » présente mais entièrement vide (durées et dates typées)",
    )

    croix = sh.json_records("croix_2019_2021.json")
    pick = croix[:6]
    recs = [dict(r) for r in pick]
    del recs[2]["montant"]
    o.json("decp2019_sans_montant.json", {"marches": recs})
    csrc = "decp/croix_2019_2021.json, enregistrements 1 à 6 (index 0-5)"
    case(
        "V06",
        g,
        "decp2019_sans_montant.json",
        "read_contracts",
        f"6 marchés ; le 3e (id {recs[2]['id']}) sans montant, alerte « montant absent » ; les autres montants lus "
        f"(1er = {float(recs[0]['montant']):.0f}) ; pas d’exception",
        csrc,
        "clé « montant » retirée du 3e enregistrement",
    )
    recs = [dict(r) for r in pick]
    recs[1]["dureeMois"] = None
    o.json("decp2019_duree_null.json", {"marches": recs})
    case(
        "V07",
        g,
        "decp2019_duree_null.json",
        "read_contracts",
        f"6 marchés ; durée du 2e (id {recs[1]['id']}) vide, sans exception ; durée du 1er = {recs[0]['dureeMois']}",
        csrc,
        "« dureeMois »: null dans le 2e enregistrement",
    )
    recs = [dict(r) for r in pick]
    recs[1]["montant"] = float("nan")
    recs[3]["montant"] = float("inf")
    recs[4]["dureeMois"] = float("-inf")
    o.json("decp_nan_infinity.json", {"marches": recs})
    case(
        "V08",
        g,
        "decp_nan_infinity.json",
        "read_contracts",
        "6 marchés ; montants du 2e (NaN : alerte « montant absent » ou « non numérique ») et du 4e (Infinity : alerte "
        "« montant non numérique ») vides ; durée du "
        "5e (-Infinity) vide avec une alerte de durée ; aucune valeur NaN/inf dans la table ; pas d’exception",
        csrc,
        "jetons JSON non standard NaN, Infinity, -Infinity (écrits par Python json.dumps) dans 3 champs",
    )
    dem = sh.json_records("local/boutalex_decp_rama_dematis__dematis25.json")[:5]
    recs = json.loads(json.dumps(dem))
    recs[2]["montant"] = None
    recs[2]["dureeMois"] = None
    o.json("decp2022_montant_null.json", {"marches": {"marche": recs}})
    case(
        "V09",
        g,
        "decp2022_montant_null.json",
        "read_contracts",
        f"5 marchés ; le 3e (id {recs[2]['id']}) a montant et durée vides, alerte « montant absent » ; pas d’exception",
        "decp/local/boutalex_decp_rama_dematis__dematis25.json, marchés 1 à 5",
        "« montant »: null et « dureeMois »: null dans le 3e marché (format 2022)",
    )
    mpi = sh.json_records("local/139bercy_decp-rama_json_2019__marches-publics.info.json")
    idx = [413, 414, 415, 1909, 1910, 2242]
    recs = [mpi[i] for i in idx]
    o.json("dsp_montant_date_null.json", {"marches": recs})
    n_null = sum(r.get("montant") is None for r in recs)
    case(
        "V10",
        g,
        "dsp_montant_date_null.json",
        "read_contracts",
        f"6 enregistrements lus sans exception : 3 marchés ; les {n_null} délégations de service public (« _type » "
        "Contrat de concession, montant et dateNotification null) écartées et comptées « contrat de concession » ; "
        "le montant 0 du marché 2018EPICERIE100 signalé « montant nul »",
        "decp/local/139bercy_decp-rama_json_2019__marches-publics.info.json, enregistrements d’index "
        + ", ".join(map(str, idx)),
        "aucun (fichier réel : 3 concessions à montant et dateNotification null parmi 3 marchés)",
    )

    conso = sh.conso[sh.conso.acheteur_departement_code == "73"].head(12).copy()
    lines = conso["_ligne"].tolist()
    frame = conso.drop(columns="_ligne").copy()
    frame["montant"] = pd.to_numeric(frame["montant"])
    frame.iloc[4, frame.columns.get_loc("montant")] = float("nan")
    frame["dureeMois"] = pd.to_numeric(frame["dureeMois"])
    frame["offresRecues"] = pd.to_numeric(frame["offresRecues"], errors="coerce")
    frame.reset_index(drop=True).to_parquet(o.path / "consolide_montant_manquant.parquet", index=False)
    n_uid = frame["uid"].nunique()
    case(
        "V11",
        g,
        "consolide_montant_manquant.parquet",
        "read_contracts",
        f"{n_uid} marchés (12 lignes marché × titulaire regroupées par uid) ; le marché de la ligne 6 "
        f"(uid {frame.iloc[4]['uid']}) a un montant vide ou celui de son autre titulaire, avec alerte ; pas d’exception",
        "decp/consolidated_travaux_2024H2.csv, lignes "
        + ", ".join(map(str, lines))
        + " (acheteurs de Savoie)",
        "écrit en parquet avec montant et dureeMois en flottants ; le montant de la 5e ligne mis à NaN",
    )
    frame = conso.drop(columns="_ligne").copy()
    frame["codeCPV"] = frame["codeCPV"].astype("int64")
    frame["acheteur_id"] = frame["acheteur_id"].astype("int64")
    frame["titulaire_id"] = pd.to_numeric(frame["titulaire_id"], errors="coerce")
    frame["montant"] = pd.to_numeric(frame["montant"])
    frame["dureeMois"] = pd.to_numeric(frame["dureeMois"]).astype(float)
    frame.iloc[2, frame.columns.get_loc("dureeMois")] = float("nan")
    frame.reset_index(drop=True).to_parquet(o.path / "consolide_types_numeriques.parquet", index=False)
    case(
        "V12",
        g,
        "consolide_types_numeriques.parquet",
        "read_contracts",
        f"{n_uid} marchés ; code_cpv sur 8 chiffres en texte (« 45214200 », pas « 45214200.0 ») ; acheteur_id "
        f"« {conso.iloc[0]['acheteur_id']} » (14 chiffres, sans « .0 » ni notation scientifique) ; titulaires id sans « .0 » ; "
        "durée de la 3e ligne vide ; pas d’exception",
        "decp/consolidated_travaux_2024H2.csv, lignes " + ", ".join(map(str, lines)),
        "écrit en parquet avec codeCPV et acheteur_id en entiers, titulaire_id et dureeMois en flottants (une durée NaN)",
    )


def structure(o: Out, sh: Shared) -> None:
    g = "structure"
    b = sh.bre.set_index("_ligne")
    # -- the commune-style "liste des marchés conclus" ------------------------------------------------
    lines_by_type = {
        "TRAVAUX": [3, 34, 291, 321, 464, 465, 467],
        "SERVICES": [203, 400, 468, 529, 571, 572, 595],
        "FOURNITURES": [279, 508],
    }
    bands = [
        ("Tranche 1 : 0 à 19 999,99 € HT", 0, 20000),
        ("Tranche 2 : 20 000 € HT à 89 999,99 € HT", 20000, 90000),
        ("Tranche 3 : 90 000 € HT et plus", 90000, 1e12),
    ]
    body: list[list[str]] = []
    contracts = sections = band_rows = totals = 0
    for section, lines in lines_by_type.items():
        body.append([section, "", "", "", ""])
        sections += 1
        for label, lo, hi in bands:
            chosen = [ln for ln in lines if lo <= euros(b.at[ln, "Montant initial (Ht)"] or "0") < hi]
            if not chosen:
                continue
            body.append([label, "", "", "", ""])
            band_rows += 1
            for ln in chosen:
                body.append(
                    [
                        b.at[ln, "Objet marché"],
                        b.at[ln, "Date notification"],
                        b.at[ln, "Titulaire/Mandataire"],
                        b.at[ln, "Code Postal_Titulaire"],
                        b.at[ln, "Montant initial (Ht)"],
                    ]
                )
                contracts += 1
            if section == "TRAVAUX" and lo == 90000:
                pass
        if section == "TRAVAUX":
            lots = [464, 465, 467]
            total = sum(euros(b.at[ln, "Montant initial (Ht)"]) for ln in lots)
            body.append(["", "", "", "TOTAL LOTS 1 A 3", fr_amount(total)])
            totals += 1
    pre = [
        "Région Bretagne",
        "Liste des marchés conclus en 2019 (article R2196-1 du code de la commande publique)",
        "",
    ]
    text = text_csv(body, header=["OBJET", "DATE", "TITULAIRE", "CODE POSTAL", "MONTANT"], pre=pre)
    f = o.write("liste_marches_conclus.csv", text, "cp1252")
    all_lines = [ln for v in lines_by_type.values() for ln in v]
    case(
        "S01",
        g,
        f,
        "read_contracts",
        f"exactement {contracts} marchés ; en-tête ligne 4 ; écartées : {sections} × intertitre (SERVICES, FOURNITURES, "
        f"TRAVAUX), {band_rows} × tranche de montant (« Tranche 1 : 0 à 19 999,99 € HT »…), {totals} × total de lots ; "
        "« DATE » reconnue comme date de notification ; « CODE POSTAL » (celui du titulaire) non pris pour le lieu "
        "d’exécution : aucun marché placé dans le département du titulaire (ex. 86 pour GIRARDEAU)",
        f"{BRE_FILE}, lignes {', '.join(map(str, all_lines))} (objet, date, titulaire, Code Postal_Titulaire, montant initial)",
        "mis en page comme la « liste des marchés conclus » d’une commune : Windows-1252, 3 lignes de titre, en-tête ligne 4 "
        "OBJET;DATE;TITULAIRE;CODE POSTAL;MONTANT, intertitres par type, tranches de montant, une ligne de total des lots 1 à 3 "
        "(somme réelle des lignes 464, 465, 467)",
    )

    R = Rows(sh, PLACED)
    rows = []
    for sec, part in (("TRAVAUX", R.rows[:5]), ("SERVICES", R.rows[5:7]), ("FOURNITURES", R.rows[7:])):
        rows.append([sec] + [""] * (len(H) - 1))
        rows.extend(part)
    f = o.write("intertitres_colonne_id.csv", text_csv(rows))
    case(
        "S02",
        g,
        f,
        "read_contracts",
        "8 marchés ; 3 lignes écartées comme intertitres (« TRAVAUX », « SERVICES », « FOURNITURES » dans la "
        "colonne « Id du marché », rien d’autre sur la ligne) ; aucun marché d’identifiant « TRAVAUX »",
        R.src(),
        "3 lignes d’intertitre insérées (lignes 2, 8, 11), le mot dans la 1re colonne",
    )
    rows = [
        ["Tranche 1 : 0 à 19 999,99 € HT"] + [""] * 8,
        *R.rows[:2],
        ["", "Tranche 2 : 20 000 € HT à 89 999,99 € HT"] + [""] * 7,
        *R.rows[2:6],
        ["", "Tranche 3 : 90 000 € HT et plus", "", "", "", "", "", "", ""],
        *R.rows[6:],
    ]
    f = o.write("tranches_montant.csv", text_csv(rows))
    case(
        "S03",
        g,
        f,
        "read_contracts",
        "8 marchés ; 3 lignes de tranche de montant écartées (lignes 2, 5 et 10), aucune lue comme marché ni comme "
        "montant (« 0 à 19 999,99 » n’est pas un montant)",
        R.src(),
        "3 lignes « Tranche n : … € HT » insérées, dans la colonne Id (ligne 2) ou Objet (lignes 5 et 10)",
    )
    lots = Rows(sh, [464, 465, 467])
    base = Rows(sh, [3, 34, 203, 291, 321, 400, 508])
    total = sum(euros(r[7]) for r in lots.rows)
    rows = [
        *base.rows[:4],
        *lots.rows,
        ["", "", "", "", "", "", "", fr_amount(total), "TOTAL LOTS 1 A 3"],
        *base.rows[4:],
    ]
    f = o.write("total_lots_en_fin_de_ligne.csv", text_csv(rows))
    case(
        "S04",
        g,
        f,
        "read_contracts",
        f"10 marchés ; la ligne 9 (montant {fr_amount(total)} = somme des lignes 6 à 8, libellé « TOTAL LOTS 1 A 3 » dans "
        "la dernière colonne) écartée comme ligne de total ; total des montants = somme des 10 marchés seulement",
        f"{BRE_FILE}, lignes 3, 34, 203, 291, 464, 465, 467, 321, 400, 508",
        "une ligne de total des 3 lots insérée, libellé dans la colonne Titulaire (dernière), montant = somme réelle",
    )

    def sum_book(with_value: bool):
        rows = [typed(r) for r in R.rows]
        total = sum(r[7] for r in rows)
        name = "somme_sans_libelle.xlsx" if with_value else "somme_sans_valeur_calculee.xlsx"

        def build(wb):
            sheet(wb.active, rows)
            wb.active.cell(row=10, column=8, value="=SUM(H2:H9)")

        o.xlsx(name, build)
        if with_value:
            patch_member(
                o.path / name,
                "xl/worksheets/sheet1.xml",
                lambda t: re.sub(
                    r"<f>SUM\(H2:H9\)</f>(<v\s*/>|<v></v>)?", f"<f>SUM(H2:H9)</f><v>{total}</v>", t
                ),
            )
        return name, total

    f, total = sum_book(True)
    case(
        "S05",
        g,
        f,
        "read_contracts",
        f"8 marchés ; la ligne 10 (=SOMME(H2:H9), valeur enregistrée {total:.2f}, aucune autre cellule) écartée comme "
        "ligne de total ; somme des montants lus = " + f"{total:.2f}",
        R.src(),
        "une ligne =SUM(H2:H9) sans libellé ajoutée sous le tableau, avec la valeur qu’Excel enregistre",
    )
    f, total = sum_book(False)
    case(
        "S06",
        g,
        f,
        "read_contracts",
        "8 marchés ; la ligne 10 (=SUM(H2:H9) sans valeur calculée, seule cellule de la ligne) écartée comme ligne de "
        "total (pas un marché « formule sans valeur » sans objet)",
        R.src(),
        "la même ligne =SUM(H2:H9) sans valeur enregistrée (classeur jamais ouvert dans Excel)",
    )

    def cover(wb):
        ws = wb.active
        ws.title = "Page de garde"
        for i, t in enumerate(
            [
                "Région Bretagne",
                "Direction des affaires juridiques et de la commande publique",
                "",
                "Objet : Liste des marchés notifiés en 2019",
                "Date : 31/01/2020",
                "Contact : service de la commande publique",
            ],
            start=1,
        ):
            ws.cell(row=i, column=1, value=t or None)
        sheet(wb.create_sheet("Marchés 2019"), R.rows)

    f = o.xlsx("page_de_garde.xlsx", cover)
    case(
        "S07",
        g,
        f,
        "read_contracts",
        "feuille « Marchés 2019 » lue : 8 marchés, en-tête ligne 1 ; la page de garde (« Objet : Liste des marchés… ») "
        "n’est pas prise pour le tableau ; aucun marché d’objet « Objet : Liste des marchés notifiés en 2019 »",
        R.src(),
        "classeur de 2 feuilles : une page de garde (textes dont « Objet : … ») puis le tableau",
    )

    def two_rows(wb):
        ws = wb.active
        groups = [
            ("Marché", 1, 3),
            ("Passation", 4, 4),
            ("Exécution", 5, 7),
            ("Montant", 8, 8),
            ("Titulaire", 9, 9),
        ]
        for label, c1, c2 in groups:
            ws.cell(row=1, column=c1, value=label)
            if c2 > c1:
                ws.merge_cells(start_row=1, start_column=c1, end_row=1, end_column=c2)
        labels = [
            "Référence",
            "Objet",
            "Code CPV",
            "Procédure",
            "Lieu",
            "Durée (mois)",
            "Date de notification",
            "HT",
            "Nom",
        ]
        sheet(ws, [typed(r) for r in R.rows], header=labels, start=2)

    f = o.xlsx("entete_deux_lignes_fusion.xlsx", two_rows)
    case(
        "S08",
        g,
        f,
        "read_contracts",
        "8 marchés, premier à la ligne 3 ; en-tête sur deux lignes (groupes fusionnés ligne 1, libellés ligne 2) : "
        "aucun marché d’objet « Objet » ni de référence « Référence » ; montants lus dans « Montant / HT » "
        f"(ligne 3 = {euros(R.rows[0][7]):.0f})",
        R.src(),
        "en-tête à deux niveaux : ligne 1 groupes fusionnés (Marché sur A1:C1, Exécution sur E1:G1, Montant, "
        "Titulaire), ligne 2 libellés",
    )
    tech = [
        "id",
        "objet",
        "codeCPV",
        "procedure",
        "lieuExecution.nom",
        "dureeMois",
        "dateNotification",
        "montant",
        "titulaire.denominationSociale",
    ]
    labels = [
        "Identifiant du marché",
        "Objet du marché",
        "Code CPV principal",
        "Procédure de passation",
        "Lieu d’exécution",
        "Durée (mois)",
        "Date de notification",
        "Montant HT",
        "Titulaire",
    ]
    f = o.write("entete_libelles_puis_noms_techniques.csv", text_csv([tech, *R.rows], header=labels))
    case(
        "S09",
        g,
        f,
        "read_contracts",
        "8 marchés, premier à la ligne 3 ; la ligne 2 (noms techniques id, objet, codeCPV…) écartée comme seconde ligne "
        "d’en-tête ; aucun marché d’objet « objet »",
        R.src(),
        "deux lignes d’en-tête : libellés en français (ligne 1) puis noms techniques DECP (ligne 2)",
    )

    def shifted(wb):
        ws = wb.active
        ws.cell(row=1, column=1, value="Marchés notifiés en 2019")
        for j, h in enumerate(H, start=3):
            ws.cell(row=5, column=j, value=h)
        for i, r in enumerate([typed(r) for r in R.rows], start=6):
            for j, v in enumerate(r, start=3):
                ws.cell(row=i, column=j, value=v)

    f = o.xlsx("tableau_decale_C5.xlsx", shifted)
    case(
        "S10",
        g,
        f,
        "read_contracts",
        "8 marchés ; en-tête ligne 5 (tableau commençant en C5, colonnes A-B vides) ; source_ligne du premier = 6 ; "
        "aucune colonne « colonne_1 »/« colonne_2 » vide gardée en source_",
        R.src(),
        "tableau placé en C5 sous un titre en A1",
    )
    R19, R20 = Rows(sh, PLACED[:5]), Rows(sh, [571, 572, 573, 574])

    def years(wb):
        ws = wb.active
        ws.title = "2019"
        sheet(ws, [typed(r) for r in R19.rows])
        sheet(wb.create_sheet("2020"), [typed(r) for r in R20.rows])

    f = o.xlsx("deux_feuilles_par_annee.xlsx", years)
    case(
        "S11",
        g,
        f,
        "read_contracts",
        "9 marchés : les deux feuilles de même en-tête (« 2019 » : 5, « 2020 » : 4, notifiés le 01/01/2020) lues ; à défaut, "
        "une note nomme la feuille « 2020 » ignorée — jamais 5 marchés en silence",
        f"{BRE_FILE}, lignes {', '.join(map(str, PLACED[:5] + [571, 572, 573, 574]))}",
        "marchés répartis sur deux feuilles par année de notification",
    )
    R12 = Rows(sh, PLACED + [216, 529])

    def filtered(wb):
        ws = wb.active
        sheet(ws, [typed(r) for r in R12.rows])
        ws.auto_filter.ref = f"A1:I{len(R12.rows) + 1}"
        for r in (3, 5, 7):
            ws.row_dimensions[r].hidden = True

    f = o.xlsx("lignes_masquees_filtre.xlsx", filtered)
    case(
        "S12",
        g,
        f,
        "read_contracts",
        "10 marchés lus et une note « 3 lignes masquées (filtre) lues : lignes 3, 5, 7 » ; à défaut, lecture des seules "
        "lignes visibles annoncée ; jamais en silence",
        R12.src(),
        "filtre automatique posé, lignes 3, 5 et 7 masquées",
    )
    notes = [
        ["* Montants en euros hors taxes"] + [""] * 8,
        ["Source : Direction des affaires juridiques et de la commande publique"] + [""] * 8,
        ["Mise à jour : 31/01/2020"] + [""] * 8,
    ]
    f = o.write("notes_sous_le_tableau.csv", text_csv([*R.rows, [""] * 9, *notes]))
    case(
        "S13",
        g,
        f,
        "read_contracts",
        "8 marchés ; la ligne vide 10 et les 3 notes (lignes 11-13 : « * Montants en euros hors taxes », « Source : … », "
        "« Mise à jour : … ») écartées ; aucun marché d’identifiant « Source : … »",
        R.src(),
        "une ligne vide et 3 lignes de notes ajoutées sous le tableau, dans la 1re colonne",
    )
    broken = [
        "Id du\nmarché",
        "Objet\nmarché",
        "Code\nCPV",
        "Procé-\ndure",
        "Lieu\nd'exécution",
        "Durée\n(mois)",
        "Date de\nnotification",
        "Montant\ninitial (HT)",
        "Titulaire /\nMandataire",
    ]
    f = o.xlsx(
        "entete_retours_ligne.xlsx", lambda wb: sheet(wb.active, [typed(r) for r in R.rows], header=broken)
    )
    case(
        "S14",
        g,
        f,
        "read_contracts",
        "8 marchés ; les 9 en-têtes à retour à la ligne reconnus (objet, code_cpv, procédure, lieu, durée, date, montant "
        "« notifié/initial », titulaire) ; aucun reste en source_",
        R.src(),
        "en-têtes saisis avec Alt+Entrée (retours à la ligne, une césure « Procé-\\ndure »)",
    )
    spaced_h = [H[0], "", H[1], H[2], "", H[3], H[4], H[5], H[6], "", H[7], H[8]]
    spaced = [[r[0], "", r[1], r[2], "", r[3], r[4], r[5], r[6], "", r[7], r[8]] for r in R.rows]
    f = o.write("colonnes_vides_intercalees.csv", text_csv(spaced, header=spaced_h))
    case(
        "S15",
        g,
        f,
        "read_contracts",
        "8 marchés, mêmes valeurs que sans les colonnes vides ; les 3 colonnes sans en-tête et vides ne sont pas gardées "
        "(ou gardées vides) et ne déclenchent aucune alerte",
        R.src(),
        "3 colonnes vides sans en-tête intercalées (séparateurs de mise en page)",
    )


def columns(o: Out, sh: Shared) -> None:
    g = "colonnes"
    a = sh.aife
    pick = a[a["lieuExecution.typeCode"].isin(["CODE DEPARTEMENT", "CODE COMMUNE", "CODE POSTAL"])]
    pick = pd.concat(
        [
            pick[pick["lieuExecution.typeCode"] == t].head(n)
            for t, n in (("CODE DEPARTEMENT", 4), ("CODE COMMUNE", 3), ("CODE POSTAL", 3))
        ]
    )
    keep = [
        "id",
        "acheteur.id",
        "objet",
        "codeCPV",
        "procedure",
        "nature",
        "montant",
        "dureeMois",
        "dateNotification",
        "lieuExecution.code",
        "lieuExecution.typeCode",
        "lieuExecution.nom",
        "titulaires.1.id",
        "titulaires.1.denominationSociale",
    ]
    fr = pick[keep].rename(
        columns={
            "lieuExecution.code": "lieu_code",
            "lieuExecution.typeCode": "lieu_typeCode",
            "lieuExecution.nom": "lieu_nom",
            "acheteur.id": "acheteur_id",
        }
    )
    f = o.write("decp_plat_lieu_underscore.csv", fr.to_csv(index=False))
    deps = ", ".join(
        f"ligne {i + 2} → {sh.department(c, t)}"
        for i, (c, t) in enumerate(zip(fr["lieu_code"], fr["lieu_typeCode"], strict=True))
    )
    case(
        "C01",
        g,
        f,
        "read_contracts",
        "10 marchés ; colonnes lieu_code, lieu_typeCode, lieu_nom reconnues (lieu_code, lieu_type, lieu_nom) ; aucun "
        f"marché sans lieu ni placé d’après l’acheteur : départements {deps}",
        "decp/aife_2019_flat.csv, lignes " + ", ".join(map(str, pick["_ligne"])),
        "colonnes réduites à 14 ; lieuExecution.code/typeCode/nom renommées lieu_code, lieu_typeCode, lieu_nom, "
        "acheteur.id renommée acheteur_id (noms d’un export « à plat » courant)",
    )
    dem = sh.json_records("local/boutalex_decp_rama_dematis__dematis25.json")[:6]
    flat = []
    for r in dem:
        t = r["titulaires"][0]["titulaire"] if r.get("titulaires") else {}
        flat.append(
            {
                "id": r["id"],
                "nature": r.get("nature"),
                "objet": r["objet"],
                "codecpv": r.get("codeCPV"),
                "procedure": r.get("procedure"),
                "dureemois": r.get("dureeMois"),
                "datenotification": r.get("dateNotification"),
                "datepublicationdonnees": r.get("datePublicationDonnees"),
                "montant": r.get("montant"),
                "formeprix": r.get("formePrix"),
                "acheteur.id": r["acheteur"]["id"],
                "lieuexecution.code": r["lieuExecution"]["code"],
                "lieuexecution.typecode": r["lieuExecution"]["typeCode"],
                "titulaire_id_1": t.get("id"),
                "titulaire_typeidentifiant_1": t.get("typeIdentifiant"),
            }
        )
    f = o.json("portail_plat.json", flat)
    case(
        "C02",
        g,
        f,
        "read_contracts",
        f"6 marchés avec code CPV (1er : {dem[0]['codeCPV']}), date de notification (1er : {dem[0]['dateNotification']}), "
        f"durée, lieu (département {dem[0]['lieuExecution']['code']}), acheteur_id {dem[0]['acheteur']['id']} et titulaire "
        "— aucun champ perdu ; aucun marché « indéterminé » faute de lieu",
        "decp/local/boutalex_decp_rama_dematis__dematis25.json, marchés 1 à 6",
        "aplatis avec les noms de champs en minuscules d’un portail Opendatasoft (dictionnaire du jeu "
        "« decp_commande_public_2022 » de data.grandest.fr : codecpv, dureemois, datenotification, acheteur.id, "
        "lieuexecution.code, lieuexecution.typecode, titulaire_id_1…) : liste JSON d’objets plats",
    )
    norm = [
        {
            "id": r["id"],
            "idacheteur": r["acheteur"]["id"],
            "nature": r.get("nature"),
            "objet": r["objet"],
            "codecpv": r.get("codeCPV"),
            "lieuxexecution_code": r["lieuExecution"]["code"],
            "lieuxexecution_typecode": r["lieuExecution"]["typeCode"],
            "procedure": r.get("procedure"),
            "dureemois": r.get("dureeMois"),
            "datenotification": r.get("dateNotification"),
            "montant": r.get("montant"),
            "idtitulaire_1": (r["titulaires"][0]["titulaire"] or {}).get("id")
            if r.get("titulaires")
            else None,
        }
        for r in dem
    ]
    f = o.write("portail_plat_normandie.csv", pd.DataFrame(norm).to_csv(index=False, sep=";"))
    case(
        "C03",
        g,
        f,
        "read_contracts",
        "6 marchés ; idacheteur → acheteur_id, lieuxexecution_code/typecode (sic) → lieu, idtitulaire_1 → titulaire, "
        "codecpv, dureemois, datenotification reconnus ; aucun marché sans lieu",
        "decp/local/boutalex_decp_rama_dematis__dematis25.json, marchés 1 à 6",
        "aplatis avec les noms de colonnes du portail de la Région Normandie (jeu tbl_decp_dftlv : idacheteur, "
        "lieuxexecution_code, idtitulaire_1…), séparateur ;",
    )
    # the library's own canonical table, as write_csv writes it (built here by hand, not by the library)
    R = Rows(sh, PLACED)
    geo = {
        "MORLAIX": ("29151", "29", "53"),
        "GUINGAMP": ("22070", "22", "53"),
        "LORIENT": ("56121", "56", "53"),
        "DINAN": ("22050", "22", "53"),
        "BREST": ("29019", "29", "53"),
    }
    can = []
    for ln, r in zip(R.lines, R.rows, strict=True):
        ins, dep, reg = geo[r[4]]
        can.append(
            {
                "id_contrat": r[0],
                "acheteur_id": "23350001600040",
                "acheteur_nom": "Région Bretagne",
                "objet": r[1],
                "code_cpv": r[2].split("-")[0],
                "procedure": r[3],
                "categorie_procedure": "MAPA" if "adapt" in r[3] else "Formalisé",
                "montant": euros(r[7]),
                "montant_nature": "initial",
                "duree_mois": float(r[5]),
                "date_notification": dt.datetime.strptime(r[6], "%d/%m/%Y").date().isoformat(),
                "lieu_code": ins,
                "lieu_type": "commune",
                "commune_insee": ins,
                "departement": dep,
                "region": reg,
                "titulaires": r[8],
                "doublon": False,
                "source_fichier": "export_2019.csv",
                "source_ligne": ln,
                "alertes": "",
            }
        )
    f = o.write("table_canonique_relue.csv", pd.DataFrame(can).to_csv(index=False))
    case(
        "C04",
        g,
        f,
        "read_contracts",
        "8 marchés ; toutes les colonnes canoniques reconnues à l’identique (code_cpv, duree_mois, date_notification, "
        "lieu_code, lieu_type, commune_insee, departement, region, montant_nature…) ; commune_insee de la ligne 2 = 29151 ; "
        "rien en source_ sauf éventuellement source_fichier/source_ligne d’origine",
        R.src(),
        "mis aux noms de colonnes de la table canonique (CONTRACT_COLUMNS) comme l’écrit `contrats --csv`, "
        "lieux résolus à la main (INSEE des communes nommées)",
    )
    abbr = [
        "N° MARCHE",
        "OBJET DU MARCHE",
        "CPV",
        "PROC.",
        "LIEU EXEC.",
        "DUREE (MOIS)",
        "DATE NOTIF.",
        "MT HT (€)",
        "ATTRIBUTAIRE",
    ]
    f = o.write("entetes_abreges.csv", text_csv(R.rows, header=abbr))
    case(
        "C05",
        g,
        f,
        "read_contracts",
        f"8 marchés ; « DATE NOTIF. » → date de notification (ligne 2 = 2019-01-24), « MT HT (€) » → montant "
        f"(ligne 2 = {euros(R.rows[0][7]):.0f}), « PROC. » → procédure, « LIEU EXEC. » → lieu (ligne 2 : Morlaix 29151)",
        R.src(),
        "en-têtes abrégés en majuscules",
    )
    units = [
        "N° de marché",
        "Objet du marché *",
        "Code CPV principal *",
        "Procédure de passation",
        "Lieu d'exécution (commune)",
        "Durée (en mois)",
        "Date de notification (jj/mm/aaaa)",
        "Montant (€ HT)",
        "Titulaire (raison sociale)",
    ]
    f = o.write("entetes_unites.csv", text_csv(R.rows, header=units))
    case(
        "C06",
        g,
        f,
        "read_contracts",
        "8 marchés ; les 9 en-têtes reconnus malgré astérisques, unités et précisions entre parenthèses ; aucune colonne "
        "en source_",
        R.src(),
        "en-têtes d’un modèle de saisie (astérisques d’obligation, unités)",
    )
    ac = sh.bre[(sh.bre["Nature"] == "Accord cadre") & (sh.bre["Montant prévu"] != "")].head(8)
    rows = [
        [
            r["Id du marché"],
            r["Objet marché"],
            r["Code CPV"],
            r["Procédure"],
            r["Durée mois"],
            r["Date notification"],
            "0,00",
            r["Montant prévu"],
        ]
        for _, r in ac.iterrows()
    ]
    hdr = [
        "Id du marché",
        "Objet marché",
        "Code CPV",
        "Procédure",
        "Durée mois",
        "Date notification",
        "Montant minimum HT",
        "Montant maximum HT",
    ]
    f = o.write("montants_minimum_maximum.csv", text_csv(rows, header=hdr))
    case(
        "C07",
        g,
        f,
        "read_contracts",
        f"8 accords-cadres ; montant = colonne « Montant maximum HT » (ligne 2 = {euros(rows[0][7]):.0f}), "
        "montant_nature « maximum » ; le minimum (0,00) jamais pris comme montant ; pas d’alerte « montant nul »",
        f"{BRE_FILE}, lignes {', '.join(map(str, ac['_ligne']))} (accords-cadres, « Montant prévu »)",
        "colonne « Montant prévu » renommée « Montant maximum HT » ; colonne « Montant minimum HT » ajoutée à 0,00 "
        "(accord-cadre sans minimum)",
    )
    rows = []
    for r in R.rows:
        t = (
            "Travaux"
            if r[2].startswith("45")
            else ("Fournitures" if r[2][:2] in ("09", "39") else "Services")
        )
        rows.append([r[0], r[1], r[2], t, r[3], r[4], r[5], r[6], r[7], r[8]])
    f = o.write("nature_type_de_marche.csv", text_csv(rows, header=H[:3] + ["Nature"] + H[3:]))
    case(
        "C08",
        g,
        f,
        "read_contracts",
        "8 marchés ; la colonne « Nature » qui contient Travaux/Services/Fournitures lue comme type_marche (ligne 2 = "
        "Travaux, ligne 4 = Services) ; nature vide ou « Marché », jamais « Travaux »",
        R.src(),
        "colonne « Nature » ajoutée, remplie du type de marché déduit de la division CPV (45 → Travaux, 09/39 → "
        "Fournitures, sinon Services)",
    )
    rows = []
    for r in R.rows:
        start = dt.datetime.strptime(r[6], "%d/%m/%Y").date()
        months = int(r[5])
        y, m = divmod(start.month - 1 + months, 12)
        end = dt.date(start.year + y, m + 1, 1) - dt.timedelta(days=1)
        rows.append(
            [
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[6],
                start.strftime("%d/%m/%Y"),
                end.strftime("%d/%m/%Y"),
                r[7],
                r[8],
            ]
        )
    hdr = [
        "Id du marché",
        "Objet marché",
        "Code CPV",
        "Procédure",
        "Lieu exécution",
        "Date notification",
        "Date de début",
        "Date de fin",
        "Montant initial (Ht)",
        "Titulaire/Mandataire",
    ]
    f = o.write("dates_debut_fin_sans_duree.csv", text_csv(rows, header=hdr))
    case(
        "C09",
        g,
        f,
        "read_contracts",
        f"8 marchés ; duree_mois déduite des dates de début et de fin (ligne 2 = {R.rows[0][5]} mois, à ±1) et "
        f"date_fin_estimee = « Date de fin » (ligne 2 = {rows[0][7]}) ; pas d’alerte « durée absente » au diagnostic",
        R.src(),
        "« Durée mois » remplacée par « Date de début » (= notification) et « Date de fin » (début + durée réelle)",
    )
    fl = sh.flat
    want = ["73065", "06364", "FR", "FRB06", "76", "09310"]
    parts = [fl[fl.code_postal_acheteur == c].head(2) for c in want]
    pick = pd.concat(parts)
    f = o.write("code_postal_acheteur_melange.csv", pick.drop(columns="_ligne").to_csv(index=False))
    case(
        "C10",
        g,
        f,
        "read_contracts",
        f"{len(pick)} marchés ; colonne « code_postal_acheteur » lue comme lieu d’exécution de type inconnu, chaque code résolu "
        "selon sa forme : 73065 → commune de Chambéry (73065, code INSEE ; aucun code postal 73065), 06364 → "
        "code CEDEX → département 06, FR → France entière (pas « indéterminé » ni un département), FRB06 → code NUTS → "
        "Loiret (45), 76 → département 76, 09310 → ambigu (INSEE et postal) signalé",
        "decp/local/antoninsanz__decp_flat_2021_2026.csv, lignes " + ", ".join(map(str, pick["_ligne"])),
        "aucun (lignes réelles choisies pour la forme de leur code de lieu)",
    )
    holders = [
        [r[1], r[6], r[8], sh.bre.set_index("_ligne").at[ln, "Code Postal_Titulaire"], r[7]]
        for ln, r in zip(R.lines, R.rows, strict=True)
    ]
    f = o.write(
        "titulaire_et_code_postal.csv",
        text_csv(holders, header=["Objet", "Date de notification", "Titulaire", "Code postal", "Montant HT"]),
    )
    case(
        "C11",
        g,
        f,
        "read_contracts",
        "8 marchés ; « Code postal » qui suit « Titulaire » reconnu comme celui du titulaire, PAS comme lieu "
        "d’exécution : la ligne 2 (GIRARDEAU, 86110) n’est pas placée dans la Vienne (86) ; lieu absent → alerte",
        R.src() + " (colonne Code Postal_Titulaire)",
        "colonnes réduites à Objet, Date, Titulaire, Code postal (du titulaire), Montant",
    )
    f = o.write(
        "entete_DATE_seule.csv",
        text_csv([[r[1], r[6], r[7]] for r in R.rows], header=["OBJET", "DATE", "MONTANT"]),
    )
    case(
        "C12",
        g,
        f,
        "read_contracts",
        "8 marchés ; la seule colonne de date « DATE » reconnue comme date de notification (ligne 2 = 2019-01-24)",
        R.src(),
        "réduit à trois colonnes OBJET, DATE, MONTANT",
    )
    rama = [
        "id",
        "uid",
        "acheteur.id",
        "acheteur.nom",
        "nature",
        "objet",
        "codeCPV",
        "procedure",
        "lieuExecution.code",
        "lieuExecution.typeCode",
        "lieuExecution.nom",
        "dureeMois",
        "dateNotification",
        "montant",
        "titulaire.id",
        "titulaire.denominationSociale",
    ]
    b = sh.bre.set_index("_ligne")
    rows = []
    for ln in [103, 104, 151, 152, 153]:
        r = b.loc[ln]
        rows.append(
            [
                r["Id du marché"],
                "23350001600040" + r["Id du marché"],
                "23350001600040",
                "Conseil régional de Bretagne",
                r["Nature"],
                r["Objet marché"],
                r["Code CPV"].split("-")[0],
                r["Procédure"],
                "35238",
                "Code commune",
                "Rennes",
                r["Durée mois"],
                dt.datetime.strptime(r["Date notification"], "%d/%m/%Y").date().isoformat(),
                (r["Montant initial (Ht)"] or r["Montant prévu"]).replace(" ", "").replace(",", "."),
                r["Siret_Titulaire"],
                r["Titulaire/Mandataire"],
            ]
        )
    f = o.write("decp_rama_csv.csv", text_csv(rows, header=rama, sep=",", newline="\n"))
    case(
        "C13",
        g,
        f,
        "read_contracts",
        "2 marchés (90131 : 2 titulaires ; 90183 : 3 titulaires) regroupés par uid ; acheteur.id, lieuExecution.*, "
        "titulaire.id/denominationSociale reconnus ; commune 35238",
        f"{BRE_FILE}, lignes 103, 104, 151, 152, 153",
        "mis au format CSV de decp-rama (une ligne par titulaire, colonnes id, uid, acheteur.id, …, titulaire.id ; "
        "exemple publié par C. Maudry) ; lieu mis à Rennes 35238 (siège de l’acheteur ; absent de l’export)",
    )


def amounts(o: Out, sh: Shared) -> None:
    g = "montants"
    R = Rows(sh, PLACED)

    def vary(name, forms, header=H, note="", src=None):
        rows = [list(r) for r in R.rows]
        for i, v in forms.items():
            rows[i][7] = v
        o.write(name, text_csv(rows, header=header))
        return rows

    vals = [round(euros(r[7])) for r in R.rows]

    def dot(x):
        return f"{x:,}".replace(",", ".") + " €"

    rows = vary("montant_point_milliers.csv", {i: dot(vals[i]) for i in range(8)})
    case(
        "M01",
        g,
        "montant_point_milliers.csv",
        "read_contracts",
        f"8 marchés ; « {rows[0][7]} » → {vals[0]:.0f}, « {rows[1][7]} » → {vals[1]:.0f}, « {rows[6][7]} » → {vals[6]:.0f} "
        "(point = séparateur de milliers quand suivi de 3 chiffres et sans décimales) ; aucun montant 38,8 ni 12,2",
        R.src(),
        "montants arrondis à l’euro et écrits avec un point de milliers et « € » (« 38.800 € »)",
    )

    def eng(x):
        return "€" + f"{x:,}"

    rows = vary("montant_anglais.csv", {i: eng(vals[i]) for i in range(8)})
    case(
        "M02",
        g,
        "montant_anglais.csv",
        "read_contracts",
        f"8 marchés ; « {rows[0][7]} » → {vals[0]:.0f}, « {rows[1][7]} » → {vals[1]:.0f} ; à défaut une alerte « montant "
        "ambigu » — jamais 38,8 en silence",
        R.src(),
        "montants arrondis à l’euro, écrits à l’anglaise « €38,800 » (symbole devant, virgule de milliers)",
    )
    rows = vary("montant_de_remplissage.csv", {2: "999 999 999,00", 5: "9 999 999,99", 6: "999999999"})
    case(
        "M03",
        g,
        "montant_de_remplissage.csv",
        "read_contracts puis diagnose",
        "8 marchés ; lignes 4, 7 et 8 : alerte « montant de remplissage (999 999 999) » et montant exclu des totaux "
        "(vide ou marqué) ; la synthèse du diagnostic ne compte pas ces 2 milliards",
        R.src(),
        "montants des lignes 4, 7, 8 remplacés par des valeurs de remplissage 999 999 999,00 / 9 999 999,99 / 999999999",
    )
    hdr = H[:7] + ["Montant TTC", "Montant HT", H[8]]
    rows = [r[:7] + [fr_amount(euros(r[7]) * 1.2), r[7], r[8]] for r in R.rows]
    f = o.write("montant_ttc_avant_ht.csv", text_csv(rows, header=hdr))
    case(
        "M04",
        g,
        f,
        "read_contracts",
        f"8 marchés ; montant = colonne « Montant HT » (ligne 2 = {vals[0]:.0f}, pas {vals[0] * 1.2:.0f}) ; la colonne TTC "
        "gardée à part ou ignorée",
        R.src(),
        "colonne « Montant TTC » (= HT × 1,2) insérée AVANT « Montant HT » ; « Montant initial (Ht) » renommée « Montant HT »",
    )
    rows = [r[:7] + [fr_amount(euros(r[7]) * 1.2), r[8]] for r in R.rows]
    f = o.write("montant_ttc_seul.csv", text_csv(rows, header=H[:7] + ["Montant TTC", H[8]]))
    case(
        "M05",
        g,
        f,
        "read_contracts",
        f"8 marchés ; montants lus avec l’alerte « montant TTC » (ou convertis en HT : ligne 2 = {vals[0]:.0f}) ; "
        "montant_nature dit « TTC » — jamais un TTC présenté comme HT en silence",
        R.src(),
        "seule colonne de montant : « Montant TTC » (= montant initial HT × 1,2)",
    )
    rows = vary("montant_k_euros.csv", {0: "38,8 k€", 1: "12,2 K€", 4: "72 k€ HT", 6: "0,1 M€"})
    case(
        "M06",
        g,
        "montant_k_euros.csv",
        "read_contracts",
        "8 marchés ; « 38,8 k€ » → 38800, « 12,2 K€ » → 12200, « 72 k€ HT » → 72000, « 0,1 M€ » → 100000 ; à défaut, "
        "montants vides avec alerte « montant non numérique » — jamais 38,8",
        R.src(),
        "montants des lignes 2, 3, 6, 8 arrondis et écrits en k€ / M€",
    )
    ac = sh.bre[
        (sh.bre["Nature"] == "Accord cadre")
        & (sh.bre["Montant prévu"] != "")
        & (sh.bre["Montant initial (Ht)"] == "")
    ].head(6)
    rows = [
        [
            r["Id du marché"],
            r["Objet marché"],
            r["Code CPV"],
            r["Procédure"],
            r["Lieu exécution"],
            r["Durée mois"],
            r["Date notification"],
            f"Sans minimum - Maximum : {r['Montant prévu']} € HT",
            r["Titulaire/Mandataire"],
        ]
        for _, r in ac.iterrows()
    ]
    f = o.write("montant_fourchette_texte.csv", text_csv(rows))
    case(
        "M07",
        g,
        f,
        "read_contracts",
        f"6 accords-cadres ; « Sans minimum - Maximum : {ac.iloc[0]['Montant prévu']} € HT » → "
        f"{euros(ac.iloc[0]['Montant prévu']):.0f}, montant_nature « maximum » ; à défaut vide avec alerte — jamais un "
        "montant fait des chiffres collés",
        f"{BRE_FILE}, lignes {', '.join(map(str, ac['_ligne']))} (« Montant prévu » des accords-cadres)",
        "le montant maximum réel écrit en phrase dans la colonne de montant",
    )
    rows = vary(
        "montant_texte_bpu.csv", {1: "Selon BPU", 3: "Sur bons de commande", 5: "Voir annexe financière"}
    )
    case(
        "M08",
        g,
        "montant_texte_bpu.csv",
        "read_contracts",
        "8 marchés ; lignes 3, 5, 7 : montant vide avec alerte « montant non numérique (« Selon BPU ») » ; les 5 autres lus",
        R.src(),
        "montants des lignes 3, 5, 7 remplacés par des mentions (« Selon BPU »…)",
    )
    rows = vary("montant_erreurs_excel.csv", {1: "#N/A", 2: "#VALEUR!", 3: "#DIV/0!", 4: "NaN", 5: "inf"})
    case(
        "M09",
        g,
        "montant_erreurs_excel.csv",
        "read_contracts",
        "8 marchés ; lignes 3 à 5 : montant vide avec alerte « erreur Excel (#N/A) » (ou « montant non numérique ») ; "
        "lignes 6-7 (« NaN », « inf ») : montant vide, alerte ; aucun inf dans la table ; pas d’exception",
        R.src(),
        "montants des lignes 3 à 7 remplacés par des valeurs d’erreur d’Excel et « NaN » / « inf » (export pandas)",
    )
    rows = vary("montant_negatif_parentheses.csv", {3: "(" + R.rows[3][7] + ")"})
    case(
        "M10",
        g,
        "montant_negatif_parentheses.csv",
        "read_contracts",
        f"8 marchés ; ligne 5 « ({R.rows[3][7]}) » (notation comptable) → -{euros(R.rows[3][7]):.2f} avec l’alerte « montant négatif » ; "
        "à défaut vide avec alerte — jamais le positif en silence",
        R.src(),
        "montant de la ligne 5 mis entre parenthèses (avoir, notation comptable)",
    )

    def xl_errors(wb):
        ws = wb.active
        rows = [typed(r) for r in R.rows]
        sheet(ws, rows)
        for r, code in ((3, "#DIV/0!"), (4, "#REF!")):
            c = ws.cell(row=r, column=8)
            c.value = code
            c.data_type = "e"

    f = o.xlsx("montant_erreurs_excel.xlsx", xl_errors)
    case(
        "M11",
        g,
        f,
        "read_contracts",
        "8 marchés ; H3 (#DIV/0!) et H4 (#REF!) : montant vide avec alerte « erreur Excel » ; pas d’exception",
        R.src(),
        "classeur ; cellules H3 et H4 remplacées par des valeurs d’erreur Excel (type « e »)",
    )


def dates(o: Out, sh: Shared) -> None:
    g = "dates et durées"
    R = Rows(sh, PLACED)

    def year_book(wb):
        rows = [typed(r) for r in R.rows]
        rows[1][6] = 2019
        rows[4][6] = 2019
        sheet(wb.active, rows)

    f = o.xlsx("annee_seule_nombre.xlsx", year_book)
    case(
        "D01",
        g,
        f,
        "read_contracts",
        "8 marchés ; lignes 3 et 6 (nombre 2019 dans la colonne de date) : date vide ou 2019-01-01 avec l’alerte « année "
        "seule (2019) » — jamais 1905-07-11 ; les autres dates inchangées",
        R.src(),
        "dates des lignes 3 et 6 remplacées par le nombre 2019 (année de notification réelle)",
    )
    rows = [list(r) for r in R.rows]
    rows[1][6], rows[2][6], rows[3][6] = "2019", "02/2019", "mai 2019"
    f = o.write("annee_ou_mois_seuls.csv", text_csv(rows))
    case(
        "D02",
        g,
        f,
        "read_contracts",
        "8 marchés ; « 2019 » → alerte « année seule » (date vide ou 2019-01-01) ; « 02/2019 » → 2019-02-01 avec "
        "l’alerte « jour absent » ; « mai 2019 » → 2019-05-01 avec la même alerte",
        R.src(),
        "dates des lignes 3, 4, 5 réduites à l’année ou au mois (réels)",
    )
    rows = [list(r) for r in R.rows]
    for r in rows:
        d = dt.datetime.strptime(r[6], "%d/%m/%Y")
        r[6] = d.strftime("%m/%d/%Y")
    f = o.write("dates_mois_jour.csv", text_csv(rows))
    case(
        "D03",
        g,
        f,
        "read_contracts",
        "8 marchés ; format MM/JJ/AAAA reconnu sur la colonne (des valeurs comme « 01/24/2019 » n’ont pas de sens en "
        "JJ/MM) : ligne 2 = 2019-01-24, ligne 4 = 2019-05-14, ligne 5 = 2019-06-14 ; alerte ou note « dates au format américain » ; jamais "
        "la moitié des dates illisibles et l’autre moitié inversées",
        R.src(),
        "dates réécrites au format américain MM/JJ/AAAA",
    )

    def mac(wb):
        wb.epoch = CALENDAR_MAC_1904
        sheet(wb.active, [typed(r) for r in R.rows])

    f = o.xlsx("classeur_mac_1904.xlsx", mac)
    case(
        "D04",
        g,
        f,
        "read_contracts",
        "8 marchés ; dates exactes malgré le calendrier 1904 du classeur (ligne 2 = 2019-01-24, pas 2023-01-25)",
        R.src(),
        "classeur enregistré avec le calendrier Mac 1904 (date1904=1), dates saisies en dates",
    )
    rows = [list(r) for r in R.rows]
    rows[1][5] = "jusqu'au 31/12/2025"
    rows[2][5] = "du 14/05/2019 au 13/05/2023"
    rows[3][5] = "jusqu’à fin 2019"
    f = o.write("duree_jusqu_au.csv", text_csv(rows))
    case(
        "D05",
        g,
        f,
        "read_contracts",
        "8 marchés ; ligne 3 « jusqu'au 31/12/2025 » (notifié le 14/02/2019) → 82 à 83 mois (écart des dates) ou vide "
        "avec alerte — jamais 31 ; ligne 4 « du 14/05/2019 au 13/05/2023 » → 48 mois — jamais 2019+… ; ligne 5 « jusqu’à "
        "fin 2019 » → environ 6 mois ou vide avec alerte — jamais 2019 mois",
        R.src(),
        "durées des lignes 3 à 5 écrites par une date de fin ou une période",
    )
    rows = [list(r) for r in R.rows]
    rows[1][5] = "6 mois (0,5 an)"
    rows[2][5] = "48 mois (4 ans)"
    rows[3][5] = "3 mois soit 90 jours"
    f = o.write("duree_double_unite.csv", text_csv(rows))
    case(
        "D06",
        g,
        f,
        "read_contracts",
        "8 marchés ; « 6 mois (0,5 an) » → 6 ; « 48 mois (4 ans) » → 48 (pas 96) ; « 3 mois soit 90 jours » → 3 (pas 5,96) ; "
        "à défaut alerte « durée à vérifier »",
        R.src(),
        "durées des lignes 3 à 5 écrites avec leur équivalent dans une autre unité",
    )
    rows = [list(r) for r in R.rows]
    for r in rows:
        r[5] = str(round(int(r[5]) * 30.4375))
    f = o.write("duree_en_jours_entete.csv", text_csv(rows, header=H[:5] + ["Durée (jours)"] + H[6:]))
    case(
        "D07",
        g,
        f,
        "read_contracts",
        f"8 marchés ; l’unité de l’en-tête « Durée (jours) » appliquée : ligne 2 « {rows[0][5]} » → {R.rows[0][5]} mois (±0,1), "
        f"pas {rows[0][5]} mois ; à défaut, alerte « durée aberrante » sur chaque ligne",
        R.src(),
        "durées converties en jours (mois × 30,4375, arrondi) sous l’en-tête « Durée (jours) »",
    )
    rows = [list(r) for r in R.rows]
    rows[2][6], rows[5][6] = "Non notifié", "En cours"
    f = o.write("date_texte_libre.csv", text_csv(rows))
    case(
        "D08",
        g,
        f,
        "read_contracts",
        "8 marchés ; lignes 4 et 7 : date vide avec l’alerte « date illisible (« Non notifié ») » (ou « date non "
        "renseignée ») ; pas de date inventée",
        R.src(),
        "dates des lignes 4 et 7 remplacées par « Non notifié » et « En cours »",
    )


def cpv(o: Out, sh: Shared) -> None:
    g = "cpv"
    R = Rows(sh, PLACED)
    rows = [list(r) for r in R.rows]
    rows[0][2] = rows[0][2] + " ; 45331000-6"
    rows[3][2] = "45421151-7, 45331000-6, 45310000-3"
    rows[4][2] = rows[4][2] + " / 45111100-9"
    f = o.write("cpv_plusieurs_codes.csv", text_csv(rows))
    case(
        "P01",
        g,
        f,
        "read_contracts",
        "8 marchés ; ligne 2 : 45300000 retenu avec l’alerte « plusieurs codes CPV (2) : premier retenu » ; ligne 5 : "
        "45421151 (3 codes) ; ligne 6 : 45262660 ; les codes secondaires cités dans l’alerte — jamais « code CPV inconnu » "
        "ni un code perdu sans le dire",
        R.src(),
        "codes CPV secondaires (réels, même famille) ajoutés aux lignes 2, 5, 6 séparés par « ; », « , », « / »",
    )
    rows = [list(r) for r in R.rows]
    for r in rows:
        r[2] = '="' + r[2].split("-")[0] + '"'
    rows2 = [list(r) for r in rows]
    rows2[0][0] = '="' + rows2[0][0] + '"'
    f = o.write("cpv_formule_excel.csv", text_csv(rows2))
    case(
        "P02",
        g,
        f,
        "read_contracts",
        "8 marchés ; cellules ="
        '"'
        "45300000"
        '"'
        " (forme Excel pour garder les zéros) → 45300000 sans alerte ; Id "
        '="90003" → 90003',
        R.src(),
        'codes CPV (sans chiffre de contrôle) et l’Id de la ligne 2 écrits ="…" comme le font les exports Excel',
    )
    mpi = sh.json_records("local/139bercy_decp-rama_json_2019__marches-publics.info.json")
    idx = [1415, 1416, 2769, 2770, 3004, 3006]
    recs = [mpi[i] for i in idx]
    o.json("cpv_chiffres_perdus.json", {"marches": recs})
    case(
        "P03",
        g,
        "cpv_chiffres_perdus.json",
        "read_contracts",
        "6 marchés ; « 4543100-7 » (zéro FINAL perdu, chiffre de contrôle 7 = celui de 45431000) → 45431000 (Carrelages) "
        "avec alerte, PAS 04543100 ; « 031210005 » (9 chiffres : code et contrôle collés) → 03121000 ; « 3111000 » et "
        "« 3451000 » (zéro initial perdu) → 03111000 et 03451000 avec alerte",
        "decp/local/139bercy_decp-rama_json_2019__marches-publics.info.json, index "
        + ", ".join(map(str, idx)),
        "aucun (codes réels)",
    )
    cpvt = pd.read_csv(sh.base / "cpv/cpv_2008_fr.csv", dtype=str).set_index("code")
    rows = [list(r) for r in R.rows]
    for i in (1, 4, 6):
        rows[i][2] = cpvt.at[rows[i][2].split("-")[0], "label_fr"]
    f = o.write("cpv_libelle_seul.csv", text_csv(rows))
    case(
        "P04",
        g,
        f,
        "read_contracts",
        f"8 marchés ; lignes 3, 6, 8 : le libellé CPV exact (« {rows[1][2]} ») retrouvé → {R.rows[1][2].split('-')[0]} avec "
        "l’alerte « code CPV retrouvé d’après son libellé » ; à défaut code vide avec alerte « libellé CPV sans code » — "
        "jamais le libellé gardé comme code",
        R.src() + " ; libellés de cpv/cpv_2008_fr.csv",
        "code CPV des lignes 3, 6, 8 remplacé par son libellé officiel",
    )


def places(o: Out, sh: Shared) -> None:
    g = "lieux"
    R = Rows(sh, [116, 203, 321, 400, 464, 571])
    rows = [list(r) for r in R.rows]
    post = {"RENNES": "35 000", "LORIENT": "56 100", "BREST": "29 200"}
    for r in rows:
        r[4] = post[r[4]]
    f = o.write("lieu_code_postal_espace.csv", text_csv(rows))
    case(
        "L01",
        g,
        f,
        "read_contracts",
        "6 marchés ; « 35 000 » → commune 35238 (Rennes), « 29 200 » → 29019 (Brest) : codes postaux à une seule "
        "commune — pas seulement le département ; « 56 100 » → 56121 (Lorient : l’espace est la forme d’un code postal), "
        "ou, à défaut, département 56 avec l’alerte « code ambigu » (56100 est aussi le code INSEE de Langonnet)",
        R.src(),
        "lieu (nom de commune) remplacé, dans la colonne « Lieu exécution », par le code postal unique de la "
        "commune écrit avec une espace",
    )
    dem = sh.json_records("local/boutalex_decp_rama_dematis__dematis13.json")
    recs = dem[4:12]
    o.json("lieu_etranger_code_pays.json", {"marches": {"marche": recs}})
    n99 = sum(str(r["lieuExecution"]["code"]).startswith("99") for r in recs)
    case(
        "L02",
        g,
        "lieu_etranger_code_pays.json",
        "read_contracts puis diagnose",
        f"8 marchés ; les {n99} au code pays 99xxx (Espagne 99134, Tchéquie 99116, Hongrie 99112…) : lieu_type "
        "« pays » / étranger, departement vide, alerte « lieu d’exécution à l’étranger » ; PAS le département de "
        "l’acheteur ; au diagnostic : niveau « indéterminé » ou faible justifié par l’étranger",
        "decp/local/boutalex_decp_rama_dematis__dematis13.json, marchés d’index 4 à 11",
        "aucun",
    )
    a = sh.aife
    pick = a[
        (a["lieuExecution.typeCode"] == "CODE DEPARTEMENT") & a["lieuExecution.nom"].str.match(r"\(\w+\) ")
    ]
    pick = pick.drop_duplicates("lieuExecution.code").head(8)
    rows = []
    for _, r in pick.iterrows():
        m = re.match(r"\((\w+)\) (.*)", r["lieuExecution.nom"])
        rows.append(
            [
                r["id"],
                r["objet"],
                r["codeCPV"],
                r["procedure"],
                f"{m.group(2)} ({m.group(1)})",
                r["dureeMois"],
                r["dateNotification"],
                r["montant"],
                r["titulaires.1.denominationSociale"].strip("[]'"),
            ]
        )
    f = o.write(
        "lieu_departement_parentheses.csv", text_csv(rows, header=H[:4] + ["Lieu d'exécution"] + H[5:])
    )
    deps = [re.match(r"\((\w+)\)", x).group(1) for x in pick["lieuExecution.nom"]]
    case(
        "L03",
        g,
        f,
        "read_contracts",
        "8 marchés ; « Nom (NN) » lu comme département : "
        + ", ".join(f"ligne {i + 2} → {d}" for i, d in enumerate(deps)),
        "decp/aife_2019_flat.csv, lignes " + ", ".join(map(str, pick["_ligne"])),
        "lieuExecution.nom « (73) Savoie » réécrit « Savoie (73) » dans une colonne « Lieu d'exécution » seule (sans code)",
    )
    R4 = Rows(sh, [3, 34, 116, 203, 291, 321])
    rows = [list(r) for r in R4.rows]
    cp_of = {
        "MORLAIX": "29600",
        "GUINGAMP": "22200",
        "RENNES": "35000",
        "LORIENT": "56100",
        "DINAN": "22100",
        "BREST": "29200",
    }
    for r in rows:
        r[4] = f"{r[4].title()} ({cp_of[r[4]]})"
    f = o.write("lieu_commune_code_postal.csv", text_csv(rows))
    case(
        "L04",
        g,
        f,
        "read_contracts",
        "6 marchés ; « Morlaix (29600) » → 29151, « Guingamp (22200) » → 22070, « Rennes (35000) » → 35238, "
        "« Lorient (56100) » → 56121, « Dinan (22100) » → 22050, « Brest (29200) » → 29019 ; aucune alerte « lieu inconnu »",
        R4.src(),
        "code postal de la commune ajouté entre parenthèses au nom (« Morlaix (29600) »)",
    )
    real = (
        sh.bre[sh.bre["Lieu exécution"].isin(["BRETAGNE", "RENNES CEDEX", "RENNES CEDEX 7"])]
        .drop_duplicates("Id du marché")
        .head(8)
    )
    R5 = Rows(sh, real["_ligne"].tolist())
    f = o.write("lieu_region_et_cedex.csv", text_csv(R5.rows))
    case(
        "L05",
        g,
        f,
        "read_contracts",
        "8 marchés ; « BRETAGNE » → région 53 (lieu_type région, pas de département inventé) ; « RENNES CEDEX » et "
        "« RENNES CEDEX 7 » → commune 35238",
        R5.src(),
        "aucun (valeurs réelles de « Lieu exécution »)",
    )
    pes = sh.json_records("local/139bercy_decp-rama_json_2019__data.gouv.fr_pes.json")
    recs = pes[0:4]
    o.json("lieu_code_inconnu_plusieurs_villes.json", {"marches": recs})
    case(
        "L06",
        g,
        "lieu_code_inconnu_plusieurs_villes.json",
        "read_contracts",
        "4 marchés ; lieu « INO » (type Code commune, nom « Angers Le Mans Nantes Tours ») : alerte « code de lieu inconnu "
        "(INO) » et « plusieurs communes nommées » ; aucune commune ni département choisi en silence",
        "decp/local/139bercy_decp-rama_json_2019__data.gouv.fr_pes.json, index 0 à 3",
        "aucun",
    )
    recs = pes[877:881]
    o.json("lieu_code_nuts.json", {"marches": recs})
    case(
        "L07",
        g,
        "lieu_code_nuts.json",
        "read_contracts",
        "4 marchés ; code « FRK26 » (type Code département, nom « RHONE ») → département 69 (NUTS FRK26 = Rhône, ou nom) "
        "avec une alerte de forme ; pas « lieu inconnu »",
        "decp/local/139bercy_decp-rama_json_2019__data.gouv.fr_pes.json, index 877 à 880",
        "aucun",
    )

    def insee_numbers(wb):
        pick = pd.concat(
            [
                a[(a["lieuExecution.code"] == "07510")].head(2),
                a[a["lieuExecution.nom"].isin(["(08) Ardennes", "(01) Ain", "(04) Alpes-de-Haute-Provence"])]
                .drop_duplicates("lieuExecution.nom")
                .head(3),
            ]
        )
        ws = wb.active
        hdr = [
            "id",
            "objet",
            "codeCPV",
            "montant",
            "dureeMois",
            "dateNotification",
            "Code lieu exécution",
            "Type code lieu",
        ]
        for j, h in enumerate(hdr, start=1):
            ws.cell(row=1, column=j, value=h)
        for i, (_, r) in enumerate(pick.iterrows(), start=2):
            vals = [
                r["id"],
                r["objet"],
                r["codeCPV"],
                float(r["montant"]),
                int(r["dureeMois"] or 0) or None,
                r["dateNotification"],
                int(r["lieuExecution.code"]),
                r["lieuExecution.typeCode"],
            ]
            for j, v in enumerate(vals, start=1):
                ws.cell(row=i, column=j, value=v)
        insee_numbers.lines = pick["_ligne"].tolist()
        insee_numbers.codes = list(
            zip(pick["lieuExecution.code"], pick["lieuExecution.typeCode"], strict=True)
        )

    f = o.xlsx("lieu_codes_en_nombres.xlsx", insee_numbers)
    case(
        "L08",
        g,
        f,
        "read_contracts",
        f"{len(insee_numbers.lines)} marchés ; codes saisis en nombres, zéro initial restauré selon le type : "
        + ", ".join(f"{int(c)} → {c} (département {sh.department(c, t)})" for c, t in insee_numbers.codes)
        + " — jamais « code postal 7510 inconnu » ni département 75",
        "decp/aife_2019_flat.csv, lignes " + ", ".join(map(str, insee_numbers.lines)),
        "colonnes réduites ; code de lieu écrit en nombre dans un classeur (le zéro initial disparaît)",
    )
    pick = pd.concat(
        [
            a[(a["lieuExecution.code"] == "06500")].drop_duplicates("lieuExecution.typeCode"),
            a[a["lieuExecution.code"] == "FR"].head(2),
            a[a["lieuExecution.code"] == "99"].head(2),
        ]
    )
    f = o.write("lieu_codes_aife_incoherents.csv", pick.drop(columns="_ligne").to_csv(index=False))
    case(
        "L09",
        g,
        f,
        "read_contracts",
        "6 marchés ; « 06500 » typé CODE COMMUNE nommé « Alpes-Maritimes » (pas un code INSEE) → département 06 avec "
        "alerte « code et nom incohérents » ; le même en CODE POSTAL → 06 (nom = département), pas Menton ; « FR / CODE "
        "PAYS / FRANCE » → France entière, pas le département de l’acheteur ; « 99 / ETRANGERS » → étranger, alerte",
        "decp/aife_2019_flat.csv, lignes " + ", ".join(map(str, pick["_ligne"])),
        "aucun",
    )
    mpi = sh.json_records("local/139bercy_decp-rama_json_2019__marches-publics.info.json")
    corse = [
        i
        for i, r in enumerate(mpi)
        if str((r.get("lieuExecution") or {}).get("code", "")).startswith(("20", "2A", "2B"))
        and len(str(r["lieuExecution"]["code"])) in (2, 5)
    ][:6]
    o.json("lieu_corse.json", {"marches": [mpi[i] for i in corse]})
    codes = [mpi[i]["lieuExecution"]["code"] for i in corse]
    case(
        "L10",
        g,
        "lieu_corse.json",
        "read_contracts",
        f"{len(corse)} marchés ; codes "
        + ", ".join(codes)
        + " résolus en Corse-du-Sud (2A) ou Haute-Corse (2B) ; jamais un "
        "département « 20 » (inexistant) ni « lieu inconnu » pour 20000 (Ajaccio)",
        "decp/local/139bercy_decp-rama_json_2019__marches-publics.info.json, index "
        + ", ".join(map(str, corse)),
        "aucun",
    )


def texts_and_encodings(o: Out, sh: Shared) -> None:
    mpi = sh.json_records("local/139bercy_decp-rama_json_2019__marches-publics.info.json")
    pes = sh.json_records("local/139bercy_decp-rama_json_2019__data.gouv.fr_pes.json")
    br = [i for i, r in enumerate(mpi) if "<br" in str(r.get("objet", "")) and r.get("montant")][:4]
    recs = [mpi[i] for i in br] + [pes[6], pes[791]]
    o.json("objets_html.json", {"marches": recs})
    case(
        "T01",
        "textes",
        "objets_html.json",
        "read_contracts",
        "6 marchés ; aucun objet ne contient « <br » ni « &#8217; » : <br /> remplacé par une espace ou un saut, &#8217; "
        "par ’ (« ACHAT D’UN APPAREIL… ») ; ni alerte d’objet absent",
        "decp/local/139bercy_decp-rama_json_2019__marches-publics.info.json index "
        + ", ".join(map(str, br))
        + " ; data.gouv.fr_pes.json index 6, 791",
        "aucun (objets réels)",
    )
    R = Rows(sh, PLACED)
    g = "encodages"
    f = o.write("mac_roman.csv", text_csv(R.rows), "mac_roman")
    case(
        "E01",
        g,
        f,
        "read_contracts",
        "8 marchés ; texte Mac Roman reconnu (« Procédure adaptée », « Kéroman ») avec une note d’encodage ; à défaut "
        "refus « encodage non reconnu » — jamais « ProcÈdure » en silence",
        R.src(),
        "réencodé en Mac Roman (export d’un Excel pour Mac ancien)",
    )
    rows = [list(r) for r in R.rows]
    for r in rows:
        r[7] = r[7] + " €"
    rows[2][1] = rows[2][1] + " (main d'œuvre comprise)"
    f = o.write("latin9_euro.csv", text_csv(rows), "iso-8859-15")
    case(
        "E02",
        g,
        f,
        "read_contracts",
        "8 marchés ; « € » (octet 0xA4 en ISO-8859-15) lu € et montants lus ; « œ » (0xBD) lu œ — jamais « ¤ » ni « ½ » "
        "dans les objets ; note d’encodage",
        R.src(),
        "« € » ajouté aux montants et « (main d'œuvre comprise) » à l’objet ligne 4, fichier en ISO-8859-15",
    )
    f = o.write("dos_cp850.csv", text_csv(R.rows), "cp850")
    case(
        "E03",
        g,
        f,
        "read_contracts",
        "8 marchés ; accents restaurés (« Procédure adaptée ») avec note « encodage DOS (CP850) » ; à défaut refus clair — "
        "jamais « Proc‚dure » en silence",
        R.src(),
        "réencodé en CP850 (export d’un ancien logiciel de gestion sous DOS)",
    )
    part1 = "\ufeff" + text_csv(R.rows[:4])
    part2 = "\ufeff" + text_csv(R.rows[4:])
    f = o.write("deux_exports_bom_milieu.csv", part1 + part2)
    case(
        "E04",
        g,
        f,
        "read_contracts",
        "8 marchés ; la ligne 6 (BOM + en-tête répété) écartée comme « en-tête répété » ; aucun marché d’identifiant "
        "« \\ufeffId du marché » ou « Id du marché »",
        R.src(),
        "deux exports UTF-8 avec BOM concaténés (copy a.csv+b.csv) : un BOM au début de la ligne 6",
    )


def duplicates(o: Out, sh: Shared) -> None:
    g = "doublons"
    b = sh.bre.set_index("_ligne")
    ln = 508
    row = [
        b.at[ln, h]
        for h in [
            "Objet marché",
            "Code CPV",
            "Procédure",
            "Lieu exécution",
            "Date notification",
            "Montant initial (Ht)",
        ]
    ]
    hdr = ["Objet", "Code CPV", "Procédure", "Lieu d'exécution", "Date de notification", "Montant HT"]
    others = Rows(sh, PLACED[:3])
    rows = [[r[1], r[2], r[3], r[4], r[6], r[7]] for r in others.rows] + [row] * 40
    f = o.write("lignes_identiques_sans_reference.csv", text_csv(rows, header=hdr))
    case(
        "X01",
        g,
        f,
        "read_contracts",
        "4 marchés, ou 43 lignes dont 40 identiques signalées « ligne répétée à l’identique (40 fois) » et comptées une "
        "fois dans les totaux (doublon marqué sur 39) ; jamais 43 marchés sans marque",
        f"{BRE_FILE}, lignes {', '.join(map(str, PLACED[:3]))} et {ln} (celle-ci répétée 40 fois)",
        "colonnes réduites (pas de référence ni de titulaire) ; la ligne 508 recopiée 40 fois (export répété par erreur)",
    )
    R1, R2 = Rows(sh, PLACED[:4]), Rows(sh, PLACED[4:])
    o.write("meme_nom/direction_a/marches.csv", text_csv(R1.rows))
    o.write("meme_nom/direction_b/marches.csv", text_csv(R2.rows))
    case(
        "X02",
        g,
        "meme_nom/direction_a/marches.csv | meme_nom/direction_b/marches.csv",
        "read_contracts([fichiers])",
        "8 marchés ; source_fichier distingue les deux fichiers (chemins différents, ex. « direction_a/marches.csv » et "
        "« direction_b/marches.csv ») ; les deux rapports de lecture aussi",
        f"{BRE_FILE}, lignes {', '.join(map(str, PLACED))}",
        "deux exports de directions différentes, même nom de fichier dans deux dossiers",
    )
    pes = sh.json_records("local/139bercy_decp-rama_json_2019__data.gouv.fr_pes.json")
    mpi = sh.json_records("local/139bercy_decp-rama_json_2019__marches-publics.info.json")
    pairs = [(756, 471), (711, 2941), (709, 821), (723, 2376)]
    o.json("deux_plateformes/pes.json", {"marches": [pes[i] for i, _ in pairs]})
    o.json("deux_plateformes/marches_publics_info.json", {"marches": [mpi[j] for _, j in pairs]})
    case(
        "X03",
        g,
        "deux_plateformes/pes.json | deux_plateformes/marches_publics_info.json",
        "read_contracts([fichiers])",
        "8 lignes, 4 marquées doublon (même SIRET acheteur et même identifiant, même montant, objet réécrit par l’autre "
        "plateforme : « ASSURANCE DU PERSONNEL 2019-2020 » / « ASSURANCE DU PERSONNEL-RISQUES STATUTAIRES ») ; totaux "
        "sur 4 marchés",
        "decp/local/139bercy_decp-rama_json_2019__data.gouv.fr_pes.json index "
        + ", ".join(str(i) for i, _ in pairs)
        + " ; …marches-publics.info.json index "
        + ", ".join(str(j) for _, j in pairs),
        "aucun (les mêmes marchés publiés par deux plateformes)",
    )
    f = "cli_marches.csv"
    case(
        "X04",
        g,
        f,
        "read_contracts([fichier, fichier])",
        "les 12 lignes de la seconde lecture marquées doublon (hors des totaux) avec leur alerte ; mieux : une note de "
        "lecture « fichier donné deux fois » ou une lecture unique ; jamais 24 marchés comptés",
        f"{BRE_FILE} (voir cli_marches.csv)",
        "le même chemin passé deux fois",
    )


def decp_forms(o: Out, sh: Shared) -> None:
    g = "formats DECP"
    croix = sh.json_records("croix_2019_2021.json")[:6]
    f = o.write("decp.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in croix))
    src = "decp/croix_2019_2021.json, enregistrements 1 à 6"
    case(
        "F01",
        g,
        f,
        "read_contracts",
        "6 marchés (JSON Lines : un marché par ligne), format « DECP JSON Lines » ; à défaut refus clair « JSON Lines » — "
        "pas « JSON mal formé ligne 2 »",
        src,
        'un enregistrement par ligne (JSON Lines), sans enveloppe {"marches": …}',
    )
    f = o.json("decp_un_marche.json", croix[0])
    case(
        "F02",
        g,
        f,
        "read_contracts",
        f"1 marché (id {croix[0]['id']}) : un objet marché seul, sans enveloppe, est lu",
        "decp/croix_2019_2021.json, 1er enregistrement",
        'l’enregistrement seul, sans {"marches": […]}',
    )
    dem = sh.json_records("local/boutalex_decp_rama_dematis__dematis25.json")[0]
    f = o.json("decp2022_marche_unique_objet.json", {"marches": {"marche": dem}})
    case(
        "F03",
        g,
        f,
        "read_contracts",
        f"1 marché (id {dem['id']}) : « marche » objet unique au lieu d’une liste (conversion XML → JSON d’un seul "
        "marché) lu",
        "decp/local/boutalex_decp_rama_dematis__dematis25.json, 1er marché",
        "« marche » réduit à l’objet, sans liste",
    )
    data = json.dumps({"marches": croix}, ensure_ascii=False).encode("utf-8")
    f = o.write("decp.json.gz", gzip.compress(data, mtime=0))
    case(
        "F04",
        g,
        f,
        "read_contracts",
        "6 marchés (fichier gzip décompressé) ; à défaut refus « fichier compressé (gzip) : le décompresser » — pas "
        "« fichier binaire » sans solution",
        src,
        "compressé en gzip (.json.gz, comme les téléchargements data.gouv.fr)",
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("decp_croix.json", data)
    f = o.write("decp_archive.zip", buf.getvalue())
    case(
        "F05",
        g,
        f,
        "read_contracts",
        "6 marchés lus du membre decp_croix.json, ou refus « archive ZIP (pas un classeur Excel) contenant "
        "decp_croix.json : l’extraire » — pas « classeur Excel illisible »",
        src,
        "mis dans une archive .zip",
    )


# ===================================================================================================
# Directories
# ===================================================================================================
def directories(o: Out, sh: Shared) -> None:
    g = "annuaires"
    e = sh.esat
    pick = pd.concat(
        [
            e[e["ET-Département Code"] == "01"].head(3),
            e[e["ET-N°FINESS"].isin(["090004920", "090784174"])],
            e[e["ET-Département Code"] == "73"].head(3),
        ]
    )
    f = o.write("esat_finess_2026_extrait.csv", pick.drop(columns="_ligne").to_csv(index=False))
    esrc = "providers/esat_finess_2026.csv, lignes " + ", ".join(map(str, pick["_ligne"]))
    first = pick.iloc[0]
    case(
        "R01",
        g,
        f,
        "read_directory",
        f"{len(pick)} prestataires reconnus comme liste FINESS des ESAT : type_structure ESAT pour tous ; raison sociale "
        f"« {first['ET-Raison sociale']} » ; commune {first['ET-Commune Code']} ; SIRET {first['ET-SIRET']} ; effectif = "
        "capacité autorisée ; jamais refusé faute de colonne de nom/localisation",
        esrc,
        "aucun (format réel de la liste officielle 2026, colonnes « ET-… »)",
    )
    z = pick.copy()
    for c in ("ET-Code Postal", "ET-Département Code", "ET-Commune Code", "EJ-N°FINESS", "ET-N°FINESS"):
        z[c] = z[c].map(lambda v: v.lstrip("0") if re.fullmatch(r"\d+", v) else v)
    f = o.write("esat_zeros_perdus.csv", z.drop(columns="_ligne").to_csv(index=False, sep=";"))
    case(
        "R02",
        g,
        f,
        "read_directory",
        f"{len(pick)} prestataires ; codes restaurés : code postal 1150 → 01150, département 1 → 01, commune 1047 → 01047 "
        "(Blyes) ; les ESAT de l’Ain localisés dans l’Ain, pas en 11 ni « code inconnu »",
        esrc,
        "zéros initiaux des codes postaux, départements, communes et FINESS supprimés (fichier ouvert et enregistré "
        "dans Excel), séparateur ;",
    )
    s = pick.copy()
    s["ET-SIRET"] = s["ET-SIRET"].map(lambda v: f"{int(v):.5E}".replace(".", ",") if v else v)
    f = o.write("esat_siret_scientifique.csv", s.drop(columns="_ligne").to_csv(index=False, sep=";"))
    case(
        "R03",
        g,
        f,
        "read_directory",
        f"{len(pick)} prestataires ; SIRET « 7,75545E+13 » (notation scientifique, chiffres perdus) : siret vide avec "
        "l’alerte « SIRET illisible : notation scientifique d’Excel » ; jamais un SIRET à 14 chiffres inventé "
        "(77554500000000)",
        esrc,
        "SIRET réécrits comme Excel les affiche en notation scientifique (6 chiffres significatifs)",
    )
    asp = sh.asp[sh.asp.department.isin(["01", "07"])].head(6)

    def floats(wb):
        ws = wb.active
        hdr = ["kind", "siret", "name", "naf", "address", "post_code", "city", "commune_insee", "lat", "lon"]
        for j, h in enumerate(hdr, start=1):
            ws.cell(row=1, column=j, value=h)
        for i, (_, r) in enumerate(asp.iterrows(), start=2):
            vals = [
                r["kind"],
                float(r["siret"]),
                r["name"],
                r["naf"],
                r["address"],
                int(r["post_code"]),
                r["city"],
                int(r["commune_insee"]),
                float(r["lat"]),
                float(r["lon"]),
            ]
            for j, v in enumerate(vals, start=1):
                ws.cell(row=i, column=j, value=v)

    f = o.xlsx("siae_nombres_xlsx.xlsx", floats)
    case(
        "R04",
        g,
        f,
        "read_directory",
        f"6 prestataires ; SIRET lus en flottants → « {asp.iloc[0]['siret']} » (14 chiffres, sans « .0 ») valides ; code "
        f"postal 1500 → 01500, commune 1004 → 01004 ; aucun « SIRET invalide »",
        "providers/siae_asp_2019_07.csv, lignes " + ", ".join(map(str, asp["_ligne"])),
        "mis dans un classeur avec SIRET en nombre flottant et codes postaux/INSEE en entiers",
    )
    merged_lines = [496, 673, 2138, 3072, 3357, 2436, 2735, 3489]
    m = sh.asp.set_index("_ligne").loc[merged_lines].reset_index()
    # The ASP's own 2019 match is wrong for two of them (a fuzzy name match): Marconne and Sainte-Hermine joined
    # the communes nouvelles Hesdin-la-Forêt (62447) and Saint-Jean-d'Hermine (85223) on 1 January 2025.
    fixed = {"MARCONNE": "62447", "STE HERMINE": "85223"}
    expected = [
        (
            r["city"],
            fixed.get(r["city"], r["commune_insee"]),
            sh.communes.at[fixed.get(r["city"], r["commune_insee"]), "nom"],
        )
        for _, r in m.iterrows()
    ]
    mm = m.drop(columns=["_ligne", "commune_insee", "lat", "lon", "geo_match"])
    f = o.write("siae_communes_fusionnees.csv", mm.to_csv(index=False))
    case(
        "R05",
        g,
        f,
        "read_directory",
        "8 prestataires localisés dans la commune actuelle (COG 2026) malgré l’ancien nom : "
        + "; ".join(f"{c} → {i} {n}" for c, i, n in expected)
        + " ; alerte « ancien nom de commune » au plus ; jamais « ville introuvable » ni le seul centre du département",
        "providers/siae_asp_2019_07.csv, lignes " + ", ".join(map(str, merged_lines)),
        "colonnes commune_insee, lat, lon, geo_match retirées (il reste code postal et ancien nom de commune de 2019) ; "
        "attendu corrigé pour MARCONNE et STE HERMINE, que la liste ASP rattachait par erreur à Marconnelle (62550) et "
        "Saint-Martin-Lars-en-Sainte-Hermine (85248) : ces communes ont rejoint au 1er janvier 2025 les communes nouvelles "
        "Hesdin-la-Forêt (62447) et Saint-Jean-d'Hermine (85223)",
    )
    from pyproj import Transformer

    tr_ = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    l93 = sh.asp[sh.asp.department == "73"].head(6).copy()
    xs, ys = tr_.transform(l93["lon"].astype(float).to_numpy(), l93["lat"].astype(float).to_numpy())
    l93b = l93.drop(columns=["_ligne", "lat", "lon", "geo_match"]).copy()
    l93b["X"] = [f"{x:.0f}" for x in xs]
    l93b["Y"] = [f"{y:.0f}" for y in ys]
    f = o.write("siae_lambert93_xy.csv", l93b.to_csv(index=False))
    case(
        "R06",
        g,
        f,
        "read_directory",
        "6 prestataires ; colonnes « X »/« Y » en mètres reconnues comme Lambert-93 (ordre de grandeur 900 000 / "
        "6 500 000) et converties : lat/lon à moins de 1 km du centre de leur commune ; à défaut gardées en source_ sans "
        "erreur",
        "providers/siae_asp_2019_07.csv, lignes " + ", ".join(map(str, l93["_ligne"])),
        "lat/lon (centres de commune) convertis en Lambert-93 (pyproj EPSG:4326 → EPSG:2154) dans des colonnes X, Y",
    )
    l93c = l93.drop(
        columns=["_ligne", "geo_match", "commune_insee", "post_code", "city", "department"]
    ).copy()
    l93c["lat"] = [f"{y:.0f}" for y in ys]
    l93c["lon"] = [f"{x:.0f}" for x in xs]
    f = o.write("siae_lambert93_dans_lat_lon.csv", l93c.to_csv(index=False))
    case(
        "R07",
        g,
        f,
        "read_directory",
        "6 prestataires ; valeurs de « lat »/« lon » hors bornes mais typiques du Lambert-93 : converties avec l’alerte "
        "« coordonnées Lambert-93 converties » → Savoie (73) ; à défaut « coordonnées impossibles » et « aucune "
        "localisation » — jamais une position inventée",
        "providers/siae_asp_2019_07.csv, lignes " + ", ".join(map(str, l93["_ligne"])),
        "colonnes d’adresse et de commune retirées ; lat/lon remplacés par les Y/X Lambert-93 des mêmes points",
    )
    sw = sh.asp[sh.asp.department == "38"].head(6).copy()
    sw2 = sw.drop(
        columns=["_ligne", "geo_match", "commune_insee", "post_code", "city", "department", "address"]
    ).copy()
    sw2["lat"], sw2["lon"] = sw["lon"].to_numpy(), sw["lat"].to_numpy()
    f = o.write("siae_lat_lon_inverses_sans_commune.csv", sw2.to_csv(index=False))
    case(
        "R08",
        g,
        f,
        "read_directory",
        f"6 prestataires ; lat {sw.iloc[0]['lon']} / lon {sw.iloc[0]['lat']} (hors de France, en Éthiopie) reconnus inversés "
        "→ remis en Isère (38) avec l’alerte « latitude et longitude inversées » ; à défaut « hors de France » et pas "
        "de département — jamais lat 5,7 gardée",
        "providers/siae_asp_2019_07.csv, lignes " + ", ".join(map(str, sw["_ligne"])),
        "colonnes d’adresse et de commune retirées ; lat et lon échangées",
    )
    ab = sh.asp[sh.asp.department == "59"].head(4).copy()
    ab_lines = ab["_ligne"].tolist()
    ab = ab.drop(columns=["_ligne", "geo_match", "lat", "lon"]).copy()
    ab.iloc[1, ab.columns.get_loc("address")] = "Rue des Sœurs Noires 12"
    ab.iloc[1, ab.columns.get_loc("post_code")] = "7500"
    ab.iloc[1, ab.columns.get_loc("city")] = "TOURNAI (BELGIQUE)"
    ab.iloc[1, ab.columns.get_loc("department")] = ""
    ab.iloc[1, ab.columns.get_loc("commune_insee")] = ""
    f = o.write("prestataire_etranger.csv", ab.to_csv(index=False))
    case(
        "R09",
        g,
        f,
        "read_directory",
        "4 prestataires ; la ligne 3 (Tournai, Belgique, code postal 7500) : alerte « adresse hors de France », "
        "departement vide ; JAMAIS placée à 07500 Guilherand-Granges (Ardèche) par ajout d’un zéro",
        "providers/siae_asp_2019_07.csv, lignes " + ", ".join(map(str, ab_lines)),
        "l’adresse de la 2e structure remplacée par une adresse belge (Tournai, 7500) : structure frontalière inventée "
        "pour le cas",
    )
    fx = sh.fixture[sh.fixture.employees != ""].copy()
    extra = sh.fixture[sh.fixture.employees == ""].head(3).copy()
    extra["employees"] = ["1 ou 2 salariés", "0 salarié", "250 salariés et plus"]
    band = pd.concat([fx, extra])
    f = o.write("siae_effectifs_tranches.csv", band.drop(columns="_ligne").to_csv(index=False))
    case(
        "R10",
        g,
        f,
        "read_directory",
        "15 prestataires ; effectif : « 1 000 à 1 999 salariés » → 1499,5, « 20 à 49 » → 34,5, « 6 à 9 » → 7,5, « 10 à 19 » "
        "→ 14,5, « 50 à 99 » → 74,5 (alerte « tranche ») ; « Non renseigné » → vide ; « 1 ou 2 salariés » → 1,5 ; "
        "« 0 salarié » → 0 ; « 250 salariés et plus » → 250 (borne basse) — aucune « effectif illisible » sur ces formes",
        "providers/siae_lemarche_fixture.csv, lignes " + ", ".join(map(str, band["_ligne"])),
        "les 12 lignes réelles à tranche d’effectif ; 3 autres lignes réelles reçoivent les libellés de tranches INSEE "
        "« 1 ou 2 salariés », « 0 salarié », « 250 salariés et plus »",
    )
    es = e[e["ET-Département Code"] == "38"].head(5)
    hdr = LEMARCHE_ESAT_HEADER
    etp = ["12,5 ETP", "8.5 ETP", "45 ETP", "-3", "0"]
    rows = [
        [
            r["ET-Raison sociale"],
            r["ET-SIRET"],
            "ESAT",
            "",
            r["ET-Adresse"],
            r["ET-Code Postal"],
            r["ET-Commune Libellé"],
            "",
            "",
            v,
        ]
        for (_, r), v in zip(es.iterrows(), etp, strict=True)
    ]
    f = o.write("esat_import_etp.csv", text_csv(rows, header=hdr, sep="|", newline="\n"))
    case(
        "R11",
        g,
        f,
        "read_directory",
        "5 prestataires ; effectif « 12,5 ETP » → 12,5 (pas 8,5) ; « 8.5 ETP » → 8,5 ; « 45 ETP » → 45 ; « -3 » → vide "
        "avec l’alerte « effectif négatif » ; « 0 » → 0 avec alerte « effectif nul »",
        "providers/esat_finess_2026.csv, lignes " + ", ".join(map(str, es["_ligne"])),
        "mis au format de l’import ESAT du Marché de l’inclusion ; effectifs (inconnus de FINESS) saisis à la main : "
        "12,5 ETP, 8.5 ETP, 45 ETP, -3, 0",
    )
    es2 = e[e["ET-Département Code"] == "73"].head(6)

    def notice(wb):
        ws = wb.active
        ws.title = "Notice"
        lines = [
            ["Import des ESAT - notice de remplissage"],
            [],
            ["Remplir une ligne par établissement, sans fusionner de cellules."],
            ["Colonnes obligatoires :", "Raison sociale", "Siret", "Code Postal", "Ville"],
            [
                "Colonnes facultatives :",
                "Métiers proposés",
                "Nombre de travailleurs dans la structure (en ETP)",
            ],
            ["Ne pas modifier les en-têtes de la feuille « ESAT »."],
        ]
        for i, line in enumerate(lines, start=1):
            for j, v in enumerate(line, start=1):
                ws.cell(row=i, column=j, value=v)
        ws2 = wb.create_sheet("ESAT")
        rows = [
            [
                r["ET-Raison sociale"],
                r["ET-SIRET"],
                "ESAT",
                "",
                r["ET-Adresse"],
                r["ET-Code Postal"],
                r["ET-Commune Libellé"],
                "",
                "",
                None,
            ]
            for _, r in es2.iterrows()
        ]
        sheet(ws2, rows, header=hdr)

    f = o.xlsx("notice_avant_tableau.xlsx", notice)
    case(
        "R12",
        g,
        f,
        "read_directory",
        "feuille « ESAT » lue : 6 prestataires ESAT de Savoie ; la notice (dont la ligne « Colonnes obligatoires : | "
        "Raison sociale | Siret | Code Postal | Ville ») n’est pas prise pour l’en-tête ; pas de refus",
        "providers/esat_finess_2026.csv, lignes " + ", ".join(map(str, es2["_ligne"])),
        "mis au format de l’import ESAT dans un classeur dont la 1re feuille est une notice de remplissage",
    )
    kinds = [
        "E.S.A.T.",
        "Etablissement et service d'aide par le travail",
        "Entreprise Adaptée",
        "Entreprise de Travail Temporaire d'Insertion",
        "Atelier et Chantier d'Insertion",
        "Association Intermédiaire",
    ]
    ty = sh.asp[sh.asp.department == "69"].head(6).copy()
    ty_lines = ty["_ligne"].tolist()
    orig = ty["kind"].tolist()
    ty = ty.drop(columns=["_ligne", "geo_match"])
    ty["kind"] = kinds
    f = o.write(
        "types_structure_libelles.csv", ty.rename(columns={"kind": "Type de structure"}).to_csv(index=False)
    )
    case(
        "R13",
        g,
        f,
        "read_directory",
        "6 prestataires ; types reconnus : ESAT, ESAT, EA, ETTI, ACI, AI — aucune alerte « type de structure inconnu »",
        "providers/siae_asp_2019_07.csv, lignes "
        + ", ".join(map(str, ty_lines))
        + f" (types réels : {', '.join(orig)})",
        "colonne kind renommée « Type de structure » et remplie de libellés longs ou pointés (ESAT et EA imposés pour le "
        "cas : ces structures sont des SIAE)",
    )
    pairs = []
    for _, grp in e.groupby("EJ-N°FINESS"):
        if (
            len(grp) == 2
            and grp["Capacité autorisée agrégée"].nunique() == 1
            and set(grp["ET-Type"]) == {"Principal", "Secondaire"}
        ):
            pairs.append(grp)
        if len(pairs) == 3:
            break
    cap = pd.concat(pairs)
    f = o.write("esat_capacite_repetee_site_secondaire.csv", cap.drop(columns="_ligne").to_csv(index=False))
    case(
        "R14",
        g,
        f,
        "read_directory",
        f"{len(cap)} prestataires ({len(pairs)} ESAT × principal + secondaire) ; sur chaque site secondaire, alerte « capacité identique à "
        "celle de l’établissement principal : capacité de l’ESAT répétée ? » ; la capacité totale des ESAT n’est pas "
        "doublée dans les estimations (effectif du secondaire vide ou marqué)",
        "providers/esat_finess_2026.csv, lignes " + ", ".join(map(str, cap["_ligne"])),
        "aucun (défaut réel signalé dans le README des données)",
    )
    lm = sh.fixture[sh.fixture.department.isin(["38", "31", "59", "69", "73"])].head(6)
    per = [
        "Rhône-Alpes",
        "Midi-Pyrénées",
        "Nord-Pas-de-Calais",
        "Isère, Savoie",
        "50 km",
        "Départements 38, 73 et 74",
    ]
    rows = [
        [r["name"], r["brand"], r["kind"], "", p, r["address"], r["post_code"], r["city"], "", "", ""]
        for (_, r), p in zip(lm.iterrows(), per, strict=True)
    ]
    f = o.write("perimetres_anciennes_regions.csv", text_csv(rows, header=LEMARCHE_HEADER))
    case(
        "R15",
        g,
        f,
        "read_directory",
        "6 prestataires ; périmètres : « Rhône-Alpes » → région 84 (alerte « ancienne région »), « Midi-Pyrénées » → 76, "
        "« Nord-Pas-de-Calais » → 32, « Isère, Savoie » → départements 38 et 73, « 50 km » → rayon 50, "
        "« Départements 38, 73 et 74 » → 3 départements ; aucun « périmètre illisible »",
        "providers/siae_lemarche_fixture.csv, lignes " + ", ".join(map(str, lm["_ligne"])),
        "mis au format du téléchargement du Marché de l’inclusion ; périmètres d’intervention saisis (inconnus de la source)",
    )


# ===================================================================================================
# Settings, command line, API, diagnostic outputs
# ===================================================================================================
def settings(o: Out) -> None:
    g = "paramètres"
    src = "aucune donnée (paramètres de tr.Settings, valeurs par défaut du projet)"
    items = [
        (
            "G01",
            "parametres_entier_texte.toml",
            'min_prestataires_fort = "trois"\n',
            "InputError nommant "
            "« min_prestataires_fort », la valeur « trois » et le type attendu (entier) ; pas de TypeError plus tard",
            "un entier écrit en lettres",
        ),
        (
            "G02",
            "parametres_date_texte.toml",
            'date_reference = "2025-06-30"\n',
            "date acceptée (convertie en "
            "2025-06-30) ou InputError « date_reference : date attendue (AAAA-MM-JJ sans guillemets) » ; jamais "
            "AttributeError/TypeError au diagnostic",
            "date entre guillemets (chaîne)",
        ),
        (
            "G03",
            "parametres_cp1252.toml",
            None,
            "lu (commentaire en Windows-1252 décodé, dependance_max = 0.25) ou "
            "InputError « fichier de paramètres : encodage non UTF-8 » ; jamais UnicodeDecodeError",
            "commentaire accentué, fichier enregistré en Windows-1252 (Bloc-notes ancien)",
        ),
        (
            "G04",
            "parametres_negatif.toml",
            "dependance_max = -0.3\nmin_prestataires_fort = -1\n",
            "InputError listant "
            "les 2 paramètres négatifs (bornes attendues : dependance_max entre 0 et 1, min_prestataires_fort ≥ 1)",
            "seuils négatifs",
        ),
        (
            "G05",
            "parametres_pourcentage.toml",
            "dependance_max = 30\n",
            "InputError « dependance_max doit être entre 0 et 1 (30 : un pourcentage ? écrire 0.3) »",
            "part écrite en pourcentage",
        ),
        (
            "G06",
            "parametres_bom.toml",
            None,
            "lu (BOM UTF-8 ignoré) : min_prestataires_fort = 4",
            "fichier UTF-8 avec BOM (Bloc-notes de Windows)",
        ),
        (
            "G07",
            "parametres_section.toml",
            "[seuils]\nmin_prestataires_fort = 5\ndependance_max = 0.4\n",
            "lu (clés de la "
            "section [seuils] prises) ou InputError nommant la section « [seuils] » et disant d’écrire les clés sans section",
            "clés rangées dans une section [seuils]",
        ),
        (
            "G08",
            "parametres_virgule_decimale.toml",
            "taux_fiphfp = 0,3\n",
            "InputError « fichier de paramètres illisible » "
            "citant la ligne 1 et suggérant 0.3 (point décimal)",
            "virgule décimale",
        ),
        (
            "G09",
            "parametres_flottant_entier.toml",
            "min_prestataires_fort = 3.5\n",
            "InputError « min_prestataires_fort : entier attendu (3.5) »",
            "décimal pour un nombre de prestataires",
        ),
        (
            "G10",
            "parametres_ca_zero.toml",
            "ca_par_etp = 0\ncout_horaire = 0\n",
            "InputError : ca_par_etp et cout_horaire doivent être > 0 (division par zéro sinon)",
            "valeurs nulles utilisées comme diviseurs",
        ),
        (
            "G11",
            "parametres_incoherents.toml",
            "seuil_lot_reserve = 40\nseuil_reservation = 30\n",
            "InputError « paramètre retiré » pour les deux seuils d’une version antérieure, "
            "avec la raison (la réservation suit le niveau de chaque secteur)",
            "fichier de paramètres d’une version antérieure",
        ),
        (
            "G12",
            "parametres_booleen.toml",
            "min_prestataires_fort = true\n",
            "InputError « min_prestataires_fort : entier attendu (true) » (un booléen n’est pas un entier)",
            "booléen pour un entier",
        ),
        (
            "G13",
            "parametres_cle_accentuee.toml",
            "dépendance_max = 0.4\n",
            "InputError citant la ligne 1 et suggérant "
            "« dependance_max » (sans accent : une clé TOML nue n’admet pas « é ») — pas seulement « Expected '=' after a key »",
            "nom de clé accentué",
        ),
        (
            "G14",
            "parametres_vide.toml",
            "# aucun paramètre : valeurs par défaut\n",
            "lu : Settings() par défaut (min_prestataires_fort = 3)",
            "fichier sans clé",
        ),
    ]
    for cas, name, text, attendu, change in items:
        if cas == "G03":
            data = "# paramètres de l'étude — février\ndependance_max = 0.25\n".encode("cp1252")
            o.write(name, data)
        elif cas == "G06":
            o.write(name, "\ufeffmin_prestataires_fort = 4\n")
        else:
            o.write(name, text)
        case(cas, g, name, "Settings.from_toml", attendu, src, change)
    case(
        "G15",
        g,
        "",
        'python : tr.Settings(min_prestataires_fort="3", dependance_max=-1)',
        "erreur à la construction (InputError ou ValueError en français nommant les deux champs) ; pas un Settings "
        "accepté qui échoue plus loin",
        src,
        "",
    )
    case(
        "G16",
        g,
        "parametres_entier_texte.toml",
        "transferability diagnostic {corpus}/cli_marches.csv --parametres {fichier} -o {tmp}/r.xlsx",
        "code de sortie 1, « Erreur : … min_prestataires_fort … » en français, pas de trace Python",
        src,
        "",
    )


def cli(o: Out, sh: Shared) -> None:
    g = "ligne de commande"
    R = Rows(sh, PLACED + MORE[:4])
    o.write("cli_marches.csv", text_csv(R.rows))
    o.xlsx("cli_marches.xlsx", lambda wb: sheet(wb.active, [typed(r) for r in R.rows]))
    src = f"cli_marches.csv : {R.src()} (sans défaut)"
    items = [
        (
            "K01",
            "transferability diagnostic {fichier} -o {tmp}",
            "-o est un dossier : code de sortie 1 ou 2, message "
            "« -o : {tmp} est un dossier, donner un nom de fichier .xlsx », pas de trace (IsADirectoryError)",
        ),
        (
            "K02",
            "transferability diagnostic {fichier} -o {tmp}/lecture_seule/r.xlsx",
            "dossier en lecture seule "
            "(chmod 555) : code 1 ou 2, message « impossible d’écrire … (droits) », pas de PermissionError en trace",
        ),
        (
            "K03",
            "transferability diagnostic {fichier} -o {tmp}/verrou.xlsx",
            "fichier existant non inscriptible (comme "
            "un classeur ouvert dans Excel ; chmod 444) : code 1 ou 2, message « fichier ouvert dans Excel ou protégé ? », pas de trace",
        ),
        (
            "K04",
            "transferability diagnostic {fichier} --csv {tmp}/absent/d.csv -o {tmp}/r.xlsx",
            "dossier du --csv "
            "absent : code 1 ou 2, message nommant le dossier manquant (idéalement avant le diagnostic), pas de trace",
        ),
        (
            "K05",
            "transferability classer {fichier} -o {tmp}/absent/c.csv",
            "dossier de -o absent : code 1 ou 2, message, pas de trace (OSError)",
        ),
        (
            "K06",
            "transferability contrats {tmp}/illisible.csv",
            "copie de cli_marches.csv en chmod 000 : code 1, message "
            "« fichier illisible (droits) », pas de PermissionError en trace",
        ),
        (
            "K07",
            "transferability contrats {fichier} | head -1",
            "sortie coupée par head : pas de BrokenPipeError ni "
            "« Exception ignored » sur stderr ; code 0 ou 141",
        ),
        (
            "K08",
            "PYTHONIOENCODING=cp1252 transferability contrats {fichier}",
            "console Windows-1252 : rapport affiché "
            "(caractères absents de cp1252 comme « → » remplacés), code 0, pas d’UnicodeEncodeError",
        ),
        (
            "K09",
            "transferability diagnostic {corpus}/cli_marches.xlsx --par-lots -o {tmp}/r.xlsx",
            "--par-lots sur un "
            ".xlsx : code 1, message « --par-lots lit un fichier consolidé CSV ou parquet ; pour un classeur, retirer "
            "--par-lots », pas de trace",
        ),
        (
            "K10",
            "transferability diagnostic {fichier} -o {tmp}/rapport.csv",
            "code 1 ou 2 avec message « -o écrit un "
            "classeur .xlsx ; pour un CSV utiliser --csv » — ou un vrai CSV ; jamais un .xlsx nommé .csv",
        ),
        (
            "K11",
            "transferability diagnostic {corpus}/README.md",
            "code 1, message « ce fichier n’est pas un fichier de "
            "marchés (texte Markdown) » ; jamais un diagnostic de dizaines de marchés « indéterminé » avec code 0",
        ),
        (
            "K12",
            "transferability diagnostic {fichier} --territoire 38 -o {tmp}/r.xlsx",
            "les 6 marchés, d’acheteurs de 6 départements hors de l’Isère ({deps}), ne sont pas mis en Isère en "
            "silence : avertissement « --territoire 38 appliqué à N marchés de k acheteurs » affiché, ou seuls les "
            "acheteurs du territoire reçoivent 38",
        ),
        (
            "K13",
            "transferability diagnostic {corpus}/cli_marches.csv --par-lots --taille-lot 0 -o {tmp}/r.xlsx",
            "code 2, message d’usage « --taille-lot doit être un entier positif », pas de trace",
        ),
        (
            "K14",
            "transferability diagnostic {tmp}/copie.xlsx -o {tmp}/copie.xlsx",
            "entrée = sortie : code 1, "
            "message « le rapport écraserait le fichier de marchés », copie.xlsx inchangé",
        ),
        (
            "K15",
            "transferability prestataires {fichier}",
            "fichier de marchés donné comme annuaire : code 1, message "
            "« ceci ressemble à un fichier de marchés (Objet, Code CPV…) : utiliser `transferability contrats` »",
        ),
        (
            "K16",
            "transferability contrats {corpus}",
            "un dossier en entrée : code 1, message « est un dossier : donner "
            "les fichiers » (ou lecture de ses fichiers), pas d’IsADirectoryError",
        ),
        (
            "K17",
            "transferability diagnostic {fichier} --csv {tmp}/d.csv -q",
            "d.csv lisible par Excel français : séparateur « ; » et UTF-8 avec BOM (ou option documentée)",
        ),
        (
            "K18",
            "transferability diagnostic {fichier} --territoire Savoie -o {tmp}/r.xlsx",
            "nom accepté (→ 73) ou code 1 avec message listant la forme attendue ; pas de trace",
        ),
        (
            "K19",
            "transferability classer {fichier} -o {tmp}/c.csv --revue {tmp}/rv.xlsx --n-revue -5",
            "code 2, message d’usage « --n-revue doit être positif »",
        ),
        (
            "K20",
            "transferability diagnostic --exemple --annuaire {fichier} -o {tmp}/r.xlsx",
            "fichier de marchés donné "
            "comme --annuaire : code 1, message clair (« pas un annuaire : colonnes de marchés ») ; pas de trace",
        ),
    ]
    for cas, appel, attendu in items:
        case(cas, g, "cli_marches.csv" if "{fichier}" in appel else "", appel, attendu, src, "")
    e = sh.json_records("local/139bercy_decp-rama_json_2019__e-marchespublics.json")
    seen, recs = set(), []
    for r in e:
        code = str((r.get("lieuExecution") or {}).get("code", ""))
        dep = code[:2]
        if dep in seen or not re.fullmatch(r"\d{2,5}", code) or dep in ("38",):
            continue
        seen.add(dep)
        rr = dict(r)
        rr.pop("lieuExecution", None)
        recs.append(rr)
        if len(recs) == 6:
            break
    o.json("territoire_sans_lieu.json", {"marches": recs})
    CASES[-len(items) + 11]["source"] = (
        "decp/local/139bercy_decp-rama_json_2019__e-marchespublics.json : 6 marchés d’acheteurs de départements "
        "différents (" + ", ".join(sorted(seen)) + ") ; « lieuExecution » retiré"
    )
    CASES[-len(items) + 11]["fichier"] = "territoire_sans_lieu.json"
    CASES[-len(items) + 11]["attendu"] = CASES[-len(items) + 11]["attendu"].replace(
        "{deps}", ", ".join(sorted(seen))
    )


def api(o: Out) -> None:
    g = "API"
    items = [
        (
            "A01",
            "",
            "python : tr.read_contracts(pd.read_csv(corpus/'cli_marches.csv', sep=';'))",
            "lu comme un "
            "tableau déjà chargé (12 marchés, mêmes montants et lieux que le fichier) ou refus en français « read_contracts "
            "lit des fichiers » — jamais « fichier introuvable » ni un TypeError interne",
        ),
        (
            "A02",
            "",
            "python : tr.read_contracts(42)",
            "InputError/TypeError en français « chemin de fichier attendu "
            "(reçu : int) » — pas un TypeError interne de pathlib",
        ),
        (
            "A03",
            "",
            "python : tr.diagnose(pd.DataFrame({'objet': ['Tonte des pelouses'], 'montant': [1000]}))",
            "table normalisée comme par read_contracts : 1 marché « indéterminé » avec l’alerte « lieu d’exécution inconnu » ; "
            "ou InputError nommant les colonnes manquantes — jamais KeyError",
        ),
        (
            "A04",
            "cli_marches.csv",
            "python : tr.read_contracts(fichier, columns={'objet_marche': 'Objet marché'})",
            "InputError « champ inconnu « objet_marche » (champs possibles : objet, code_cpv, montant…) » — pas une "
            "lecture silencieuse qui ignore le champ",
        ),
        ("A05", "", "python : tr.read_contracts([])", "InputError « aucun fichier donné » — pas IndexError"),
        (
            "A06",
            "cli_marches.xlsx",
            "python : tr.read_contracts(fichier, format='XLSX')",
            "lu (format insensible à la casse) : 12 marchés ; à défaut InputError « format inconnu »",
        ),
        (
            "A07",
            "cli_marches.xlsx",
            "python : tr.read_contracts(fichier, sheet=0)",
            "1re feuille lue (12 marchés) ou "
            "InputError « feuille introuvable « 0 » » listant les noms ; pas de trace",
        ),
        (
            "A08",
            "",
            "python : tr.read_directory(pd.DataFrame({'raison_sociale': ['X'], 'code_postal': ['73000']}))",
            "lu comme un tableau déjà chargé (1 prestataire à Chambéry 73065) ou refus en français « read_directory lit des "
            "fichiers » — jamais « fichier introuvable » (une fois par nom de colonne)",
        ),
        (
            "A09",
            "cli_marches.csv",
            "python : tr.diagnose(fichier, directory='absent.csv')",
            "InputError « fichier introuvable : absent.csv »",
        ),
        (
            "A10",
            "",
            "python : tr.read_contracts(corpus)  # un dossier",
            "InputError « est un dossier » — pas IsADirectoryError",
        ),
    ]
    for cas, fichier, appel, attendu in items:
        case(
            cas,
            g,
            fichier,
            appel,
            attendu,
            "cli_marches.csv / cli_marches.xlsx (lignes réelles Bretagne 2019)"
            if fichier or "cli_marches" in appel
            else "aucune donnée (appel seul)",
            "",
        )


def outputs(o: Out, sh: Shared) -> None:
    g = "diagnostic"
    R = Rows(sh, [571, 572, 573, 574, 279, 465, 216, 529])
    f = o.write("hors_champ.csv", text_csv(R.rows))
    case(
        "O01",
        g,
        f,
        "read_contracts puis diagnose",
        "marchés d’assurances (lignes 2 à 5) et de gaz naturel (ligne 6) classés « Hors champ » : metier vide (ou « Hors "
        "champ »), niveau faible, explication sans métier inclusif ; aucune ligne Hors champ avec un métier "
        "(ex. « Nettoyage ») ni un nombre de prestataires",
        R.src(),
        "aucun (objets réels hors du champ du secteur inclusif)",
    )
    R2 = Rows(sh, [291, 321, 464, 465, 467, 508])
    f = o.write("explications_racines.csv", text_csv(R2.rows))
    case(
        "O02",
        g,
        f,
        "read_contracts puis diagnose",
        "explication_metier et explication en mots entiers : aucun « travau », « locau », « desamiant » tronqué "
        "(racines du classifieur) ; les termes cités sont ceux de l’objet (« travaux », « locaux »)",
        R2.src(),
        "aucun (objets réels de travaux : désamiantage de locaux, menuiseries…)",
    )


# ===================================================================================================
def readme(out: Path) -> None:
    lines = [
        "# Corpus de défauts réels (`corpus/`)",
        "",
        "Construit par `tools/make_corpus.py` à partir de lignes RÉELLES du matériau de référence (`../shared/data`,",
        "à côté du dépôt ; licences dans son README : Licence Ouverte pour les DECP, la géographie et FINESS, MIT pour",
        "les extraits AIFE et Croix). Chaque fichier porte UN défaut, dit ci-dessous (colonne « ce qui a été changé ») ;",
        "« aucun » signale un fichier réel gardé tel quel parce qu’il porte déjà le défaut. Rien n’est inventé sans",
        "être dit : quand une valeur est saisie pour le cas (effectifs, périmètres, adresse belge…), c’est écrit.",
        "",
        "Ces cas s’ajoutent aux 77 de `../mauvais/` sans les répéter. `cases.csv` donne pour chacun :",
        "",
        "* `cas` : identifiant (lettre du genre + numéro) ; `genre` : famille de défaut ;",
        "* `fichier` : nom dans ce dossier (plusieurs séparés par « | » : lus ensemble), vide pour un appel pur ;",
        "* `appel` : `read_contracts`, `read_directory`, `Settings.from_toml`, `read_contracts puis diagnose` (annuaire",
        "  d’exemple), un appel Python (`python : …`) ou une ligne de commande où `{fichier}` est le fichier du cas,",
        "  `{corpus}` ce dossier et `{tmp}` un dossier temporaire vide ;",
        "* `attendu` : la réponse attendue, en français, assez précise pour un test (lignes = lignes physiques du",
        "  fichier, en-tête = ligne 1 sauf mention) ; une « alerte » est une entrée de la colonne `alertes` du marché,",
        "  un « refus » une `InputError` ; « pas de trace » = aucune trace Python sur la sortie d’erreur ;",
        "* `source_reelle` : le fichier réel et ses lignes (ou index d’enregistrement JSON, à partir de 0).",
        "",
        "Les fichiers `cli_marches.csv` / `cli_marches.xlsx` (12 marchés réels sans défaut) servent aux cas de ligne",
        "de commande et d’API.",
        "",
    ]
    by = {}
    for c in CASES:
        by.setdefault(c["genre"], []).append(c)
    for genre, title in GENRES.items():
        if genre not in by:
            continue
        lines += [
            f"## {title}",
            "",
            "| cas | fichier | source réelle | ce qui a été changé | attendu |",
            "|---|---|---|---|---|",
        ]
        for c in by[genre]:
            cell = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
            fichier = f"`{c['fichier']}`" if c["fichier"] else "—"
            change = c["change"] or ("appel : `" + cell(c["appel"]) + "`")
            lines.append(
                f"| {c['cas']} | {cell(fichier)} | {cell(c['source'])} | {cell(change)} | {cell(c['attendu'])} |"
            )
        lines.append("")
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    p.add_argument("--out", default=str(ROOT / "tests" / "data" / "corpus"))
    args = p.parse_args()
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    sh = Shared(Path(args.shared))
    o = Out(out)
    blank_cells(o, sh)
    structure(o, sh)
    columns(o, sh)
    amounts(o, sh)
    dates(o, sh)
    cpv(o, sh)
    places(o, sh)
    texts_and_encodings(o, sh)
    duplicates(o, sh)
    decp_forms(o, sh)
    directories(o, sh)
    settings(o)
    cli(o, sh)
    api(o)
    outputs(o, sh)
    with (out / "cases.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cas", "genre", "fichier", "appel", "attendu", "source_reelle"])
        for c in CASES:
            source = c["source"] + (f" — changé : {c['change']}" if c["change"] else "")
            w.writerow([c["cas"], c["genre"], c["fichier"], c["appel"], c["attendu"], source])
    readme(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(
        f"{len(CASES)} cas, {sum(1 for p in out.rglob('*') if p.is_file())} fichiers, {size / 1024:.0f} Kio dans {out}"
    )


if __name__ == "__main__":
    main()
