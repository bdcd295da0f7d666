"""Where a provider is and where it works: location, coordinates, intervention perimeter.

A provider is located at its commune (INSEE code, else postal code and city name, CEDEX
included), its coordinates are the file's own (WGS84, or Lambert-93 converted) or the
commune's centroid. Its perimeter is the one it declares ("France entière", "30 km",
a list of departments, regions or communes); when it declares none, a default radius
by trade family (``rayon_defaut_km`` of ``data/familles.csv``), flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from .._reference import (
    department_of_postal,
    families,
    geography,
    haversine_km,
    place_coordinates,
    region_codes,
    resolve_place,
)
from .._utils import clean_text, fold, is_ascii_digits

FRANCE, RADIUS, ZONES = "France entière", "rayon", "zones"
MAX_COORD_GAP_KM = 50  # coordinates farther than this from the commune's centroid are not trusted
_FRANCE_WORDS = ("france entiere", "france", "national", "nationale", "toute la france", "country", "pays")
# Projection of FINESS coordinates, by the last field of ``sourcecoordet``; Lambert-93 otherwise.
FINESS_PROJECTIONS = {
    "LAMBERT_93": "EPSG:2154",
    "UTM_N20": "EPSG:32620",
    "UTM_N21": "EPSG:32621",
    "UTM_N22": "EPSG:32622",
    "UTM_S38": "EPSG:32738",
    "UTM_S40": "EPSG:32740",
}


@dataclass(frozen=True)
class Location:
    """A provider's commune, department, region and coordinates, with what was uncertain."""

    commune_insee: str | None = None
    departement: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None
    alertes: tuple[str, ...] = ()


def department_code(text: str) -> str | None:
    """A valid department code ("1" → "01", "2a" → "2A"), else None ("59L", "").

    Examples
    --------
    >>> department_code("1"), department_code("2a"), department_code("59L")
    ('01', '2A', None)
    """
    code = text.strip().upper()
    code = code.zfill(2) if is_ascii_digits(code) and len(code) == 1 else code
    return code if len(code) <= 3 and code in place_coordinates() else None


def _commune(insee: str, alerts=()) -> Location:
    dep, reg, lat, lon = place_coordinates()[insee]
    return Location(insee, dep, reg, lat, lon, tuple(alerts))


def _department(dep: str, alerts=()) -> Location:
    _, reg, lat, lon = place_coordinates()[dep]
    return Location(
        None, dep, reg, lat, lon, (*alerts, f"localisation au centre du département {dep} (commune inconnue)")
    )


@cache
def locate(insee: str, postal: str, city: str, department: str) -> Location:
    """Locate a provider from its INSEE code, else postal code and city, else department.

    Examples
    --------
    >>> locate("73065", "", "", "").commune_insee
    '73065'
    >>> locate("", "73011", "CHAMBERY CEDEX", "").commune_insee  # CEDEX code, not in the postal base
    '73065'
    >>> loc = locate("", "", "", ""); (loc.commune_insee, loc.alertes)
    (None, ('aucune localisation utilisable',))
    """
    alerts: list[str] = []
    if insee:
        code = insee.zfill(5) if is_ascii_digits(insee) else insee.upper()
        if len(code) == 5 and code in place_coordinates():
            return _commune(code)
        alerts.append(f"code commune INSEE inconnu (« {insee} »)")
    geo = geography()
    postal = re.sub(r"\s+", "", postal)
    if re.fullmatch(r"\d{4}", postal):
        postal = "0" + postal  # a postal code read as a number
    dep_hint = geo.normalise_department(department) or department_of_postal(postal)
    if geo.is_postal(postal):
        place = resolve_place(postal, "Code postal", city)
        return _commune(place.commune_insee, [*alerts, *place.alertes])
    if city:
        place = geo.find_name(city, dep_hint)
        if place is not None and place.commune_insee and (not dep_hint or place.departement == dep_hint):
            return _commune(place.commune_insee, [*alerts, *place.alertes])
        alerts.append(f"ville « {city} » introuvable" + (f" (code postal « {postal} »)" if postal else ""))
    elif postal:
        alerts.append(f"code postal « {postal} » absent de la base postale")
    if dep_hint and dep_hint in geo.departements.index:
        return _department(dep_hint, alerts)
    alerts.append("aucune localisation utilisable")
    return Location(alertes=tuple(alerts))


def with_coordinates(loc: Location, lat: float | None, lon: float | None) -> Location:
    """The file's coordinates when they are plausible, else the centroid already in ``loc``.

    Examples
    --------
    >>> loc = locate("73065", "", "", "")
    >>> with_coordinates(loc, 45.57, 5.92).lat
    45.57
    >>> with_coordinates(loc, 5.92, 45.57).alertes  # swapped
    ('coordonnées éloignées de la commune (5 831 km) : centre de la commune retenu',)
    """
    if lat is None or lon is None:
        return loc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return _replace(loc, alert=f"coordonnées impossibles ({lat}, {lon}) : ignorées")
    if loc.lat is None:
        return Location(loc.commune_insee, loc.departement, loc.region, lat, lon, loc.alertes)
    gap = float(haversine_km(lat, lon, loc.lat, loc.lon))
    if loc.commune_insee and gap > MAX_COORD_GAP_KM:
        shown = f"{gap:,.0f}".replace(",", " ")
        alert = f"coordonnées éloignées de la commune ({shown} km) : centre de la commune retenu"
        return _replace(loc, alert=alert)
    return Location(loc.commune_insee, loc.departement, loc.region, lat, lon, loc.alertes)


def _replace(loc: Location, alert: str) -> Location:
    return Location(loc.commune_insee, loc.departement, loc.region, loc.lat, loc.lon, (*loc.alertes, alert))


def projected_to_wgs84(x: np.ndarray, y: np.ndarray, crs: str = "EPSG:2154") -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes of projected coordinates (Lambert-93 by default).

    Examples
    --------
    >>> lat, lon = projected_to_wgs84(np.array([700000.0]), np.array([6600000.0]))  # the projection's origin
    >>> round(float(lat[0]), 6), round(float(lon[0]), 6)
    (46.5, 3.0)
    """
    from pyproj import Transformer  # imported only when a file has projected coordinates

    transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)


def parse_float(text: str) -> float | None:
    """A float from a cell ("45,56" or "45.56"); None when empty or unreadable."""
    try:
        return float(text.replace(",", ".")) if text else None
    except ValueError:
        return None


def locate_row(row: dict[str, str], finess: bool = False) -> Location:
    """Locate a directory row from its raw fields (INSEE, FINESS department + commune, postal, city).

    Examples
    --------
    >>> locate_row({"departement_finess": "73", "commune_finess": "065"}, finess=True).commune_insee
    '73065'
    >>> locate_row({"acheminement": "73011 CHAMBERY CEDEX"}).commune_insee
    '73065'
    """
    insee, dep = row.get("commune_insee", ""), row.get("departement", "")
    if finess:
        dep, commune = row.get("departement_finess", ""), row.get("commune_finess", "")
        if dep and commune:  # overseas departments are 9A…9F in FINESS
            insee = ("97" + commune) if re.fullmatch(r"9[A-F]", dep) else dep + commune
    postal, city = row.get("code_postal", ""), row.get("ville", "")
    if not postal and row.get("acheminement"):
        m = re.match(r"^(\d{5})\s+(.*)$", row["acheminement"])
        postal, city = (m.group(1), m.group(2)) if m else ("", row["acheminement"])
    return locate(insee, postal, city, dep if re.fullmatch(r"\d{1,3}|2[ABab]", dep or "") else "")


def file_coordinates(cells: dict[str, list], n: int) -> tuple[list[tuple], list[str | None]]:
    """WGS84 coordinates the file gives (lat/lon, or FINESS X/Y converted) per row, and alerts."""
    out: list[tuple] = [(None, None)] * n
    alerts: list[str | None] = [None] * n
    if "lat" in cells and "lon" in cells:
        out = [(parse_float(a), parse_float(b)) for a, b in zip(cells["lat"], cells["lon"], strict=True)]
    if "x" in cells and "y" in cells:
        x = np.array([parse_float(v) or np.nan for v in cells["x"]], dtype=float)
        y = np.array([parse_float(v) or np.nan for v in cells["y"]], dtype=float)
        sources = cells.get("source_coord", [""] * n)
        crs = [FINESS_PROJECTIONS.get(s.rsplit(",", 1)[-1].strip().upper(), "EPSG:2154") for s in sources]
        lat, lon = np.full(n, np.nan), np.full(n, np.nan)
        for code in set(crs):
            rows = np.array([c == code for c in crs]) & ~np.isnan(x) & ~np.isnan(y)
            if rows.any():
                lat[rows], lon[rows] = projected_to_wgs84(x[rows], y[rows], code)
        for i in range(n):
            if np.isfinite(lat[i]) and np.isfinite(lon[i]):
                out[i] = (float(lat[i]), float(lon[i]))
            elif cells["x"][i] or cells["y"][i]:
                alerts[i] = f"coordonnées X/Y illisibles (« {cells['x'][i]} », « {cells['y'][i]} »)"
    return out, alerts


def region_code(text: str) -> str | None:
    """Region code of a region cell (code or name), used when the commune is unknown.

    Examples
    --------
    >>> region_code("Auvergne-Rhône-Alpes"), region_code("84"), region_code("")
    ('84', '84', None)
    """
    if not text:
        return None
    geo = geography()
    if text.zfill(2) in geo.regions.index:
        return text.zfill(2)
    place = geo.find_name(text)
    return place.region if place is not None and place.lieu_type == "région" else None


# -- perimeters ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Perimeter:
    perimetre: str | None = None
    rayon_km: float | None = None
    zones: tuple[str, ...] = ()
    alertes: tuple[str, ...] = ()


def _zone(item: str, home: Location) -> str | None:
    """One zone code ("dep:73", "reg:84", "com:73065") from a code or a name."""
    text = clean_text(item)
    m = re.fullmatch(r"(dep|reg|com)\s*:\s*(\w+)", text, re.I)
    if m:
        kind, code = m.group(1).lower(), m.group(2).upper()
        is_commune = len(code) == 5
        known = (
            code in region_codes()
            if kind == "reg"
            else code in place_coordinates() and is_commune == (kind == "com")
        )
        return f"{kind}:{code}" if known else None
    geo = geography()
    key = fold(text)
    if key in ("departement", "mon departement") and home.departement:
        return f"dep:{home.departement}"
    if key in ("region", "ma region") and home.region:
        return f"reg:{home.region}"
    if re.fullmatch(r"\d{5}", text) and geo.is_insee(text):
        return f"com:{text}"
    dep = geo.normalise_department(text) if re.fullmatch(r"\d{1,3}|2[ABab]", text) else None
    if dep:
        return f"dep:{dep}"
    bare = re.sub(r"^(departement|region)\s+(de la |de l'|du |des |de )?", "", text, flags=re.I)
    place = geo.find_name(bare)
    if place is None:
        return None
    if place.lieu_type == "région":
        return f"reg:{place.region}"
    if place.commune_insee:
        return f"com:{place.commune_insee}"
    return f"dep:{place.departement}" if place.departement else None


def parse_radius(value: object) -> float | None:
    """Kilometres of a radius cell ("30", "30 km", "30,5 km").

    Examples
    --------
    >>> parse_radius("30 km"), parse_radius(50), parse_radius("loin")
    (30.0, 50.0, None)
    """
    m = re.search(r"(\d+(?:[.,]\d+)?)", clean_text(value))
    return float(m.group(1).replace(",", ".")) if m else None


def parse_perimeter(text: str, radius: str, zones: str, home: Location) -> Perimeter | None:
    """The declared perimeter, or None when the row declares none.

    Examples
    --------
    >>> home = locate("73065", "", "", "")
    >>> parse_perimeter("France entière", "", "", home).perimetre
    'France entière'
    >>> parse_perimeter("Distance en kilomètres", "30", "", home).rayon_km
    30.0
    >>> parse_perimeter("Savoie, Haute-Savoie, Auvergne-Rhône-Alpes", "", "", home).zones
    ('dep:73', 'dep:74', 'reg:84')
    >>> parse_perimeter("", "", "", home) is None
    True
    """
    text, radius, zones = clean_text(text), clean_text(radius), clean_text(zones)
    key = fold(text)
    if key in (fold(FRANCE), *_FRANCE_WORDS):
        return Perimeter(FRANCE)
    km = parse_radius(radius) if radius else None
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*km\b", text, re.I)
    if m:
        km = float(m.group(1).replace(",", "."))
    if km is not None and km > 0:
        return Perimeter(RADIUS, km)
    items_text = zones or ("" if key.startswith(("distance", "zone", "rayon")) else text)
    items = [i for i in re.split(r"[,;|/\n]+|\s+et\s+", items_text) if clean_text(i)]
    if not items:
        if text or radius:
            return Perimeter(alertes=(f"périmètre d'intervention illisible (« {text or radius} »)",))
        return None
    found, bad = [], []
    for item in items:
        zone = _zone(item, home)
        (found if zone else bad).append(zone or clean_text(item))
    alerts = tuple(f"zone d'intervention non reconnue : « {b} »" for b in bad)
    if not found:
        return Perimeter(alertes=alerts)
    return Perimeter(ZONES, None, tuple(dict.fromkeys(found)), alerts)


@cache
def _default_radii() -> dict[str, float]:
    table = families()
    return dict(zip(table["famille"], table["rayon_defaut_km"].astype(float), strict=True))


def default_radius(familles: list[str]) -> tuple[float, str]:
    """Default radius: the largest ``rayon_defaut_km`` of the provider's families.

    A provider without any family gets the default of "Hors champ".

    Examples
    --------
    >>> default_radius(["Espaces verts et paysagers", "Production industrielle"])[0]
    150.0
    """
    table = _default_radii()
    known = [f for f in familles if f in table]
    pool = known or ["Hors champ"]
    radius = max(table[f] for f in pool)
    why = ", ".join(pool) if known else "aucun métier connu"
    return radius, f"périmètre d'intervention non déclaré : rayon par défaut de {radius:g} km ({why})"
