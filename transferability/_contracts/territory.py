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
    >>> import warnings
    >>> table = pd.DataFrame({"departement": [None, "38"], "region": [None, "84"], "alertes": [[], []]})
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     apply_territory(table, "73")[["departement", "region"]].values.tolist()
    [['73', '84'], ['38', '84']]
    >>> str(said[0].message)[:63]
    'territoire 73 appliqué à 1 marché sans lieu d’exécution connu :'
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
    if missing.any():
        others = (
            f", alors que les autres marchés sont dans {len(elsewhere)} autres départements "
            f"({', '.join(elsewhere[:5])}{', …' if len(elsewhere) > 5 else ''})"
            if len(elsewhere) > 1
            else ""
        )
        n = int(missing.sum())
        buyers = contracts.loc[missing, "acheteur_id"].nunique() if "acheteur_id" in contracts else 0
        of = f" ({buyers} acheteur{'s' if buyers > 1 else ''})" if buyers else ""
        warnings.warn(
            f"territoire {code} appliqué à {n} marché{'s' if n > 1 else ''}{of} sans lieu d’exécution connu"
            f"{others} : vérifier qu’ils sont bien du territoire",
            TransferabilityWarning,
            stacklevel=2,
        )
    contracts = contracts.copy()
    contracts.loc[missing, "departement"] = dep
    contracts.loc[missing, "region"] = region
    note = f"lieu absent : territoire du diagnostic ({code}) retenu"
    contracts.loc[missing, "alertes"] = contracts.loc[missing, "alertes"].map(lambda a: [*a, note])
    return contracts
