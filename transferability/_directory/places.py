"""Where a provider is: its commune, department and region, from the codes and names of its row.

A provider is located at its commune: INSEE code, else postal code and city name (CEDEX
included), else department. Codes a spreadsheet read as numbers get their leading zero
back ("1150" → "01150"), flagged; an address abroad (a country named in the city or a
country column, a foreign postal code) is refused, never placed in France.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from .._reference import department_of_postal, geography, place_coordinates, resolve_place
from .._utils import fold, is_ascii_digits

NO_PLACE = "aucune localisation utilisable"
_FRANCE = {"", "france", "fr", "fra", "france metropolitaine", "metropole", "dom", "outre mer"}
# Countries written in a city or country cell (folded), with their French name.
_COUNTRIES = {
    "belgique": "Belgique",
    "belgium": "Belgique",
    "belgie": "Belgique",
    "suisse": "Suisse",
    "switzerland": "Suisse",
    "schweiz": "Suisse",
    "luxembourg": "Luxembourg",
    "allemagne": "Allemagne",
    "deutschland": "Allemagne",
    "germany": "Allemagne",
    "espagne": "Espagne",
    "espana": "Espagne",
    "spain": "Espagne",
    "italie": "Italie",
    "italia": "Italie",
    "italy": "Italie",
    "monaco": "Monaco",
    "andorre": "Andorre",
    "andorra": "Andorre",
    "royaume uni": "Royaume-Uni",
    "united kingdom": "Royaume-Uni",
    "pays bas": "Pays-Bas",
    "nederland": "Pays-Bas",
    "portugal": "Portugal",
}
# Foreign postal codes written with their country's prefix ("B-7500", "CH-1200", "L-1234").
_FOREIGN_POSTAL = re.compile(r"^(B|BE|CH|L|LU|D|DE|E|ES|I|IT|MC|AD|NL|P|PT|GB|UK)[- ]?\d{4,5}$", re.I)


@dataclass(frozen=True)
class Location:
    """A provider's commune, department, region and coordinates, with what was uncertain."""

    commune_insee: str | None = None
    departement: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None
    alertes: tuple[str, ...] = ()
    code_postal: str | None = None  # the postal code as read, its leading zero restored

    def with_alert(self, alert: str) -> Location:
        return replace(self, alertes=(*self.alertes, alert))


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


def foreign_country(city: str, country: str = "", postal: str = "") -> str | None:
    """The foreign country an address names (city "TOURNAI (BELGIQUE)", country "BE", postal "B-7500").

    Examples
    --------
    >>> foreign_country("TOURNAI (BELGIQUE)"), foreign_country("Genève", "Suisse")
    ('Belgique', 'Suisse')
    >>> foreign_country("Allemagne-en-Provence"), foreign_country("Suisse"), foreign_country("Lille", "France")
    (None, None, None)
    >>> foreign_country("Genève - Suisse"), foreign_country("Monaco")
    ('Suisse', 'Monaco')
    >>> foreign_country("", "", "B-7500")
    'pays étranger (code postal « B-7500 »)'
    """
    key = fold(country)
    if key not in _FRANCE:
        return _COUNTRIES.get(key, country.strip())
    folded = fold(city)
    for word, name in _COUNTRIES.items():
        # "TOURNAI (BELGIQUE)", "Genève - Suisse": the country after a separator; never "Allemagne-en-Provence"
        after = folded.endswith(" " + word) and re.search(r"[(,/–-]\s*\S+[^(,/–-]*$", city)
        alone = folded == word
        if (after or alone) and geography().find_name(city) is None:  # Suisse is a commune of Moselle
            return name
    if _FOREIGN_POSTAL.match(postal.strip()):
        return f"pays étranger (code postal « {postal.strip()} »)"
    return None


def _commune(insee: str, alerts=(), postal: str | None = None) -> Location:
    dep, reg, lat, lon = place_coordinates()[insee]
    return Location(insee, dep, reg, lat, lon, tuple(alerts), postal)


def _department(dep: str, alerts=(), postal: str | None = None) -> Location:
    _, reg, lat, lon = place_coordinates()[dep]
    why = f"localisation au centre du département {dep} (commune inconnue)"
    return Location(None, dep, reg, lat, lon, (*alerts, why), postal)


def _restored_postal(postal: str, city: str, insee: str, alerts: list[str]) -> str:
    """A 4-digit postal code gets its leading zero back when that gives a French code fitting the row.

    It fits when the commune code (zeros restored too) is in the same department, or the city is one of
    the code's communes; a row with neither is given the benefit of the doubt.
    """
    geo = geography()
    candidate = "0" + postal
    if not geo.is_postal(candidate):
        return postal
    dep = department_of_postal(candidate)
    code = insee.zfill(5) if is_ascii_digits(insee) else insee
    fits = not city and not code
    if code in place_coordinates():
        fits = place_coordinates()[code][0] == dep
    elif city:
        named = any(fold(geo.nom[c]) == fold(city) for c in geo.postal[candidate])
        place = geo.find_name(city, dep)
        fits = named or (place is not None and place.departement == dep)
    if fits:
        alerts.append(f"code postal « {postal} » à 4 chiffres\u00a0: zéro initial restauré ({candidate})")
        return candidate
    return postal


@cache
def locate(insee: str, postal: str, city: str, department: str, country: str = "") -> Location:
    """Locate a provider from its INSEE code, else postal code and city, else department.

    Examples
    --------
    >>> locate("73065", "", "", "").commune_insee
    '73065'
    >>> locate("", "73011", "CHAMBERY CEDEX", "").commune_insee  # CEDEX code, not in the postal base
    '73065'
    >>> loc = locate("1047", "1150", "Blyes", "1"); (loc.commune_insee, loc.code_postal)
    ('01047', '01150')
    >>> abroad = locate("", "7500", "TOURNAI (BELGIQUE)", ""); abroad.departement is None
    True
    >>> print(abroad.alertes[0])
    adresse hors de France (Belgique)\u00a0: prestataire non localisé
    >>> loc = locate("", "", "", ""); (loc.commune_insee, loc.alertes)
    (None, ('aucune localisation utilisable',))
    """
    alerts: list[str] = []
    postal = re.sub(r"\s+", "", postal)
    abroad = foreign_country(city, country, postal)
    if abroad:
        return Location(alertes=(f"adresse hors de France ({abroad})\u00a0: prestataire non localisé",))
    if re.fullmatch(r"\d{4}", postal):
        postal = _restored_postal(postal, city, insee, alerts)
    if insee:
        code = insee.zfill(5) if is_ascii_digits(insee) else insee.upper()
        if len(code) == 5 and code in place_coordinates():
            if code != insee:
                alerts.append(f"code commune « {insee} »\u00a0: zéro initial restauré ({code})")
            return _commune(code, alerts, postal or None)
        alerts.append(f"code commune INSEE inconnu (« {insee} »)")
    return _from_postal_and_city(postal, city, department, alerts)


def _from_postal_and_city(postal: str, city: str, department: str, alerts: list[str]) -> Location:
    geo = geography()
    dep_hint = geo.normalise_department(department) or department_of_postal(postal)
    if geo.is_postal(postal):
        place = resolve_place(postal, "Code postal", city)
        return _commune(place.commune_insee, [*alerts, *place.alertes], postal)
    if city:
        place = geo.find_name(city, dep_hint)
        if place is not None and place.commune_insee and (not dep_hint or place.departement == dep_hint):
            return _commune(place.commune_insee, [*alerts, *place.alertes], postal or None)
        if re.fullmatch(r"\d{4}", postal):  # a 4-digit code and a city unknown in France: an address abroad?
            why = f"code postal à 4 chiffres (« {postal} ») et ville « {city} » inconnue en France"
            return Location(
                alertes=(*alerts, f"adresse hors de France\u00a0? {why}\u00a0: prestataire non localisé")
            )
        alerts.append(f"ville « {city} » introuvable" + (f" (code postal « {postal} »)" if postal else ""))
    elif postal:
        alerts.append(f"code postal « {postal} » absent de la base postale")
    if dep_hint and dep_hint in geo.departements.index:
        return _department(dep_hint, alerts, postal or None)
    alerts.append(NO_PLACE)
    return Location(alertes=tuple(alerts), code_postal=postal or None)


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
    dep = dep if re.fullmatch(r"\d{1,3}|2[ABab]", dep or "") else ""
    return locate(insee, postal, city, dep, row.get("pays", ""))


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
