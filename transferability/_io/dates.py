"""Dates and durations of contract cells: French and ISO dates, Excel serials, durations in words."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re

from .._utils import DAYS_PER_MONTH, clean_text, fold
from .._utils import clock as _clock
from .blank import as_float, is_missing, short

EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")
# French month names and their usual abbreviations (folded), month by month
_MONTH_WORDS = "janvier janv|fevrier fevr fev|mars|avril avr|mai|juin|juillet juil|aout|septembre sept|octobre oct|novembre nov|decembre dec"
MONTHS = {
    name: month for month, names in enumerate(_MONTH_WORDS.split("|"), start=1) for name in names.split()
}
_WRITTEN_DATE = re.compile(r"(\d{1,2})(?:er)? ([a-z]+) (\d{4})")


def parse_date(value: object, today: dt.date | None = None) -> tuple[dt.date | None, str | None]:
    """Date from dd/mm/yyyy, yyyy-mm-dd (with time or zone), "1er février 2021", an Excel serial.

    Examples
    --------
    >>> parse_date("30/01/2019")
    (datetime.date(2019, 1, 30), None)
    >>> parse_date("2018-12-17+01:00")
    (datetime.date(2018, 12, 17), None)
    >>> parse_date(43466), parse_date("1er février 2019")
    ((datetime.date(2019, 1, 1), None), (datetime.date(2019, 2, 1), None))
    >>> parse_date("1899-12-31")
    (None, 'date nulle d’Excel (1899-12-31)')
    >>> parse_date(dt.time(0))  # a date cell holding 0, as openpyxl reads it
    (None, 'date nulle d’Excel (cellule date à zéro)')
    >>> parse_date(2019)  # a year typed as a number, not Excel's day 2019 (1905)
    (datetime.date(2019, 1, 1), 'année seule (2019) : 1er janvier retenu')
    """
    if is_missing(value):
        return None, None
    today = today or _clock.today()
    year = _year_only(value)
    if year is not None:
        return dt.date(year, 1, 1), f"année seule ({year}) : 1er janvier retenu"
    date = None
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    elif isinstance(value, dt.time):
        if value == dt.time(0):
            return None, "date nulle d’Excel (cellule date à zéro)"
        return None, f"heure sans date (« {value} »)"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        date = _excel_serial(as_float(value))
    else:
        date, alert = _text_date(clean_text(value), today)
        if date is None or alert:
            return date, alert
    shown = date.isoformat() if isinstance(value, dt.date) and date else short(value)
    if date is None:
        return None, f"date illisible (« {shown} »)"
    if date <= dt.date(1900, 1, 1):
        return None, f"date nulle d’Excel ({shown})"
    if date.year < 1990:
        return date, f"date improbable ({date.isoformat()})"
    if date > today:
        return date, f"date dans le futur ({date.isoformat()})"
    return date, None


def _text_date(text: str, today: dt.date) -> tuple[dt.date | None, str | None]:
    """A date written as text: an Excel serial, the usual formats, "1er février 2021", else a partial date."""
    if re.fullmatch(r"0?0:00(:00)?", text):  # a date cell holding 0, written out as a time
        return None, "date nulle d’Excel (cellule date à zéro)"
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        date = _excel_serial(float(text))
        return date, None if date else f"date illisible (« {short(text)} »)"
    head = re.split(r"[T ]|(?<=\d{4}-\d\d-\d\d)[+-Z]", text)[0]
    for fmt in _DATE_FORMATS:
        with contextlib.suppress(ValueError):
            return dt.datetime.strptime(head, fmt).date(), None
    written = _WRITTEN_DATE.fullmatch(fold(text))
    if written and written.group(2) in MONTHS:
        with contextlib.suppress(ValueError):
            return dt.date(int(written.group(3)), MONTHS[written.group(2)], int(written.group(1))), None
    return _partial_date(text, today)


def _partial_date(text: str, today: dt.date) -> tuple[dt.date | None, str | None]:
    """Dates written without their day ("02/2019", "mai 2019"), or month first ("01/24/2019"), said so."""
    month_year = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text)
    written = re.fullmatch(r"([a-z]+)\.? (\d{4})", fold(text))
    if month_year and 1 <= int(month_year.group(1)) <= 12:
        return dt.date(
            int(month_year.group(2)), int(month_year.group(1)), 1
        ), f"mois seul ({text}) : 1er du mois retenu"
    if written and written.group(1) in MONTHS:
        return dt.date(
            int(written.group(2)), MONTHS[written.group(1)], 1
        ), f"mois seul ({text}) : 1er du mois retenu"
    us = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if us and int(us.group(2)) > 12 and int(us.group(1)) <= 12:
        with contextlib.suppress(ValueError):
            date = dt.date(int(us.group(3)), int(us.group(1)), int(us.group(2)))
            return date, f"date écrite mois/jour à l’américaine ({text}) : {date:%d/%m/%Y} retenu"
    return None, f"date illisible (« {short(text)} »)"


def _year_only(value: object) -> int | None:
    """A year alone, typed as a number or a four-digit text (1990 to 2100)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer():
        year = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{4}(\.0)?\s*", value):
        year = int(float(value))
    else:
        return None
    return year if 1990 <= year <= 2100 else None


def parse_end_date(value: object) -> dt.date | None:
    """The date of a duration cell that gives the end instead ("jusqu'au 31/12/2025", "au 30 juin 2026").

    Examples
    --------
    >>> parse_end_date("jusqu’au 31/12/2025"), parse_end_date("36 mois")
    (datetime.date(2025, 12, 31), None)
    """
    if is_missing(value) or not isinstance(value, str):
        return None
    found = re.findall(
        r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}(?:er)? [a-zéû]+ \d{4})", value
    )
    if not found:
        year = re.search(
            r"\bfin (?:d[e’'] ?l[’']?ann[ée]e |de |d[’'] ?)?(\d{4})\b", fold(value).replace(" l annee", "")
        )
        return dt.date(int(year.group(1)), 12, 31) if year and 1990 <= int(year.group(1)) <= 2100 else None
    date, _ = parse_date(found[-1], dt.date(2100, 1, 1))  # "du … au …": the last date is the end
    return date


def _excel_serial(serial: float) -> dt.date | None:
    if not 1 <= serial < 2958466:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


# (pattern, months per unit); a bare number is in months
_DURATION_UNITS = (
    (r"ann?[eé]es?|ans?", 12.0),
    (r"mois", 1.0),
    (r"semaines?|sem", 12 / 52.1775),
    (r"jours?|j", 1 / DAYS_PER_MONTH),
)
_DURATION = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:(?:à|a|-)\s*(\d+(?:[.,]\d+)?)\s*)?("
    + "|".join(f"(?:{u})" for u, _ in _DURATION_UNITS)
    + r")?(?![a-zé])"
)


def _unit_months(unit: str) -> float:
    return next((m for u, m in _DURATION_UNITS if re.fullmatch(u, unit)), 1.0)


def parse_duration(value: object) -> tuple[float | None, str | None]:
    """Duration in months ("36", "36 mois", "3 ans", "3 ans et 6 mois", "90 jours", 48.0).

    A range ("12 à 48 mois") gives its upper bound; extra numbers ("1 an renouvelable 3 fois")
    are flagged.

    Examples
    --------
    >>> parse_duration("36 mois"), parse_duration("3 ans"), parse_duration("")
    ((36.0, None), (36.0, None), (None, None))
    >>> parse_duration("3 ans et 6 mois"), parse_duration("90 jours")
    ((42.0, None), (2.96, None))
    >>> parse_duration("1 an renouvelable 3 fois")
    (48.0, 'durée totale avec 3 reconductions (« 1 an renouvelable 3 fois ») : 48 mois')
    >>> parse_duration("jusqu’au 31/12/2025")[1]
    'durée donnée par une date de fin (« jusqu’au 31/12/2025 »)'
    """
    if is_missing(value):
        return None, None
    if isinstance(value, bool):
        return None, f"durée illisible (« {value} »)"
    text = clean_text(value).lower()
    restated = re.sub(
        r"\([^)]*\)|\bsoit\b.*$", " ", text
    ).strip()  # "48 mois (4 ans)", "3 mois soit 90 jours"
    if restated and restated != text and not isinstance(value, int | float):
        return parse_duration(restated)
    if parse_end_date(text) is not None:
        return None, f"durée donnée par une date de fin (« {short(value)} »)"
    renewals = re.search(r"(?:renouvelable|reconductible)s?\s+(\d+)\s+fois", fold(text))
    if renewals:
        firm, alert = parse_duration(text[: renewals.start()] or text)
        if firm is not None and not alert:
            total = round(firm * (1 + int(renewals.group(1))), 2)
            return (
                total,
                f"durée totale avec {renewals.group(1)} reconductions (« {short(value)} ») : {total:g} mois",
            )
    if isinstance(value, int | float):
        pairs, negative = [(as_float(value), None, "")], value < 0
    else:
        found = _DURATION.findall(text)
        pairs = [
            (float(a.replace(",", ".")), float(b.replace(",", ".")) if b else None, u) for a, b, u in found
        ]
        negative = bool(re.match(r"^\s*-\s*\d", text))
    if not pairs or not all(math.isfinite(p[0]) for p in pairs):
        return None, f"durée illisible (« {short(value)} »)"
    with_unit = [p for p in pairs if p[2]]
    used = with_unit or pairs[:1]
    months = round(sum(max(a, b or a) * _unit_months(u) for a, b, u in used), 2)
    if negative or months <= 0:
        return None, f"durée nulle ou négative ({short(value)})"
    if months > 360:
        return None, f"durée aberrante ({months:g} mois, plus de 30 ans) : ignorée"
    if len(used) < len(pairs) or any(b is not None for _, b, _ in used):
        return months, f"durée à vérifier (« {short(value)} ») : {months:g} mois retenus"
    return months, None
