"""Normalising single cells of contract files: amounts, dates, durations, CPV codes, procedures.

Each function takes the raw cell (any type) and returns ``(value, alert)``: the
normalised value (or None) and a French warning (or None). They never raise.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from functools import cache

from .._utils import clean_text, fold, is_ascii_digits, read_data_csv
from .._utils import clock as _clock

MAX_PLAUSIBLE_AMOUNT = 5e9  # larger than any French public contract notified so far
EXCEL_EPOCH = dt.date(1899, 12, 30)

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_CURRENCY = re.compile(r"(€|eur(os?)?|\bht\b|\bttc\b|h\.t\.?|t\.t\.c\.?)", re.I)
_MISSING = set(  # folded texts that mean "not given"
    "|nc|n c|nd|n d|na|sans objet|non communique|non disponible|neant|null|none|nan|-|?|inconnu|x".split("|")  # noqa: SIM905
)


def _float(value: int | float) -> float:
    """A number as a float; integers too large for a float become ±inf instead of raising."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _short(value: object, n: int = 80) -> str:
    """A cell as shown in a warning: clean text, cut after ``n`` characters."""
    text = clean_text(value)
    return text if len(text) <= n else text[: n - 1] + "…"


def _missing(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        try:
            return bool(value != value)  # NaN, NaT
        except (TypeError, ValueError):
            return False
    # a text of punctuation alone ("-", "?", "—") is missing; a text in another script ("٣٣") is a value
    folded = fold(value)
    return not any(c.isalnum() for c in value) or (folded != "" and folded in _MISSING)


def parse_amount(value: object) -> tuple[float | None, str | None]:
    """Amount in euros from a number or a French-written text.

    Examples
    --------
    >>> parse_amount("12 345,67 € HT")
    (12345.67, None)
    >>> parse_amount("1.200.000,00")
    (1200000.0, None)
    >>> parse_amount("4102920.24")
    (4102920.24, None)
    >>> parse_amount("NC")
    (None, 'montant non renseigné (« NC »)')
    >>> parse_amount(-5)
    (-5.0, 'montant négatif (-5)')
    """
    if _missing(value):
        shown = clean_text(value)
        return None, f"montant non renseigné (« {shown} »)" if shown else "montant absent"
    if isinstance(value, bool):
        return None, f"montant non numérique (« {value} »)"
    if isinstance(value, int | float):
        amount = _float(value)
    else:
        text = _CURRENCY.sub("", str(value))
        text = _SPACES.sub("", text).strip().rstrip(".")
        amount = _number(text)
        if amount is None:
            return None, f"montant non numérique (« {_short(value)} »)"
    if not math.isfinite(amount):
        return None, f"montant non numérique (« {_short(value)} »)"
    if amount < 0:
        return amount, f"montant négatif ({_short(value)})"
    if amount == 0:
        return amount, "montant nul"
    if amount > MAX_PLAUSIBLE_AMOUNT:
        return amount, f"montant aberrant ({amount:,.0f} €)".replace(",", " ")
    return amount, None


def _number(text: str) -> float | None:
    """Parse digits with ``,`` / ``.`` as decimal or thousands separators."""
    if not re.fullmatch(r"[+-]?[\d.,]+([eE][+-]?\d+)?", text or ""):
        return None
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "")
    try:
        return float(text)
    except ValueError:
        return None


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
    """
    if _missing(value):
        return None, None
    today = today or _clock.today()
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
        date = _excel_serial(_float(value))
    else:
        text = clean_text(value)
        if re.fullmatch(r"0?0:00(:00)?", text):  # a date cell holding 0, written out as a time
            return None, "date nulle d’Excel (cellule date à zéro)"
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            date = _excel_serial(float(text))
        else:
            head = re.split(r"[T ]|(?<=\d{4}-\d\d-\d\d)[+-Z]", text)[0]
            for fmt in _DATE_FORMATS:
                try:
                    date = dt.datetime.strptime(head, fmt).date()
                    break
                except ValueError:
                    continue
            written = _WRITTEN_DATE.fullmatch(fold(text)) if date is None else None
            if written and written.group(2) in MONTHS:
                with contextlib.suppress(ValueError):
                    day, year = int(written.group(1)), int(written.group(3))
                    date = dt.date(year, MONTHS[written.group(2)], day)
    shown = date.isoformat() if isinstance(value, dt.date) and date else _short(value)
    if date is None:
        return None, f"date illisible (« {shown} »)"
    if date <= dt.date(1900, 1, 1):
        return None, f"date nulle d’Excel ({shown})"
    if date.year < 1990:
        return date, f"date improbable ({date.isoformat()})"
    if date > today:
        return date, f"date dans le futur ({date.isoformat()})"
    return date, None


def _excel_serial(serial: float) -> dt.date | None:
    if not 1 <= serial < 2958466:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


# (pattern, months per unit); a bare number is in months
_DURATION_UNITS = (
    (r"ann?[eé]es?|ans?", 12.0),
    (r"mois", 1.0),
    (r"semaines?|sem", 12 / 52.1775),
    (r"jours?|j", 1 / 30.4375),
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
    (12.0, 'durée à vérifier (« 1 an renouvelable 3 fois ») : 12 mois retenus')
    """
    if _missing(value):
        return None, None
    if isinstance(value, bool):
        return None, f"durée illisible (« {value} »)"
    text = clean_text(value).lower()
    if isinstance(value, int | float):
        pairs, negative = [(_float(value), None, "")], value < 0
    else:
        found = _DURATION.findall(text)
        pairs = [
            (float(a.replace(",", ".")), float(b.replace(",", ".")) if b else None, u) for a, b, u in found
        ]
        negative = bool(re.match(r"^\s*-\s*\d", text))
    if not pairs or not all(math.isfinite(p[0]) for p in pairs):
        return None, f"durée illisible (« {_short(value)} »)"
    with_unit = [p for p in pairs if p[2]]
    used = with_unit or pairs[:1]
    months = round(sum(max(a, b or a) * _unit_months(u) for a, b, u in used), 2)
    if negative or months <= 0:
        return None, f"durée nulle ou négative ({_short(value)})"
    if months > 600:
        return months, f"durée aberrante ({months:g} mois)"
    if len(used) < len(pairs) or any(b is not None for _, b, _ in used):
        return months, f"durée à vérifier (« {_short(value)} ») : {months:g} mois retenus"
    return months, None


@cache
def cpv_table() -> dict[str, tuple[str, str]]:
    """CPV code (8 digits) → (check digit, French label), from the CPV 2008 list."""
    cpv = read_data_csv("cpv/cpv_2008_fr.csv", ("code", "check_digit"))
    return {
        c: (d, label) for c, d, label in zip(cpv["code"], cpv["check_digit"], cpv["label_fr"], strict=True)
    }


def parse_cpv(value: object) -> tuple[str | None, str | None]:
    """CPV code as 8 digits, check digit dropped; a lost leading zero is restored.

    Examples
    --------
    >>> parse_cpv("90911200-8"), parse_cpv(3100000)
    (('90911200', None), ('03100000', 'code CPV à 7 chiffres complété d’un zéro (3100000)'))
    >>> parse_cpv("XXXX")
    ('XXXX', 'code CPV inconnu (« XXXX »)')
    """
    if _missing(value):
        return None, None
    text = clean_text(value).replace(" ", "")
    if re.fullmatch(r"\d+\.0", text):
        text = text[:-2]
    m = re.fullmatch(r"(\d{7,8})(?:-(\d))?", text)
    if not m:  # the code followed by its label: "45311000-0 Travaux de câblage"
        m = re.fullmatch(r"(\d{7,8})(?:\s*-\s*(\d)(?!\d))?\s*[-–:]?\s*[^\d\s].*", clean_text(value))
        text = clean_text(value) if m else text
    if not m:
        return text, f"code CPV inconnu (« {_short(text)} »)"
    code, check = m.group(1), m.group(2)
    alert = None
    if len(code) == 7:
        code = "0" + code
        alert = f"code CPV à 7 chiffres complété d’un zéro ({text})"
    table = cpv_table()
    if code not in table:
        return text, f"code CPV inconnu (« {_short(text)} »)"
    if check is not None and check != table[code][0]:
        alert = f"chiffre de contrôle du code CPV incorrect ({text}, attendu {table[code][0]})"
    return code, alert


# Official DECP procedure wordings and the synonyms met in real files (folded keys).
PROCEDURES = {
    "procedure adaptee": "Procédure adaptée",
    "mapa": "Procédure adaptée",
    "marche a procedure adaptee": "Procédure adaptée",
    "appel d offres ouvert": "Appel d'offres ouvert",
    "aoo": "Appel d'offres ouvert",
    "appel d offres restreint": "Appel d'offres restreint",
    "aor": "Appel d'offres restreint",
    "procedure avec negociation": "Procédure avec négociation",
    "procedure concurrentielle avec negociation": "Procédure avec négociation",
    "procedure negociee avec mise en concurrence prealable": "Procédure avec négociation",
    "marche negocie avec publicite et mise en concurrence prealable": "Procédure avec négociation",
    "marche passe sans publicite ni mise en concurrence prealable": "Marché passé sans publicité ni mise en concurrence préalable",
    "marche negocie sans publicite ni mise en concurrence prealable": "Marché passé sans publicité ni mise en concurrence préalable",
    "marche public negocie sans publicite ni mise en concurrence prealable": "Marché passé sans publicité ni mise en concurrence préalable",
    "procedure negociee sans publicite ni mise en concurrence prealable": "Marché passé sans publicité ni mise en concurrence préalable",
    "marche sans publicite ni mise en concurrence": "Marché passé sans publicité ni mise en concurrence préalable",
    "dialogue competitif": "Dialogue compétitif",
    "concours": "Concours",
}
CATEGORY = {
    "Procédure adaptée": "MAPA",
    "Appel d'offres ouvert": "Formalisé",
    "Appel d'offres restreint": "Formalisé",
    "Procédure avec négociation": "Formalisé",
    "Dialogue compétitif": "Formalisé",
    "Concours": "Formalisé",
    "Marché passé sans publicité ni mise en concurrence préalable": "Sans publicité ni mise en concurrence",
}
CATEGORIES = ("MAPA", "Formalisé", "Sans publicité ni mise en concurrence", "Inconnue")


def parse_procedure(value: object) -> tuple[str | None, str, str | None]:
    """Official procedure wording, its category and an alert for unknown wordings.

    Examples
    --------
    >>> parse_procedure("Procédure concurrentielle avec négociation")
    ('Procédure avec négociation', 'Formalisé', None)
    >>> parse_procedure("")
    (None, 'Inconnue', None)
    """
    if _missing(value):
        return None, "Inconnue", None
    key = fold(value)
    official = PROCEDURES.get(key)
    if official is None:
        if "sans publicite" in key:
            official = "Marché passé sans publicité ni mise en concurrence préalable"
        elif "adapte" in key:
            official = "Procédure adaptée"
        elif "appel d offres" in key:
            official = "Appel d'offres restreint" if "restreint" in key else "Appel d'offres ouvert"
        elif "negoci" in key:
            official = "Procédure avec négociation"
    if official is None:
        return clean_text(value), "Inconnue", f"procédure inconnue (« {_short(value)} »)"
    return official, CATEGORY[official], None


NATURES = {
    "marche": "Marché",
    "marche simple": "Marché",
    "marche public": "Marché",
    "accord cadre": "Accord-cadre",
    "marche subsequent": "Marché subséquent",
    "marche de partenariat": "Marché de partenariat",
    "marche de defense ou de securite": "Marché de défense ou de sécurité",
}


def parse_nature(value: object) -> str | None:
    """DECP nature with its official casing ("ACCORD-CADRE" → "Accord-cadre").

    Examples
    --------
    >>> parse_nature("ACCORD-CADRE"), parse_nature("Marché Subséquent"), parse_nature("Bon de commande")
    ('Accord-cadre', 'Marché subséquent', 'Bon de commande')
    """
    if _missing(value):
        return None
    return NATURES.get(fold(value), clean_text(value))


TYPES = {
    "travaux": "Travaux",
    "fournitures": "Fournitures",
    "fourniture": "Fournitures",
    "services": "Services",
    "service": "Services",
    "prestations": "Services",
}


def parse_type(value: object, cpv: str | None) -> str | None:
    """Travaux / Fournitures / Services, from the file or else from the CPV division.

    Examples
    --------
    >>> parse_type("TRAVAUX", None), parse_type("", "90911200"), parse_type(None, "30192000")
    ('Travaux', 'Services', 'Fournitures')
    """
    folded = fold(value)
    for word, label in TYPES.items():
        if folded.startswith(word):
            return label
    if isinstance(cpv, str) and is_ascii_digits(cpv[:2]):
        division = int(cpv[:2])
        if division == 45:
            return "Travaux"
        return "Services" if division >= 50 else "Fournitures"
    return None
