"""``read_directory``: provider directories of every format → one canonical providers table.

One row per provider, French column names (:data:`DIRECTORY_COLUMNS`), the kind and its legal
frame, the location, the métiers (declared, inferred or, for ESAT, assumed; with a confidence) and the
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
from .._io import RawTable, reading_report, source_column
from .._utils import clean_text
from .assemble import assemble
from .columns import DIRECTORY_COLUMNS, LIST_SEPARATOR
from .formats import (
    FORMAT_NAMES,
    FORMATS,
    check_columns,
    map_columns,
    read_rows,
    recognise_format,
)
from .identity import FINESS_CATEGORIES

__all__ = ["DIRECTORY_COLUMNS", "LIST_SEPARATOR", "read_directory"]

# Raw fields read but not canonical, kept in the table as ``source_`` columns (the FINESS list's managing
# body, its numbers and the site type).
KEPT_AS_SOURCE = {"gestionnaire", "finess_ej", "finess_et", "type_site"}


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
        file or table with FINESS field names), the official list of ESAT (FINESS, ``EJ-…``/``ET-…``
        columns), the ASP list of SIAE, or a canonical table (:data:`DIRECTORY_COLUMNS`, lists
        written ``a | b``).
    format : {"lemarche", "lemarche_esat", "gesat", "finess", "finess_esat", "asp", "canonique"}, optional
        Forces the format instead of recognising it from the headers.
    sheet : str, optional
        The workbook's sheet to read; by default the first visible sheet whose first rows hold a header.

    Returns
    -------
    DataFrame
        :data:`DIRECTORY_COLUMNS`, then the file's unrecognised columns prefixed ``source_``.
        ``confiance_metiers`` is the lowest confidence of the métiers listed. ``metiers_supposes``
        holds the métiers *assumed* for an ESAT whose trades are unknown (``source_metiers`` =
        "supposé"), never mixed with the known ones in ``metiers``.
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
    1506
    """
    if isinstance(source, pd.DataFrame):
        tables, reports = read_each(
            [source], lambda f: _read_raw(RawTable.from_frame(f), "DataFrame", format, Path("DataFrame"))
        )
        result = tables[0]
        result.attrs["lecture"] = reports
        return result
    _check_arguments(source, format)
    paths = [source] if isinstance(source, str | os.PathLike) else list(source)
    tables, reports = read_each(paths, lambda p: _read_file(Path(p), format, sheet))
    result = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    if len(tables) > 1:
        _flag_repeated_siret(result)
    result.attrs["lecture"] = reports
    return result


def _check_arguments(source, fmt) -> None:
    """The arguments of read_directory, checked at the door: every problem listed at once."""
    problems = []
    if not isinstance(source, str | os.PathLike | list | tuple):
        problems.append(
            Problem(
                "annuaire illisible",
                "read_directory",
                f"un objet de type {type(source).__name__}",
                "donner un chemin de fichier, une liste de chemins ou un DataFrame",
            )
        )
    if fmt is not None and fmt not in FORMATS:
        problems.append(
            Problem(
                "format d’annuaire inconnu",
                "paramètre format",
                f"« {fmt} »",
                "choisir parmi " + ", ".join(FORMATS),
            )
        )
    if problems:
        raise InputError(problems)


def _read_file(path: Path, fmt: str | None, sheet: str | None) -> tuple[pd.DataFrame, dict]:
    where = str(path)
    return _read_raw(read_rows(path, where, sheet), where, fmt, path)


def _read_raw(raw: RawTable, where: str, fmt: str | None, path: Path) -> tuple[pd.DataFrame, dict]:
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
    table = assemble(
        {k: [v for v, ok in zip(vals, keep, strict=True) if ok] for k, vals in cells.items()},
        [ln for ln, ok in zip(raw.lines, keep, strict=True) if ok],
        fmt,
        path,
        raw.alerts,
    )
    _flag_repeated_siret(table)
    for header, name in mapping.items():
        if name is None or name in KEPT_AS_SOURCE:
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
        raw = frame[header].to_numpy(dtype=object)
        # alerts keep their non-breaking spaces ("répétée\u00a0?"): only stripped
        values = (
            [_cell_text(v).strip() and str(v).strip() for v in raw]
            if name == "alertes"
            else [_cell_text(v) for v in raw]
        )
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


def _flag_repeated_siret(table: pd.DataFrame) -> None:
    """A SIRET on several rows: a duplicate? (not said of the sites of one ESAT, already flagged as such)."""
    shared = table["alertes"].map(lambda a: any(x.startswith("SIRET partagé") for x in a))
    counts = table.loc[~shared, "siret"].value_counts()
    repeated = counts[counts > 1]
    if repeated.empty:
        return
    for i in np.flatnonzero((table["siret"].isin(repeated.index) & ~shared).to_numpy()):
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
