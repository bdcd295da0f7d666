"""Where a provider works: its intervention perimeter.

The perimeter is the one it declares ("France entière", "30 km", a list of departments,
regions or communes, former regions such as "Rhône-Alpes" as their departments); when it
declares none, a default radius by trade family (``rayon_defaut_km`` of
``data/familles.csv``), flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .._reference import families, geography, place_coordinates, region_codes
from .._utils import clean_text, fold, read_data_csv
from .places import Location

FRANCE, RADIUS, ZONES = "France entière", "rayon", "zones"
_FRANCE_WORDS = ("france entiere", "france", "national", "nationale", "toute la france", "country", "pays")
_PREFIX = re.compile(
    r"^(?:(?:les |le |la )?(?:departements?|regions?|communes?)\s+)(?:de la |de l |du |des |de |d )?"
)


@dataclass(frozen=True)
class Perimeter:
    perimetre: str | None = None
    rayon_km: float | None = None
    zones: tuple[str, ...] = ()
    alertes: tuple[str, ...] = ()


@cache
def _former_regions() -> dict[str, tuple[str, ...]]:
    """Former regions and abbreviations (``data/anciennes_regions.csv``): folded name → departments."""
    table = read_data_csv("anciennes_regions.csv", ("departements",))
    return {fold(n): tuple(d.split()) for n, d in zip(table["nom"], table["departements"], strict=True)}


@cache
def _region_of_departments() -> dict[frozenset[str], str]:
    deps = geography().departements
    return {frozenset(g["code"]): reg for reg, g in deps.groupby("region")}


def _former_region(key: str, text: str) -> tuple[list[str], str] | None:
    """Zones of a former region's name ("Rhône-Alpes": its 8 departments), with the alert saying so."""
    deps = _former_regions().get(key)
    if deps is None:
        return None
    reg = _region_of_departments().get(frozenset(deps))
    if reg is not None:
        name = geography().regions.at[reg, "nom"]
        return [f"reg:{reg}"], f"ancienne région ou abréviation « {text} »\u00a0: région {name} ({reg})"
    shown = ", ".join(deps)
    return [
        f"dep:{d}" for d in deps
    ], f"ancienne région « {text} »\u00a0: ses {len(deps)} départements ({shown})"


def _coded_zone(text: str) -> str | None:
    """A zone written as a code ("dep:73", "reg:84", "com:73065"), when known."""
    m = re.fullmatch(r"(dep|reg|com)\s*:\s*(\w+)", text, re.I)
    if not m:
        return None
    kind, code = m.group(1).lower(), m.group(2).upper()
    is_commune = len(code) == 5
    known = (
        code in region_codes()
        if kind == "reg"
        else code in place_coordinates() and is_commune == (kind == "com")
    )
    return f"{kind}:{code}" if known else None


def _zones(item: str, home: Location) -> tuple[list[str], str | None]:
    """Zone codes ("dep:73", "reg:84", "com:73065") of one item (code or name), and an alert if reinterpreted."""
    text = clean_text(item)
    if re.match(r"(dep|reg|com)\s*:", text, re.I):
        zone = _coded_zone(text)
        return ([zone] if zone else []), None
    geo = geography()
    key = fold(text)
    if key in ("departement", "mon departement") and home.departement:
        return [f"dep:{home.departement}"], None
    if key in ("region", "ma region") and home.region:
        return [f"reg:{home.region}"], None
    bare = _PREFIX.sub("", key) if _PREFIX.match(key) else key
    if re.fullmatch(r"\d{5}", bare) and geo.is_insee(bare):
        return [f"com:{bare}"], None
    dep = geo.normalise_department(bare) if re.fullmatch(r"\d{1,3}|2[ab]", bare) else None
    if dep:
        return [f"dep:{dep}"], None
    former = _former_region(bare, text)
    if former is not None:
        return former
    place = geo.find_name(bare if bare != key else text)
    if place is None:
        return [], None
    if place.lieu_type == "région":
        return [f"reg:{place.region}"], None
    if place.commune_insee:
        return [f"com:{place.commune_insee}"], None
    return ([f"dep:{place.departement}"] if place.departement else []), None


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
    >>> from transferability._directory.places import locate
    >>> home = locate("73065", "", "", "")
    >>> parse_perimeter("France entière", "", "", home).perimetre
    'France entière'
    >>> parse_perimeter("Distance en kilomètres", "30", "", home).rayon_km
    30.0
    >>> parse_perimeter("Savoie, Haute-Savoie, Auvergne-Rhône-Alpes", "", "", home).zones
    ('dep:73', 'dep:74', 'reg:84')
    >>> parse_perimeter("Rhône-Alpes", "", "", home).zones
    ('dep:01', 'dep:07', 'dep:26', 'dep:38', 'dep:42', 'dep:69', 'dep:73', 'dep:74')
    >>> parse_perimeter("Départements 38, 73 et 74", "", "", home).zones
    ('dep:38', 'dep:73', 'dep:74')
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
    found, alerts = [], []
    for item in items:
        got, alert = _zones(item, home)
        found.extend(got)
        alerts.append(alert if got else f"zone d'intervention non reconnue : « {clean_text(item)} »")
    alerts = tuple(a for a in alerts if a)
    if not found:
        return Perimeter(alertes=alerts)
    return Perimeter(ZONES, None, tuple(dict.fromkeys(found)), alerts)


@cache
def _default_radii() -> dict[str, float]:
    table = families()
    return dict(zip(table["famille"], table["rayon_defaut_km"].astype(float), strict=True))


def default_radius(familles: list[str], why: str = "non déclaré") -> tuple[float, str]:
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
    reason = ", ".join(pool) if known else "aucun métier connu"
    return radius, f"périmètre d'intervention {why} : rayon par défaut de {radius:g} km ({reason})"
