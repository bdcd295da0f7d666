"""The ``transferability`` parser: French help and usage errors, one sub-command per task.

Imports argparse only, so that ``transferability --help`` answers at once.
"""

from __future__ import annotations

import argparse
import re
import sys

STREAMING_ROWS = 100_000  # a CSV or parquet file of more rows is read by chunks without --par-lots

# argparse's English messages, as French sentences (the rest of a message is kept as it is)
_MESSAGES = (
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        r"\1 : choix invalide \2 (choisir parmi \3)",
    ),
    (r"argument (\S+): invalid int value: (.*)", r"\1 : nombre entier attendu, reçu \2"),
    (r"argument (\S+): (nombre entier.*)", r"\1 : \2"),
    (r"argument (\S+): expected one argument", r"\1 : une valeur est attendue"),
    (r"argument (\S+): not allowed with argument (.*)", r"\1 ne va pas avec \2"),
    (r"ambiguous option: (.*) could match (.*)", r"option ambiguë : \1 peut désigner \2"),
)


class UsageError(Exception):
    """A command line that cannot be run as written (exit code 2); ``usage`` is the command's usage line."""

    def __init__(self, message: str, usage: str = ""):
        super().__init__(message)
        self.usage = usage


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        for pattern, french in _MESSAGES:
            message = re.sub(pattern, french, message)
        raise UsageError(message, self.format_usage())

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", "usage : ", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage: ", "usage : ", 1)


class _Deprecated(argparse.Action):
    """An old flag kept working: stores into the new one and says what replaces it."""

    def __init__(self, option_strings, dest, replacement: str, **kwargs):
        self.replacement = replacement
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"Note : {option_string} est remplacé par {self.replacement}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu, reçu « {text} »") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"nombre entier d’au moins 1 attendu, reçu {value}")
    return value


def _old(p, flag: str, dest: str, replacement: str) -> None:
    p.add_argument(flag, dest=dest, action=_Deprecated, replacement=replacement, help=argparse.SUPPRESS)


def _reading_options(p, what: str) -> None:
    p.add_argument("fichiers", nargs="*", help=f"fichiers {what} (« - » : l’entrée standard)")
    p.add_argument("--feuille", help="feuille du classeur à lire (par défaut : celle qui porte le tableau)")


def _csv_format(p) -> None:
    p.add_argument(
        "--csv-format",
        choices=("excel", "standard"),
        default="excel",
        help="excel (par défaut : « ; », virgule décimale, UTF-8 avec BOM, pour Excel en français) "
        "ou standard (« , », point décimal, UTF-8)",
    )


def _model_options(p) -> None:
    p.add_argument("--modele", help="fichier de modèle entraîné (par défaut : le modèle livré)")
    p.add_argument("--confiance", action="store_true", help="charger --modele : il vient de vous")


def _add_contrats(sub, common) -> None:
    p = sub.add_parser(
        "contrats",
        parents=[common],
        help="lire des fichiers de marchés et dire ce qui a été lu",
        description="Lit des fichiers de marchés (export, DECP JSON/XML, consolidé) et affiche le rapport de "
        "lecture. Exemple : transferability contrats achats_2024.xlsx -o marches.csv",
    )
    _reading_options(p, "de marchés")
    p.add_argument(
        "--colonne", action="append", default=[], metavar="CHAMP=ENTÊTE",
        help="imposer la colonne d’un champ (ex. --colonne objet=Libellé) ; répétable",
    )  # fmt: skip
    p.add_argument("-o", "--output", help="écrire la table des marchés dans ce CSV")
    _old(p, "--csv", "output", "-o")
    _csv_format(p)
    p.set_defaults(command="contrats")


def _add_diagnostic(sub, common) -> None:
    p = sub.add_parser(
        "diagnostic",
        parents=[common],
        help="diagnostic de transférabilité et rapport Excel",
        description="Le travail principal du consultant : lit les marchés, les classe, compte les prestataires "
        "qui couvrent chaque lieu, juge fort / moyen / faible et écrit le rapport. Exemples : "
        "transferability diagnostic achats.xlsx --annuaire annuaire.csv --territoire 73 -o rapport.xlsx ; "
        "transferability diagnostic --exemple -o rapport.xlsx. Code de sortie 4 : trop peu de marchés jugés "
        "(lieux non reconnus : donner --territoire).",
    )
    _reading_options(p, "de marchés")
    p.add_argument(
        "--colonne", action="append", default=[], metavar="CHAMP=ENTÊTE", help="comme pour contrats"
    )
    p.add_argument("--exemple", action="store_true", help="utiliser les marchés d’exemple fournis")
    p.add_argument("--annuaire", help="annuaire des prestataires (par défaut : l’annuaire fourni)")
    p.add_argument("--territoire", help="département ou région des marchés sans lieu (ex. 73)")
    p.add_argument("--parametres", help="fichier TOML de paramètres (seuils, date de référence)")
    p.add_argument(
        "--corrections-niveaux",
        dest="corrections_niveaux",
        help="classeur des corrections du consultant, marché par marché (famille, capacité, niveau)",
    )
    _old(p, "--corrections", "corrections_niveaux", "--corrections-niveaux")
    _model_options(p)
    p.add_argument("-o", "--output", help="rapport Excel à écrire (.xlsx)")
    p.add_argument(
        "--titre", help="titre du rapport (par défaut : « Diagnostic de transférabilité des achats… »)"
    )
    p.add_argument(
        "--acheteur", help="acheteur nommé en tête de chaque page (par défaut : les acheteurs lus)"
    )
    p.add_argument(
        "--periode", help="période nommée en tête de chaque page (par défaut : les années de notification)"
    )
    p.add_argument("--csv", help="table par marché à écrire en CSV")
    _csv_format(p)
    p.add_argument(
        "--par-lots", action="store_true",
        help="fichier national (DECP consolidées) lu par lots sur tous les cœurs ; détail en parquet, "
        f"rapport agrégé (d’office au-delà de {STREAMING_ROWS:_} lignes)".replace("_", "\u00a0"),
    )  # fmt: skip
    p.add_argument(
        "--parquet", help="avec --par-lots : le détail par marché (par défaut : à côté du rapport)"
    )
    p.add_argument(
        "--taille-lot", type=_positive, default=25_000, help="avec --par-lots : lignes par lot (25 000)"
    )
    p.set_defaults(command="diagnostic")


def _add_prestataires(sub, common) -> None:
    p = sub.add_parser(
        "prestataires",
        parents=[common],
        help="lire un annuaire de prestataires et dire ce qui a été lu",
        description="Lit un annuaire (Marché de l’inclusion, GESAT, FINESS, liste ASP, table canonique). "
        "Exemple : transferability prestataires export_gesat.xlsx -o annuaire.csv",
    )
    _reading_options(p, "d’annuaire")
    p.add_argument("-o", "--output", help="écrire la table des prestataires dans ce CSV")
    _old(p, "--csv", "output", "-o")
    _csv_format(p)
    p.set_defaults(command="prestataires")


def _add_classer(sub, common) -> None:
    p = sub.add_parser(
        "classer",
        parents=[common],
        help="famille, métier et capacité de chaque marché",
        description="Exemple : transferability classer achats.xlsx -o classes.csv --revue a_revoir.xlsx",
    )
    _reading_options(p, "de marchés")
    p.add_argument("-o", "--output", required=True, help="CSV à écrire (toutes les lignes, dans l’ordre)")
    _csv_format(p)
    p.add_argument("--revue", help="classeur Excel des prédictions à revoir en premier, à corriger")
    p.add_argument("--n-revue", type=_positive, default=200, help="nombre de lignes à revoir (200)")
    _model_options(p)
    p.set_defaults(command="classer")


def _add_entrainer(sub, common) -> None:
    p = sub.add_parser(
        "entrainer",
        parents=[common],
        help="entraîner le classifieur sur les marchés étiquetés",
        description="Exemple : transferability entrainer --revue-corrigee a_revoir.xlsx -o mon_modele",
    )
    p.add_argument(
        "--revue-corrigee", dest="revue_corrigee", help="feuille de revue corrigée (classer --revue)"
    )
    _old(p, "--corrections", "revue_corrigee", "--revue-corrigee")
    p.add_argument("-o", "--output", default="modele_entraine", help="dossier du modèle et de sa fiche")
    _old(p, "--sortie", "output", "-o")
    p.add_argument(
        "--remplacer-modele-livre", action="store_true",
        help="écrire dans le dossier du modèle livré avec la bibliothèque (développeurs seulement)",
    )  # fmt: skip
    p.add_argument("--sans-evaluation", action="store_true", help="ne pas refaire la validation croisée")
    p.set_defaults(command="entrainer")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="transferability",
        description="Diagnostic de transférabilité des marchés publics vers le secteur inclusif.",
        epilog="Exemple : transferability diagnostic --exemple -o rapport.xlsx",
    )
    parser.add_argument("--version", action="store_true", help="afficher la version et quitter")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="n’afficher que les erreurs")
    common.add_argument("-v", "--verbose", action="store_true", help="afficher le détail de la lecture")
    sub = parser.add_subparsers(dest="commande", metavar="COMMANDE", parser_class=_Parser)
    for add in (_add_contrats, _add_diagnostic, _add_prestataires, _add_classer, _add_entrainer):
        add(sub, common)
    p = sub.add_parser(
        "evaluer",
        parents=[common],
        help="qualité du classifieur et du potentiel par secteur : validation croisée groupée par acheteur et "
        "jeu de test",
        description="Exemple : transferability evaluer (environ 2 minutes) ; transferability evaluer potentiel",
    )
    p.add_argument(
        "quoi",
        nargs="?",
        choices=["tout", "classifieur", "potentiel"],
        default="tout",
        help="ce qui est évalué (par défaut : tout)",
    )
    p.set_defaults(command="evaluer")
    _in_french(parser)
    return parser


def _in_french(parser: argparse.ArgumentParser) -> None:
    """French titles for argparse's sections and help option, on the parser and its sub-commands."""
    parsers = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            parsers.extend(action.choices.values())
    for p in parsers:
        p._positionals.title = "arguments"
        p._optionals.title = "options"
        for action in p._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "afficher cette aide et quitter"
