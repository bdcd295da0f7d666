"""Real-world defect corpus: every case of tests/data/corpus/cases.csv gets the answer its ``attendu`` states.

The corpus (tools/make_corpus.py, README.md next to the files) holds one real defect per file. Each case below
turns its French ``attendu`` into checkable facts: contracts or providers read, rows set aside by kind, cell
values on given physical lines (``source_ligne``), alerts that must or must not appear on a line, reading-report
notes; for a refusal, the ``InputError`` and a distinctive fragment of its message; for the command line, the
exit code, a French message and no Python traceback. Where the ``attendu`` allows two answers (« lu … ou
refus … », « à défaut … »), both are written and either passes. Where it is vague, a comment says which
precise fact was chosen. An alert quoted in the ``attendu`` is matched on its distinctive words, not verbatim.

Row keys: an int is a physical line of the file (``source_ligne``; header = line 1), ``"#3"`` the 3rd row read
(JSON records, in file order), ``"id=…"`` the contract of that identifier, ``"*"`` every row.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import datetime as dt
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import traceback
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import transferability as tr
from transferability.cli import main

CORPUS = Path(__file__).parent / "data" / "corpus"
CASE_IDS = [row["cas"] for row in csv.DictReader((CORPUS / "cases.csv").open(encoding="utf-8"))]
DAY = pd.Timestamp


# -- expectations ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fact:
    """A fact of the ``attendu`` about a whole result (table, diagnostic, settings, command run, row)."""

    text: str
    holds: Callable


@dataclass(frozen=True)
class Near:
    """A number within ``tol`` of ``value``."""

    value: float
    tol: float

    def __call__(self, got) -> bool:
        return not _empty(got) and abs(float(got) - self.value) <= self.tol


@dataclass(frozen=True)
class AnyOf:
    """One of these values (None: empty)."""

    values: tuple

    def __init__(self, *values):
        object.__setattr__(self, "values", values)

    def __call__(self, got) -> bool:
        return any(_same(got, v) for v in self.values)


@dataclass(frozen=True)
class Match:
    """A text matching this regular expression."""

    pattern: str

    def __call__(self, got) -> bool:
        return isinstance(got, str) and re.search(self.pattern, got) is not None


@dataclass(frozen=True)
class Read:
    """The reader succeeds; what the table and its reading report(s) must show."""

    n: int  # contracts (providers) in the table
    rows_in: int | None = None  # rows read, as the report counts them (lignes_lues)
    lines: tuple = ()  # the exact physical lines the rows come from
    aside: dict = field(default_factory=dict)  # regex on a set-aside kind → rows set aside under such kinds
    aside_total: int | None = None  # rows set aside, whatever their kind
    values: dict = field(default_factory=dict)  # row → {column: expected}
    alerts: dict = field(default_factory=dict)  # row → regex, or tuple of regexes, each matched by an alert
    clean: dict = field(default_factory=dict)  # row → regex no alert of the row matches
    quiet: tuple = ()  # rows without any alert
    rows: dict = field(default_factory=dict)  # row → Fact on the row (a pandas Series)
    notes: tuple = ()  # regexes, each matched by a note of the reading reports
    header: int | None = None
    sheet: str | None = None
    facts: tuple = ()  # Facts on the whole table


@dataclass(frozen=True)
class Refused:
    """The call raises ``error`` with a message matching ``match`` (re.search, the message on several lines)."""

    match: str
    error: type | tuple = tr.InputError


@dataclass(frozen=True)
class Either:
    """« lu … ou refus … » : the call succeeds with ``answer``, or is refused as ``refused`` says."""

    answer: object
    refused: Refused


@dataclass(frozen=True)
class Alternatives:
    """« … ; à défaut … » : the result satisfies one of these answers."""

    answers: tuple

    def __init__(self, *answers):
        object.__setattr__(self, "answers", answers)


@dataclass(frozen=True)
class Holds:
    """The call succeeds and its result satisfies every fact."""

    facts: tuple

    def __init__(self, *facts):
        object.__setattr__(self, "facts", facts)


@dataclass(frozen=True)
class Warned:
    """The call succeeds with a library warning matching ``match``."""

    match: str


@dataclass(frozen=True)
class SettingsRead:
    """``Settings.from_toml`` succeeds with these values."""

    values: dict
    facts: tuple = ()


@dataclass(frozen=True)
class Diagnosed:
    """``read_contracts`` then ``diagnose`` (sample directory): the table as read, then facts on the diagnostic."""

    read: Read
    facts: tuple = ()
    contrats: Read | None = None  # what diag.contrats must show, row by row


@dataclass(frozen=True)
class Cli:
    """``transferability.cli.main``: exit code, regexes on the error output, facts on the run."""

    argv: tuple
    codes: tuple
    err: tuple = ()
    facts: tuple = ()
    prepare: Callable | None = None
    unprivileged: bool = False  # run without root's power over file permissions (chmod cases)


@dataclass(frozen=True)
class Process:
    """The command line in its own process: stdout closed at once (``| head``), or an 8-bit console."""

    argv: tuple
    codes: tuple
    closed_stdout: bool = False
    env: dict = field(default_factory=dict)
    out: tuple = ()


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    tmp: Path


# Cases the library does not answer right yet: each runs, and must fail (strict), so that a fix shows at once
# (the xfail is then removed). The reason says what is missing.
KNOWN_GAPS = {
    "S12": "lignes masquées par un filtre Excel : lues sans note",
    "C04": "table canonique relue : commune_insee, region, montant_nature et categorie_procedure non reconnues",
    "C10": "code NUTS (FRB06) comme lieu : non traduit en département",
    "D03": "colonne de dates au format américain : la date ambiguë (08/03/2019) n’en suit pas l’ordre",
    "P03": "code CPV qui a perdu un chiffre au milieu (4543100-7) : non reconstitué par le chiffre de contrôle",
    "L05": "« RENNES CEDEX 7 » en code de lieu : non résolu",
    "L06": "plusieurs villes dans le lieu : pas d’alerte « plusieurs communes »",
    "L09": "code postal donné comme code commune (AIFE) : la commune du code postal retenue au lieu du seul département",
}


def case(id, answer, *files, **options):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[id])] if id in KNOWN_GAPS else []
    return pytest.param(files, answer, options, id=id, marks=marks)


# -- helpers for the facts ---------------------------------------------------------------------------------
def _empty(value) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def _same(got, expected) -> bool:
    if callable(expected):
        return bool(expected(got))
    if expected is None:
        return _empty(got)
    if isinstance(expected, bool):
        return got == expected
    if isinstance(expected, int | float):
        return not _empty(got) and float(got) == pytest.approx(expected, abs=0.005)
    if isinstance(expected, pd.Timestamp | dt.date):
        return not _empty(got) and pd.Timestamp(got) == pd.Timestamp(expected)
    return got == expected


def _report(table: pd.DataFrame, i: int = 0) -> dict:
    return table.attrs["lecture"][i]


def _recognised(table: pd.DataFrame) -> dict:
    """Header → field, from the reading report (« id_contrat (alias) » → « id_contrat »)."""
    return {h: f.split(" ")[0] for r in table.attrs["lecture"] for h, f in r["colonnes_reconnues"].items()}


def _unrecognised(table: pd.DataFrame) -> list:
    return [c for r in table.attrs["lecture"] for c in r["colonnes_non_reconnues"]]


def _extra_columns(table: pd.DataFrame) -> list:
    """Columns kept beside the canonical ones (the unrecognised columns of the file)."""
    return [c for c in table.columns if c not in tr.CONTRACT_COLUMNS and c not in tr.DIRECTORY_COLUMNS]


def _lines(table: pd.DataFrame) -> list:
    return sorted(x for v in table["source_ligne"] for x in (v if isinstance(v, list) else [v]))


def _line_rows(table: pd.DataFrame, lines) -> pd.DataFrame:
    wanted = set(lines)
    return table[table["source_ligne"].map(lambda v: bool(set(v if isinstance(v, list) else [v]) & wanted))]


def _as_list(value) -> list:
    return list(value) if isinstance(value, list | tuple | np.ndarray) else []


def _alerts_of(row) -> list:
    return list(row["alertes"])


def _has_alert(row, pattern: str) -> bool:
    return any(re.search(pattern, a) for a in _alerts_of(row))


def _numbers_are_finite(table: pd.DataFrame) -> bool:
    """No inf anywhere and no NaN held as a value (the missing marker is NA) in the numeric columns."""
    for column in table.select_dtypes("number").columns:
        values = table[column].to_numpy(dtype=float, na_value=0.0)
        if not np.isfinite(values).all():
            return False
    return True


def _fold(text) -> str:
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()


def _words(text) -> set:
    return set(re.findall(r"[a-z0-9]+", _fold(text)))


def _holder_ids(table: pd.DataFrame) -> list:
    return [str(h.get("id")) for holders in table["titulaires"] for h in holders if h.get("id")]


def _same_as_file(table: pd.DataFrame, name: str, rows: int, columns: tuple) -> bool:
    """The first ``rows`` rows hold the values of ``name`` read as it is (cli_marches: the same real rows)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = tr.read_contracts(CORPUS / name).head(rows).reset_index(drop=True)
    got = table.head(rows).reset_index(drop=True)
    return len(table) >= rows and all(
        all(_same(g, r) for g, r in zip(got[c], reference[c], strict=True)) for c in columns
    )


CLI_8 = ("objet", "code_cpv", "montant", "duree_mois", "date_notification", "commune_insee", "procedure")


def _lambert93_to_wgs84(x: float, y: float) -> tuple[float, float]:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True).transform(x, y)
    return lat, lon


def _km(lat1, lon1, lat2, lon2) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


def _lambert_points_within_1_km(table: pd.DataFrame) -> bool:
    source = pd.read_csv(CORPUS / "siae_lambert93_xy.csv", dtype=str)
    for (_, row), (_, src) in zip(table.iterrows(), source.iterrows(), strict=True):
        lat, lon = _lambert93_to_wgs84(float(src["X"]), float(src["Y"]))
        if _empty(row["lat"]) or _km(lat, lon, float(row["lat"]), float(row["lon"])) > 1.0:
            return False
    return True


def _diagnoses_with(settings) -> bool:
    tr.diagnose(CORPUS / "cli_marches.csv", settings=settings)
    return True


def _file_unchanged(name: str, original: Path) -> Fact:
    return Fact(f"{name} inchangé", lambda run: (run.tmp / name).read_bytes() == original.read_bytes())


def _copy(name: str, target: str, mode: int | None = None) -> Callable:
    def prepare(tmp: Path) -> None:
        shutil.copy(CORPUS / name, tmp / target)
        if mode is not None:
            (tmp / target).chmod(mode)

    return prepare


def _read_only_folder(tmp: Path) -> None:
    (tmp / "lecture_seule").mkdir()
    (tmp / "lecture_seule").chmod(0o555)


def _inclusive_labels(diag) -> set:
    judged = diag.contrats[diag.contrats["famille"] != "Hors champ"]
    return {x for x in pd.concat([judged["famille"], judged["metier"]]) if isinstance(x, str)}


def _out_of_scope_is_plain(diag) -> bool:
    """Hors champ: no métier (or « Hors champ »), level faible, no provider count, no inclusive métier said."""
    labels = _inclusive_labels(diag)
    for _, row in diag.contrats[diag.contrats["famille"] == "Hors champ"].iterrows():
        if not (_empty(row["metier"]) or row["metier"] == "Hors champ") or row["niveau"] != "faible":
            return False
        if not (_empty(row["nb_prestataires"]) or row["nb_prestataires"] == 0):
            return False
        if "capacité" in row["explication"] or any(label in row["explication"] for label in labels):
            return False
    return True


STEMS = {"travau", "locau", "desamiant"}


def _explanations_in_whole_words(diag) -> bool:
    for _, row in diag.contrats.iterrows():
        texts = [str(row["explication_metier"]), str(row["explication"])]
        if any(_words(t) & STEMS for t in texts):
            return False
        quoted = [q for t in texts for q in re.findall(r"« ([^»]+) »", t)]
        if not all(_words(q) <= _words(row["objet"]) for q in quoted):
            return False
    return True


def _abroad_judged_as_abroad(diag) -> bool:
    abroad = diag.contrats[diag.contrats["lieu_code"].astype(str).str.startswith("99")]
    return len(abroad) == 6 and all(
        r["niveau"] == "indéterminé" or (r["niveau"] == "faible" and "étranger" in r["explication"])
        for _, r in abroad.iterrows()
    )


def _marches_sheet_explanations(path: Path) -> list:
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True)["Marchés"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and "Explication" in r)
    column = rows[header].index("Explication")
    return [str(r[column]) for r in rows[header + 1 :] if r and r[0] is not None]


def _territory_not_given_in_silence(run: Run) -> bool:
    # « avertissement « --territoire 38 appliqué à N marchés de k acheteurs » affiché » : here N = k = 6;
    # « ou seuls les acheteurs du territoire reçoivent 38 » : none is in Isère, so no contract is judged there
    said = re.search(r"(?s)territoire 38.{0,80}\b6 marchés.{0,40}\b6 acheteurs", run.out + run.err)
    report = run.tmp / "r.xlsx"
    return bool(said) or (
        report.exists() and not any("Isère" in e for e in _marches_sheet_explanations(report))
    )


def _csv_report_or_refusal(run: Run) -> bool:
    report = run.tmp / "rapport.csv"
    if run.code == 0:  # « ou un vrai CSV ; jamais un .xlsx nommé .csv »
        return report.exists() and not report.read_bytes().startswith(b"PK")
    return re.search(r"\.xlsx", run.err) is not None and "--csv" in run.err


def _folder_refused_or_read(run: Run) -> bool:
    return run.code == 0 or re.search(r"(?s)dossier.*fichiers", run.err) is not None


def _csv_for_french_excel(run: Run) -> bool:
    data = (run.tmp / "d.csv").read_bytes()
    first = data.split(b"\n", 1)[0]
    return data.startswith(b"\xef\xbb\xbf") and first.count(b";") > first.count(b",")


def _territory_name_accepted_or_explained(run: Run) -> bool:
    if run.code == 0:
        return (run.tmp / "r.xlsx").exists()
    return "code de département" in run.err


NORMANDIE = {  # portal header → field (a prefix: titulaire_id or titulaire_nom, lieu_code…)
    "idacheteur": "acheteur_id",
    "lieuxexecution_code": "lieu_code",
    "lieuxexecution_typecode": "lieu_type",
    "idtitulaire_1": "titulaire",
    "codecpv": "code_cpv",
    "dureemois": "duree_mois",
    "datenotification": "date_notification",
}


# -- the cases ---------------------------------------------------------------------------------------------
DEP = "département de l’acheteur"
LIEU_INCONNU = r"lieu d’exécution inconnu|lieu inconnu"
CASES = [
    # ==== cellules vides, NaN, null
    case(
        "V01",
        Read(
            8,
            values={5: {"montant": None}, 2: {"montant": 38800.0}, 9: {"montant": 53010.0}},
            alerts={5: "montant absent"},
            facts=(Fact("les 7 autres montants numériques", lambda t: t["montant"].notna().sum() == 7),),
        ),
        "xlsx_montant_vide.xlsx",
    ),
    case(
        "V02",
        Read(8, values={4: {"duree_mois": None}, 2: {"duree_mois": 6.0}}, quiet=(4,)),
        "xlsx_duree_vide.xlsx",
    ),
    case(
        "V03",
        Read(
            8,
            values={6: {"code_cpv": None}, 4: {"code_cpv": "09123000"}, 2: {"code_cpv": "45300000"}},
            alerts={4: "code CPV à 7 chiffres complété d’un zéro"},
            clean={6: "code CPV inconnu"},
        ),
        "xlsx_cpv_nombres_vide.xlsx",
    ),
    case(
        "V04",
        Read(
            8,
            values={7: {"date_notification": None}, 2: {"date_notification": DAY("2019-01-24")}},
            facts=(Fact("les autres dates lues", lambda t: t["date_notification"].notna().sum() == 7),),
        ),
        "xlsx_date_vide.xlsx",
    ),
    case(
        "V05",
        Read(8, values={"*": {"montant": None}}, alerts={"*": "montant absent"}),
        "xlsx_colonne_montant_vide.xlsx",
    ),
    case(
        "V06",
        Read(
            6,
            values={"#3": {"id_contrat": "202117-F00000000", "montant": None}, "#1": {"montant": 30000.0}},
            alerts={"#3": "montant absent"},
            facts=(Fact("les autres montants lus", lambda t: t["montant"].notna().sum() == 5),),
        ),
        "decp2019_sans_montant.json",
    ),
    case(
        "V07",
        Read(
            6,
            values={"#2": {"id_contrat": "202117F000000000", "duree_mois": None}, "#1": {"duree_mois": 36.0}},
        ),
        "decp2019_duree_null.json",
    ),
    case(
        "V08",
        Read(
            6,
            values={"#2": {"montant": None}, "#4": {"montant": None}, "#5": {"duree_mois": None}},
            alerts={"#2": "montant (absent|non numérique)", "#4": "montant non numérique", "#5": "durée"},
            facts=(Fact("aucune valeur NaN/inf dans la table", _numbers_are_finite),),
        ),
        "decp_nan_infinity.json",
    ),
    case(
        "V09",
        Read(
            5,
            values={"#3": {"id_contrat": "24-9243-0", "montant": None, "duree_mois": None}},
            alerts={"#3": "montant absent"},
        ),
        "decp2022_montant_null.json",
    ),
    case(
        "V10",
        Read(
            3,
            rows_in=6,
            aside={"contrat de concession": 3},
            aside_total=3,
            alerts={"id=2018EPICERIE100": "montant nul"},
        ),
        "dsp_montant_date_null.json",
    ),
    case(
        "V11",
        # line 6's uid has no other holder row in the file: « celui de son autre titulaire » cannot apply
        Read(
            10,
            rows_in=12,
            values={6: {"id_contrat": "20242024OP5683", "montant": None}},
            alerts={6: "montant"},
        ),
        "consolide_montant_manquant.parquet",
    ),
    case(
        "V12",
        Read(
            10,
            # « durée de la 3e ligne vide » : line 4 is grouped by uid with line 5 (24 months); as V11 allows
            # for amounts, the contract may take its other holder row's duration
            values={
                4: {"duree_mois": AnyOf(None, 24.0)},
                10: {"code_cpv": "45214200"},
                2: {"acheteur_id": "20006899700010"},
            },
            facts=(
                Fact(
                    "code_cpv sur 8 chiffres en texte",
                    lambda t: all(isinstance(c, str) and re.fullmatch(r"\d{8}", c) for c in t["code_cpv"]),
                ),
                Fact(
                    "acheteur_id sur 14 chiffres",
                    lambda t: all(re.fullmatch(r"\d{14}", str(a)) for a in t["acheteur_id"]),
                ),
                Fact(
                    "titulaires id sans « .0 »",
                    lambda t: _holder_ids(t) and all(re.fullmatch(r"\d+", i) for i in _holder_ids(t)),
                ),
            ),
        ),
        "consolide_types_numeriques.parquet",
    ),
    # ==== structure du tableau, en-tête
    case(
        "S01",
        Read(
            16,
            header=4,
            aside={"intertitre": 3, "tranche de montant": 8, "total": 1},
            aside_total=12,
            facts=(
                Fact(
                    "« DATE » = date de notification",
                    lambda t: _recognised(t).get("DATE") == "date_notification",
                ),
                Fact("toutes les dates lues", lambda t: t["date_notification"].notna().all()),
                Fact(
                    "« CODE POSTAL » pas pris pour le lieu",
                    lambda t: not _recognised(t).get("CODE POSTAL", "").startswith("lieu"),
                ),
                Fact("aucun marché placé en 86 (GIRARDEAU)", lambda t: not (t["departement"] == "86").any()),
            ),
        ),
        "liste_marches_conclus.csv",
    ),
    case(
        "S02",
        Read(
            8,
            aside={"intertitre": 3},
            aside_total=3,
            facts=(
                Fact(
                    "aucun marché d’identifiant TRAVAUX, SERVICES, FOURNITURES",
                    lambda t: not t["id_contrat"].isin(["TRAVAUX", "SERVICES", "FOURNITURES"]).any(),
                ),
            ),
        ),
        "intertitres_colonne_id.csv",
    ),
    case(
        "S03",
        Read(8, lines=(3, 4, 6, 7, 8, 9, 11, 12), aside={"tranche de montant": 3}, aside_total=3),
        "tranches_montant.csv",
    ),
    case(
        "S04",
        Read(
            10,
            lines=(2, 3, 4, 5, 6, 7, 8, 10, 11, 12),
            aside={"total": 1},
            aside_total=1,
            facts=(
                Fact(
                    "total des montants = somme des 10 marchés",
                    lambda t: t["montant"].sum() == pytest.approx(642722.01, abs=0.01),
                ),
            ),
        ),
        "total_lots_en_fin_de_ligne.csv",
    ),
    case(
        "S05",
        Read(
            8,
            lines=tuple(range(2, 10)),
            aside={"total": 1},
            aside_total=1,
            facts=(
                Fact(
                    "somme des montants = 475944.78",
                    lambda t: t["montant"].sum() == pytest.approx(475944.78, abs=0.01),
                ),
            ),
        ),
        "somme_sans_libelle.xlsx",
    ),
    case(
        "S06",
        # a =SUM whose value Excel never stored reads as an empty row: set aside all the same (the attendu
        # said « total »; either kind keeps it out of the contracts)
        Read(8, lines=tuple(range(2, 10)), aside_total=1),
        "somme_sans_valeur_calculee.xlsx",
    ),
    case(
        "S07",
        Read(
            8,
            sheet="Marchés 2019",
            header=1,
            facts=(
                Fact(
                    "aucun marché d’objet « Objet : Liste des marchés… »",
                    lambda t: not t["objet"].fillna("").str.startswith("Objet :").any(),
                ),
            ),
        ),
        "page_de_garde.xlsx",
    ),
    case(
        "S08",
        Read(
            8,
            lines=tuple(range(3, 11)),
            values={3: {"montant": 38800.0}},
            facts=(
                Fact("aucun marché d’objet « Objet »", lambda t: not (t["objet"] == "Objet").any()),
                Fact("aucune référence « Référence »", lambda t: not (t["id_contrat"] == "Référence").any()),
            ),
        ),
        "entete_deux_lignes_fusion.xlsx",
    ),
    case(
        "S09",
        Read(
            8,
            lines=tuple(range(3, 11)),
            aside={"en-tête": 1},
            aside_total=1,
            facts=(Fact("aucun marché d’objet « objet »", lambda t: not (t["objet"] == "objet").any()),),
        ),
        "entete_libelles_puis_noms_techniques.csv",
    ),
    case(
        "S10",
        # « aucune colonne colonne_1/colonne_2 vide gardée » : no column kept beside the canonical ones is empty
        Read(
            8,
            header=5,
            lines=tuple(range(6, 14)),
            facts=(
                Fact(
                    "aucune colonne vide gardée en source_",
                    lambda t: not any(t[c].map(_empty).all() for c in _extra_columns(t)),
                ),
            ),
        ),
        "tableau_decale_C5.xlsx",
    ),
    case(
        "S11",
        Alternatives(
            Read(
                9,
                facts=(
                    Fact(
                        "4 marchés de la feuille « 2020 » notifiés le 01/01/2020",
                        lambda t: (t["date_notification"] == DAY("2020-01-01")).sum() == 4,
                    ),
                ),
            ),
            Read(5, notes=(r"« 2020 »",)),
        ),
        "deux_feuilles_par_annee.xlsx",
    ),
    case(
        "S12",
        Alternatives(
            Read(10, notes=(r"3 lignes masquées.*\b3, 5(,| et) 7\b",)),
            Read(7, notes=(r"masquée",)),
        ),
        "lignes_masquees_filtre.xlsx",
    ),
    case(
        "S13",
        Read(
            8,
            lines=tuple(range(2, 10)),
            aside={"vide": 1},
            aside_total=4,
            facts=(
                Fact(
                    "aucun marché d’identifiant « Source : … »",
                    lambda t: not t["id_contrat"].fillna("").str.startswith("Source").any(),
                ),
            ),
        ),
        "notes_sous_le_tableau.csv",
    ),
    case(
        "S14",
        Read(
            8,
            facts=(
                Fact(
                    "les 9 en-têtes reconnus (objet, CPV, procédure, lieu, durée, date, montant, titulaire)",
                    lambda t: (
                        len(_recognised(t)) == 9
                        and {"objet", "code_cpv", "procedure", "duree_mois", "date_notification", "montant"}
                        <= set(_recognised(t).values())
                        and any(f.startswith("lieu") for f in _recognised(t).values())
                        and any(f.startswith("titulaire") for f in _recognised(t).values())
                    ),
                ),
                Fact("aucun reste en source_", lambda t: not _unrecognised(t) and not _extra_columns(t)),
            ),
        ),
        "entete_retours_ligne.xlsx",
    ),
    case(
        "S15",
        Read(
            8,
            quiet=("*",),
            facts=(
                Fact(
                    "mêmes valeurs que sans les colonnes vides (cli_marches.csv, mêmes lignes réelles)",
                    lambda t: _same_as_file(t, "cli_marches.csv", 8, CLI_8),
                ),
                Fact(
                    "colonnes vides non gardées, ou gardées vides",
                    lambda t: all(t[c].map(_empty).all() for c in _extra_columns(t)),
                ),
            ),
        ),
        "colonnes_vides_intercalees.csv",
    ),
    # ==== noms de colonnes
    case(
        "C01",
        Read(
            10,
            values={
                line: {"departement": dep}
                for line, dep in zip(
                    range(2, 12), ("22", "39", "73", "13", "75", "75", "75", "38", "11", "59"), strict=True
                )
            },
            facts=(
                Fact(
                    "lieu_code, lieu_typeCode, lieu_nom reconnues",
                    lambda t: (
                        [_recognised(t).get(c) for c in ("lieu_code", "lieu_typeCode", "lieu_nom")]
                        == ["lieu_code", "lieu_type", "lieu_nom"]
                    ),
                ),
                Fact("aucun lieu d’après l’acheteur", lambda t: not (t["lieu_type"] == DEP).any()),
            ),
        ),
        "decp_plat_lieu_underscore.csv",
    ),
    case(
        "C02",
        Read(
            6,
            values={
                "#1": {"code_cpv": "77340000", "date_notification": DAY("2021-12-13")},
                "*": {"departement": "92", "acheteur_id": "27920022400012"},
            },
            clean={"*": LIEU_INCONNU},
            facts=(
                Fact("durées lues", lambda t: t["duree_mois"].notna().all()),
                Fact("titulaire de chaque marché lu", lambda t: all(len(h) for h in t["titulaires"])),
                Fact("aucun lieu d’après l’acheteur", lambda t: not (t["lieu_type"] == DEP).any()),
            ),
        ),
        "portail_plat.json",
    ),
    case(
        "C03",
        Read(
            6,
            values={"#1": {"acheteur_id": "27920022400012"}},
            facts=(
                Fact(
                    "idacheteur, lieuxexecution_code/typecode, idtitulaire_1, codecpv, dureemois, "
                    "datenotification reconnus",
                    lambda t: all(_recognised(t).get(h, "").startswith(f) for h, f in NORMANDIE.items()),
                ),
                Fact("aucun marché sans lieu", lambda t: t["departement"].notna().all()),
                Fact("titulaire lu", lambda t: _holder_ids(t)[:1] == ["37899836300048"]),
            ),
        ),
        "portail_plat_normandie.csv",
    ),
    case(
        "C04",
        Read(
            8,
            values={2: {"commune_insee": "29151"}},
            facts=(
                Fact(
                    "toutes les colonnes canoniques reconnues à l’identique",
                    lambda t: all(
                        _recognised(t).get(c) == c
                        for c in pd.read_csv(CORPUS / "table_canonique_relue.csv", nrows=0).columns
                        if c not in ("source_fichier", "source_ligne")
                    ),
                ),
                Fact(
                    "rien en source_ sauf source_fichier/source_ligne",
                    lambda t: set(_unrecognised(t)) <= {"source_fichier", "source_ligne"},
                ),
            ),
        ),
        "table_canonique_relue.csv",
    ),
    case(
        "C05",
        Read(
            8,
            values={
                2: {
                    "date_notification": DAY("2019-01-24"),
                    "montant": 38800.0,
                    "procedure": "Procédure adaptée",
                    "commune_insee": "29151",
                }
            },
        ),
        "entetes_abreges.csv",
    ),
    case(
        "C06",
        Read(
            8,
            facts=(
                Fact("les 9 en-têtes reconnus", lambda t: len(_recognised(t)) == 9 and not _unrecognised(t)),
                Fact("aucune colonne en source_", lambda t: not _extra_columns(t)),
            ),
        ),
        "entetes_unites.csv",
    ),
    case(
        "C07",
        Read(
            8,
            values={2: {"montant": 40000.0}, "*": {"montant_nature": Match("maximum")}},
            clean={"*": "montant nul"},
            facts=(Fact("le minimum (0,00) jamais pris", lambda t: not (t["montant"] == 0).any()),),
        ),
        "montants_minimum_maximum.csv",
    ),
    case(
        "C08",
        Read(
            8,
            values={
                2: {"type_marche": "Travaux"},
                4: {"type_marche": "Services"},
                "*": {"nature": AnyOf(None, "Marché")},
            },
        ),
        "nature_type_de_marche.csv",
    ),
    case(
        "C09",
        # « pas d’alerte « durée absente » au diagnostic » : the table read is also diagnosed
        Diagnosed(
            Read(8, values={2: {"duree_mois": Near(6, 1), "date_fin_estimee": DAY("2019-06-30")}}),
            facts=(
                Fact(
                    "pas d’alerte « durée absente » au diagnostic",
                    lambda d: not any("durée absente" in a for al in d.contrats["alertes"] for a in al),
                ),
            ),
        ),
        "dates_debut_fin_sans_duree.csv",
    ),
    case(
        "C10",
        Read(
            11,
            values={
                2: {"commune_insee": "73065"},
                3: {"commune_insee": "73065"},
                4: {"departement": "06"},
                5: {"departement": "06"},
                6: {"departement": None, "region": None, "lieu_type": Match(r"\w")},
                7: {"departement": None, "region": None, "lieu_type": Match(r"\w")},
                8: {"departement": "45"},
                9: {"departement": "45"},
                10: {"departement": "76"},
                11: {"departement": "76"},
            },
            alerts={12: "ambigu"},
            clean={6: LIEU_INCONNU, 7: LIEU_INCONNU},
            facts=(
                Fact(
                    "« code_postal_acheteur » lu comme lieu d’exécution",
                    lambda t: _recognised(t).get("code_postal_acheteur") == "lieu_code",
                ),
            ),
        ),
        "code_postal_acheteur_melange.csv",
    ),
    case(
        "C11",
        Read(
            8,
            values={"*": {"departement": None}},
            alerts={"*": "lieu"},
            facts=(
                Fact(
                    "« Code postal » pas pris pour le lieu",
                    lambda t: not _recognised(t).get("Code postal", "").startswith("lieu"),
                ),
            ),
        ),
        "titulaire_et_code_postal.csv",
    ),
    case(
        "C12",
        Read(
            8,
            values={2: {"date_notification": DAY("2019-01-24")}},
            facts=(
                Fact(
                    "« DATE » = date de notification",
                    lambda t: _recognised(t).get("DATE") == "date_notification",
                ),
            ),
        ),
        "entete_DATE_seule.csv",
    ),
    case(
        "C13",
        Read(
            2,
            rows_in=5,
            values={"*": {"commune_insee": "35238", "acheteur_id": "23350001600040"}},
            rows={
                "id=90131": Fact("2 titulaires", lambda r: len(r["titulaires"]) == 2),
                "id=90183": Fact("3 titulaires", lambda r: len(r["titulaires"]) == 3),
            },
            facts=(
                Fact(
                    "titulaire.id/denominationSociale reconnus",
                    lambda t: all(h.get("id") and h.get("nom") for hs in t["titulaires"] for h in hs),
                ),
            ),
        ),
        "decp_rama_csv.csv",
    ),
    # ==== montants
    case(
        "M01",
        Read(8, values={2: {"montant": 38800.0}, 3: {"montant": 12201.0}, 8: {"montant": 100000.0}}),
        "montant_point_milliers.csv",
    ),
    case(
        "M02",
        Alternatives(
            Read(8, values={2: {"montant": 38800.0}, 3: {"montant": 12201.0}}),
            Read(8, alerts={2: "montant ambigu", 3: "montant ambigu"}),
        ),
        "montant_anglais.csv",
    ),
    case(
        "M03",
        Diagnosed(
            Read(
                8,
                alerts={
                    4: "montant de remplissage",
                    7: "montant de remplissage",
                    8: "montant de remplissage",
                },
            ),
            facts=(
                Fact(
                    "la synthèse ne compte pas les montants de remplissage (total des 5 autres : 219 639,98)",
                    lambda d: (
                        d.synthese().loc["Ensemble", "montant_total"] == pytest.approx(219639.98, abs=0.01)
                    ),
                ),
            ),
        ),
        "montant_de_remplissage.csv",
    ),
    case(
        "M04",
        Read(8, values={2: {"montant": 38800.0}, 3: {"montant": 12201.0}}),
        "montant_ttc_avant_ht.csv",
    ),
    case(
        "M05",
        Alternatives(
            Read(
                8,
                values={2: {"montant": 46560.0}, "*": {"montant_nature": Match("TTC")}},
                alerts={"*": "TTC"},
            ),
            Read(8, values={2: {"montant": 38800.0}, "*": {"montant_nature": Match("TTC")}}),
        ),
        "montant_ttc_seul.csv",
    ),
    case(
        "M06",
        Alternatives(
            Read(
                8,
                values={
                    2: {"montant": 38800.0},
                    3: {"montant": 12200.0},
                    6: {"montant": 72000.0},
                    8: {"montant": 100000.0},
                },
            ),
            Read(
                8,
                values={line: {"montant": None} for line in (2, 3, 6, 8)},
                alerts={line: "montant non numérique" for line in (2, 3, 6, 8)},
            ),
        ),
        "montant_k_euros.csv",
    ),
    case(
        "M07",
        Alternatives(
            Read(6, values={2: {"montant": 40000.0}, "*": {"montant_nature": Match("maximum")}}),
            Read(6, values={"*": {"montant": None}}, alerts={"*": "montant"}),
        ),
        "montant_fourchette_texte.csv",
    ),
    case(
        "M08",
        Read(
            8,
            values={3: {"montant": None}, 5: {"montant": None}, 7: {"montant": None}},
            alerts={
                3: "montant non numérique.*Selon BPU",
                5: "montant non numérique",
                7: "montant non numérique",
            },
            facts=(Fact("les 5 autres lus", lambda t: t["montant"].notna().sum() == 5),),
        ),
        "montant_texte_bpu.csv",
    ),
    case(
        "M09",
        Read(
            8,
            values={line: {"montant": None} for line in (3, 4, 5, 6, 7)},
            alerts={
                3: "erreur Excel|montant non numérique",
                4: "erreur Excel|montant non numérique",
                5: "erreur Excel|montant non numérique",
                6: "montant",
                7: "montant",
            },
            facts=(Fact("aucun inf dans la table", _numbers_are_finite),),
        ),
        "montant_erreurs_excel.csv",
    ),
    case(
        "M10",
        Alternatives(
            Read(8, values={5: {"montant": -43198.98}}, alerts={5: "montant négatif"}),
            Read(8, values={5: {"montant": None}}, alerts={5: "montant"}),
        ),
        "montant_negatif_parentheses.csv",
    ),
    case(
        "M11",
        # « alerte « erreur Excel » » : an alert saying so, or naming the Excel error value of the cell
        Read(
            8,
            values={3: {"montant": None}, 4: {"montant": None}},
            alerts={3: "erreur Excel|#DIV/0!", 4: "erreur Excel|#REF!"},
        ),
        "montant_erreurs_excel.xlsx",
    ),
    # ==== dates et durées
    case(
        "D01",
        Read(
            8,
            values={
                3: {"date_notification": AnyOf(None, DAY("2019-01-01"))},
                6: {"date_notification": AnyOf(None, DAY("2019-01-01"))},
                2: {"date_notification": DAY("2019-01-24")},
                9: {"date_notification": DAY("2019-07-25")},
            },
            alerts={3: r"année seule \(2019\)", 6: r"année seule \(2019\)"},
            facts=(Fact("jamais 1905", lambda t: not (t["date_notification"].dt.year == 1905).any()),),
        ),
        "annee_seule_nombre.xlsx",
    ),
    case(
        "D02",
        # « la même alerte » « jour absent » : an alert saying the day is missing (month only)
        Read(
            8,
            values={
                3: {"date_notification": AnyOf(None, DAY("2019-01-01"))},
                4: {"date_notification": DAY("2019-02-01")},
                5: {"date_notification": DAY("2019-05-01")},
            },
            alerts={3: "année seule", 4: "jour absent|mois seul", 5: "jour absent|mois seul"},
        ),
        "annee_ou_mois_seuls.csv",
    ),
    case(
        "D03",
        # « format MM/JJ/AAAA reconnu sur la colonne » : every cell of it, 08/03/2019 (line 8) included
        Read(
            8,
            values={
                2: {"date_notification": DAY("2019-01-24")},
                4: {"date_notification": DAY("2019-05-14")},
                5: {"date_notification": DAY("2019-06-14")},
                8: {"date_notification": DAY("2019-08-03")},
            },
            facts=(
                Fact("aucune date illisible", lambda t: t["date_notification"].notna().all()),
                Fact(
                    "alerte ou note « dates au format américain »",
                    lambda t: (
                        any("améric" in n for r in t.attrs["lecture"] for n in r["notes"])
                        or any("améric" in a for a in t["alertes"].iloc[0])
                    ),
                ),
            ),
        ),
        "dates_mois_jour.csv",
    ),
    case(
        "D04",
        Read(
            8,
            values={2: {"date_notification": DAY("2019-01-24")}},
            facts=(Fact("dates de 2019", lambda t: (t["date_notification"].dt.year == 2019).all()),),
        ),
        "classeur_mac_1904.xlsx",
    ),
    case(
        "D05",
        Read(
            8,
            values={4: {"duree_mois": Near(48, 0.5)}},
            rows={
                3: Fact(
                    "« jusqu'au 31/12/2025 » → 82 à 83 mois, ou vide avec alerte",
                    lambda r: (
                        Near(82.5, 0.5)(r["duree_mois"])
                        or (_empty(r["duree_mois"]) and _has_alert(r, "durée"))
                    ),
                ),
                5: Fact(
                    "« jusqu’à fin 2019 » → environ 6 mois, ou vide avec alerte",
                    lambda r: (
                        Near(6, 1)(r["duree_mois"]) or (_empty(r["duree_mois"]) and _has_alert(r, "durée"))
                    ),
                ),
            },
        ),
        "duree_jusqu_au.csv",
    ),
    case(
        "D06",
        Read(
            8,
            rows={
                line: Fact(
                    f"{text} → {months}, à défaut alerte « durée à vérifier »",
                    lambda r, m=months: _same(r["duree_mois"], float(m)) or _has_alert(r, "vérifier"),
                )
                for line, text, months in (
                    (3, "« 6 mois (0,5 an) »", 6),
                    (4, "« 48 mois (4 ans) »", 48),
                    (5, "« 3 mois soit 90 jours »", 3),
                )
            },
        ),
        "duree_double_unite.csv",
    ),
    case(
        "D07",
        Alternatives(
            Read(8, values={2: {"duree_mois": Near(6, 0.1)}}),
            Read(8, alerts={"*": "durée aberrante"}),
        ),
        "duree_en_jours_entete.csv",
    ),
    case(
        "D08",
        Read(
            8,
            values={4: {"date_notification": None}, 7: {"date_notification": None}},
            alerts={4: r"date (illisible|non renseignée)", 7: r"date (illisible|non renseignée)"},
        ),
        "date_texte_libre.csv",
    ),
    # ==== codes CPV
    case(
        "P01",
        Read(
            8,
            values={2: {"code_cpv": "45300000"}, 5: {"code_cpv": "45421151"}, 6: {"code_cpv": "45262660"}},
            alerts={
                2: ("plusieurs codes CPV", "45331000"),
                5: ("plusieurs codes CPV", "45331000", "45310000"),
                6: ("plusieurs codes CPV", "45111100"),
            },
            clean={"*": "code CPV inconnu"},
        ),
        "cpv_plusieurs_codes.csv",
    ),
    case(
        "P02",
        Read(8, values={2: {"code_cpv": "45300000", "id_contrat": "90003"}}, quiet=("*",)),
        "cpv_formule_excel.csv",
    ),
    case(
        "P03",
        Read(
            6,
            values={
                "#2": {"code_cpv": "45431000"},
                "#4": {"code_cpv": "03121000"},
                "#5": {"code_cpv": "03111000"},
                "#6": {"code_cpv": "03451000"},
            },
            alerts={"#2": "CPV", "#5": "CPV", "#6": "CPV"},
        ),
        "cpv_chiffres_perdus.json",
    ),
    case(
        "P04",
        # line 8 holds the exact label « Travaux de démolition », CPV 45111100
        Alternatives(
            Read(
                8,
                values={
                    3: {"code_cpv": "45262660"},
                    6: {"code_cpv": "45262660"},
                    8: {"code_cpv": "45111100"},
                },
                alerts={line: "retrouvé d’après son libellé" for line in (3, 6, 8)},
            ),
            Read(
                8,
                values={line: {"code_cpv": None} for line in (3, 6, 8)},
                alerts={line: "libellé CPV sans code|libellé sans code CPV" for line in (3, 6, 8)},
            ),
        ),
        "cpv_libelle_seul.csv",
    ),
    # ==== lieux d'exécution
    case(
        "L01",
        Read(
            6,
            values={
                2: {"commune_insee": "35238"},
                7: {"commune_insee": "35238"},
                4: {"commune_insee": "29019"},
                6: {"commune_insee": "29019"},
            },
            rows={
                line: Fact(
                    "« 56 100 » → 56121 (Lorient), ou département 56 avec l’alerte « code ambigu »",
                    lambda r: (
                        r["commune_insee"] == "56121"
                        or (r["departement"] == "56" and _has_alert(r, "ambigu"))
                    ),
                )
                for line in (3, 5)
            },
        ),
        "lieu_code_postal_espace.csv",
    ),
    case(
        "L02",
        Diagnosed(
            Read(
                8,
                values={
                    f"#{k}": {"lieu_type": Match("pays|étranger"), "departement": None} for k in range(3, 9)
                },
                alerts={f"#{k}": "lieu d’exécution à l’étranger|étranger" for k in range(3, 9)},
            ),
            facts=(
                Fact(
                    "au diagnostic : indéterminé, ou faible justifié par l’étranger", _abroad_judged_as_abroad
                ),
            ),
        ),
        "lieu_etranger_code_pays.json",
    ),
    case(
        "L03",
        Read(
            8,
            values={
                line: {"departement": dep}
                for line, dep in zip(
                    range(2, 10), ("22", "39", "73", "13", "08", "30", "54", "2A"), strict=True
                )
            },
        ),
        "lieu_departement_parentheses.csv",
    ),
    case(
        "L04",
        Read(
            6,
            values={
                line: {"commune_insee": insee}
                for line, insee in zip(
                    range(2, 8), ("29151", "22070", "35238", "56121", "22050", "29019"), strict=True
                )
            },
            clean={"*": r"inconnu|introuvable"},
        ),
        "lieu_commune_code_postal.csv",
    ),
    case(
        "L05",
        Read(
            8,
            values={
                **{line: {"commune_insee": "35238"} for line in (2, 3, 5, 8, 9)},
                **{
                    line: {"region": "53", "departement": None, "lieu_type": Match("région")}
                    for line in (4, 6, 7)
                },
            },
        ),
        "lieu_region_et_cedex.csv",
    ),
    case(
        "L06",
        Read(
            4,
            values={"*": {"commune_insee": None, "departement": None}},
            alerts={"*": (r"inconnu.*INO|INO.*inconnu", r"plusieurs communes")},
        ),
        "lieu_code_inconnu_plusieurs_villes.json",
    ),
    case(
        "L07",
        Read(4, values={"*": {"departement": "69"}}, alerts={"*": "FRK26"}, clean={"*": LIEU_INCONNU}),
        "lieu_code_nuts.json",
    ),
    case(
        "L08",
        Read(
            5,
            values={
                2: {"lieu_code": "07510", "departement": "07"},
                3: {"lieu_code": "07510", "departement": "07"},
                4: {"departement": "08"},
                5: {"departement": "01"},
                6: {"departement": "04"},
            },
            clean={"*": r"7510.*(inconnu|mal formé)"},
        ),
        "lieu_codes_en_nombres.xlsx",
    ),
    case(
        "L09",
        Read(
            6,
            values={
                2: {"departement": "06", "commune_insee": None},  # CODE POSTAL named after the department
                3: {"departement": "06"},  # CODE COMMUNE, same code and name
                4: {"departement": None, "lieu_type": Match(r"\w")},
                5: {"departement": None, "lieu_type": Match(r"\w")},
                6: {"departement": None},
                7: {"departement": None},
            },
            alerts={3: "incohérent", 6: "étranger", 7: "étranger"},
            facts=(Fact("jamais le département de l’acheteur", lambda t: not (t["lieu_type"] == DEP).any()),),
        ),
        "lieu_codes_aife_incoherents.csv",
    ),
    case(
        "L10",
        Read(
            6,
            values={
                "#1": {"departement": "2A"},  # 20000 is Ajaccio
                "#2": {"departement": "2A"},
                "#3": {"departement": "2A"},
                "*": {"departement": AnyOf("2A", "2B")},
            },
            clean={"*": r"inconnu|introuvable"},
        ),
        "lieu_corse.json",
    ),
    # ==== textes
    case(
        "T01",
        Read(
            6,
            values={"#5": {"objet": Match(r"^ACHAT D’UN APPAREIL")}},
            clean={"*": "objet absent"},
            facts=(
                Fact(
                    "aucun objet avec « <br » ni « &#8217; »",
                    lambda t: not t["objet"].str.contains("<br|&#8217;", regex=True).any(),
                ),
            ),
        ),
        "objets_html.json",
    ),
    # ==== encodages
    case(
        "E01",
        Either(
            Read(
                8,
                values={2: {"procedure": "Procédure adaptée"}, 4: {"objet": Match("Kéroman")}},
                notes=(r"Mac Roman|encod",),
            ),
            Refused("encodage non reconnu"),
        ),
        "mac_roman.csv",
    ),
    case(
        "E02",
        Read(
            8,
            values={2: {"montant": 38800.0}, 4: {"objet": Match("main d'œuvre comprise")}},
            notes=(r"ISO-8859-15|Latin-9|encod",),
            facts=(
                Fact("montants lus", lambda t: t["montant"].notna().all()),
                Fact(
                    "jamais « ¤ » ni « ½ » dans les objets",
                    lambda t: not t["objet"].str.contains("[¤½]").any(),
                ),
            ),
        ),
        "latin9_euro.csv",
    ),
    case(
        "E03",
        Either(
            Read(8, values={2: {"procedure": "Procédure adaptée"}}, notes=(r"DOS|850",)),
            Refused("encodage"),
        ),
        "dos_cp850.csv",
    ),
    case(
        "E04",
        Read(
            8,
            lines=(2, 3, 4, 5, 7, 8, 9, 10),
            aside={"en-tête répété": 1},
            aside_total=1,
            facts=(
                Fact(
                    "aucun marché d’identifiant « Id du marché »",
                    lambda t: not t["id_contrat"].fillna("").str.contains("Id du marché").any(),
                ),
            ),
        ),
        "deux_exports_bom_milieu.csv",
    ),
    # ==== doublons et noms de fichiers
    case(
        "X01",
        # 43 lines: the 40 identical ones (lines 5 to 44) all flagged, 39 of them marked doublon
        Alternatives(
            Read(4),
            Read(
                43,
                alerts={line: "identique" for line in range(5, 45)},
                facts=(
                    Fact("doublon marqué sur 39", lambda t: t["doublon"].sum() == 39),
                    Fact(
                        "comptées une fois dans les totaux",
                        lambda t: t.loc[~t["doublon"], "montant"].sum() == pytest.approx(181486.0),
                    ),
                ),
            ),
        ),
        "lignes_identiques_sans_reference.csv",
    ),
    case(
        "X02",
        Read(
            8,
            facts=(
                Fact(
                    "source_fichier distingue les deux fichiers",
                    lambda t: (
                        t["source_fichier"].nunique() == 2
                        and t["source_fichier"].str.contains("direction_a").sum() == 4
                        and t["source_fichier"].str.contains("direction_b").sum() == 4
                    ),
                ),
                Fact(
                    "les deux rapports de lecture aussi",
                    lambda t: len({r["fichier"] for r in t.attrs["lecture"]}) == 2,
                ),
            ),
        ),
        "meme_nom/direction_a/marches.csv",
        "meme_nom/direction_b/marches.csv",
    ),
    case(
        "X03",
        Read(
            8,
            facts=(
                Fact("4 marqués doublon", lambda t: t["doublon"].sum() == 4),
                Fact(
                    "totaux sur 4 marchés",
                    lambda t: t.loc[~t["doublon"], "montant"].sum() == pytest.approx(562814.0),
                ),
            ),
        ),
        "deux_plateformes/pes.json",
        "deux_plateformes/marches_publics_info.json",
    ),
    case(
        "X04",
        Alternatives(
            Read(12),
            Read(
                24,
                alerts={f"#{k}": "doublon" for k in range(13, 25)},
                facts=(
                    Fact(
                        "les 12 lignes de la seconde lecture marquées doublon, pas les premières",
                        lambda t: t["doublon"].tolist() == [False] * 12 + [True] * 12,
                    ),
                ),
            ),
        ),
        "cli_marches.csv",
        "cli_marches.csv",
    ),
    # ==== formes de fichiers DECP
    case(
        "F01",
        Either(
            Read(6, facts=(Fact("format « JSON Lines »", lambda t: "JSON Lines" in _report(t)["format"]),)),
            Refused("JSON Lines"),
        ),
        "decp.jsonl",
    ),
    case("F02", Read(1, values={"#1": {"id_contrat": "202117F000000000"}}), "decp_un_marche.json"),
    case("F03", Read(1, values={"#1": {"id_contrat": "2021-9008-03"}}), "decp2022_marche_unique_objet.json"),
    case("F04", Either(Read(6), Refused(r"(?s)gzip.*décompress")), "decp.json.gz"),
    case(
        "F05",
        Either(Read(6), Refused(r"(?si)archive zip.*decp_croix\.json.*extraire")),
        "decp_archive.zip",
    ),
    # ==== annuaires de prestataires
    case(
        "R01",
        Read(
            8,
            values={
                "*": {"type_structure": "ESAT"},
                2: {
                    "raison_sociale": "ESAT ENVOL TRANSITION",
                    "commune_insee": "01047",
                    "siret": "77554456201361",
                    "effectif": 9.0,  # « Capacité autorisée agrégée »
                },
                3: {"effectif": 66.0},
            },
            facts=(Fact("reconnu comme liste FINESS", lambda t: "finess" in _report(t)["format"].lower()),),
        ),
        "esat_finess_2026_extrait.csv",
        reader="directory",
    ),
    case(
        "R02",
        # « codes restaurés » : the Ariège rows (9 → 09) as well as the Ain ones
        Read(
            8,
            values={
                2: {"code_postal": "01150", "departement": "01", "commune_insee": "01047"},
                3: {"departement": "01"},
                4: {"departement": "01"},
                5: {"departement": "09"},
                6: {"departement": "09"},
            },
            clean={"*": "inconnu"},
        ),
        "esat_zeros_perdus.csv",
        reader="directory",
    ),
    case(
        "R03",
        Read(
            8,
            values={"*": {"siret": None}},
            alerts={"*": "SIRET illisible.*notation scientifique"},
        ),
        "esat_siret_scientifique.csv",
        reader="directory",
    ),
    case(
        "R04",
        Read(
            6,
            values={2: {"siret": "41071771400035", "code_postal": "01500", "commune_insee": "01004"}},
            clean={"*": "SIRET"},
        ),
        "siae_nombres_xlsx.xlsx",
        reader="directory",
    ),
    case(
        "R05",
        Read(
            8,
            values={
                line: {"commune_insee": insee}
                for line, insee in zip(
                    range(2, 10),
                    ("16206", "23149", "62447", "85223", "93066", "69096", "76484", "95306"),
                    strict=True,
                )
            },
            clean={"*": "introuvable"},
        ),
        "siae_communes_fusionnees.csv",
        reader="directory",
    ),
    case(
        "R06",
        # the X/Y are the Lambert-93 projection of each commune's centre: converted or not, the providers must
        # stand within 1 km of them; X and Y are either recognised or kept without error
        Read(
            6,
            facts=(
                Fact("lat/lon à moins de 1 km du centre de la commune", _lambert_points_within_1_km),
                Fact(
                    "X/Y reconnues, ou gardées en source_",
                    lambda t: {"X", "Y"} <= set(_recognised(t)) or {"X", "Y"} <= set(_unrecognised(t)),
                ),
            ),
        ),
        "siae_lambert93_xy.csv",
        reader="directory",
    ),
    case(
        "R07",
        Alternatives(
            Read(6, values={"*": {"departement": "73"}}, alerts={"*": "Lambert-93"}),
            Read(
                6,
                values={"*": {"lat": None, "lon": None, "departement": None}},
                alerts={"*": ("coordonnées impossibles", "aucune localisation")},
            ),
        ),
        "siae_lambert93_dans_lat_lon.csv",
        reader="directory",
    ),
    case(
        "R08",
        Alternatives(
            Read(
                6,
                values={
                    "*": {"departement": "38"},
                    2: {"lat": Near(45.19291, 0.001), "lon": Near(5.67789, 0.001)},
                },
                alerts={"*": "latitude et longitude inversées"},
            ),
            Read(6, values={"*": {"departement": None, "lat": None}}, alerts={"*": "hors de France"}),
        ),
        "siae_lat_lon_inverses_sans_commune.csv",
        reader="directory",
    ),
    case(
        "R09",
        Read(
            3,
            values={
                3: {
                    "departement": None,
                    "commune_insee": Fact("pas 07102 (Guilherand-Granges)", lambda c: c != "07102"),
                }
            },
            alerts={3: "hors de France"},
        ),
        "prestataire_etranger.csv",
        reader="directory",
    ),
    case(
        "R10",
        Read(
            15,
            values={
                2: {"effectif": 74.5},
                3: {"effectif": None},
                **{line: {"effectif": 1499.5} for line in (4, 5, 6, 7)},
                **{line: {"effectif": 34.5} for line in (8, 9, 10, 11)},
                12: {"effectif": 7.5},
                13: {"effectif": 14.5},
                14: {"effectif": 1.5},
                15: {"effectif": 0.0},
                16: {"effectif": 250.0},
            },
            alerts={line: "tranche" for line in (2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)},
            clean={"*": "effectif illisible"},
        ),
        "siae_effectifs_tranches.csv",
        reader="directory",
    ),
    case(
        "R11",
        Read(
            5,
            values={
                2: {"effectif": 12.5},
                3: {"effectif": 8.5},
                4: {"effectif": 45.0},
                5: {"effectif": None},
                6: {"effectif": 0.0},
            },
            alerts={5: "effectif négatif", 6: "effectif nul"},
        ),
        "esat_import_etp.csv",
        reader="directory",
    ),
    case(
        "R12",
        Read(6, sheet="ESAT", values={"*": {"type_structure": "ESAT", "departement": "73"}}),
        "notice_avant_tableau.xlsx",
        reader="directory",
    ),
    case(
        "R13",
        Read(
            6,
            values={
                line: {"type_structure": kind}
                for line, kind in zip(range(2, 8), ("ESAT", "ESAT", "EA", "ETTI", "ACI", "AI"), strict=True)
            },
            clean={"*": "type de structure inconnu"},
        ),
        "types_structure_libelles.csv",
        reader="directory",
    ),
    case(
        "R14",
        # lines 2 and 5 are the secondary sites (capacity 49 and 25, as their principal's on lines 3 and 4)
        Read(
            4,
            alerts={line: "capacité identique à celle de l.établissement principal" for line in (2, 5)},
        ),
        "esat_capacite_repetee_site_secondaire.csv",
        reader="directory",
    ),
    case(
        "R15",
        Read(
            6,
            values={
                # a former region is its departments (Rhône-Alpes: 01 07 26 38 42 69 73 74, not the whole of
                # Auvergne-Rhône-Alpes): more precise than the present region the attendu named
                2: {
                    "zones": Fact("Rhône-Alpes", lambda z: {"dep:38", "dep:69", "dep:73"} <= set(_as_list(z)))
                },
                3: {
                    "zones": Fact(
                        "ancienne région (76)", lambda z: any(x.startswith("dep:") for x in _as_list(z))
                    )
                },
                4: {
                    "zones": Fact(
                        "ancienne région (32)", lambda z: any(x.startswith("dep:") for x in _as_list(z))
                    )
                },
                5: {"zones": Fact("38 et 73", lambda z: {"dep:38", "dep:73"} <= set(_as_list(z)))},
                6: {"rayon_km": 50.0},
                7: {
                    "zones": Fact(
                        "38, 73 et 74", lambda z: {"dep:38", "dep:73", "dep:74"} <= set(_as_list(z))
                    )
                },
            },
            alerts={2: "ancienne région"},
            clean={"*": r"périmètre illisible|non reconnue"},
        ),
        "perimetres_anciennes_regions.csv",
        reader="directory",
    ),
    # ==== paramètres
    case(
        "G01",
        Refused(r"(?s)(?=.*min_prestataires_fort)(?=.*trois)(?=.*entier)"),
        "parametres_entier_texte.toml",
        reader="settings",
    ),
    case(
        "G02",
        Either(
            SettingsRead(
                {"date_reference": dt.date(2025, 6, 30)},
                facts=(
                    Fact("une date", lambda s: isinstance(s.date_reference, dt.date)),
                    Fact("le diagnostic tourne avec ces paramètres", _diagnoses_with),
                ),
            ),
            Refused(r"(?s)date_reference.*date attendue"),
        ),
        "parametres_date_texte.toml",
        reader="settings",
    ),
    case(
        "G03",
        Either(SettingsRead({"dependance_max": 0.25}), Refused(r"(?s)paramètres.*UTF-8")),
        "parametres_cp1252.toml",
        reader="settings",
    ),
    case(
        "G04",
        # « bornes attendues : dependance_max entre 0 et 1, min_prestataires_fort ≥ 1 » : both said in the message
        Refused(
            r"(?s)(?=.*dependance_max[^\n]*entre 0 et 1(?!\d|[.,]\d))"
            r"(?=.*min_prestataires_fort[^\n]*(≥ ?1|au moins 1|entre 1 et))"
        ),
        "parametres_negatif.toml",
        reader="settings",
    ),
    case(
        "G05",
        # « (30 : un pourcentage ? écrire 0.3) » : the message turns the 30 given into 0.3
        Refused(r"(?s)(?=.*dependance_max)(?=.*entre 0 et 1(?!\d|[.,]\d))(?=.*\b30\b)(?=.*\b0[.,]3\b)"),
        "parametres_pourcentage.toml",
        reader="settings",
    ),
    case("G06", SettingsRead({"min_prestataires_fort": 4}), "parametres_bom.toml", reader="settings"),
    case(
        "G07",
        Either(
            SettingsRead({"min_prestataires_fort": 5, "dependance_max": 0.4}),
            Refused(r"(?s)(?=.*\[seuils\])(?=.*section)"),
        ),
        "parametres_section.toml",
        reader="settings",
    ),
    case(
        "G08",
        # « suggérant 0.3 (point décimal) » : the corrected value itself is shown
        Refused(r"(?s)(?=.*fichier de paramètres illisible)(?=.*\b(ligne|line) 1\b)(?=.*\b0\.3\b)"),
        "parametres_virgule_decimale.toml",
        reader="settings",
    ),
    case(
        "G09",
        Refused(r"(?s)(?=.*min_prestataires_fort)(?=.*entier)(?=.*3\.5)"),
        "parametres_flottant_entier.toml",
        reader="settings",
    ),
    case(
        "G10",
        Refused(r"(?s)(?=.*ca_par_etp)(?=.*cout_horaire)"),
        "parametres_ca_zero.toml",
        reader="settings",
    ),
    case(
        "G11",
        Refused(r"(?s)2 problèmes.*paramètre retiré.*seuil_lot_reserve.*paramètre retiré.*seuil_reservation"),
        "parametres_incoherents.toml",
        reader="settings",
    ),
    case(
        "G12",
        Refused(r"(?s)(?=.*min_prestataires_fort)(?=.*entier)(?=.*(?i:true))"),
        "parametres_booleen.toml",
        reader="settings",
    ),
    case(
        "G13",
        Refused(r"(?s)(?=.*\b(ligne|line) 1\b)(?=.*dependance_max)"),
        "parametres_cle_accentuee.toml",
        reader="settings",
    ),
    case(
        "G14",
        SettingsRead(
            {"min_prestataires_fort": 3}, facts=(Fact("Settings() par défaut", lambda s: s == tr.Settings()),)
        ),
        "parametres_vide.toml",
        reader="settings",
    ),
    case(
        "G15",
        Refused(
            r"(?s)(?=.*min_prestataires_fort)(?=.*dependance_max)(?=.*(attendu|entre|doit))",
            error=(tr.InputError, ValueError),
        ),
        call=lambda tmp: tr.Settings(min_prestataires_fort="3", dependance_max=-1),
    ),
    case(
        "G16",
        Cli(
            ("diagnostic", "{corpus}/cli_marches.csv", "--parametres", "{fichier}", "-o", "{tmp}/r.xlsx"),
            codes=(1,),
            err=("Erreur", "min_prestataires_fort"),
        ),
        "parametres_entier_texte.toml",
    ),
    # ==== ligne de commande
    case(
        "K01",
        Cli(
            ("diagnostic", "{fichier}", "-o", "{tmp}"),
            codes=(1, 2),
            err=("{tmp}", "est un dossier", "nom de fichier"),
        ),
        "cli_marches.csv",
    ),
    case(
        "K02",
        Cli(
            ("diagnostic", "{fichier}", "-o", "{tmp}/lecture_seule/r.xlsx"),
            codes=(1, 2),
            err=("{tmp}/lecture_seule", "(?i)écri", "(?i)droits|lecture seule|permission"),
            prepare=_read_only_folder,
            unprivileged=True,
        ),
        "cli_marches.csv",
    ),
    case(
        "K03",
        Cli(
            ("diagnostic", "{fichier}", "-o", "{tmp}/verrou.xlsx"),
            codes=(1, 2),
            # « fichier ouvert dans Excel ou protégé ? » : « lecture seule » says the file is protected
            err=(r"verrou\.xlsx", "(?i)ouvert|protégé|lecture seule"),
            facts=(_file_unchanged("verrou.xlsx", CORPUS / "cli_marches.xlsx"),),
            prepare=_copy("cli_marches.xlsx", "verrou.xlsx", 0o444),
            unprivileged=True,
        ),
        "cli_marches.csv",
    ),
    case(
        "K04",
        Cli(
            ("diagnostic", "{fichier}", "--csv", "{tmp}/absent/d.csv", "-o", "{tmp}/r.xlsx"),
            codes=(1, 2),
            err=("{tmp}/absent",),
        ),
        "cli_marches.csv",
    ),
    case(
        "K05",
        Cli(
            ("classer", "{fichier}", "-o", "{tmp}/absent/c.csv"), codes=(1, 2), err=("Erreur", "{tmp}/absent")
        ),
        "cli_marches.csv",
    ),
    case(
        "K06",
        Cli(
            ("contrats", "{tmp}/illisible.csv"),
            codes=(1,),
            err=(r"illisible\.csv", "(?i)droits|accès refusé|permission"),
            prepare=_copy("cli_marches.csv", "illisible.csv", 0o000),
            unprivileged=True,
        ),
    ),
    case(
        "K07",
        # « | head -1 » made certain: the reading end is closed before the command writes anything
        Process(("contrats", "{fichier}"), codes=(0, 141, -13), closed_stdout=True),
        "cli_marches.csv",
    ),
    case(
        "K08",
        Process(("contrats", "{fichier}"), codes=(0,), env={"PYTHONIOENCODING": "cp1252"}, out=("marchés",)),
        "cli_marches.csv",
    ),
    case(
        "K09",
        # a command line to correct: exit code 2, the code the CLI documents for it (the attendu said 1)
        Cli(
            ("diagnostic", "{corpus}/cli_marches.xlsx", "--par-lots", "-o", "{tmp}/r.xlsx"),
            codes=(2,),
            err=("--par-lots", "CSV ou parquet", "classeur"),
        ),
    ),
    case(
        "K10",
        Cli(
            ("diagnostic", "{fichier}", "-o", "{tmp}/rapport.csv"),
            codes=(0, 1, 2),
            facts=(
                Fact("refus « -o écrit un classeur .xlsx ; … --csv » ou un vrai CSV", _csv_report_or_refusal),
            ),
        ),
        "cli_marches.csv",
    ),
    case(
        "K11",
        Cli(
            ("diagnostic", "{corpus}/README.md"), codes=(1,), err=("(?i)pas un fichier de marchés|markdown",)
        ),
    ),
    case(
        "K12",
        Cli(
            ("diagnostic", "{fichier}", "--territoire", "38", "-o", "{tmp}/r.xlsx"),
            codes=(0,),
            facts=(Fact("pas mis en Isère en silence", _territory_not_given_in_silence),),
        ),
        "territoire_sans_lieu.json",
    ),
    case(
        "K13",
        Cli(
            (
                "diagnostic",
                "{corpus}/cli_marches.csv",
                "--par-lots",
                "--taille-lot",
                "0",
                "-o",
                "{tmp}/r.xlsx",
            ),
            codes=(2,),
            err=("--taille-lot", "(?i)positif|au moins 1"),
        ),
    ),
    case(
        "K14",
        # a command line to correct: exit code 2, the code the CLI documents for it (the attendu said 1)
        Cli(
            ("diagnostic", "{tmp}/copie.xlsx", "-o", "{tmp}/copie.xlsx"),
            codes=(2,),
            err=("écraserait",),
            facts=(_file_unchanged("copie.xlsx", CORPUS / "cli_marches.xlsx"),),
            prepare=_copy("cli_marches.xlsx", "copie.xlsx"),
        ),
    ),
    case(
        "K15",
        Cli(
            ("prestataires", "{fichier}"), codes=(1,), err=("fichier de marchés", "transferability contrats")
        ),
        "cli_marches.csv",
    ),
    case(
        "K16",
        Cli(
            ("contrats", "{corpus}"),
            codes=(0, 1),
            facts=(
                Fact(
                    "« est un dossier : donner les fichiers », ou ses fichiers lus", _folder_refused_or_read
                ),
            ),
        ),
    ),
    case(
        "K17",
        Cli(
            ("diagnostic", "{fichier}", "--csv", "{tmp}/d.csv", "-q"),
            codes=(0,),
            facts=(Fact("d.csv en « ; » et UTF-8 avec BOM", _csv_for_french_excel),),
        ),
        "cli_marches.csv",
    ),
    case(
        "K18",
        Cli(
            ("diagnostic", "{fichier}", "--territoire", "Savoie", "-o", "{tmp}/r.xlsx"),
            codes=(0, 1),
            facts=(Fact("nom accepté, ou la forme attendue dite", _territory_name_accepted_or_explained),),
        ),
        "cli_marches.csv",
    ),
    case(
        "K19",
        Cli(
            ("classer", "{fichier}", "-o", "{tmp}/c.csv", "--revue", "{tmp}/rv.xlsx", "--n-revue", "-5"),
            codes=(2,),
            err=("--n-revue", "(?i)positi|au moins 1"),
        ),
        "cli_marches.csv",
    ),
    case(
        "K20",
        Cli(
            ("diagnostic", "--exemple", "--annuaire", "{fichier}", "-o", "{tmp}/r.xlsx"),
            codes=(1,),
            err=("(?i)pas un annuaire|colonnes de marchés|fichier de marchés",),
        ),
        "cli_marches.csv",
    ),
    # ==== API Python
    case(
        "A01",
        Either(
            Holds(
                Fact(
                    "12 marchés, mêmes montants et lieux que le fichier",
                    lambda t: (
                        len(t) == 12
                        and _same_as_file(
                            t, "cli_marches.csv", 12, ("montant", "commune_insee", "departement")
                        )
                    ),
                )
            ),
            Refused(r"(?s)^(?!.*introuvable).*read_contracts lit des fichiers"),
        ),
        call=lambda tmp: tr.read_contracts(pd.read_csv(CORPUS / "cli_marches.csv", sep=";")),
    ),
    case(
        "A02",
        Refused(r"(?s)(?=.*chemin)(?=.*\bint\b)", error=(tr.InputError, TypeError)),
        call=lambda tmp: tr.read_contracts(42),
    ),
    case(
        "A03",
        Either(
            Holds(
                Fact(
                    "1 marché « indéterminé » avec l’alerte « lieu d’exécution inconnu »",
                    lambda d: (
                        len(d.contrats) == 1
                        and d.contrats["niveau"].iloc[0] == "indéterminé"
                        and _has_alert(d.contrats.iloc[0], "lieu d’exécution inconnu")
                    ),
                )
            ),
            Refused("colonne"),
        ),
        call=lambda tmp: tr.diagnose(pd.DataFrame({"objet": ["Tonte des pelouses"], "montant": [1000]})),
    ),
    case(
        "A04",
        Refused(r"(?s)(?=.*champ inconnu)(?=.*objet_marche)(?=.*code_cpv)"),
        call=lambda tmp: tr.read_contracts(
            CORPUS / "cli_marches.csv", columns={"objet_marche": "Objet marché"}
        ),
    ),
    case("A05", Refused("aucun fichier"), call=lambda tmp: tr.read_contracts([])),
    case(
        "A06",
        Either(Read(12), Refused("format inconnu")),
        call=lambda tmp: tr.read_contracts(CORPUS / "cli_marches.xlsx", format="XLSX"),
    ),
    case(
        "A07",
        Either(Read(12), Refused(r"(?s)(?=.*feuille introuvable)(?=.*« 0 »)(?=.*« Sheet »)")),
        call=lambda tmp: tr.read_contracts(CORPUS / "cli_marches.xlsx", sheet=0),
    ),
    case(
        "A08",
        Either(
            Read(1, values={"#1": {"commune_insee": "73065"}}),
            Refused(r"(?s)^(?!.*introuvable).*read_directory lit des fichiers"),
        ),
        call=lambda tmp: tr.read_directory(pd.DataFrame({"raison_sociale": ["X"], "code_postal": ["73000"]})),
    ),
    case(
        "A09",
        Refused(r"(?s)(?=.*fichier introuvable)(?=.*absent\.csv)"),
        call=lambda tmp: tr.diagnose(CORPUS / "cli_marches.csv", directory="absent.csv"),
    ),
    case(
        "A10",
        Refused(r"(?s)^(?!.*introuvable).*dossier"),
        call=lambda tmp: tr.read_contracts(CORPUS),
    ),
    # ==== sorties du diagnostic
    case(
        "O01",
        Diagnosed(
            Read(8),
            contrats=Read(8, values={line: {"famille": "Hors champ"} for line in (2, 3, 4, 5, 6)}),
            facts=(
                Fact(
                    "Hors champ : sans métier, faible, sans prestataires ni métier inclusif expliqué",
                    _out_of_scope_is_plain,
                ),
            ),
        ),
        "hors_champ.csv",
    ),
    case(
        "O02",
        Diagnosed(
            Read(6),
            facts=(Fact("explications en mots entiers, termes de l’objet", _explanations_in_whole_words),),
        ),
        "explications_racines.csv",
    ),
]


# -- the checks --------------------------------------------------------------------------------------------
def _rows_of(table: pd.DataFrame, key) -> list:
    if key == "*":
        assert len(table), "table vide"
        return [row for _, row in table.iterrows()]
    if isinstance(key, str) and key.startswith("#"):
        k = int(key[1:])
        assert len(table) >= k, f"pas de {k}e ligne ({len(table)} lues)"
        return [table.iloc[k - 1]]
    if isinstance(key, str) and key.startswith("id="):
        hits = table[table["id_contrat"] == key[3:]]
    else:
        hits = _line_rows(table, [key])
    assert len(hits) == 1, f"aucune ligne unique pour {key} ({len(hits)})"
    return [hits.iloc[0]]


def check_table(table: pd.DataFrame, answer: Read) -> None:
    assert len(table) == answer.n, f"{len(table)} lignes au lieu de {answer.n}"
    reports = table.attrs.get("lecture", [])
    if answer.rows_in is not None:
        assert sum(r["lignes_lues"] for r in reports) == answer.rows_in, [r["lignes_lues"] for r in reports]
    aside = Counter()
    for r in reports:
        aside.update(r["lignes_ecartees"])
    for pattern, count in answer.aside.items():
        got = sum(n for kind, n in aside.items() if re.search(pattern, kind))
        assert got == count, f"écartées « {pattern} » : {got} au lieu de {count} ({dict(aside)})"
    if answer.aside_total is not None:
        assert sum(aside.values()) == answer.aside_total, f"écartées : {dict(aside)}"
    if answer.lines:
        assert _lines(table) == sorted(answer.lines), f"lignes lues {_lines(table)}"
    if answer.header is not None:
        assert reports[0]["ligne_entete"] == answer.header, f"en-tête ligne {reports[0]['ligne_entete']}"
    if answer.sheet is not None:
        assert reports[0]["feuille"] == answer.sheet, f"feuille {reports[0]['feuille']!r}"
    notes = [n for r in reports for n in r["notes"]]
    for pattern in answer.notes:
        assert any(re.search(pattern, n) for n in notes), f"aucune note « {pattern} » : {notes}"
    for key, values in answer.values.items():
        for row in _rows_of(table, key):
            for column, expected in values.items():
                got = row[column]
                if isinstance(expected, Fact):
                    assert expected.holds(got), (
                        f"ligne {row['source_ligne']}, {column} = {got!r} : {expected.text}"
                    )
                else:
                    assert _same(got, expected), (
                        f"ligne {row['source_ligne']}, {column} = {got!r}, attendu {expected!r}"
                    )
    for key, patterns in answer.alerts.items():
        for row in _rows_of(table, key):
            for pattern in patterns if isinstance(patterns, tuple) else (patterns,):
                assert _has_alert(row, pattern), (
                    f"ligne {row['source_ligne']} sans alerte « {pattern} » : {_alerts_of(row)}"
                )
    for key, pattern in answer.clean.items():
        for row in _rows_of(table, key):
            assert not _has_alert(row, pattern), (
                f"ligne {row['source_ligne']} avec « {pattern} » : {_alerts_of(row)}"
            )
    for key in answer.quiet:
        for row in _rows_of(table, key):
            assert not _alerts_of(row), f"ligne {row['source_ligne']} avec des alertes : {_alerts_of(row)}"
    for key, fact in answer.rows.items():
        for row in _rows_of(table, key):
            assert fact.holds(row), f"ligne {row['source_ligne']} : {fact.text} ({row.to_dict()})"
    for fact in answer.facts:
        assert fact.holds(table), fact.text


def verify(answer, value, caught: list) -> None:
    if isinstance(answer, Read):
        check_table(value, answer)
    elif isinstance(answer, Alternatives):
        failures = []
        for option in answer.answers:
            try:
                verify(option, value, caught)
                return
            except AssertionError as failure:
                failures.append(str(failure))
        raise AssertionError("aucune des réponses admises : " + " | ".join(failures))
    elif isinstance(answer, Diagnosed):
        table, diagnostic = value
        check_table(table, answer.read)
        if answer.contrats is not None:
            check_table(diagnostic.contrats, answer.contrats)
        for fact in answer.facts:
            assert fact.holds(diagnostic), fact.text
    elif isinstance(answer, SettingsRead):
        for name, expected in answer.values.items():
            assert getattr(value, name) == expected, (
                f"{name} = {getattr(value, name)!r}, attendu {expected!r}"
            )
        for fact in answer.facts:
            assert fact.holds(value), fact.text
    elif isinstance(answer, Holds):
        for fact in answer.facts:
            assert fact.holds(value), fact.text
    elif isinstance(answer, Warned):
        texts = [str(w.message) for w in caught]
        assert any(re.search(answer.match, t) for t in texts), (
            f"ni refus ni alerte « {answer.match} » : {texts}"
        )
    else:
        raise AssertionError(f"réponse inconnue : {answer!r}")


def check_call(answer, produce: Callable) -> None:
    caught: list = []

    def run():
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            try:
                return produce()
            finally:
                caught.extend(seen)

    if isinstance(answer, Refused):
        with pytest.raises(answer.error, match=answer.match):
            run()
        return
    if isinstance(answer, Either):
        try:
            value = run()
        except tr.InputError as error:
            assert re.search(answer.refused.match, str(error)), f"refus inattendu : {error}"
            return
        verify(answer.answer, value, caught)
        return
    verify(answer, run(), caught)


# -- the command line --------------------------------------------------------------------------------------
def _main(argv: list) -> tuple:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def _drop_root_file_powers() -> None:
    """Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: root then obeys chmod as any user does."""
    libc = ctypes.CDLL(None, use_errno=True)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    header, data = Header(0x20080522, 0), (Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    keep = ~((1 << 1) | (1 << 2)) & 0xFFFFFFFF
    data[0].effective &= keep
    data[0].permitted &= keep
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def _main_without_root_powers(argv: list) -> tuple:
    """As root, chmod means nothing: run ``main`` in a forked child that has given up its file powers."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return _main(argv)
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(reading)
            _drop_root_file_powers()
            payload = json.dumps(_main(argv))
        except BaseException:
            payload = json.dumps([None, "", traceback.format_exc()])
        with os.fdopen(writing, "w") as pipe:
            pipe.write(payload)
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        payload = pipe.read()
    os.waitpid(pid, 0)
    return tuple(json.loads(payload))


def _fill(text: str, places: dict, escape: bool = False) -> str:
    for name, value in places.items():
        text = text.replace("{" + name + "}", re.escape(value) if escape else value)
    return text


def check_cli(answer: Cli, places: dict, tmp: Path) -> None:
    if answer.prepare:
        answer.prepare(tmp)
    argv = [_fill(a, places) for a in answer.argv]
    try:
        run = _main_without_root_powers(argv) if answer.unprivileged else _main(argv)
    finally:
        for path in tmp.rglob("*"):
            path.chmod(0o755)
    code, out, err = run
    assert "Traceback" not in err + out, err
    assert code in answer.codes, f"code {code} au lieu de {answer.codes} ; {err.strip()[:400]}"
    for pattern in answer.err:
        assert re.search(_fill(pattern, places, escape=True), err), (
            f"« {pattern} » absent de : {err.strip()[:400]}"
        )
    result = Run(code, out, err, tmp)
    for fact in answer.facts:
        assert fact.holds(result), f"{fact.text} ; code {code} ; {err.strip()[:400]}"


def check_process(answer: Process, places: dict) -> None:
    cmd = [sys.executable, "-m", "transferability.cli", *(_fill(a, places) for a in answer.argv)]
    env = {**os.environ, **answer.env}
    if answer.closed_stdout:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.wait(timeout=120)
        out, code = "", proc.returncode
    else:
        proc = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
        encoding = answer.env.get("PYTHONIOENCODING", "utf-8")
        err = proc.stderr.decode(encoding, "replace")
        out, code = proc.stdout.decode(encoding), proc.returncode  # strict: what the console can show
    for bad in ("Traceback", "BrokenPipeError", "Exception ignored", "UnicodeEncodeError"):
        assert bad not in err, err
    assert code in answer.codes, f"code {code} ; {err.strip()[:400]}"
    for pattern in answer.out:
        assert re.search(pattern, out), out[:400]


# -- the test ----------------------------------------------------------------------------------------------
READERS = {"contracts": tr.read_contracts, "directory": tr.read_directory, "settings": tr.Settings.from_toml}


@pytest.mark.parametrize(("files", "answer", "options"), CASES)
def test_corpus_case_gets_its_answer(files, answer, options, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # default outputs and relative names land in tmp_path
    paths = [CORPUS / f for f in files]
    places = {"fichier": str(paths[0]) if paths else "", "corpus": str(CORPUS), "tmp": str(tmp_path)}
    if isinstance(answer, Cli):
        check_cli(answer, places, tmp_path)
    elif isinstance(answer, Process):
        check_process(answer, places)
    elif "call" in options:
        check_call(answer, lambda: options["call"](tmp_path))
    elif isinstance(answer, Diagnosed):

        def read_and_diagnose():
            table = tr.read_contracts(paths[0])
            return table, tr.diagnose(table)

        check_call(answer, read_and_diagnose)
    else:
        reader = READERS[options.get("reader", "contracts")]
        source = paths if len(paths) > 1 else paths[0]
        check_call(answer, lambda: reader(source))


def test_every_case_of_cases_csv_is_in_the_table():
    ids = [p.id for p in CASES]
    assert sorted(ids) == sorted(CASE_IDS) and len(set(ids)) == len(ids)
    listed = {
        row["cas"]: row["fichier"] for row in csv.DictReader((CORPUS / "cases.csv").open(encoding="utf-8"))
    }
    for p in CASES:
        files = p.values[0]
        assert all((CORPUS / f).exists() for f in files), p.id
        assert not listed[p.id] or set(files) <= {f.strip() for f in listed[p.id].split("|")}, p.id
