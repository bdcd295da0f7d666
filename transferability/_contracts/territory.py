"""The diagnostic's territory, given to contracts whose place of execution is unknown."""

from __future__ import annotations

import warnings

import pandas as pd

from .._errors import InputError, Problem, TransferabilityWarning
from .._reference import geography


def apply_territory(contracts: pd.DataFrame, code: str) -> pd.DataFrame:
    """Contracts whose place is unknown take the diagnostic's territory (a department or region code).

    Examples
    --------
    >>> table = pd.DataFrame({"departement": [None, "38"], "region": [None, "84"], "alertes": [[], []]})
    >>> apply_territory(table, "73")[["departement", "region"]].values.tolist()
    [['73', '84'], ['38', '84']]
    """
    geo = geography()
    dep = geo.normalise_department(code)
    region = geo.region_of_department(dep) if dep else (code if code in geo.regions.index else None)
    if dep is None and region is None:
        raise InputError(
            Problem(
                "territoire inconnu",
                "option --territoire",
                f"« {code} »",
                "donner un code de département (73, 2A, 974) ou de région (84)",
            )
        )
    missing = contracts["departement"].isna() & contracts["region"].isna()
    elsewhere = sorted(set(contracts.loc[~missing, "departement"].dropna()) - {dep})
    if missing.any() and len(elsewhere) > 1:
        warnings.warn(
            f"territoire {code} donné aux {int(missing.sum())} marchés sans lieu, alors que les autres marchés "
            f"sont dans {len(elsewhere)} autres départements ({', '.join(elsewhere[:5])}"
            f"{', …' if len(elsewhere) > 5 else ''}) : vérifier que ces marchés sont bien du territoire",
            TransferabilityWarning,
            stacklevel=2,
        )
    contracts = contracts.copy()
    contracts.loc[missing, "departement"] = dep
    contracts.loc[missing, "region"] = region
    note = f"lieu absent : territoire du diagnostic ({code}) retenu"
    contracts.loc[missing, "alertes"] = contracts.loc[missing, "alertes"].map(lambda a: [*a, note])
    return contracts
