"""One provider row of the canonical table from a directory row's fields: identity, place, trades, perimeter."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._io import parse_amount
from .columns import DIRECTORY_COLUMNS, LIST_SEPARATOR, TRUE_TEXTS
from .formats import parse_headcount
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


def assemble(
    cells: dict[str, list], lines: list[int], fmt: str, path: Path, row_alerts: dict[int, list[str]]
) -> pd.DataFrame:
    """The providers table of a file's kept rows (``cells``: field → values), every row with its alerts."""
    n = len(lines)
    records = [{k: v[i] for k, v in cells.items() if k != "metiers_texte"} for i in range(n)]
    declared_texts = cells.get("metiers_texte", [[] for _ in range(n)])
    coords, coord_alerts = file_coordinates(cells, n)
    alerts = [
        [*row_alerts.get(ln, ()), *([a] if a else [])] for ln, a in zip(lines, coord_alerts, strict=True)
    ]
    kinds = structures()[["secteur", "cadre_legal"]].apply(tuple, axis=1).to_dict()
    rows = [_identity(r, fmt, coords[i], kinds, alerts[i]) for i, r in enumerate(records)]
    trades = _trades(records, declared_texts, [row["type_structure"] for row in rows], alerts)
    for i, (r, row, t) in enumerate(zip(records, rows, trades, strict=True)):
        _trades_and_means(row, r, t, alerts[i])
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


def _trades_and_means(row: dict, r: dict, t: Trades, alerts: list[str]) -> None:
    """What a provider does and where (métiers, perimeter), and its means (staff, turnover)."""
    row.update(
        metiers=list(t.metiers), familles=t.familles, source_metiers=t.source, confiance_metiers=t.confiance
    )
    home = Location(row["commune_insee"], row["departement"], row["region"])
    declared = parse_perimeter(r.get("perimetre", ""), r.get("rayon_km", ""), r.get("zones", ""), home)
    alerts.extend(declared.alertes if declared else ())
    if declared is None or declared.perimetre is None:
        radius, alert = default_radius(t.familles)
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
