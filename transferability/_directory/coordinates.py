"""A provider's coordinates: the file's own (WGS84, or projected and converted), else its commune's centroid.

Coordinates are checked, never trusted blindly: Lambert-93 metres written in latitude and
longitude columns are converted, latitude and longitude written the wrong way round are
swapped back when that puts the provider in France (near its commune when it has one),
coordinates far from the provider's commune give way to the commune's centroid, and a
provider with coordinates but no commune gets the department of the nearest commune.
Every such repair is said in the row's alerts.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np

from .._reference import geography, haversine_km
from .places import NO_PLACE, Location

MAX_COORD_GAP_KM = 50  # coordinates farther than this from the commune's centroid are not trusted
MAX_DEPARTMENT_GAP_KM = 150  # nor farther than this from the department's centre, when the commune is unknown
MAX_NEAREST_KM = 50  # a point farther than this from every French commune's centroid is not in France
# Projection of FINESS coordinates, by the last field of ``sourcecoordet``; Lambert-93 otherwise.
FINESS_PROJECTIONS = {
    "LAMBERT_93": "EPSG:2154",
    "UTM_N20": "EPSG:32620",
    "UTM_N21": "EPSG:32621",
    "UTM_N22": "EPSG:32622",
    "UTM_S38": "EPSG:32738",
    "UTM_S40": "EPSG:32740",
}
LAMBERT_93 = "EPSG:2154"
_LAMBERT_X, _LAMBERT_Y = (0.0, 1_300_000.0), (6_000_000.0, 7_200_000.0)  # metropolitan France, in metres


def parse_float(text: str) -> float | None:
    """A float from a cell ("45,56" or "45.56"); None when empty or unreadable.

    Examples
    --------
    >>> parse_float("45,56"), parse_float(""), parse_float("nord")
    (45.56, None, None)
    """
    try:
        return float(text.replace(",", ".")) if text else None
    except ValueError:
        return None


def projected_to_wgs84(x: np.ndarray, y: np.ndarray, crs: str = LAMBERT_93) -> tuple[np.ndarray, np.ndarray]:
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


def lambert93_pair(a: float, b: float) -> tuple[float, float] | None:
    """``(x, y)`` when two numbers are Lambert-93 metres in either order, else None.

    Examples
    --------
    >>> lambert93_pair(6499536, 930879), lambert93_pair(45.5, 5.9)
    ((930879, 6499536), None)
    """
    for x, y in ((a, b), (b, a)):
        if _LAMBERT_X[0] <= x <= _LAMBERT_X[1] and _LAMBERT_Y[0] <= y <= _LAMBERT_Y[1]:
            return x, y
    return None


@cache
def _commune_points():
    from scipy.spatial import cKDTree  # scipy comes with scikit-learn

    communes = geography().communes.dropna(subset=["lat", "lon"])
    lat, lon = np.radians(communes["lat"].to_numpy(float)), np.radians(communes["lon"].to_numpy(float))
    xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    return cKDTree(xyz), communes["code_insee"].to_numpy()


def nearest_commune(lat: float, lon: float) -> tuple[str, float]:
    """The French commune whose centroid is nearest to a point, and its distance in km.

    Examples
    --------
    >>> code, km = nearest_commune(45.5827, 5.9137); code, round(km, 1)  # near Chambéry's centroid
    ('73065', 0.4)
    """
    tree, codes = _commune_points()
    la, lo = np.radians(lat), np.radians(lon)
    _, i = tree.query([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    code = str(codes[i])
    geo = geography()
    return code, float(haversine_km(lat, lon, geo.lat[code], geo.lon[code]))


def _in_france(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180 and nearest_commune(lat, lon)[1] <= MAX_NEAREST_KM


def _shown(km: float) -> str:
    return f"{km:,.0f}".replace(",", "\u202f")


def with_coordinates(loc: Location, lat: float | None, lon: float | None) -> Location:
    """The file's coordinates when they are plausible (swapped back if need be), else ``loc``'s centroid.

    Examples
    --------
    >>> from transferability._directory.places import locate
    >>> loc = locate("73065", "", "", "")
    >>> with_coordinates(loc, 45.57, 5.92).lat
    45.57
    >>> swapped = with_coordinates(loc, 5.92, 45.57); swapped.lat, swapped.lon
    (45.57, 5.92)
    >>> print(swapped.alertes[0])
    latitude et longitude inversées (5.92, 45.57)\u00a0: remises dans l’ordre
    >>> print(with_coordinates(loc, 48.85, 2.35).alertes[0])
    coordonnées éloignées de la commune (452\u00a0km) : centre de la commune retenu
    """
    if lat is None or lon is None:
        return loc
    if loc.lat is None and loc.departement is None:
        return _place_from_coordinates(loc, lat, lon)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return loc.with_alert(f"coordonnées impossibles ({lat}, {lon}) : ignorées")
    if loc.lat is None:  # a commune without a known centre: the file's point is all there is
        return replace(loc, lat=lat, lon=lon)
    gap = float(haversine_km(lat, lon, loc.lat, loc.lon))
    limit = MAX_COORD_GAP_KM if loc.commune_insee else MAX_DEPARTMENT_GAP_KM
    if not loc.commune_insee and gap > limit:  # located at its department's centre only
        far = f"coordonnées éloignées du département ({_shown(gap)}\u00a0km)\u00a0: ignorées"
        return loc.with_alert(far)
    if gap <= limit:
        return replace(loc, lat=lat, lon=lon)
    if abs(lon) <= 90 and float(haversine_km(lon, lat, loc.lat, loc.lon)) <= MAX_COORD_GAP_KM:
        return replace(loc, lat=lon, lon=lat).with_alert(
            f"latitude et longitude inversées ({lat}, {lon})\u00a0: remises dans l’ordre"
        )
    return loc.with_alert(
        f"coordonnées éloignées de la commune ({_shown(gap)}\u00a0km) : centre de la commune retenu"
    )


def _place_from_coordinates(loc: Location, lat: float, lon: float) -> Location:
    """A provider without commune nor department: its department from its coordinates, if in France."""
    alerts = tuple(a for a in loc.alertes if a != NO_PLACE)
    if loc.alertes and loc.alertes[0].startswith("adresse hors de France"):
        return loc  # an address abroad: its coordinates cannot put it in France
    swapped = False
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) and not (-90 <= lon <= 90):
        return loc.with_alert(f"coordonnées impossibles ({lat}, {lon}) : ignorées")
    if not _in_france(lat, lon):
        if not _in_france(lon, lat):
            return loc.with_alert(f"coordonnées hors de France ({lat}, {lon})\u00a0: ignorées")
        lat, lon, swapped = lon, lat, True
    code, km = nearest_commune(lat, lon)
    geo = geography()
    dep, reg = geo.dep[code], geo.reg[code]
    if swapped:
        alerts += (f"latitude et longitude inversées ({lon}, {lat})\u00a0: remises dans l’ordre",)
    nearest = f"commune la plus proche\u00a0: {geo.nom[code]}, à {km:.0f}\u00a0km"
    why = f"commune absente\u00a0: département {dep} déduit des coordonnées ({nearest})"
    return Location(None, dep, reg, lat, lon, (*alerts, why), loc.code_postal)


def _projected_rows(cells: dict[str, list], n: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """X, Y and the projection of each row's X/Y cells (FINESS's ``sourcecoordet``, else Lambert-93)."""
    x = np.array([parse_float(v) or np.nan for v in cells["x"]], dtype=float)
    y = np.array([parse_float(v) or np.nan for v in cells["y"]], dtype=float)
    sources = cells.get("source_coord", [""] * n)
    crs = [FINESS_PROJECTIONS.get(s.rsplit(",", 1)[-1].strip().upper(), LAMBERT_93) for s in sources]
    for i in range(n):  # X/Y columns holding degrees: longitude and latitude
        if abs(x[i]) <= 180 and abs(y[i]) <= 90:
            crs[i] = "degrés"
    return x, y, crs


def file_coordinates(cells: dict[str, list], n: int) -> tuple[list[tuple], list[list[str]]]:
    """WGS84 coordinates the file gives per row (lat/lon, Lambert-93 in lat/lon, X/Y), and alerts."""
    out: list[tuple] = [(None, None)] * n
    alerts: list[list[str]] = [[] for _ in range(n)]
    to_convert: dict[int, tuple[float, float, str]] = {}
    if "lat" in cells and "lon" in cells:
        for i, (a, b) in enumerate(zip(cells["lat"], cells["lon"], strict=True)):
            lat, lon = parse_float(a), parse_float(b)
            pair = lambert93_pair(lat, lon) if lat is not None and lon is not None else None
            if pair and (abs(lat) > 90 or abs(lon) > 180):
                to_convert[i] = (*pair, LAMBERT_93)
                alerts[i].append(f"coordonnées Lambert-93 converties (« {a} », « {b} » en mètres)")
            else:
                out[i] = (lat, lon)
    if "x" in cells and "y" in cells:
        x, y, crs = _projected_rows(cells, n)
        for i in range(n):
            if i in to_convert:
                continue
            if np.isnan(x[i]) or np.isnan(y[i]):
                if cells["x"][i] or cells["y"][i]:
                    shown = f"« {cells['x'][i]} », « {cells['y'][i]} »"
                    alerts[i].append(f"coordonnées X/Y illisibles ({shown})")
            elif crs[i] == "degrés":
                out[i] = (float(y[i]), float(x[i]))
            else:
                to_convert[i] = (float(x[i]), float(y[i]), crs[i])
    for code in {c for *_, c in to_convert.values()}:
        rows = [i for i, (*_, c) in to_convert.items() if c == code]
        lat, lon = projected_to_wgs84(
            np.array([to_convert[i][0] for i in rows]), np.array([to_convert[i][1] for i in rows]), code
        )
        for i, la, lo in zip(rows, lat, lon, strict=True):
            out[i] = (float(la), float(lo)) if np.isfinite(la) and np.isfinite(lo) else (None, None)
    return out, alerts
