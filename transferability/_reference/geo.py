"""French geography: communes, departments, regions, postal codes, distances.

Data: INSEE COG 2026 (communes, departments, regions, postal codes) and IGN centroids,
copied into ``data/geo``; loaded once. Codes stay strings ("01", "2A", "974").
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from .._utils import cached, data_path, fold, is_ascii_digits, read_data_csv

# the files a Geography is built from (its cache is named by their content)
GEO_FILES = ("communes.csv", "departements.csv", "regions.csv", "codes_postaux.csv")

# Place types of the canonical table (column ``lieu_type``).
COMMUNE, CODE_POSTAL, DEPARTEMENT, REGION, PAYS = "commune", "code postal", "département", "région", "pays"


def department_of_postal(code: str) -> str | None:
    """Department of a postal code, from its leading digits (CEDEX and pseudo codes too).

    Examples
    --------
    >>> department_of_postal("75000"), department_of_postal("20167"), department_of_postal("20290")
    ('75', '2A', '2B')
    >>> department_of_postal("97411"), department_of_postal("1000")
    ('974', None)
    """
    if not re.fullmatch(r"\d{5}", code or ""):
        return None
    if code.startswith("97") or code.startswith("98"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if code[:3] in ("200", "201") else "2B"
    return code[:2]


@dataclass(frozen=True)
class Place:
    """A resolved place of execution."""

    lieu_code: str | None = None
    lieu_type: str | None = None
    commune_insee: str | None = None
    departement: str | None = None
    region: str | None = None
    alertes: tuple[str, ...] = field(default=())


# The bundled geography files are read here and nowhere else (each once: read_data_csv caches them).
def _communes_csv() -> pd.DataFrame:
    return read_data_csv("geo/communes.csv", ("code_insee", "departement", "region", "codes_postaux"))


def _departements_csv() -> pd.DataFrame:
    return read_data_csv("geo/departements.csv", ("code", "region", "chef_lieu"))


def _regions_csv() -> pd.DataFrame:
    return read_data_csv("geo/regions.csv", ("code", "chef_lieu"))


@cache
def place_coordinates() -> dict[str, tuple]:
    """INSEE or department code → (department, region, lat, lon): a directory whose rows all carry a valid
    INSEE code is located without building the whole :func:`geography`."""
    out = {}
    pairs = ((_departements_csv(), "code", "code"), (_communes_csv(), "code_insee", "departement"))
    for frame, code_col, dep_col in pairs:
        columns = [frame[c].tolist() for c in (code_col, dep_col, "region", "lat", "lon")]
        for code, dep, reg, lat, lon in zip(*columns, strict=True):
            ok = lat == lat and lon == lon
            out[code] = (dep, reg, float(lat) if ok else None, float(lon) if ok else None)
    return out


@cache
def region_codes() -> frozenset[str]:
    """The codes of the 18 regions and 8 overseas collectivities."""
    return frozenset(_regions_csv()["code"].tolist())


class Geography:
    """Lookup tables over the bundled geography; use :func:`geography` to get the shared one."""

    def __init__(self):
        communes = _communes_csv()
        self.communes = communes.set_index("code_insee", drop=False)
        self.departements = _departements_csv().set_index("code", drop=False)
        self.regions = _regions_csv().set_index("code", drop=False)
        postal = read_data_csv("geo/codes_postaux.csv", ("code_postal", "codes_insee"))
        self.postal = {r.code_postal: r.codes_insee.split() for r in postal.itertuples()}
        self._population = self.communes["population"].fillna(0).to_dict()
        # plain dicts for the hot look-ups (DataFrame row access costs microseconds each)
        self.nom = dict(zip(communes["code_insee"], communes["nom"], strict=True))
        self.dep = dict(zip(communes["code_insee"], communes["departement"], strict=True))
        self.reg = dict(zip(communes["code_insee"], communes["region"], strict=True))
        self.lat = dict(zip(communes["code_insee"], communes["lat"], strict=True))
        self._region_of = dict(zip(self.departements["code"], self.departements["region"], strict=True))
        self.lon = dict(zip(communes["code_insee"], communes["lon"], strict=True))
        by_name: dict[str, list[str]] = {}
        for code, name in zip(self.communes["code_insee"], self.communes["nom"], strict=True):
            by_name.setdefault(_name_key(name), []).append(code)
        self.by_name = by_name
        self.department_by_name = {
            _name_key(n): c for c, n in zip(self.departements["code"], self.departements["nom"], strict=True)
        }
        self.region_by_name = {
            _name_key(n): c for c, n in zip(self.regions["code"], self.regions["nom"], strict=True)
        }

    # -- single lookups ------------------------------------------------------------------
    def is_insee(self, code: str) -> bool:
        return code in self.nom

    def is_postal(self, code: str) -> bool:
        return code in self.postal

    def normalise_department(self, code: str) -> str | None:
        """``"1"`` → ``"01"``, ``"2a"`` → ``"2A"``; None when not a department code."""
        code = (code or "").strip().upper()
        if is_ascii_digits(code) and len(code) == 1:
            code = "0" + code
        return code if code in self.departements.index else None

    def region_of_department(self, dep: str | None) -> str | None:
        return self._region_of.get(dep)

    def commune_place(self, insee: str, code: str, kind: str, alerts=()) -> Place:
        return Place(code, kind, insee, self.dep[insee], self.reg[insee], tuple(alerts))

    def department_place(
        self, dep: str, code: str | None = None, kind: str = DEPARTEMENT, alerts=()
    ) -> Place:
        return Place(code or dep, kind, None, dep, self.region_of_department(dep), tuple(alerts))

    def best_commune(self, candidates: list[str], name: str = "", department: str | None = None) -> str:
        """Pick among communes: the one named ``name``, else in ``department``, else the most populated."""
        key = _name_key(name)
        named = [c for c in candidates if key and _name_key(self.nom[c]) == key]
        pool = named or [c for c in candidates if self.dep[c] == department] or candidates
        return max(pool, key=lambda c: self._population.get(c, 0))

    def find_name(self, name: str, department: str | None = None) -> Place | None:
        """Resolve a commune, department or region name ("RENNES CEDEX", "(22) Côtes-d'Armor")."""
        key = _name_key(name)
        if not key:
            return None
        m = re.match(r"^\(?(\d[\dab]|\d{3})\)?\s", fold(name) + " ")
        if m and self.normalise_department(m.group(1)):
            dep = self.normalise_department(m.group(1))
            return self.department_place(dep, kind=DEPARTEMENT)
        # a region's or department's name wins over a homonymous commune ("BRETAGNE", "Savoie")
        if key in self.department_by_name:
            return self.department_place(self.department_by_name[key])
        if key in self.region_by_name:
            reg = self.region_by_name[key]
            return Place(reg, REGION, None, None, reg)
        if key in self.by_name:
            codes = self.by_name[key]
            insee = self.best_commune(codes, name, department)
            alerts = []
            if len(codes) > 1 and not any(self.dep[c] == department for c in codes):
                alerts.append(
                    f"nom de commune « {name} » porté par {len(codes)} communes : la plus peuplée retenue"
                )
            return self.commune_place(insee, insee, COMMUNE, alerts)
        return None


_CEDEX = re.compile(r"\b(cedex|cedex \d+|cs \d+|bp \d+)\b")
_SAINT = re.compile(r"\b(st)\b")
_SAINTE = re.compile(r"\b(ste)\b")


def _name_key(name: object) -> str:
    """Key for matching commune names: folded, CEDEX stripped, St → Saint."""
    key = _CEDEX.sub(" ", fold(name))
    key = _SAINTE.sub("sainte", _SAINT.sub("saint", key))
    return " ".join(key.split())


@cache
def geography() -> Geography:
    """The shared :class:`Geography`, built once (and kept between processes in the user's cache)."""
    sources = [data_path(f"geo/{name}") for name in GEO_FILES]
    return cached("geographie", sources, Geography)


_TYPE_WORDS = (
    ("postal", CODE_POSTAL),
    ("commune", COMMUNE),
    ("insee", COMMUNE),
    ("arrondissement", DEPARTEMENT),
    ("canton", DEPARTEMENT),
    ("depart", DEPARTEMENT),
    ("region", REGION),
    ("pays", PAYS),
)


def place_type(type_code: object) -> str | None:
    """Canonical place type of a DECP ``typeCode`` ("CODE DEPARTEMENT" → "département").

    Examples
    --------
    >>> place_type("Code postal"), place_type("CODE DEPARTEMENT"), place_type("")
    ('code postal', 'département', None)
    """
    folded = fold(type_code)
    for word, kind in _TYPE_WORDS:
        if word in folded:
            return kind
    return None


_NO_PLACE = {"", "non disponible", "nd", "n c", "nc", "sans objet", "inconnu", "null", "none", "nan"}


def resolve_place(
    code: object, type_code: object = None, name: object = None, buyer_department: str | None = None
) -> Place:
    """Resolve a place of execution given as a code (with or without its type) or a name.

    Parameters
    ----------
    code : str
        The code as written (INSEE, postal, department, region, country).
    type_code : str, optional
        The DECP ``typeCode`` when the file gives it.
    name : str, optional
        The place's name, used when the code is missing or unusable.
    buyer_department : str, optional
        Used to choose among homonymous communes.

    Returns
    -------
    Place
        With ``alertes`` naming anything uncertain. An empty Place when nothing resolves.

    Examples
    --------
    >>> resolve_place("73065", "Code commune").commune_insee
    '73065'
    >>> p = resolve_place("73000", "Code postal"); (p.commune_insee, p.departement)
    ('73065', '73')
    >>> resolve_place("75000", "Code postal").departement
    '75'
    >>> resolve_place("2A", "Code département").region
    '94'
    >>> resolve_place("", None, "RENNES CEDEX").commune_insee
    '35238'
    >>> resolve_place(None, None, "73000").commune_insee  # a code written in a name column
    '73065'
    """
    geo = geography()
    raw, name = _code_and_name(code, name)
    kind = place_type(type_code)
    alerts: list[str] = []
    if raw in ("FR", "FRA", "FRANCE"):
        return Place(raw, PAYS)
    if kind == PAYS:
        abroad = () if not raw else (f"lieu d’exécution à l’étranger (code pays {raw})",)
        return Place(raw or "FR", PAYS, alertes=abroad)
    if raw:
        place = _resolve_code(geo, raw, kind, str(name or ""), buyer_department, alerts)
        if place is not None:
            return place
    if name and fold(name) not in _NO_PLACE:
        place = geo.find_name(str(name), buyer_department)
        if place is not None:
            extra = (f"code de lieu « {raw} » inutilisable : lieu déduit du nom",) if raw else ()
            return dataclasses.replace(place, alertes=tuple(alerts) + extra + place.alertes)
        alerts.append(f"lieu « {name} » introuvable")
    elif raw and not alerts:
        alerts.append(f"code de lieu « {raw} » inconnu")
    return Place(alertes=tuple(alerts))


def _code_and_name(code: object, name: object) -> tuple[str, object]:
    """The code without spaces, upper case ("" for "non communiqué"); a code written in the name column
    moves to the code; a code read as a number loses its ".0"."""
    raw = re.sub(r"\s+", "", str(code or "")).upper()
    if fold(raw) in _NO_PLACE:
        raw = ""
    text = str(name or "").strip()
    if not raw and re.fullmatch(r"(\d{1,5}|\d{2}\s\d{3}|2[ABab]\d{0,3})", text):
        raw, name = re.sub(r"\s+", "", text).upper(), ""  # a "lieu" column holding a code ("91 160")
    within = re.fullmatch(r"(.*?)\s*\(\s*(\d{2}\s?\d{3}|\d{1,3}|2[ABab])\s*\)", text)
    if not raw and within:  # "Savoie (73)", "Aix-les-Bains (73100)": the code in parentheses
        raw, name = re.sub(r"\s+", "", within.group(2)).upper(), within.group(1)
    if raw.endswith(".0") and is_ascii_digits(raw[:-2]):  # a code read as a number
        raw = raw[:-2]
    return raw, name


def _resolve_code(geo: Geography, raw: str, kind: str | None, name: str, buyer_dep, alerts) -> Place | None:
    if re.fullmatch(r"99\d{3}", raw) and kind in (None, COMMUNE, PAYS):
        # INSEE's codes of foreign countries (99134 Spain): the place is abroad, not a French commune
        return Place(raw, PAYS, alertes=(f"lieu d’exécution à l’étranger (code pays INSEE {raw})",))
    if kind == REGION:
        reg = raw.zfill(2)
        if reg in geo.regions.index:
            return Place(reg, REGION, None, None, reg)
        alerts.append(f"code région « {raw} » inconnu")
        return None
    if kind == DEPARTEMENT or len(raw) <= 3:
        dep = geo.normalise_department(raw)
        if dep:
            return geo.department_place(dep, raw)
        alerts.append(f"code département « {raw} » inconnu")
        return None
    if re.fullmatch(r"\d{4}", raw) and kind in (
        None,
        CODE_POSTAL,
        COMMUNE,
    ):  # typed as a number: 07510 → 7510
        place = _resolve_code(geo, "0" + raw, kind, name, buyer_dep, alerts)
        if place is not None:
            extra = f"code « {raw} » à 4 chiffres complété d’un zéro (0{raw})"
            return dataclasses.replace(place, alertes=(extra, *place.alertes))
        return None
    if not re.fullmatch(r"\d{5}|2[AB]\d{3}", raw):
        alerts.append(f"code de lieu « {raw} » mal formé")
        return None
    insee, postal = geo.is_insee(raw), geo.is_postal(raw)
    if kind == COMMUNE and insee:
        return geo.commune_place(raw, raw, COMMUNE)
    if kind == CODE_POSTAL and postal:
        return _postal_place(geo, raw, name, buyer_dep, [])
    if kind == COMMUNE and postal:
        return _postal_place(
            geo, raw, name, buyer_dep, [f"« {raw} » donné comme code commune est un code postal"]
        )
    if kind == CODE_POSTAL and insee:
        return geo.commune_place(raw, raw, COMMUNE, [f"« {raw} » donné comme code postal est un code INSEE"])
    if kind is None and insee and postal:
        return _ambiguous(geo, raw, name, buyer_dep)
    if kind is None and insee:
        return geo.commune_place(raw, raw, COMMUNE)
    if kind is None and postal:
        return _postal_place(geo, raw, name, buyer_dep, [])
    dep = department_of_postal(raw)
    if dep and geo.normalise_department(dep):
        return geo.department_place(
            dep,
            raw,
            CODE_POSTAL,
            [f"code « {raw} » absent de la base postale (CEDEX ou pseudo-code) : département {dep} retenu"],
        )
    alerts.append(f"code de lieu « {raw} » inconnu")
    return None


def _postal_place(geo: Geography, raw: str, name: str, buyer_dep, alerts: list[str]) -> Place:
    candidates = geo.postal[raw]
    insee = geo.best_commune(candidates, name, buyer_dep)
    deps = {geo.dep[c] for c in candidates}
    if len(deps) > 1:
        alerts.append(f"code postal {raw} à cheval sur les départements {', '.join(sorted(deps))}")
    return geo.commune_place(insee, raw, CODE_POSTAL, alerts)


def _ambiguous(geo: Geography, raw: str, name: str, buyer_dep) -> Place:
    """A 5-digit code of unknown type that is an INSEE code and another commune's postal code."""
    postal_communes = geo.postal[raw]
    key = _name_key(name)
    if key and _name_key(geo.nom[raw]) == key:
        return geo.commune_place(raw, raw, COMMUNE)
    if key:
        for c in postal_communes:
            if _name_key(geo.nom[c]) == key:
                return geo.commune_place(c, raw, CODE_POSTAL)
    deps = {geo.dep[raw]} | {geo.dep[c] for c in postal_communes}
    alert = f"code « {raw} » ambigu : code INSEE de {geo.nom[raw]} et code postal d'une autre commune"
    if len(deps) == 1:
        dep = deps.pop()
        return Place(
            raw, None, None, dep, geo.region_of_department(dep), (alert + f" ; département {dep} retenu",)
        )
    return Place(raw, None, None, None, None, (alert + " ; départements différents, lieu non retenu",))
