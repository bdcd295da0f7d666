"""Many places of execution resolved at once: the commonest kind by one lookup, the others one by one."""

from __future__ import annotations

import re

from .geo import COMMUNE, Place, geography, place_type, resolve_place

_INSEE = re.compile(r"\d{5}|2[AB]\d{3}")


def resolve_places(codes: list, type_codes: list, names: list) -> list[Place]:
    """:func:`resolve_place` of each (code, type, name) triple.

    A commune's INSEE code given as such ("73065", "Code commune"), most of the national DECP's places,
    is a commune whatever the name beside it: one lookup. Every other triple goes through
    :func:`resolve_place`.

    Examples
    --------
    >>> [p.departement for p in resolve_places(["73065", "73000"], ["Code commune", "Code postal"], ["", ""])]
    ['73', '73']
    """
    geo = geography()
    kinds = {t: place_type(t) for t in dict.fromkeys(type_codes)}
    places = []
    for code, type_code, name in zip(codes, type_codes, names, strict=True):
        if (
            kinds[type_code] == COMMUNE
            and isinstance(code, str)
            and code in geo.nom
            and _INSEE.fullmatch(code)
            and not code.startswith("99")  # INSEE's codes of foreign countries, abroad
        ):
            places.append(geo.commune_place(code, code, COMMUNE))
        else:
            places.append(resolve_place(code, type_code, name))
    return places
