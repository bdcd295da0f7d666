"""Provider rows of the canonical table from a directory's fields: identity, place, trades, perimeter, means."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._io import parse_amount
from .columns import DIRECTORY_COLUMNS, LIST_SEPARATOR, TRUE_TEXTS
from .coordinates import file_coordinates, with_coordinates
from .finess_list import finess_number, principal_of, settle_capacities, shared_siret_alerts
from .identity import FINESS_CATEGORIES, check_siret, kind_from_name, parse_kind, structures
from .perimeters import RADIUS, default_radius, parse_perimeter
from .places import Location, department_code, locate_row, region_code
from .providers import Trades
from .staff import parse_headcount
from .trades import row_trades


def assemble(
    cells: dict[str, list], lines: list[int], fmt: str, path: Path, row_alerts: dict[int, list[str]]
) -> pd.DataFrame:
    """The providers table of a file's kept rows (``cells``: field → values), every row with its alerts."""
    n = len(lines)
    records = [{k: v[i] for k, v in cells.items() if k != "metiers_texte"} for i in range(n)]
    declared_texts = cells.get("metiers_texte", [[] for _ in range(n)])
    coords, alerts = file_coordinates(cells, n)
    alerts = [[*row_alerts.get(ln, ()), *a] for ln, a in zip(lines, alerts, strict=True)]
    kinds = structures()[["secteur", "cadre_legal"]].apply(tuple, axis=1).to_dict()
    rows = [_identity(r, fmt, coords[i], kinds, alerts[i]) for i, r in enumerate(records)]
    esat_list = fmt == "finess_esat"
    principals = principal_of(records) if esat_list else [None] * n
    kinds_of_rows = [row["type_structure"] for row in rows]
    trades = row_trades(records, declared_texts, kinds_of_rows, alerts, principals)
    for i, (r, row, t) in enumerate(zip(records, rows, trades, strict=True)):
        _trades_and_means(row, r, t, alerts[i])
    if esat_list:
        settle_capacities(rows, records, principals, alerts)
        shared_siret_alerts(rows, alerts)
    for i, (r, row) in enumerate(zip(records, rows, strict=True)):
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


def _identity(r: dict, fmt: str, coords: tuple, kinds: dict, alerts: list[str]) -> dict:
    """Who and where a provider is: name, SIRET, kind and legal frame, address, place."""
    name = r.get("raison_sociale_longue") or r.get("raison_sociale", "")
    if not name:
        alerts.append("raison sociale absente")
    siret, alert = check_siret(r.get("siret"))
    alerts.extend([alert] if alert else [])
    kind = _provider_kind(r, fmt, name, alerts)
    loc = with_coordinates(locate_row(r, fmt == "finess"), *coords)
    alerts.extend(loc.alertes)
    if loc.lat is None and loc.departement:
        alerts.append("coordonnées inconnues (commune sans centre connu)")
    given = department_code(r.get("departement", ""))
    if given and loc.commune_insee and given != loc.departement:
        alerts.append(
            f"département du fichier ({given}) différent de celui de la commune ({loc.departement})"
        )
    return {
        "id_prestataire": r.get("id_prestataire")
        or (f"finess:{finess_number(r['finess_et'])}" if r.get("finess_et") else None),
        "raison_sociale": name or None,
        "enseigne": r.get("enseigne") or None,
        "siret": siret,
        "type_structure": kind,
        "secteur": kinds[kind][0] if kind else None,
        "cadre_legal": kinds[kind][1] if kind else None,
        "adresse": _address(r) or None,
        "code_postal": loc.code_postal
        or r.get("code_postal")
        or r.get("acheminement", "")[:5].strip()
        or None,
        "commune_insee": loc.commune_insee,
        "departement": loc.departement,
        "region": loc.region or region_code(r.get("region", "")),
        "lat": loc.lat,
        "lon": loc.lon,
    }


def _trades_and_means(row: dict, r: dict, t: Trades, alerts: list[str]) -> None:
    """What a provider does and where (métiers, perimeter), and its means (staff, turnover)."""
    row.update(
        metiers=list(t.metiers),
        familles=t.familles,
        source_metiers=t.source,
        confiance_metiers=t.confiance,
        metiers_supposes=list(t.supposes),
    )
    home = Location(row["commune_insee"], row["departement"], row["region"])
    declared = parse_perimeter(r.get("perimetre", ""), r.get("rayon_km", ""), r.get("zones", ""), home)
    alerts.extend(declared.alertes if declared else ())
    if declared is None or declared.perimetre is None:
        radius, alert = default_radius(t.familles, "non déclaré" if declared is None else "illisible")
        row.update(perimetre=RADIUS, rayon_km=radius, zones=[], perimetre_par_defaut=True)
        alerts.append(alert)
    else:
        row.update(
            perimetre=declared.perimetre,
            rayon_km=declared.rayon_km,
            zones=list(declared.zones),
            perimetre_par_defaut=r.get("perimetre_par_defaut", "").lower() in TRUE_TEXTS,
        )
    row["effectif"], alert = parse_headcount(r.get("effectif", ""))
    alerts.extend([alert] if alert else [])
    turnover = r.get("chiffre_affaires", "")
    row["chiffre_affaires"] = parse_amount(turnover)[0] if turnover else None
    if turnover and row["chiffre_affaires"] is None:
        alerts.append(f"chiffre d’affaires illisible (« {turnover} »)")
    row["fictif"] = r.get("fictif", "").lower() in TRUE_TEXTS


def _provider_kind(r: dict, fmt: str, name: str, alerts: list[str]) -> str | None:
    if fmt == "finess_esat":  # the official list of ESAT: every row is one, whatever its name
        return "ESAT"
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


def _fill_ids(table: pd.DataFrame, path: Path) -> None:
    """Missing ids: the SIRET when valid, else ``<file>:<line>``; repeated ids get their line."""
    faulty = table["alertes"].map(
        lambda a: any(x.startswith(("SIRET invalide", "SIRET mal formé")) for x in a)
    )
    valid_siret = table["siret"].where(~faulty)
    fallback = path.stem + ":" + table["source_ligne"].astype(str)
    ids = table["id_prestataire"].fillna(valid_siret).fillna(fallback)
    repeated = ids.duplicated(keep=False)
    table["id_prestataire"] = ids.where(~repeated, ids + "#" + table["source_ligne"].astype(str))
