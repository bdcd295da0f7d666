"""``Diagnostic``: the scored contracts, the directory and the settings of one diagnostic, and its views."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import summaries
from .settings import Settings


class Diagnostic:
    """The result of :func:`diagnose`: every contract with its level, and the summaries.

    Attributes
    ----------
    contrats : DataFrame
        Every input contract, in input order, with :data:`DIAGNOSTIC_COLUMNS` added.
    annuaire : DataFrame
        The provider directory used.
    parametres : Settings
        The settings used.
    prestataires_par_marche : list of arrays, or None
        For each contract, the row numbers in ``annuaire`` of the providers covering it, nearest first
        (None after a chunked national run, which keeps no provider lists).
    """

    def __init__(
        self,
        contrats: pd.DataFrame,
        annuaire: pd.DataFrame,
        parametres: Settings,
        prestataires_par_marche: list[np.ndarray] | None = None,
    ):
        self.contrats = contrats
        self.annuaire = annuaire
        self.parametres = parametres
        self.prestataires_par_marche = (
            list(prestataires_par_marche) if prestataires_par_marche is not None else None
        )

    def __repr__(self) -> str:
        counts = self.contrats["niveau"].value_counts().to_dict()
        return (
            f"<Diagnostic : {len(self.contrats)} marchés, "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
            + ">"
        )

    def synthese(self) -> pd.DataFrame:
        """The headline, one row per procedure category and one for all (``Ensemble``).

        Level counts and amounts (``nb_fort``, ``montant_fort``…) follow ``niveau``, the better of the two
        sectors. The shares are over the amount of the contracts judged (undetermined ones and duplicates
        left out): ``part_montant_fort_ou_moyen_sur_juges`` (the reference diagnostic's metric: whole
        amounts of the contracts in fort or moyen), ``part_montant_fort_sur_juges`` and
        ``part_montant_transferable_sur_juges`` (the sum of ``montant_transferable``, each contract's amount
        times its transferable part). The same three shares and the transferable amount per sector end in
        ``_esat_ea`` and ``_siae`` (over the amount judged for that sector).
        ``part_plus_gros_fort_ou_moyen`` is the weight of the largest fort-or-moyen contracts in
        their amount (``Settings.nb_plus_gros_marches``); ``montant_maxima_accords_cadres`` how much of the
        amount is a framework agreement's maximum rather than a notified amount.
        """
        return summaries.synthese(self.contrats, self.parametres.nb_plus_gros_marches)

    def synthese_secteurs(self) -> pd.DataFrame:
        """The headline shares per procedure category × sector (ESAT, EA; SIAE; either), long form:
        ``part_montant_fort_ou_moyen``, ``part_montant_fort``, ``montant_transferable`` and
        ``part_montant_transferable``, each as in :meth:`synthese`."""
        return summaries.synthese_secteurs(self.synthese())

    def synthese_annuelle(self) -> pd.DataFrame:
        """Per year of notification: contracts, amount, annualised amount, amount in fort or moyen
        contracts, and transferable amounts per sector and overall."""
        return summaries.synthese_annuelle(self.contrats)

    def par_famille(self, detail: bool = False, categorie: str | None = None) -> pd.DataFrame:
        """Amounts by level, in fort or moyen contracts, and transferable (per sector, MAPA and formal
        apart) by family (and métier with ``detail=True``), largest transferable amount first; over the
        contracts of one procedure category (``"MAPA"``, ``"Formalisé"``) when ``categorie`` is given."""
        contracts = self.contrats
        if categorie is not None:
            contracts = contracts[contracts["categorie_procedure"].astype(str).eq(categorie)]
        return summaries.transferable_by(contracts, ["famille", "metier"] if detail else ["famille"])

    def par_direction(self) -> pd.DataFrame:
        """The same by buying direction; a contract without direction is counted under its buyer;
        ``recommandation_principale`` is the kind of recommendation carrying its largest transferable amount."""
        return summaries.par_direction(self.contrats)

    def par_acheteur(self) -> pd.DataFrame:
        """The same by buyer (SIRET and name)."""
        return summaries.par_acheteur(self.contrats)

    def calendrier(self) -> pd.DataFrame:
        """The fort and moyen contracts' next renewals from the reference date, by quarter (``T1 2027``).

        A contract that ended before the reference date is taken as a recurring need, bought again at each
        term of its duration (``renouvellement_projete``); ``date_lancement`` is the renewal minus
        ``Settings.delai_lancement_mois``; ``ligne`` is the contract's row number in ``contrats``. Contracts
        without a duration cannot be projected and are left out.
        """
        return summaries.calendrier(
            self.contrats, self.parametres.reference, self.parametres.delai_lancement_mois
        )

    def prestataires(self, id_contrat: str) -> pd.DataFrame:
        """The providers covering a contract (nearest first), as found by the coverage stage."""
        return summaries.prestataires(self, id_contrat)

    def controle_territoire(self) -> dict:
        """How well the directory fits the contracts' territory, and whether fictitious providers were used;
        ``part_jugee`` and ``part_territoire_inconnu`` are shares of the contracts (duplicates left out)."""
        return summaries.controle_territoire(self)

    def prestataires_utilises(self) -> list[int]:
        """Row numbers in ``annuaire`` of every provider that covers at least one contract."""
        if not self.prestataires_par_marche:
            return []
        return sorted({int(i) for rows in self.prestataires_par_marche for i in rows})

    def to_csv(self, path, *, format: str = "excel"):
        """Write the table of every contract to a CSV file (see :func:`transferability.write_csv`)."""
        from .._report import write_csv  # the writers read a Diagnostic: imported when asked for

        return write_csv(self.contrats, path, format=format)

    def to_excel(self, path, *, max_rows: int | None = None, titre=None, acheteur=None, periode=None):
        """Write the Excel report (see :func:`transferability.write_csv` for CSV).

        ``titre``, ``acheteur`` and ``periode`` head the report and every printed page; by default the
        buyer names and the range of notification dates read.
        """
        from .._report import write_report  # the report reads a Diagnostic: imported when asked for

        return write_report(self, path, max_rows=max_rows, titre=titre, acheteur=acheteur, periode=periode)
