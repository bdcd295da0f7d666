"""``Settings``: every threshold of the diagnostic, and the sentences of the report that quote them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputError, Problem
from .._utils import clock as _clock


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every threshold of the diagnostic, with its default (frozen before any comparison with the seed).

    Parameters
    ----------
    seuil_proba_capacite : float, default=0.5
        A capability "total" counts toward fort only with at least this probability.
    min_prestataires_fort : int, default=3
        Providers of the trade covering the place needed for fort (fewer: moyen, allotment needed).
    dependance_max : float, default=0.30
        Annual amount over the covering providers' mean turnover above which the contract is moyen.
    seuil_reservation, seuil_lot_reserve, seuil_clause : int, default=30, 10, 1
        Le marché de l'inclusion's rule: more than 30 providers of one sector and dependency under
        ``dependance_max`` → reservation; more than 10 → reserved lot; more than 1 → social clause.
    cout_horaire : float, default=60.0
        Hourly cost (€) turning an amount of labour into hours (the seed's example).
    taux_effort_insertion : float, default=0.075
        Share of hours a social clause reserves for insertion (the seed's 7.5 %).
    taux_fiphfp : float, default=0.30
        Share of the "chiffre d'affaires utile" a buyer may deduct from its FIPHFP contribution.
    ca_par_etp : float, default=45000.0
        Turnover per full-time worker (€), the capacity proxy when no provider turnover is known
        (an assumption of the team: the order of magnitude of adapted enterprises' turnover per worker).
    part_hors_zone_alerte : float, default=0.05
        Share of the judged contracts placed where no provider of any trade works above which the report
        shows the territory line in red.
    date_reference : date, optional
        The day renewals are judged against (today when None).
    """

    seuil_proba_capacite: float = 0.5
    min_prestataires_fort: int = 3
    dependance_max: float = 0.30
    seuil_reservation: int = 30
    seuil_lot_reserve: int = 10
    seuil_clause: int = 1
    cout_horaire: float = 60.0
    taux_effort_insertion: float = 0.075
    taux_fiphfp: float = 0.30
    ca_par_etp: float = 45000.0
    part_hors_zone_alerte: float = 0.05
    date_reference: dt.date | None = None

    @property
    def reference(self) -> dt.date:
        return self.date_reference or _clock.today()

    def dependency_ok(self, dependance: np.ndarray) -> np.ndarray:
        """Where the dependency is acceptable (at most ``dependance_max``; unknown counts as acceptable).

        The level rule and the recommendation rule both ask this one question.
        """
        return np.nan_to_num(np.asarray(dependance, dtype=float), nan=0.0) <= self.dependance_max

    def recommendation_rules(self) -> pd.DataFrame:
        """The recommendation rule as a table in French, with these settings' thresholds.

        Examples
        --------
        >>> Settings(seuil_lot_reserve=5).recommendation_rules().iloc[2, 1]
        'plus de 5 prestataires d’un même secteur'
        """
        clause = (
            "plus d’un prestataire" if self.seuil_clause == 1 else f"plus de {self.seuil_clause} prestataires"
        )
        rows = [
            ("faible ou indéterminé", "—", "Aucune"),
            (
                "capacité totale",
                f"plus de {self.seuil_reservation} prestataires d’un même secteur et dépendance sous le seuil",
                "Réservation (L2113-12 ESAT/EA, ou L2113-13 SIAE)",
            ),
            (
                "capacité totale ou partielle",
                f"plus de {self.seuil_lot_reserve} prestataires d’un même secteur",
                "Lot réservé",
            ),
            (
                "capacité totale ou partielle",
                f"{clause} (clauses : GEIQ, SEP, TIH comptent aussi)",
                "Clause sociale d’exécution (L2112-2)",
            ),
            ("sinon", "—", "Aucune"),
        ]
        return pd.DataFrame(rows, columns=["capacité", "prestataires couvrant le lieu", "recommandation"])

    def as_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["date_reference"] = self.reference.isoformat()
        return out

    @classmethod
    def from_toml(cls, path: str | Path) -> Settings:
        """Settings from a TOML file whose keys are the fields above (unknown keys are refused).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.toml"
        >>> _ = p.write_text("min_prestataires_fort = 5\\ndate_reference = 2026-01-01\\n")
        >>> Settings.from_toml(p).min_prestataires_fort
        5
        """
        path = Path(path)
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(
                Problem(
                    "fichier de paramètres illisible",
                    str(path),
                    str(exc)[:200],
                    "écrire des lignes « nom = valeur » en TOML",
                )
            ) from None
        fields = {f.name: f for f in dataclasses.fields(cls)}
        problems = [
            Problem("paramètre inconnu", str(path), f"« {k} »", "choisir parmi : " + ", ".join(fields))
            for k in values
            if k not in fields
        ]
        if problems:
            raise InputError(problems)
        return cls(**values)
