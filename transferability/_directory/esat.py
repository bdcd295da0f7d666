"""The trades of ESAT, which the official lists (FINESS) do not give.

Three steps, in this order, each shown as such:

1. **the name**: words that name a workshop in an ESAT's name ("ferme", "jardins",
   "blanchisserie", "espaces verts", "restauration", "hors les murs"…; ``data/esat_mots_metiers.csv``)
   give inferred trades (``source_metiers`` = "déduit"). The general name lexicon is not used:
   ESAT names are mostly places and people ("Pierre Laporte", "Le Bois Joli").
2. **the other sites of the same ESAT** (same managing body, linked by :mod:`.finess_list`): a
   principal site whose name says nothing takes the trades its secondary sites' names give, a
   secondary site those of its principal's name, with a lower confidence (``SITE_FACTOR``), "déduit" too.
3. **the assumption**: an ESAT whose trades stay unknown *may* do the trades ESAT commonly do
   (``LABELLING.md`` section 4; ``data/esat_metiers_supposes.csv``). These go to
   ``metiers_supposes``, never to ``metiers``; ``source_metiers`` says "supposé" and the
   confidence is low (0.3), so that coverage can count them apart from known trades.
"""

from __future__ import annotations

from functools import cache

from .._utils import fold, read_data_csv
from .providers import ASSUMED, INFERRED, Trades, best_trades

SITE_FACTOR = 0.7  # a trade named by another site of the same ESAT: less sure than the site's own name
_MAX_WORDS = 3


def _words(text: str) -> list[str]:
    """Folded words, a plural "s" dropped from words longer than four letters ("jardins" → "jardin")."""
    return [w[:-1] if len(w) > 4 and w.endswith("s") else w for w in fold(text).split()]


@cache
def _name_terms() -> dict[str, tuple[tuple[str, float], ...]]:
    table = read_data_csv("esat_mots_metiers.csv")
    terms: dict[str, list[tuple[str, float]]] = {}
    for term, metier_id, confiance in table[["terme", "metier_id", "confiance"]].itertuples(index=False):
        terms.setdefault(" ".join(_words(term)), []).append((metier_id, float(confiance)))
    return {k: tuple(v) for k, v in terms.items()}


def esat_name_trades(name: str) -> Trades:
    """Trades an ESAT's name gives by the workshop words it holds (none when it names none).

    Examples
    --------
    >>> t = esat_name_trades("ESAT LES CEDRES (ESPACES VERTS)"); t.metiers, t.source, t.confiance
    (('entretien-espaces-verts',), 'déduit', 0.8)
    >>> esat_name_trades("ESAT HORS LES MURS LADAPT - VIRIAT").metiers
    ('mise-a-disposition',)
    >>> esat_name_trades("ESAT PIERRE LAPORTE").metiers, esat_name_trades("ESAT LE BOIS JOLI").metiers
    ((), ())
    """
    words = _words(name)
    terms = _name_terms()
    clues: dict[str, list[float]] = {}
    grams = {" ".join(words[i : i + k]) for k in range(1, _MAX_WORDS + 1) for i in range(len(words) - k + 1)}
    for gram in sorted(grams & terms.keys()):
        for metier_id, confiance in terms[gram]:
            clues.setdefault(metier_id, []).append(confiance)
    return best_trades(clues)


@cache
def _assumed() -> tuple[tuple[str, ...], float]:
    table = read_data_csv("esat_metiers_supposes.csv")
    return tuple(dict.fromkeys(table["metier_id"])), float(table["confiance"].min())


def assumed_trades() -> Trades:
    """The trades ESAT commonly do, *assumed* for an ESAT whose trades are unknown.

    Examples
    --------
    >>> t = assumed_trades()
    >>> t.metiers, t.source, t.confiance, len(t.supposes), t.supposes[:2]
    ((), 'supposé', 0.3, 22, ('entretien-espaces-verts', 'nettoyage-locaux'))
    """
    ids, confiance = _assumed()
    alert = (
        "métiers non renseignés\u00a0: métiers courants des ESAT supposés (hypothèse à vérifier, "
        f"confiance {confiance:.1f})".replace(".", ",")
    )
    return Trades((), ASSUMED, confiance, (alert,), supposes=ids)


def share_between_sites(trades: list[Trades], principals: list[int | None], names: list[str]) -> list[Trades]:
    """Sites without trades take those their ESAT's other sites' names give.

    ``principals`` links each secondary site to its principal (:func:`.finess_list.principal_of`). A
    principal (the ESAT itself) takes the trades its secondary sites' names give; a secondary site takes
    those its principal's name gives, never another secondary site's (each site has its own workshops).

    Examples
    --------
    >>> names = ["ESAT LES TOURNESOLS", "ESAT BLANCHISSERIE INDUSTRIELLE", "ESAT TOURNESOLS NORD"]
    >>> trades = [esat_name_trades(n) for n in names]
    >>> shared = share_between_sites(trades, [None, 0, 0], names)
    >>> shared[0].metiers, shared[0].confiance, shared[2].metiers
    (('blanchisserie', 'sous-traitance-industrielle'), 0.42, ())
    >>> shared[0].alertes[0]
    'métiers déduits des noms des autres sites du même ESAT (« ESAT BLANCHISSERIE INDUSTRIELLE »)'
    """
    out = list(trades)
    secondaries: dict[int, list[int]] = {}
    for j, p in enumerate(principals):
        if p is not None:
            secondaries.setdefault(p, []).append(j)
    for i, t in enumerate(trades):
        if t.metiers or t.supposes:
            continue
        p = principals[i]
        mates = secondaries.get(i, []) if p is None else [p]
        mates = [j for j in mates if trades[j].source == INFERRED and trades[j].metiers]
        if not mates:
            continue
        clues: dict[str, list[float]] = {}
        for j in mates:
            for metier_id in trades[j].metiers:
                clues.setdefault(metier_id, []).append((trades[j].confiance or 0.0) * SITE_FACTOR)
        found = best_trades({m: [max(c)] for m, c in clues.items()})
        shown = ", ".join(f"« {names[j]} »" for j in mates)
        alert = f"métiers déduits des noms des autres sites du même ESAT ({shown})"
        out[i] = Trades(found.metiers, INFERRED, found.confiance, (*t.alertes, alert))
    return out
