"""``Settings``: every threshold of the diagnostic, and the sentences of the report that quote them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputError, Problem
from .._utils import clock as _clock
from .._utils import fold, fr_euros


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every threshold of the diagnostic, with its default (frozen before any comparison with the seed).

    Parameters
    ----------
    min_prestataires_fort : int, default=3
        Providers of a sector covering the place needed to keep a fort potential fort (fewer: moyen,
        allotment needed; none: faible).
    dependance_max : float, default=0.30
        Annual amount over the covering providers' mean turnover above which a fort potential is moyen.
    duree_max_mois : int, default=360
        Durations over this many months (30 years), like those of 0 or fewer, are taken as missing.
    part_main_oeuvre_clause : float, default=0.5
        Labour share of the family's amounts (``familles.csv``) from which a contract no sector can carry
        gets a social insertion clause (L2112-2).
    montant_min_clause : float, default=100000.0
        Amount (€ HT) from which such a contract gets the clause (an assumption of the team: below it, the
        clause's hours, 7.5 % of the labour at 60 € an hour, are fewer than about a month of full-time
        work, too little for a facilitator to follow).
    nb_plus_gros_marches : int, default=10
        The headline says how much of its amount this many largest contracts carry.
    montant_min_plausible, montant_max_local : float, default=100.0, 1e9
        Amounts under the first (0, 1 €: placeholders), over the second for a local buyer (over ten times
        it for any buyer), or made of nines only (999 999 999 €) are left out of every total and said.
    delai_lancement_mois : int, default=6
        Months between launching a consultation and the renewal it prepares (the calendar's launch dates:
        sourcing, allotment and a reserved consultation's publication take about half a year).
    horizon_mois : int, default=12
        The first horizon of the action plan: fort and moyen contracts renewing within this many months.
    part_jugee_min : float, default=0.5
        Below this share of contracts judged, the report opens on a red block and the command line ends
        with exit code 4.
    part_territoire_inconnu_alerte : float, default=0.2
        Then, above this share of contracts without any territory, both say to give the buyer's territory
        (``--territoire``).
    lignes_imprimees : int, default=100
        Rows of the long sheets (Marchés, Calendrier, Directions, Prestataires) printed on paper, the most
        useful first; every row stays in the workbook.
    lignes_classeur : int, default=20000
        Rows of the long sheets kept in the workbook (Marchés, Calendrier, the alerts of Qualité des
        données); beyond, the whole per-contract table is written to a CSV beside the report, said on the
        Synthèse sheet. A larger workbook is slow to write and to open.
    lignes_directions : int, default=1000
        Directions (or buyers) kept in the Directions sheet of a national run's report, the largest
        transferable amounts first; all of them are written to a CSV beside the report, said on the sheet.
    montant_en_millions : float, default=1e9
        Amount (€ HT) from which the report's charts by level and by family, and their tables, count in M€
        rather than k€: a national file's billions stay readable.
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
    ea_min_annuaire : int, default=20
        Below this many EA (entreprises adaptées) in the directory, EA coverage is said to be unknown (no open
        list of EA exists: the report says how to add one) and the ESAT/EA verdict rests on ESAT alone.
    date_reference : date, optional
        The day renewals are judged against (today when None).
    """

    min_prestataires_fort: int = 3
    dependance_max: float = 0.30
    duree_max_mois: int = 360
    part_main_oeuvre_clause: float = 0.5
    montant_min_clause: float = 100_000.0
    nb_plus_gros_marches: int = 10
    montant_min_plausible: float = 100.0
    montant_max_local: float = 1e9
    delai_lancement_mois: int = 6
    horizon_mois: int = 12
    part_jugee_min: float = 0.5
    part_territoire_inconnu_alerte: float = 0.2
    lignes_imprimees: int = 100
    lignes_classeur: int = 20_000
    lignes_directions: int = 1_000
    montant_en_millions: float = 1e9
    cout_horaire: float = 60.0
    taux_effort_insertion: float = 0.075
    taux_fiphfp: float = 0.30
    ca_par_etp: float = 45000.0
    part_hors_zone_alerte: float = 0.05
    ea_min_annuaire: int = 20
    date_reference: dt.date | None = None

    def __post_init__(self):
        problems = _check(self, "Settings")
        if problems:
            raise InputError(problems)

    @property
    def reference(self) -> dt.date:
        return self.date_reference or _clock.today()

    def dependency_ok(self, dependance: np.ndarray) -> np.ndarray:
        """Where the dependency is acceptable (at most ``dependance_max``; unknown counts as acceptable).

        The level rule and the recommendation rule both ask this one question.
        """
        return np.nan_to_num(np.asarray(dependance, dtype=float), nan=0.0) <= self.dependance_max

    def recommendation_rules(self) -> pd.DataFrame:
        """The verdict and recommendation rules as a table in French, with these settings' thresholds.

        Examples
        --------
        >>> Settings(min_prestataires_fort=5).recommendation_rules().iloc[1, 1].split(",")[0]
        'moins de 5 prestataires du secteur couvrent le lieu'
        """
        pct = f"{self.dependance_max * 100:.0f}\u00a0%"
        clause = f"{self.part_main_oeuvre_clause * 100:.0f}\u00a0%"
        rows = [
            ("potentiel fort", f"au moins {self.min_prestataires_fort} prestataires du secteur couvrent le lieu "
             f"et montant annuel sous {pct} de leur CA moyen", "fort : marché réservé (L2113-12 ESAT, EA ; "
             "L2113-13 SIAE)"),
            ("potentiel fort", f"moins de {self.min_prestataires_fort} prestataires du secteur couvrent le lieu, "
             f"ou montant annuel au-delà de {pct} de leur CA moyen", "moyen : lot réservé"),
            ("potentiel moyen", "au moins un prestataire du secteur couvre le lieu", "moyen : lot réservé"),
            ("potentiel fort ou moyen", "aucun prestataire du secteur ne couvre le lieu",
             "faible : sourcer le secteur avant le renouvellement"),
            ("aucun secteur fort ou moyen", f"main-d’œuvre d’au moins {clause} du montant et montant d’au moins "
             f"{fr_euros(self.montant_min_clause)}", "clause sociale d’insertion (L2112-2), non comptée comme "
             "transférable"),
            ("sinon", "—", "Aucune"),
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=["potentiel", "territoire et montant", "niveau et recommandation"])

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
        values = _read_toml(path)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        problems = [
            Problem("paramètre retiré", str(path), f"« {k} »", f"supprimer la ligne : {REMOVED[k]}")
            if k in REMOVED
            else Problem("paramètre inconnu", str(path), f"« {k} »", "choisir parmi : " + ", ".join(fields))
            for k in values
            if k not in fields
        ]
        known = {k: v for k, v in values.items() if k in fields}
        problems += _check_values(known, str(path))
        if problems:
            raise InputError(problems)
        return cls(**known)


# settings of earlier versions, and why they went: a TOML file that still has one is told so
REMOVED = {
    "seuil_proba_capacite": "le potentiel est appris (PotentialModel) et ne dépend plus d’un seuil de probabilité",
    "seuil_reservation": "la réservation suit le niveau de chaque secteur (fort : marché réservé)",
    "seuil_lot_reserve": "le lot réservé suit le niveau de chaque secteur (moyen : lot réservé)",
    "seuil_clause": "la clause sociale vise les marchés à forte main-d’œuvre (part_main_oeuvre_clause, "
    "montant_min_clause)",
}

# field → (kind, lowest, highest): every setting is checked when Settings are made, in Python or from TOML
_LIMITS = {
    "min_prestataires_fort": ("count", 1, 10_000),
    "dependance_max": ("share", 0.0, 1.0),
    "duree_max_mois": ("count", 1, 1_200),
    "part_main_oeuvre_clause": ("share", 0.0, 1.0),
    "montant_min_clause": ("number", 0.0, 1e12),
    "nb_plus_gros_marches": ("count", 1, 1_000),
    "montant_min_plausible": ("number", 0.0, 1e6),
    "montant_max_local": ("number", 1e3, 1e13),
    "delai_lancement_mois": ("count", 0, 60),
    "horizon_mois": ("count", 1, 120),
    "part_jugee_min": ("share", 0.0, 1.0),
    "part_territoire_inconnu_alerte": ("share", 0.0, 1.0),
    "lignes_imprimees": ("count", 10, 100_000),
    "lignes_classeur": ("count", 100, 1_048_000),
    "lignes_directions": ("count", 10, 1_048_000),
    "montant_en_millions": ("number", 1.0, 1e15),
    "cout_horaire": ("number", 0.01, 10_000.0),
    "taux_effort_insertion": ("share", 0.0, 1.0),
    "taux_fiphfp": ("share", 0.0, 1.0),
    "ca_par_etp": ("number", 1.0, 10_000_000.0),
    "part_hors_zone_alerte": ("share", 0.0, 1.0),
    "ea_min_annuaire": ("count", 0, 100_000),
}


def _read_toml(path: Path) -> dict:
    where = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            Problem("fichier de paramètres illisible", where, str(exc)[:200], "vérifier le chemin")
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            Problem(
                "fichier de paramètres qui n’est pas en UTF-8",
                where,
                f"octet 0x{raw[exc.start]:02x} (Windows-1252 ?)",
                "l’enregistrer en UTF-8 (Bloc-notes : Enregistrer sous… › Encodage UTF-8)",
            )
        ) from None
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            Problem("fichier de paramètres illisible", where, str(exc)[:200], _toml_fix(text))
        ) from None
    # a section ("[seuils]") holding known settings: its keys are read as if at the top
    for name, value in list(values.items()):
        if (
            isinstance(value, dict)
            and value
            and set(value) <= set(_LIMITS) | set(REMOVED) | {"date_reference"}
        ):
            del values[name]
            values.update(value)
    return values


def _toml_fix(text: str) -> str:
    """How to mend the line TOML could not read: a decimal comma, an accented name, or the general rule."""
    comma = re.search(r"^\s*(\w+)\s*=\s*(\d+),(\d+)\s*$", text, re.M)
    if comma:
        return f"écrire {comma.group(1)} = {comma.group(2)}.{comma.group(3)} (point décimal)"
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if "=" in line and key and not key.isascii():
            plain = fold(key).replace(" ", "_")
            guess = difflib.get_close_matches(plain, [*_LIMITS, "date_reference"], n=1)
            return (
                f"écrire {guess[0] if guess else plain} = … (noms sans accent, comme dans la documentation)"
            )
    return "écrire une ligne « nom = valeur » par paramètre (texte entre guillemets, nombres avec un point)"


def _check(settings: Settings, where: str) -> list[Problem]:
    problems = _check_values(dataclasses.asdict(settings), where)
    reference = settings.date_reference
    if isinstance(reference, str) and not problems:  # an ISO date written as text: taken as the date it says
        object.__setattr__(settings, "date_reference", dt.date.fromisoformat(reference.strip()[:10]))
    elif isinstance(reference, dt.datetime):
        object.__setattr__(settings, "date_reference", reference.date())
    return problems


def _check_values(values: dict, where: str) -> list[Problem]:
    problems = []
    for name, value in values.items():
        if name == "date_reference":
            problems += _check_date(value, where)
            continue
        if name not in _LIMITS:
            continue
        kind, low, high = _LIMITS[name]
        integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (kind == "count" and not integral)
        ):
            expected = "un nombre entier" if kind == "count" else "un nombre (point décimal)"
            problems.append(
                Problem(
                    f"paramètre {name} : {expected} attendu",
                    where,
                    f"« {value} »",
                    f"écrire par exemple {name} = {Settings.__dataclass_fields__[name].default}",
                )
            )
        elif not low <= value <= high:
            shown = "entre 0 et 1 (0,3 pour 30 %)" if kind == "share" else f"entre {low:g} et {high:g}"
            if kind == "share" and 1 < value <= 100:
                shown += f" ({value:g} : un pourcentage ? écrire {value / 100:g})"
            problems.append(
                Problem(f"paramètre {name} hors des limites", where, f"{value}", f"donner une valeur {shown}")
            )
    return problems


def _check_date(value, where: str) -> list[Problem]:
    if value is None or isinstance(value, dt.date):
        return []
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value.strip()[:10])
            return []
        except ValueError:
            pass
    return [
        Problem(
            "paramètre date_reference : une date attendue",
            where,
            f"« {value} »",
            "écrire date_reference = 2026-01-01 (année-mois-jour, sans guillemets en TOML)",
        )
    ]
