"""What to do with each contract, per sector and under its law, and what it would weigh in hours and euros.

- fort: a contract reserved to the sector (L2113-12 for ESAT and EA, L2113-13 for SIAE);
- moyen: a lot reserved to the sector, named by its trade and estimated share of the amount;
- a labour-intensive contract no sector can carry: a social insertion clause (L2112-2), never counted as
  transferable;
- a potential the territory lowered to faible: sourcing providers of the sector before the renewal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._reference import HORS_CHAMP
from .._reference import taxonomy as tx
from .._utils import any_holder_in
from .potential import SECTORS
from .rules import ENGAGED, UNDETERMINED
from .settings import Settings
from .verdict import PROVIDER_WORDS, RANK, SECTOR_NAMES

LAWS = {"esat_ea": "L2113-12", "siae": "L2113-13"}
CLAUSE = "Clause sociale d’insertion (L2112-2)"
NONE = "Aucune"
RESERVED = ("Marché réservé", "Lot réservé")
RECOMMENDATION_COLUMNS = [*(f"recommandation_{s}" for s in SECTORS), "recommandation"]


def percent(part: float) -> str:
    """A part (0 to 1) as a rounded French percentage: ``0.234`` → ``"environ 25 %"`` (to 5 points)."""
    return f"environ {max(5, int(round(part * 20)) * 5)}\u00a0%"


def sector_recommendations(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per sector: reservation for fort, a reserved lot (trade and share) for moyen, sourcing where the
    potential was fort or moyen and no provider of the sector covers the place, else empty."""
    out = {}
    metier = table["metier"].astype(object).fillna("").to_numpy(object)
    for sector in SECTORS:
        level = table[f"niveau_{sector}"].to_numpy(object)
        potential = table[f"potentiel_{sector}"].to_numpy(object)
        part = table[f"part_{sector}"].to_numpy(float)
        who = f"{LAWS[sector]} ({SECTOR_NAMES[sector]})"
        rec = np.full(len(table), "", dtype=object)
        rec[level == "fort"] = f"Marché réservé {who}"
        for i in np.flatnonzero(level == "moyen"):
            share = f" d’{percent(part[i])} du montant" if part[i] == part[i] else ""
            what = f" (partie « {metier[i].lower()} » à allotir)" if metier[i] else ""
            rec[i] = f"Lot réservé {who}{share}{what}"
        lowered = (level == "faible") & np.isin(potential, ENGAGED)
        rec[lowered] = f"Sourcer des {PROVIDER_WORDS[sector]} avant le renouvellement"
        out[sector] = rec
    return out


def recommendations(table: pd.DataFrame, settings: Settings) -> dict[str, np.ndarray]:
    """The recommendation columns (:data:`RECOMMENDATION_COLUMNS`).

    ``recommandation`` is the better sector's (fort before moyen, then the larger part, then ESAT and EA,
    whose work also lowers the FIPHFP contribution); where no sector is fort or moyen, a social insertion
    clause for a labour-intensive contract (:meth:`Settings.clause_ok`), else sourcing, else "Aucune".
    """
    per_sector = sector_recommendations(table)
    level = table["niveau"].to_numpy(object)
    best = best_sector(table)
    main = np.array([per_sector[s][i] if s else "" for i, s in enumerate(best)], dtype=object)
    engaged = np.isin(level, ENGAGED)
    clause = ~engaged & (level != UNDETERMINED) & clause_fits(table, settings)
    main[clause] = CLAUSE
    sourcing = ~engaged & ~clause & (level != UNDETERMINED)
    for sector in SECTORS:
        here = sourcing & (main == "") & (per_sector[sector] != "")
        main[here] = per_sector[sector][here]
    main[main == ""] = NONE
    columns = {f"recommandation_{s}": np.where(per_sector[s] == "", NONE, per_sector[s]) for s in SECTORS}
    return {**columns, "recommandation": main}


def best_sector(table: pd.DataFrame) -> list[str]:
    """The sector whose level is the better (fort, then moyen), the larger part breaking ties; "" where
    neither is fort or moyen."""
    keys = []
    for sector in SECTORS:
        rank = table[f"niveau_{sector}"].map(RANK).to_numpy(float)
        part = table[f"part_{sector}"].fillna(0.0).to_numpy(float)
        keys.append((rank, part))
    (r0, p0), (r1, p1) = keys
    first = (r0 < r1) | ((r0 == r1) & (p0 >= p1))
    chosen = np.where(first, SECTORS[0], SECTORS[1])
    engaged = np.minimum(r0, r1) <= RANK["moyen"]
    return [c if e else "" for c, e in zip(chosen, engaged, strict=True)]


def clause_fits(table: pd.DataFrame, settings: Settings) -> np.ndarray:
    """Labour-intensive contracts large enough for a social insertion clause: the family's labour share at
    least ``part_main_oeuvre_clause`` and an amount of at least ``montant_min_clause``."""
    share = table["famille"].map(tx.families()["part_main_oeuvre"].astype(float)).to_numpy(float)
    amount = pd.to_numeric(table["montant"], errors="coerce").astype(float).to_numpy()
    return (
        (np.nan_to_num(share) >= settings.part_main_oeuvre_clause)
        & (np.nan_to_num(amount) >= settings.montant_min_clause)
        & table["famille"].ne(HORS_CHAMP).to_numpy()
    )


def estimates(table: pd.DataFrame, settings: Settings, directory: pd.DataFrame) -> dict[str, object]:
    """Hours of reserved work (where reservation or a reserved lot is recommended) and of a social clause
    (where one is), the FIPHFP deduction on the ESAT and EA part, the renewal date, the social
    considerations already there, and whether a holder is an inclusive provider of the directory."""
    share = table["famille"].map(tx.families()["part_main_oeuvre"].astype(float)).to_numpy(float)
    labour = table["montant_annuel"].astype(float).to_numpy() * share
    rec = table["recommandation"].astype(str)
    reserved = rec.str.startswith(RESERVED).to_numpy()
    part = table["part_transferable"].astype(float).to_numpy()
    esat = table["niveau_esat_ea"].isin(ENGAGED).to_numpy()
    part_esat = table["part_esat_ea"].astype(float).to_numpy()
    sirets = set(directory["siret"].dropna().astype(str))
    return {
        "heures_insertion_clause": np.where(
            rec.eq(CLAUSE), np.round(labour / settings.cout_horaire * settings.taux_effort_insertion), np.nan
        ),
        "heures_travail_reserve": np.where(reserved, np.round(labour * part / settings.cout_horaire), np.nan),
        "deduction_fiphfp_estimee": np.where(
            esat, np.round(settings.taux_fiphfp * labour * part_esat), np.nan
        ),
        "date_renouvellement": table["date_fin_estimee"],
        "consideration_sociale_existante": table["considerations_sociales"].map(
            lambda v: " ; ".join(v) if isinstance(v, list) and v else None
        ),
        "titulaire_inclusif": any_holder_in(table["titulaires"], sirets),
    }
