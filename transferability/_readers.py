"""Reading raw rows out of every contract file format.

Each reader returns a :class:`RawTable`: the cells as found, each row's source line,
and what was set aside. Tabular files (CSV, xlsx, parquet) keep their own headers and
are recognised by :mod:`._headers`; DECP JSON and XML are mapped field by field here.
Source lines: a spreadsheet's row number (header included) for tabular files, the
1-based position of the record in the file for JSON and XML.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import ftfy
import pandas as pd
from defusedxml import ElementTree as SafeET

from ._errors import InputError, Problem
from ._headers import header_score
from ._text import clean_text

HEADER_SEARCH_ROWS = 15
_C1 = re.compile("[\u0080-\u009f]")
_DOUBLE_ENCODED = re.compile("Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]")
SEPARATORS = (";", ",", "\t", "|")


@dataclass
class RawTable:
    """Rows read from one file, before normalisation."""

    frame: pd.DataFrame
    lines: list = field(default_factory=list)
    format: str = ""
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    set_aside: Counter = field(default_factory=Counter)
    canonical: bool = False  # columns are canonical fields already (JSON, XML)
    header_line: int = 0


def detect_format(path: Path, head: bytes) -> str:
    """``csv``, ``xlsx``, ``json``, ``xml`` or ``parquet``, from the content first, then the suffix."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"{", b"[")):
        return "json"
    if stripped.startswith(b"<"):
        return "xml"
    return "csv"


# -- text files -------------------------------------------------------------------------------
def decode(raw: bytes, where: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), else cp1252; double-encoded UTF-8 is repaired.

    C1 control characters in UTF-8 text are Windows-1252 characters that went through
    latin-1: they are mapped back. Raises InputError when neither decoding works.
    """
    notes: list[str] = []
    text = None
    with contextlib.suppress(UnicodeDecodeError):
        text = raw.decode("utf-8-sig")
    if text is not None and _C1.search(text):
        # UTF-8 holding C1 controls: Windows-1252 characters (’, œ, …) that went through latin-1
        text = ftfy.fixes.fix_c1_controls(text)
        notes.append("caractères de contrôle C1 remplacés par leurs équivalents Windows-1252")
    if text is None:
        try:
            text = raw.decode("cp1252")  # Python's cp1252 refuses the 5 undefined bytes: never latin-1
        except UnicodeDecodeError as exc:
            raise InputError(
                Problem(
                    "encodage non reconnu (ni UTF-8 ni Windows-1252)",
                    where,
                    f"octet 0x{raw[exc.start]:02x} à la position {exc.start}",
                    "réenregistrer le fichier en UTF-8 (Excel : « CSV UTF-8 »)",
                )
            ) from None
        notes.append("fichier encodé en Windows-1252 (et non UTF-8)")
    if _DOUBLE_ENCODED.search(text):
        fixed = "\n".join(ftfy.fix_encoding(line) for line in text.split("\n"))
        if fixed != text:
            notes.append("texte doublement encodé en UTF-8 (« RÃ©gion ») : réparé")
            text = fixed
    if "\ufffd" in text:
        notes.append("caractères illisibles (« � ») présents dans le fichier : perdus à la source")
    return text, notes


def sniff_separator(text: str) -> str:
    """The separator among ``; , tab |`` that splits the first lines most consistently.

    Examples
    --------
    >>> sniff_separator("a;b;c\\n1;2,5;3\\n")
    ';'
    >>> sniff_separator("a|b|c\\n1|2|3\\n")
    '|'
    """
    lines = [ln for ln in text.splitlines()[: HEADER_SEARCH_ROWS + 10] if ln.strip()]
    best, best_score = ",", -1.0
    for sep in SEPARATORS:
        counts = [len(next(csv.reader([ln], delimiter=sep))) - 1 for ln in lines]
        if not counts or max(counts) == 0:
            continue
        mode = Counter(counts).most_common(1)[0][0]
        score = sum(c == mode for c in counts) * mode
        if score > best_score:
            best, best_score = sep, score
    return best


def _find_header(rows: list[list[object]], forced: dict[str, str] | None = None) -> int | None:
    scores = [header_score([clean_text(c) for c in r], forced) for r in rows[:HEADER_SEARCH_ROWS]]
    if not scores or max(scores) < 1:
        return None
    return scores.index(max(scores))


def read_csv_table(raw: bytes, where: str, forced: dict[str, str] | None = None) -> RawTable:
    text, notes = decode(raw, where)
    if not text.strip():
        raise InputError(Problem("fichier vide", where, "aucune ligne", "vérifier l’export"))
    sep = sniff_separator(text)
    head_rows = list(
        csv.reader(io.StringIO("\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])), delimiter=sep)
    )
    header = _find_header(head_rows, forced)
    if header is None:
        raise _no_header(where, head_rows)
    frame = pd.read_csv(
        io.StringIO(text),
        sep=sep,
        header=None,
        skiprows=header,
        dtype=object,
        keep_default_na=False,
        skip_blank_lines=False,
        engine="python" if sep == "|" else "c",
        quoting=csv.QUOTE_MINIMAL,
        on_bad_lines="warn",
    )
    columns = [clean_text(c) or f"colonne_{i + 1}" for i, c in enumerate(frame.iloc[0])]
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = _unique(columns)
    start = header + 2  # 1-based line number of the first data row
    if sep != ",":
        notes.append(f"séparateur « {'tabulation' if sep == chr(9) else sep} »")
    return RawTable(frame, list(range(start, start + len(frame))), "CSV", None, notes, header_line=header + 1)


def _unique(columns: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for c in columns:
        seen[c] += 1
        out.append(c if seen[c] == 1 else f"{c}_{seen[c]}")
    return out


def _no_header(where: str, rows: list[list[object]]) -> InputError:
    shown = " | ".join(clean_text(c) for c in (rows[0] if rows else []) if clean_text(c))[:200]
    return InputError(
        Problem(
            "aucune colonne d’objet ni de code CPV dans les 15 premières lignes",
            where,
            f"première ligne : « {shown} »" if shown else "aucun en-tête",
            "ajouter une colonne « Objet » (ou « Code CPV »), ou indiquer les colonnes avec columns={'objet': '…'}",
        )
    )


# -- spreadsheets ---------------------------------------------------------------------------
def read_xlsx_table(
    path: Path, where: str, sheet: str | None, forced: dict[str, str] | None = None
) -> RawTable:
    from openpyxl import load_workbook  # uses defusedxml when installed

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip or XML errors: the file is not a readable workbook
        raise InputError(
            Problem(
                "classeur Excel illisible",
                where,
                type(exc).__name__ + f" : {exc}"[:200],
                "rouvrir le fichier dans Excel ou LibreOffice et l’enregistrer en .xlsx",
            )
        ) from None
    try:
        visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
        notes: list[str] = []
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise InputError(
                    Problem(
                        "feuille introuvable",
                        where,
                        f"« {sheet} »",
                        "choisir une de : " + ", ".join(f"« {s} »" for s in book.sheetnames),
                    )
                )
            names = [sheet]
        else:
            names = visible
            hidden = len(book.sheetnames) - len(visible)
            if hidden:
                notes.append(f"{hidden} feuille(s) masquée(s) ignorée(s)")
        for name in names:
            rows = [list(r) for r in book[name].iter_rows(values_only=True)]
            header = _find_header(rows, forced)
            if header is None:
                continue
            columns = _unique([clean_text(c) or f"colonne_{i + 1}" for i, c in enumerate(rows[header])])
            width = len(columns)
            body = [(r + [None] * width)[:width] for r in rows[header + 1 :]]
            frame = pd.DataFrame(body, columns=columns, dtype=object)
            if len(names) > 1:
                notes.append(f"feuille « {name} » lue")
            start = header + 2
            return RawTable(
                frame, list(range(start, start + len(frame))), "Excel", name, notes, header_line=header + 1
            )
        first = [list(r) for r in book[names[0]].iter_rows(max_row=1, values_only=True)] if names else []
        raise _no_header(f"{where}, feuille « {names[0] if names else '?'} »", first)
    finally:
        book.close()


def read_parquet_table(path: Path, where: str) -> RawTable:
    frame = pd.read_parquet(path).astype(object)
    frame = frame.where(frame.notna(), None)
    return RawTable(frame, list(range(2, len(frame) + 2)), "Parquet")


# -- DECP JSON and XML ----------------------------------------------------------------------
def _as_list(value, key: str | None = None) -> list:
    """DECP lists: [x], {"key": [x]}, [{"key": x}] or a lone x → [x, ...]."""
    if value is None or value == "":
        return []
    if isinstance(value, dict) and key and key in value:
        value = value[key]
    if not isinstance(value, list):
        value = [value]
    return [v[key] if isinstance(v, dict) and key and key in v and len(v) == 1 else v for v in value]


def decp_record(rec: dict) -> dict:
    """One DECP contract (2019 or 2022, JSON or XML) as canonical raw fields."""
    buyer = rec.get("acheteur") or {}
    place = rec.get("lieuExecution") or {}
    holders = []
    for h in _as_list(rec.get("titulaires"), "titulaire"):
        if isinstance(h, dict):
            holders.append({"id": clean_text(h.get("id")), "nom": clean_text(h.get("denominationSociale"))})
    social = _as_list(rec.get("considerationsSociales"), "considerationSociale")
    techniques = [clean_text(t) for t in _as_list(rec.get("techniques"), "technique")]
    nature = rec.get("nature")
    if "Accord-cadre" in techniques and clean_text(nature) in ("", "Marché"):
        nature = "Accord-cadre"
    return {
        "id_contrat": rec.get("id"),
        "acheteur_id": buyer.get("id") if isinstance(buyer, dict) else buyer,
        "acheteur_nom": buyer.get("nom") if isinstance(buyer, dict) else None,
        "objet": rec.get("objet"),
        "code_cpv": rec.get("codeCPV"),
        "nature": nature,
        "procedure": rec.get("procedure"),
        "montant": rec.get("montant"),
        "duree_mois": rec.get("dureeMois"),
        "date_notification": rec.get("dateNotification"),
        "lieu_code": place.get("code") if isinstance(place, dict) else None,
        "lieu_type": place.get("typeCode") if isinstance(place, dict) else None,
        "lieu_nom": (place.get("nom") or place.get("nom ")) if isinstance(place, dict) else None,
        "titulaires": holders,
        "considerations_sociales": [clean_text(s) for s in social if clean_text(s)],
    }


def _is_concession(rec: dict) -> bool:
    return (
        "concession" in str(rec.get("_type", "")).lower()
        or "concessionnaires" in rec
        or "autoriteConcedante" in rec
    )


def _records_table(records: list, fmt: str, where: str, notes: list[str]) -> RawTable:
    rows, lines, aside = [], [], Counter()
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            aside["enregistrement qui n’est pas un objet JSON"] += 1
            continue
        if _is_concession(rec):
            aside["contrat de concession"] += 1
            continue
        rows.append(decp_record(rec))
        lines.append(i)
    frame = (
        pd.DataFrame(rows, dtype=object)
        if rows
        else pd.DataFrame(columns=list(decp_record({})), dtype=object)
    )
    return RawTable(frame, lines, fmt, None, notes, aside, canonical=True)


def read_json_table(raw: bytes, where: str) -> RawTable:
    text, notes = decode(raw, where)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            Problem(
                "JSON mal formé",
                where,
                f"ligne {exc.lineno}, colonne {exc.colno} : {exc.msg}",
                "le fichier est peut-être tronqué : le télécharger de nouveau",
            )
        ) from None
    marches = data.get("marches") if isinstance(data, dict) else data
    if isinstance(marches, dict):
        fmt, records = "DECP JSON 2022", marches.get("marche", [])
        concessions = marches.get("contrat-concession") or []
    else:
        fmt, records, concessions = "DECP JSON 2019", marches, []
    if not isinstance(records, list):
        raise InputError(
            Problem(
                "pas de liste de marchés",
                where,
                f"clés : {', '.join(data) if isinstance(data, dict) else type(data).__name__}",
                'fournir un fichier DECP {"marches": [...]} ou {"marches": {"marche": [...]}}',
            )
        )
    table = _records_table(records, fmt, where, notes)
    if concessions:
        table.set_aside["contrat de concession"] += len(concessions)
    return table


# Elements the 2022 XSD (v2.0.2) requires in <marche>.
XSD_REQUIRED = (
    "id",
    "acheteur",
    "nature",
    "objet",
    "codeCPV",
    "procedure",
    "lieuExecution",
    "dureeMois",
    "dateNotification",
    "datePublicationDonnees",
    "montant",
    "formePrix",
    "titulaires",
    "considerationsSociales",
    "considerationsEnvironnementales",
    "techniques",
    "modalitesExecution",
    "typesPrix",
    "marcheInnovant",
    "ccag",
    "offresRecues",
    "attributionAvance",
    "typeGroupementOperateurs",
    "sousTraitanceDeclaree",
)
_LIST_ELEMENTS = {
    "titulaires": "titulaire",
    "considerationsSociales": "considerationSociale",
    "techniques": "technique",
    "modifications": "modification",
}


def _element(el) -> object:
    children = list(el)
    if not children:
        return (el.text or "").strip()
    if el.tag in _LIST_ELEMENTS:
        return [_element(c) for c in children]
    return {c.tag: _element(c) for c in children}


def read_xml_table(raw: bytes, where: str) -> RawTable:
    try:
        root = SafeET.fromstring(raw)
    except Exception as exc:  # defusedxml refuses entities and bombs; ParseError for broken XML
        raise InputError(
            Problem(
                "XML illisible ou dangereux",
                where,
                f"{type(exc).__name__} : {exc}"[:200],
                "fournir un fichier DECP XML conforme, sans entités",
            )
        ) from None
    records, missing = [], Counter()
    for el in root:
        if el.tag == "contrat-concession":
            records.append({"_type": "Contrat de concession"})
            continue
        rec = {c.tag: _element(c) for c in el}
        absent = [name for name in XSD_REQUIRED if name not in rec]
        rec["_absent"] = absent
        missing.update(absent)
        records.append(rec)
    table = _records_table(records, "DECP XML 2022", where, [])
    absent_by_row = [r.get("_absent", []) for r in records if not _is_concession(r)]
    table.frame["_absent_xsd"] = absent_by_row
    if missing:
        table.notes.append(
            "non conforme au schéma XSD 2022 : éléments obligatoires absents : "
            + ", ".join(f"{k} ({v} marchés)" for k, v in missing.most_common())
        )
    return table
