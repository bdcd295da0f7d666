"""``read_directory``: provider directories of every format → one canonical providers table.

One row per provider, French column names (:data:`DIRECTORY_COLUMNS`), the kind and its legal
frame, the location, the métiers (declared or inferred, with a confidence) and the
intervention perimeter (declared, or a default radius by family, flagged). Rows in = rows
out: a faulty row stays with its warnings in ``alertes``; only blank lines (and, in a FINESS
extraction, establishments that are neither ESAT nor EA) are set aside and counted in the
reading report ``table.attrs["lecture"]``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputError, Problem, read_each
from .._io import RawTable, parse_amount, reading_report, source_column
from .._utils import clean_text
from .formats import (
    FORMAT_NAMES,
    FORMATS,
    check_columns,
    map_columns,
    parse_headcount,
    read_rows,
    recognise_format,
)
from .perimeters import (
    RADIUS,
    Location,
    default_radius,
    department_code,
    file_coordinates,
    locate_row,
    parse_float,
    parse_perimeter,
    region_code,
    with_coordinates,
)
from .providers import (
    DECLARED,
    FINESS_CATEGORIES,
    Trades,
    check_siret,
    declared_trades,
    infer_trades,
    kind_from_name,
    metier_ids,
    parse_kind,
    parse_rome,
    structures,
)

__all__ = ["DIRECTORY_COLUMNS", "read_directory"]

DIRECTORY_COLUMNS = [
    "id_prestataire",
    "raison_sociale",
    "enseigne",
    "siret",
    "type_structure",
    "secteur",
    "cadre_legal",
    "adresse",
    "code_postal",
    "commune_insee",
    "departement",
    "region",
    "lat",
    "lon",
    "metiers",
    "familles",
    "source_metiers",
    "confiance_metiers",
    "perimetre",
    "rayon_km",
    "zones",
    "perimetre_par_defaut",
    "effectif",
    "chiffre_affaires",
    "fictif",
    "alertes",
    "source_fichier",
    "source_ligne",
]
LIST_SEPARATOR = " | "
_TRUE = {"true", "vrai", "oui", "1", "x", "yes"}


def read_directory(
    source: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    format: str | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Read provider directories into the canonical providers table.

    Parameters
    ----------
    source : path or list of paths
        CSV (any encoding ``decode`` repairs; ``; , tab |``) or xlsx files: Le marché de
        l'inclusion's download or ESAT import, a GESAT export, a FINESS extraction (national
        file or table with FINESS field names), the ASP list of SIAE, or a canonical table
        (:data:`DIRECTORY_COLUMNS`, lists written ``a | b``).
    format : {"lemarche", "lemarche_esat", "gesat", "finess", "asp", "canonique"}, optional
        Forces the format instead of recognising it from the headers.
    sheet : str, optional
        The workbook's sheet to read; by default the first visible sheet whose first rows hold a header.

    Returns
    -------
    DataFrame
        :data:`DIRECTORY_COLUMNS`, then the file's unrecognised columns prefixed ``source_``.
        ``confiance_metiers`` is the lowest confidence of the métiers listed.
        ``attrs["lecture"]`` holds one reading report per file.

    Raises
    ------
    InputError
        Listing every problem at once: missing or empty file, unknown format, no name column,
        no location column.

    Examples
    --------
    >>> from transferability._datasets import sample_directory_path
    >>> table = read_directory(sample_directory_path())
    >>> table.attrs["lecture"][0]["format"]
    'canonique'
    >>> int(table["type_structure"].isin(["ESAT", "EA"]).sum())
    309
    """
    paths = [source] if isinstance(source, str | os.PathLike) else list(source)
    if format is not None and format not in FORMATS:
        raise InputError(
            Problem(
                "format d’annuaire inconnu",
                "paramètre format",
                f"« {format} »",
                "choisir parmi " + ", ".join(FORMATS),
            )
        )
    tables, reports = read_each(paths, lambda p: _read_file(Path(p), format, sheet))
    result = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    if len(tables) > 1:
        _flag_repeated_siret(result)
    result.attrs["lecture"] = reports
    return result


def _read_file(path: Path, fmt: str | None, sheet: str | None) -> tuple[pd.DataFrame, dict]:
    where = str(path)
    raw = read_rows(path, where, sheet)
    headers = list(raw.frame.columns)
    fmt = fmt or ("finess" if raw.format.startswith("CSV (extraction FINESS") else recognise_format(headers))
    mapping = map_columns(headers, fmt)
    check_columns(mapping, where)
    cells = _field_cells(raw.frame, mapping)
    keep, aside = _rows_kept(raw.frame, cells, fmt)
    if not any(keep) and set(aside) <= {"ligne vide"}:
        raise InputError(
            Problem(
                "aucun prestataire dans le fichier",
                where,
                f"en-tête ligne {raw.header_line or 1}, "
                + (f"puis {aside['ligne vide']} ligne(s) vide(s)" if aside else "aucune ligne en dessous"),
                "vérifier l’export (filtre actif, extraction interrompue ?)",
            )
        )
    table = _assemble(
        {k: [v for v, ok in zip(vals, keep, strict=True) if ok] for k, vals in cells.items()},
        [ln for ln, ok in zip(raw.lines, keep, strict=True) if ok],
        fmt,
        path,
        raw.alerts,
    )
    _flag_repeated_siret(table)
    for header, name in mapping.items():
        if name is None:
            column = source_column(header, table.columns)
            table[column] = raw.frame[header].to_numpy(dtype=object)[np.asarray(keep, dtype=bool)]
    return table, _reading_report(path, raw, fmt, mapping, table, aside)


def _cell_text(value: object) -> str:
    """A cell as clean text; integral floats lose their ``.0`` (codes read as numbers)."""
    if isinstance(value, float) and value == value and value.is_integer():
        value = int(value)
    return clean_text(value)


def _field_cells(frame: pd.DataFrame, mapping: dict[str, str | None]) -> dict[str, list]:
    """Field → list of cell texts; repeated fields (trade columns) → list of lists."""
    n = len(frame)
    out: dict[str, list] = {}
    for header, name in mapping.items():
        if name is None or name == "derive":
            continue
        values = [_cell_text(v) for v in frame[header].to_numpy(dtype=object)]
        if name == "metiers_texte":
            out.setdefault(name, [[] for _ in range(n)])
            for i, v in enumerate(values):
                if v:
                    out[name][i].append(v)
        else:
            out[name] = values
    return out


def _rows_kept(frame: pd.DataFrame, cells: dict[str, list], fmt: str) -> tuple[list[bool], Counter]:
    aside: Counter = Counter()
    blank = [not any(_cell_text(v) for v in row) for row in frame.to_numpy(dtype=object)]
    keep = [not b for b in blank]
    aside["ligne vide"] = sum(blank)
    if fmt == "finess" and "categorie_finess" in cells:
        for i, cat in enumerate(cells["categorie_finess"]):
            if keep[i] and cat not in FINESS_CATEGORIES:
                keep[i] = False
                aside["établissement FINESS ni ESAT (246) ni EA (247)"] += 1
    return keep, +aside


def _assemble(
    cells: dict[str, list], lines: list[int], fmt: str, path: Path, row_alerts: dict[int, list[str]]
) -> pd.DataFrame:
    n = len(lines)
    records = [{k: v[i] for k, v in cells.items() if k != "metiers_texte"} for i in range(n)]
    declared_texts = cells.get("metiers_texte", [[] for _ in range(n)])
    coords, coord_alerts = file_coordinates(cells, n)
    alerts = [
        [*row_alerts.get(ln, ()), *([a] if a else [])] for ln, a in zip(lines, coord_alerts, strict=True)
    ]
    kinds = structures()[["secteur", "cadre_legal"]].apply(tuple, axis=1).to_dict()
    rows = []
    for i, r in enumerate(records):
        name = r.get("raison_sociale_longue") or r.get("raison_sociale", "")
        if not name:
            alerts[i].append("raison sociale absente")
        siret, alert = check_siret(r.get("siret"))
        alerts[i].extend([alert] if alert else [])
        kind = _provider_kind(r, fmt, name, alerts[i])
        loc = with_coordinates(locate_row(r, fmt == "finess"), *coords[i])
        alerts[i].extend(loc.alertes)
        if loc.lat is None and loc.departement:
            alerts[i].append("coordonnées inconnues (commune sans centre connu)")
        given = department_code(r.get("departement", ""))
        if given and loc.commune_insee and given != loc.departement:
            alerts[i].append(
                f"département du fichier ({given}) différent de celui de la commune ({loc.departement})"
            )
        rows.append(
            {
                "id_prestataire": r.get("id_prestataire")
                or (f"finess:{r['finess_et']}" if r.get("finess_et") else None),
                "raison_sociale": name or None,
                "enseigne": r.get("enseigne") or None,
                "siret": siret,
                "type_structure": kind,
                "secteur": kinds[kind][0] if kind else None,
                "cadre_legal": kinds[kind][1] if kind else None,
                "adresse": _address(r) or None,
                "code_postal": r.get("code_postal") or r.get("acheminement", "")[:5].strip() or None,
                "commune_insee": loc.commune_insee,
                "departement": loc.departement,
                "region": loc.region or region_code(r.get("region", "")),
                "lat": loc.lat,
                "lon": loc.lon,
            }
        )
    trades = _trades(records, declared_texts, [row["type_structure"] for row in rows], alerts)
    for i, (r, row, t) in enumerate(zip(records, rows, trades, strict=True)):
        row.update(
            metiers=list(t.metiers),
            familles=t.familles,
            source_metiers=t.source,
            confiance_metiers=t.confiance,
        )
        home = Location(row["commune_insee"], row["departement"], row["region"])
        declared = parse_perimeter(r.get("perimetre", ""), r.get("rayon_km", ""), r.get("zones", ""), home)
        alerts[i].extend(declared.alertes if declared else ())
        if declared is None or declared.perimetre is None:
            radius, alert = default_radius(t.familles)
            row.update(perimetre=RADIUS, rayon_km=radius, zones=[], perimetre_par_defaut=True)
            alerts[i].append(alert)
        else:
            row.update(
                perimetre=declared.perimetre,
                rayon_km=declared.rayon_km,
                zones=list(declared.zones),
                perimetre_par_defaut=r.get("perimetre_par_defaut", "").lower() in _TRUE,
            )
        row["effectif"], alert = parse_headcount(r.get("effectif", ""))
        alerts[i].extend([alert] if alert else [])
        turnover = r.get("chiffre_affaires", "")
        row["chiffre_affaires"] = parse_amount(turnover)[0] if turnover else None
        if turnover and row["chiffre_affaires"] is None:
            alerts[i].append(f"chiffre d’affaires illisible (« {turnover} »)")
        row["fictif"] = r.get("fictif", "").lower() in _TRUE
        previous = [a.strip() for a in r.get("alertes", "").split(LIST_SEPARATOR) if a.strip()]
        row.update(
            alertes=list(dict.fromkeys([*previous, *alerts[i]])),
            source_fichier=path.name,
            source_ligne=lines[i],
        )
    table = pd.DataFrame(rows, columns=DIRECTORY_COLUMNS)
    for name in ("lat", "lon", "rayon_km", "confiance_metiers", "effectif", "chiffre_affaires"):
        table[name] = pd.array(table[name].tolist(), dtype="Float64")
    table["source_ligne"] = table["source_ligne"].astype("int64")
    _fill_ids(table, path)
    return table


def _provider_kind(r: dict, fmt: str, name: str, alerts: list[str]) -> str | None:
    if fmt == "finess":
        return FINESS_CATEGORIES.get(r.get("categorie_finess", ""))
    if r.get("type_structure"):
        kind, alert = parse_kind(r["type_structure"])
        alerts.extend([alert] if alert else [])
        return kind
    kind = kind_from_name(name)
    if kind is None:
        alerts.append(
            "type de structure absent (annuaire GESAT : ESAT ou EA)"
            if fmt == "gesat"
            else "type de structure absent"
        )
    return kind


def _address(r: dict) -> str:
    street = ("numvoie", "typvoie", "voie", "compvoie")  # FINESS splits the street address
    parts = [r.get("adresse")] if r.get("adresse") else [r.get(k) for k in street]
    line = " ".join(p for p in parts if p)
    extra = r.get("complement", "")
    return f"{line}, {extra}" if line and extra else line or extra


def _trades(
    records: list[dict], declared_texts: list[list[str]], kinds: list, alerts: list[list[str]]
) -> list[Trades]:
    """Declared trades where the file gives some; inferred ones (in one batch) elsewhere."""
    n = len(records)
    out: list[Trades | None] = [None] * n
    romes: list[list[str]] = [[] for _ in range(n)]
    for i, r in enumerate(records):
        romes[i], bad = parse_rome(r.get("rome", ""))
        alerts[i].extend(f"code ROME illisible (« {b} »)" for b in bad)
        ids, free = metier_ids([t.strip() for t in r.get("metiers", "").split("|") if t.strip()])
        if ids:  # a canonical table: métier ids, with their source and confidence
            confiance = parse_float(r.get("confiance_metiers", ""))
            source = r.get("source_metiers") or DECLARED
            out[i] = Trades(tuple(ids), source, 1.0 if confiance is None else confiance)
            continue
        trades, declared = declared_trades([*free, *declared_texts[i]])
        alerts[i].extend(trades.alertes)
        if trades.metiers:
            out[i] = trades
        elif declared:
            alerts[i].append("aucun métier déclaré reconnu : métiers déduits")
    todo = [i for i in range(n) if out[i] is None]
    if not todo:
        return out
    names = [
        " ".join(filter(None, (r.get("raison_sociale_longue") or r.get("raison_sociale"), r.get("enseigne"))))
        for r in (records[i] for i in todo)
    ]
    field = [[records[i].get(k, "") for i in todo] for k in ("naf", "description")]
    inferred = infer_trades(names, *field, [romes[i] for i in todo], [kinds[i] for i in todo])
    for i, t in zip(todo, inferred, strict=True):
        out[i] = t
        if not t.metiers:
            alerts[i].append("aucun métier déclaré ni déductible (nom, NAF, description)")
    return out


def _fill_ids(table: pd.DataFrame, path: Path) -> None:
    """Missing ids: the SIRET when valid, else ``<file>:<line>``; repeated ids get their line."""
    valid_siret = table["siret"].where(~table["alertes"].map(lambda a: any("SIRET" in x for x in a)))
    fallback = path.stem + ":" + table["source_ligne"].astype(str)
    ids = table["id_prestataire"].fillna(valid_siret).fillna(fallback)
    repeated = ids.duplicated(keep=False)
    table["id_prestataire"] = ids.where(~repeated, ids + "#" + table["source_ligne"].astype(str))


def _flag_repeated_siret(table: pd.DataFrame) -> None:
    counts = table["siret"].value_counts()
    repeated = counts[counts > 1]
    if repeated.empty:
        return
    for i in np.flatnonzero(table["siret"].isin(repeated.index).to_numpy()):
        count = int(repeated[table.at[i, "siret"]])
        alert = f"SIRET présent sur plusieurs lignes ({count} : établissement en double ?)"
        if alert not in table.at[i, "alertes"]:
            table.at[i, "alertes"] = [*table.at[i, "alertes"], alert]


def _reading_report(
    path: Path, raw: RawTable, fmt: str, mapping: dict, table: pd.DataFrame, aside: Counter
) -> dict:
    recognised = {h: f for h, f in mapping.items() if f}
    unrecognised = [h for h, f in mapping.items() if f is None]
    report = reading_report(path, raw, recognised, unrecognised, table, aside)
    report.update(
        format=fmt,
        format_libelle=FORMAT_NAMES[fmt],
        support=raw.format,
        prestataires=len(table),
        metiers=dict(Counter(table["source_metiers"].fillna("aucun"))),
        perimetres_par_defaut=int(table["perimetre_par_defaut"].sum()),
        sans_localisation=int(table["departement"].isna().sum()),
        prestataires_avec_alertes=int(sum(bool(a) for a in table["alertes"])),
    )
    return report
