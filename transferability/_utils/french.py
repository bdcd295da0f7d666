"""Numbers as a French reader expects them: thin spaces between thousands, a non-breaking space before % and €."""

from __future__ import annotations

NBSP, THIN = "\u00a0", "\u202f"  # before « : ; % € », and between thousands


def fr_int(n) -> str:
    """``12345`` → ``"12 345"`` (thin space)."""
    return f"{int(n):,}".replace(",", THIN)


def fr_count(n, singular: str, plural: str) -> str:
    """A count and the words that follow it, agreed in number as French does (0 and 1 take the singular).

    Examples
    --------
    >>> fr_count(1, "marché se renouvelle", "marchés se renouvellent"), fr_count(1204, "marché", "marchés")
    ('1 marché se renouvelle', '1\u202f204 marchés')
    """
    return f"{fr_int(n)} {singular if abs(int(n)) < 2 else plural}"


def fr_pct(x) -> str:
    """A share as a whole percentage, ``"—"`` when unknown: ``0.114`` → ``"11 %"``."""
    return "—" if x is None or x != x else f"{x * 100:.0f}{NBSP}%"


def fr_euros(x) -> str:
    """A whole amount: ``67144808.4`` → ``"67 144 808 €"``."""
    return f"{fr_int(round(float(x)))}{NBSP}€"


def fr_amount(x) -> str:
    """An amount for a sentence: ``"1 286,8 M€"``, ``"850 k€"``, ``"12 345 €"``.

    Examples
    --------
    >>> fr_amount(1_286_800_000), fr_amount(655_000), fr_amount(9_500)
    ('1\\u202f286,8\\xa0M€', '655\\xa0k€', '9\\u202f500\\xa0€')
    """
    x = float(x)
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.1f}".replace(",", THIN).replace(".", ",") + f"{NBSP}M€"
    if abs(x) >= 1e4:
        return f"{x / 1e3:.0f}{NBSP}k€"
    return fr_euros(x)
