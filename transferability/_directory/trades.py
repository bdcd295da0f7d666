"""The trades of every row of a file: declared, else inferred, else (ESAT only) assumed.

A canonical table gives métier ids (``metiers``, ``metiers_supposes``) with their source and
confidence; other directories declare trades in words, matched to métiers. Rows without
declared trades have them inferred in one batch (NAF, name, description, ROME codes); ESAT
follow their own steps (:mod:`.esat`): their name's workshop words, the other sites of the same
ESAT, then the trades ESAT commonly do, *assumed*.
"""

from __future__ import annotations

from .coordinates import parse_float
from .esat import assumed_trades, esat_name_trades, share_between_sites
from .providers import DECLARED, Trades, declared_trades, infer_trades, metier_ids, parse_rome

_NOTHING = "aucun métier déclaré ni déductible (nom, NAF, description)"


def _ids(cell: str) -> tuple[list[str], list[str]]:
    return metier_ids([t.strip() for t in cell.split("|") if t.strip()])


def _declared(r: dict, texts: list[str], alerts: list[str]) -> Trades | None:
    """Trades a row gives: canonical métier ids, or declared words matched to métiers (None when none)."""
    ids, free = _ids(r.get("metiers", ""))
    assumed, _ = _ids(r.get("metiers_supposes", ""))
    if ids or assumed:  # a canonical table: métier ids, with their source and confidence
        confiance = parse_float(r.get("confiance_metiers", ""))
        source = r.get("source_metiers") or DECLARED
        return Trades(tuple(ids), source, 1.0 if confiance is None else confiance, supposes=tuple(assumed))
    trades, declared = declared_trades([*free, *texts])
    alerts.extend(trades.alertes)
    if trades.metiers:
        return trades
    if declared:
        alerts.append("aucun métier déclaré reconnu : métiers déduits")
    return None


def _name(r: dict) -> str:
    return " ".join(
        filter(None, (r.get("raison_sociale_longue") or r.get("raison_sociale"), r.get("enseigne")))
    )


def row_trades(
    records: list[dict],
    declared_texts: list[list[str]],
    kinds: list[str | None],
    alerts: list[list[str]],
    principals: list[int | None],
) -> list[Trades]:
    """Each row's trades; ``principals`` links the secondary sites of an ESAT to its principal (FINESS list).

    Every row without known trades gets an alert: why its trades are assumed, or that none could be found.
    """
    n = len(records)
    out: list[Trades | None] = [None] * n
    romes: list[list[str]] = [[] for _ in range(n)]
    for i, r in enumerate(records):
        romes[i], bad = parse_rome(r.get("rome", ""))
        alerts[i].extend(f"code ROME illisible (« {b} »)" for b in bad)
        out[i] = _declared(r, declared_texts[i], alerts[i])
        if out[i] is None and kinds[i] == "ESAT":
            named = esat_name_trades(_name(r))
            out[i] = named if named.metiers else None
    todo = [i for i in range(n) if out[i] is None]
    if todo:  # an ESAT's name was read above: only its NAF, description and ROME codes are left
        names = ["" if kinds[i] == "ESAT" else _name(records[i]) for i in todo]
        field = [[records[i].get(k, "") for i in todo] for k in ("naf", "description")]
        inferred = infer_trades(names, *field, [romes[i] for i in todo], [kinds[i] for i in todo])
        for i, t in zip(todo, inferred, strict=True):
            out[i] = t
    trades = share_between_sites(out, principals, [_name(r) for r in records])
    for i, t in enumerate(trades):
        if t.metiers or t.supposes:
            alerts[i].extend(a for a in t.alertes if a not in alerts[i])
        elif kinds[i] == "ESAT":
            trades[i] = assumed_trades()
            alerts[i].extend(trades[i].alertes)
        else:
            alerts[i].append(_NOTHING)
    return trades
