"""Reading DECP JSON (2019 and 2022 formats) and DECP XML (2022) into raw contract rows.

Records are mapped field by field onto the canonical names (:func:`decp_record`); concessions
and records that are not contracts are set aside and counted. XML is parsed with defusedxml,
DTDs refused: no entity is ever expanded, no external resource fetched.
"""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from .._errors import InputError, Problem
from .._io import RawTable, decode
from .._utils import clean_text
from .headers import match_headers

# Keys of which a DECP contract has at least one (2019 and 2022 formats).
DECP_KEYS = {"id", "objet", "codeCPV", "montant", "acheteur", "dateNotification", "titulaires"}


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


def _json_kind(value) -> str:
    names = {str: "texte", int: "nombre", float: "nombre", bool: "booléen", list: "liste", dict: "objet"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


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
    if records and not rows and not aside["contrat de concession"]:
        shown = next((r for r in records), None)
        raise InputError(
            Problem(
                "aucun marché dans la liste : ses éléments ne sont pas des objets marché",
                where,
                f"{len(records)} élément(s) de type {_json_kind(shown)}, dont « {str(shown)[:60]} »",
                'fournir un fichier DECP {"marches": [{"id": …, "objet": …}, …]}',
            )
        )
    dicts = [r for r in records if isinstance(r, dict)]
    if dicts and not any(DECP_KEYS & set(r) or _is_concession(r) for r in dicts):
        raise InputError(
            Problem(
                "aucun marché DECP reconnu : les objets n’ont aucun champ DECP",
                where,
                "clés du premier objet : " + ", ".join(map(str, dicts[0]))[:200],
                "fournir un fichier DECP (champs id, objet, codeCPV, montant…), ou le lire comme tableau",
            )
        )
    frame = (
        pd.DataFrame(rows, dtype=object)
        if rows
        else pd.DataFrame(columns=list(decp_record({})), dtype=object)
    )
    return RawTable(frame, lines, fmt, None, notes, aside, canonical=True)


def read_json_table(raw: bytes, where: str) -> RawTable:
    """A DECP JSON file (2019 or 2022), JSON Lines, a single contract, or a flat JSON table (keys as headers)."""
    text, notes = decode(raw, where)
    data, fmt = _load_json(text, where, notes)
    if isinstance(data, dict) and "marches" not in data and _one_contract(data):
        data, fmt = [data], "DECP JSON (un seul marché)"
    marches = data.get("marches") if isinstance(data, dict) else data
    concessions = []
    if isinstance(marches, dict):
        fmt, records = "DECP JSON 2022", marches.get("marche", [])
        if isinstance(records, dict):  # a file of one contract: "marche" holds the object itself
            records = [records]
        concessions = marches.get("contrat-concession") or []
    else:
        fmt, records = fmt or "DECP JSON 2019", marches
    if not isinstance(records, list):
        raise _not_a_list(data, marches, where)
    dicts = [r for r in records if isinstance(r, dict)]
    if dicts and not any(_nested_decp(r) for r in dicts[:1000]) and _has_contract_headers(dicts[0]):
        return _flat_table(records, where, notes)
    table = _records_table(records, fmt, where, notes)
    if isinstance(concessions, list) and concessions:
        table.set_aside["contrat de concession"] += len(concessions)
    return table


def _load_json(text: str, where: str, notes: list[str]):
    """The parsed JSON, or the records of a JSON Lines file (one object a line)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if exc.msg == "Extra data" and len(lines) > 1:
            try:
                records = [json.loads(ln) for ln in lines]
            except json.JSONDecodeError:
                pass
            else:
                notes.append(f"JSON Lines : {len(records)} lignes, un objet par ligne")
                return records, "JSON Lines"
        raise InputError(
            Problem(
                "JSON mal formé",
                where,
                f"ligne {exc.lineno}, colonne {exc.colno} : {exc.msg}",
                "le fichier est peut-être tronqué : le télécharger de nouveau",
            )
        ) from None
    except RecursionError:
        raise InputError(
            Problem(
                "JSON trop imbriqué",
                where,
                "plus de 1 000 niveaux de listes ou d’objets",
                "fournir un fichier DECP",
            )
        ) from None


def _one_contract(data: dict) -> bool:
    """A lone contract object: an object or a CPV code, and another DECP field."""
    return bool({"objet", "codeCPV"} & set(data)) and len(DECP_KEYS & set(data)) >= 2


def _has_contract_headers(rec: dict) -> bool:
    """Keys of a flat record that name a contract's object or CPV code, as a table's headers would."""
    found = {m.field for m in match_headers(list(rec)) if m}
    return bool({"objet", "code_cpv"} & found)


def _nested_decp(rec: dict) -> bool:
    """A record in the DECP's own shape (camelCase keys, nested buyer and place), not a flat table row."""
    return (
        isinstance(rec.get("acheteur"), dict)
        or isinstance(rec.get("lieuExecution"), dict)
        or "codeCPV" in rec
        or "dateNotification" in rec
        or _is_concession(rec)
    )


def _flat_table(records: list, where: str, notes: list[str]) -> RawTable:
    """Records whose keys are column names (the DECP portal's flat JSON, an export): read as a table."""
    rows = [r for r in records if isinstance(r, dict)]
    aside = Counter({"enregistrement qui n’est pas un objet JSON": len(records) - len(rows)})
    lines = [i for i, r in enumerate(records, start=1) if isinstance(r, dict)]
    frame = pd.json_normalize(rows, sep=" ").astype(object) if rows else pd.DataFrame(dtype=object)
    frame = frame.where(frame.notna(), None)
    notes.append("JSON à plat : les clés des objets sont lues comme des en-têtes de colonnes")
    return RawTable(frame, lines, "JSON à plat", None, notes, +aside, header_line=None)


def _not_a_list(data, marches, where: str) -> InputError:
    if isinstance(data, dict) and "marches" in data:
        found = f"« marches » est un(e) {_json_kind(marches)} : {str(marches)[:60]}"
    elif isinstance(data, dict):
        found = "clés : " + ", ".join(map(str, data))[:200]
    else:
        found = f"un(e) {_json_kind(data)}"
    return InputError(
        Problem(
            "pas de liste de marchés",
            where,
            found,
            'fournir un fichier DECP {"marches": [...]} ou {"marches": {"marche": [...]}}',
        )
    )


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


def _parse_xml(raw: bytes, where: str):
    try:
        return SafeET.fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputError(
            Problem(
                "XML dangereux refusé : DTD ou déclaration d’entités (procédé des « bombes XML »)",
                where,
                f"{type(exc).__name__} : {exc}"[:200],
                "fournir le fichier DECP XML tel que publié, sans <!DOCTYPE> ni <!ENTITY>",
            )
        ) from None
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise InputError(
            Problem(
                "XML mal formé",
                where,
                f"ligne {line}, colonne {column} : {str(exc).split(':')[0]}",
                "le fichier est peut-être tronqué : le télécharger de nouveau",
            )
        ) from None


def read_xml_table(raw: bytes, where: str) -> RawTable:
    root = _parse_xml(raw, where)
    records, missing, aside = [], Counter(), Counter()
    for el in root:
        if el.tag == "contrat-concession":
            records.append({"_type": "Contrat de concession"})
            continue
        if el.tag != "marche":
            aside[f"élément XML autre que <marche> (<{el.tag}>)"] += 1
            continue
        try:
            rec = {c.tag: _element(c) for c in el}
        except RecursionError:
            raise InputError(
                Problem(
                    "XML trop imbriqué", where, f"<{el.tag}> n° {len(records) + 1}", "fournir un fichier DECP"
                )
            ) from None
        absent = [name for name in XSD_REQUIRED if name not in rec]
        rec["_absent"] = absent
        missing.update(absent)
        records.append(rec)
    if not records:
        tags = Counter(el.tag for el in root)
        raise InputError(
            Problem(
                "aucun élément <marche> : pas un fichier DECP XML",
                where,
                f"racine <{root.tag}>"
                + (
                    ", éléments : " + ", ".join(f"<{t}> ({n})" for t, n in tags.most_common(5))
                    if tags
                    else ""
                ),
                "fournir un fichier DECP XML (<marches><marche>…</marche></marches>)",
            )
        )
    table = _records_table(records, "DECP XML 2022", where, [])
    table.set_aside.update(aside)
    absent_by_row = [r.get("_absent", []) for r in records if not _is_concession(r)]
    table.frame["_absent_xsd"] = absent_by_row
    if missing:
        table.notes.append(
            "non conforme au schéma XSD 2022 : éléments obligatoires absents : "
            + ", ".join(f"{k} ({v} marchés)" for k, v in missing.most_common())
        )
    return table
