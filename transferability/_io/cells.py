"""Normalising single cells of contract files: amounts, dates, durations, CPV codes, procedures.

Each function takes the raw cell (any type) and returns ``(value, alert)``: the
normalised value (or None) and a French warning (or None). They never raise.
"""

from __future__ import annotations

import math
import re
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._utils import clean_text, fold, is_ascii_digits, read_data_csv, regex_found
from .blank import as_float, is_missing, short
from .dates import EXCEL_EPOCH, MONTHS, parse_date, parse_duration, parse_end_date  # noqa: F401  (one door for every cell parser)

MAX_PLAUSIBLE_AMOUNT = 5e9  # larger than any French public contract notified so far: left out of the totals
HIGH_AMOUNT = 1e9  # kept, with a warning to check it (a local buyer's contract never reaches it)

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_CURRENCY = re.compile(r"(€|eur(os?)?|\bht\b|\bttc\b|h\.t\.?|t\.t\.c\.?)", re.I)


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
    if is_missing(value):
        shown = clean_text(value)
        return None, f"montant non renseigné (« {shown} »)" if shown else "montant absent"
    if isinstance(value, bool):
        return None, f"montant non numérique (« {value} »)"
    alert = None
    if isinstance(value, int | float):
        amount = as_float(value)
    else:
        english = bool(
            re.match(r"\s*(€|eur\b|\$)", str(value), re.I)
        )  # "€12,000": the sign before, English-style
        text = _CURRENCY.sub("", str(value))
        text = _SPACES.sub("", text).strip().rstrip(".")
        amount, alert = _number(text, english)
        if amount is None:
            return None, f"montant non numérique (« {short(value)} »)"
    return _plausible(amount, value, alert)


# placeholders: 999 999, 9 999 999... (every amount of six nines or more that a float holds exactly)
PLACEHOLDER_NINES = frozenset(float("9" * k) for k in range(6, 16))


def plain_amounts(texts: pd.Series) -> np.ndarray:
    """The amount in each cell of a column of arrow strings written as a plain number (« 25376.0 ») that
    :func:`parse_amount` reads without a word to say (above 1 €, up to ``HIGH_AMOUNT``, no placeholder),
    found and read by arrow; NaN in every other cell (to read one by one).

    Examples
    --------
    >>> plain_amounts(pd.Series(["25376.0", "12 345,67 €", "0", "999999", None], dtype="str")).tolist()
    [25376.0, nan, nan, nan, nan]
    """
    cells = pa.array(texts.array)
    plain = pa.array(regex_found(cells, r"^[0-9]{1,15}(?:\.[0-9]{1,2})?$"))
    numbers = pc.cast(pc.if_else(plain, cells, None), pa.float64()).to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):
        quiet = (
            (numbers > 1) & (numbers <= HIGH_AMOUNT) & ~np.isin(np.floor(numbers), list(PLACEHOLDER_NINES))
        )
    return np.where(quiet, numbers, np.nan)


def _plausible(amount: float, value: object, alert: str | None) -> tuple[float | None, str | None]:
    """Placeholders (999 999 999, 1 €) and absurd amounts are left out of the totals, and said so."""
    if not math.isfinite(amount):
        return None, f"montant non numérique (« {short(value)} »)"
    if amount < 0:
        return amount, f"montant négatif ({short(value)})"
    if amount == 0:
        return amount, "montant nul"
    if math.floor(amount) in PLACEHOLDER_NINES or amount == 1:
        return None, f"montant de remplissage ({short(value)}) : écarté des totaux"
    if amount > MAX_PLAUSIBLE_AMOUNT:
        return None, f"montant aberrant ({amount:,.0f} €) : écarté des totaux".replace(",", " ")
    if amount > HIGH_AMOUNT:
        return amount, f"montant très élevé ({amount:,.0f} €) : à vérifier".replace(",", " ")
    return amount, alert


def _number(text: str, english: bool = False) -> tuple[float | None, str | None]:
    """Parse digits with ``,`` / ``.`` as decimal or thousands separators; says when a lone separator
    followed by three digits was read as thousands ("15.000" → 15 000, "12,000" after a currency sign)."""
    if not re.fullmatch(r"[+-]?[\d.,]+([eE][+-]?\d+)?", text or ""):
        return None, None
    alert = None
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", text) or re.fullmatch(
        r"[+-]?\d{1,3}(,\d{3})" + ("+" if english else "{2,}"), text
    ):
        alert = f"« {text} » lu comme {text.replace('.', ' ').replace(',', ' ')} € (séparateur de milliers)"
        text = text.replace(".", "").replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "")
    try:
        return float(text), alert
    except ValueError:
        return None, None


@cache
def cpv_table() -> dict[str, tuple[str, str]]:
    """CPV code (8 digits) → (check digit, French label), from the CPV 2008 list."""
    cpv = read_data_csv("cpv/cpv_2008_fr.csv", ("code", "check_digit"))
    columns = (cpv[c].tolist() for c in ("code", "check_digit", "label_fr"))  # lists: no arrow cell reads
    return {c: (d, label) for c, d, label in zip(*columns, strict=True)}


def parse_cpv(value: object) -> tuple[str | None, str | None]:
    """CPV code as 8 digits, check digit dropped; a lost leading zero is restored.

    Examples
    --------
    >>> parse_cpv("90911200-8"), parse_cpv(3100000)
    (('90911200', None), ('03100000', 'code CPV à 7 chiffres complété d’un zéro (3100000)'))
    >>> parse_cpv("XXXX")
    ('XXXX', 'code CPV inconnu (« XXXX »)')
    >>> parse_cpv("45000000-7, 45210000-2")
    ('45000000', 'plusieurs codes CPV (45000000-7, 45210000-2) : le premier retenu')
    >>> parse_cpv('="03221000"')
    ('03221000', None)
    """
    if is_missing(value):
        return None, None
    text = clean_text(value).replace(" ", "")
    excel = re.fullmatch(r'="(.*)"', text)  # Excel's way of keeping leading zeros: ="03221000"
    if excel:
        text = excel.group(1)
    several = re.findall(r"(?<!\d)\d{8}(?:-\d)?(?!\d)", clean_text(value))
    if len(several) > 1:
        first, alert = parse_cpv(several[0])
        shown = ", ".join(several)
        return first, f"plusieurs codes CPV ({shown}) : le premier retenu" + (f" ; {alert}" if alert else "")
    if re.fullmatch(r"\d+\.0", text):
        text = text[:-2]
    m = re.fullmatch(r"(\d{7,8})(?:-(\d))?", text)
    if not m:  # the code followed by its label: "45311000-0 Travaux de câblage"
        m = re.fullmatch(r"(\d{7,8})(?:\s*-\s*(\d)(?!\d))?\s*[-–:]?\s*[^\d\s].*", clean_text(value))
        text = clean_text(value) if m else text
    if not m and not re.search(r"\d", text) and len(clean_text(value).split()) >= 2:  # a label, not a code
        return None, f"libellé sans code CPV (« {short(clean_text(value))} »)"
    if not m:
        return text, f"code CPV inconnu (« {short(text)} »)"
    code, check = m.group(1), m.group(2)
    alert = None
    if len(code) == 7:
        code = "0" + code
        alert = f"code CPV à 7 chiffres complété d’un zéro ({text})"
    table = cpv_table()
    if code not in table:
        return text, f"code CPV inconnu (« {short(text)} »)"
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
    if is_missing(value):
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
        return clean_text(value), "Inconnue", f"procédure inconnue (« {short(value)} »)"
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
    if is_missing(value):
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
