"""La ligne de commande ``transferability`` (elle n'appelle que l'API publique)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

import transferability as tr

EXIT_OK, EXIT_USER, EXIT_USAGE = 0, 1, 2


def _cmd_contrats(args) -> int:
    table = tr.read_contracts(args.fichiers, sheet=args.feuille)
    for report in table.attrs["lecture"]:
        _print_report(report)
    if args.csv:
        tr.write_csv(table, args.csv)
        print(f"Table écrite : {args.csv}")
    return EXIT_OK


def _print_report(report: dict) -> None:
    print(
        f"Fichier : {report['fichier']} ({report['format']}"
        + (f", feuille « {report['feuille']} »" if report["feuille"] else "")
        + ")"
    )
    print(
        f"  lignes lues : {report['lignes_lues']} ; marchés : {report['contrats']} ;"
        f" marchés avec alertes : {report['contrats_avec_alertes']}"
    )
    for kind, n in report["lignes_ecartees"].items():
        print(f"  écartées : {n} × {kind}")
    if report["colonnes_reconnues"]:
        print(
            "  colonnes reconnues : "
            + " ; ".join(f"« {h} » → {f}" for h, f in report["colonnes_reconnues"].items())
        )
    if report["colonnes_non_reconnues"]:
        print("  colonnes gardées telles quelles : " + ", ".join(report["colonnes_non_reconnues"]))
    for note in report["notes"]:
        print(f"  note : {note}")
    for kind, n in report["alertes_par_type"].items():
        print(f"  alerte : {n} × {kind}")


def _cmd_diagnostic(args) -> int:
    if not args.exemple and not args.contrats:
        raise tr.InputError(
            tr.Problem(
                "aucun fichier de marchés",
                "ligne de commande",
                "",
                "donner un fichier, ou --exemple pour l'exemple fourni",
            )
        )
    settings = tr.Settings.from_toml(args.parametres) if args.parametres else tr.Settings()
    if args.par_lots:
        return _national(args, settings)
    steps = ["lecture des marchés", "diagnostic", "rapport"]
    with tqdm(total=len(steps), desc=steps[0], unit="étape", disable=args.quiet, file=sys.stderr) as bar:
        source = tr.load_sample_contracts_path() if args.exemple else args.contrats
        contracts = tr.read_contracts(source, today=settings.reference)
        if args.territoire:
            contracts = tr.apply_territory(contracts, args.territoire)
        directory = tr.read_directory(args.annuaire) if args.annuaire else None
        bar.update()
        bar.set_description(steps[1])
        diag = tr.diagnose(contracts, directory, settings=settings)
        if args.corrections_niveaux:
            diag = tr.apply_corrections(diag, args.corrections_niveaux)
        bar.update()
        bar.set_description(steps[2])
        if args.csv:
            tr.write_csv(diag.contrats, args.csv)
        out = diag.to_excel(args.output) if args.output else None
        bar.update()
    if args.verbose:
        for report in contracts.attrs.get("lecture", []):
            _print_report(report)
        print(
            "Contrôle du territoire : "
            + " ; ".join(f"{k} = {v}" for k, v in diag.controle_territoire().items())
        )
    if not args.quiet:
        print(diag)
        if args.csv:
            print(f"Table par marché écrite : {args.csv}")
        if out:
            print(f"Rapport écrit : {Path(out).resolve()}")
    return EXIT_OK


def _national(args, settings) -> int:
    if len(args.contrats) != 1:
        raise tr.InputError(
            tr.Problem(
                "--par-lots lit un seul fichier consolidé",
                "ligne de commande",
                f"{len(args.contrats)} fichiers",
                "donner le fichier DECP consolidé (parquet ou CSV)",
            )
        )
    detail = Path(args.parquet or Path(args.output or "diagnostic").with_suffix(".parquet"))
    result = tr.diagnose_file(
        args.contrats[0],
        detail,
        directory=args.annuaire,
        settings=settings,
        chunksize=args.taille_lot,
        report=args.output,
    )
    if not args.quiet:
        print(result["diagnostic"])
        print(
            f"{result['lignes_lues']:,} lignes lues en {result['secondes']} s ; détail : {detail}".replace(
                ",", " "
            )
        )
        if args.output:
            print(f"Rapport écrit : {Path(args.output).resolve()}")
        if args.verbose:
            print("Secondes par étape : " + json.dumps(result["secondes_par_etape"], ensure_ascii=False))
    return EXIT_OK


def _cmd_prestataires(args) -> int:
    table = tr.read_directory(args.fichiers)
    for report in table.attrs["lecture"]:
        print(f"Fichier : {report.get('fichier')} ({report.get('format')})")
        for key, value in report.items():
            if key not in ("fichier", "format"):
                print(f"  {key} : {value}")
    if args.csv:
        tr.write_csv(table, args.csv)
        print(f"Table écrite : {args.csv}")
    return EXIT_OK


def _cmd_classer(args) -> int:
    table = tr.read_contracts(args.fichiers)
    model = tr.load_model(args.modele, trusted=args.confiance) if args.modele else None
    result = tr.classify_trades(table, model)
    columns = [c for c in tr.CONTRACT_COLUMNS if c in result.columns] + tr.CLASSIFICATION_COLUMNS
    tr.write_csv(result[columns], args.output)
    print(f"{len(result)} marchés classés ; écrit : {args.output}")
    if args.revue:
        tr.export_review(result, args.revue, n=args.n_revue)
        print(f"Les {args.n_revue} prédictions les moins sûres sont à revoir dans : {args.revue}")
    return EXIT_OK


def _cmd_entrainer(args) -> int:
    out = tr.train_model(
        Path(args.sortie) / "trade_classifier.joblib",
        corrections=args.revue_corrigee,
        evaluate_model=not args.sans_evaluation,
    )
    print(f"Modèle écrit : {out} (fiche : {out.with_suffix('.card.json')})")
    return EXIT_OK


def _cmd_evaluer(args) -> int:
    import pandas as pd

    result = tr.evaluate_model()
    print(
        f"Validation croisée groupée par acheteur : {result['n']} marchés étiquetés, {result['acheteurs']} "
        f"acheteurs, {result['plis']} plis (aucun acheteur à la fois en apprentissage et en test)"
    )
    rows = {
        "modèle": result["modele"],
        "base CPV seule": result["base_cpv"],
        "base Le marché (pg_trgm)": result["base_lemarche"],
    }
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(pd.DataFrame(rows).T.to_string(na_rep="—"))
        print("\nPar famille (modèle) :")
        print(result["par_famille"].to_string())
        print("\nConfusion des familles (lignes : vérité, colonnes : prédiction) :")
        print(result["confusion_famille"].to_string())
        print("\nConfusion des capacités :")
        print(result["confusion_capacite"].to_string())
    return EXIT_OK


class _Deprecated(argparse.Action):
    """An old flag kept working: stores into the new one and says, once, what replaces it."""

    def __init__(self, option_strings, dest, replacement: str, **kwargs):
        self.replacement = replacement
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"Note : {option_string} est remplacé par {self.replacement}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def _add_contrats(sub, common) -> None:
    p = sub.add_parser(
        "contrats",
        parents=[common],
        help="lire des fichiers de marchés et dire ce qui a été lu",
        description="Lit des fichiers de marchés (export, DECP JSON/XML, consolidé) et affiche "
        "le rapport de lecture. Exemple : transferability contrats achats_2024.xlsx",
    )
    p.add_argument("fichiers", nargs="+", help="fichiers de marchés")
    p.add_argument("--feuille", help="feuille du classeur à lire")
    p.add_argument("--csv", help="écrire la table canonique dans ce CSV")
    p.set_defaults(func=_cmd_contrats)


def _add_diagnostic(sub, common) -> None:
    p = sub.add_parser(
        "diagnostic",
        parents=[common],
        help="diagnostic de transférabilité et rapport Excel",
        description="Le travail principal du consultant : lit les marchés, les classe, compte les "
        "prestataires qui couvrent chaque lieu, juge fort / moyen / faible et écrit le "
        "rapport. Exemples : transferability diagnostic achats.xlsx --annuaire "
        "annuaire.csv --territoire 73 -o rapport.xlsx ; transferability diagnostic "
        "--exemple -o rapport.xlsx",
    )
    p.add_argument("contrats", nargs="*", help="fichiers de marchés")
    p.add_argument("--exemple", action="store_true", help="utiliser les marchés d'exemple fournis")
    p.add_argument(
        "--annuaire", help="annuaire des prestataires (par défaut : l'annuaire d'exemple, en partie fictif)"
    )
    p.add_argument("--territoire", help="département ou région des marchés sans lieu (ex. 73)")
    p.add_argument("--parametres", help="fichier TOML de paramètres (seuils, date de référence)")
    p.add_argument(
        "--corrections-niveaux",
        dest="corrections_niveaux",
        help="classeur des corrections du consultant, marché par marché (famille, capacité, niveau)",
    )
    p.add_argument(
        "--corrections", dest="corrections_niveaux", action=_Deprecated, replacement="--corrections-niveaux",
        help=argparse.SUPPRESS,
    )  # fmt: skip
    p.add_argument("-o", "--output", help="rapport Excel à écrire")
    p.add_argument("--csv", help="table par marché à écrire en CSV")
    p.add_argument(
        "--par-lots",
        action="store_true",
        help="fichier national (DECP consolidées) lu par lots ; détail en parquet, rapport agrégé",
    )
    p.add_argument(
        "--parquet", help="avec --par-lots : le détail par marché (par défaut : à côté du rapport)"
    )
    p.add_argument(
        "--taille-lot", type=int, default=200_000, help="avec --par-lots : lignes par lot (200 000)"
    )
    p.set_defaults(func=_cmd_diagnostic)


def _add_prestataires(sub, common) -> None:
    p = sub.add_parser(
        "prestataires",
        parents=[common],
        help="lire un annuaire de prestataires et dire ce qui a été lu",
        description="Lit un annuaire (Marché de l'inclusion, GESAT, FINESS, liste ASP, table canonique). "
        "Exemple : transferability prestataires export_gesat.xlsx --csv annuaire.csv",
    )
    p.add_argument("fichiers", nargs="+", help="fichiers d'annuaire")
    p.add_argument("--csv", help="écrire la table canonique dans ce CSV")
    p.set_defaults(func=_cmd_prestataires)


def _add_classer(sub, common) -> None:
    p = sub.add_parser(
        "classer",
        parents=[common],
        help="famille, métier et capacité de chaque marché",
        description="Exemple : transferability classer achats.xlsx -o classes.csv --revue a_revoir.xlsx",
    )
    p.add_argument("fichiers", nargs="+", help="fichiers de marchés")
    p.add_argument("-o", "--output", required=True, help="CSV à écrire (toutes les lignes, dans l'ordre)")
    p.add_argument("--revue", help="classeur Excel des prédictions les moins sûres, à corriger")
    p.add_argument("--n-revue", type=int, default=200, help="nombre de lignes à revoir (200)")
    p.add_argument("--modele", help="fichier de modèle entraîné (par défaut : le modèle livré)")
    p.add_argument("--confiance", action="store_true", help="charger --modele : il vient de vous")
    p.set_defaults(func=_cmd_classer)


def _add_entrainer(sub, common) -> None:
    p = sub.add_parser(
        "entrainer",
        parents=[common],
        help="entraîner le classifieur sur les marchés étiquetés",
        description="Exemple : transferability entrainer --revue-corrigee a_revoir.xlsx --sortie mes_modeles",
    )
    p.add_argument(
        "--revue-corrigee",
        dest="revue_corrigee",
        help="feuille de revue corrigée (classer --revue) à ajouter",
    )
    p.add_argument(
        "--corrections", dest="revue_corrigee", action=_Deprecated, replacement="--revue-corrigee",
        help=argparse.SUPPRESS,
    )  # fmt: skip
    p.add_argument("--sortie", default="models", help="dossier du modèle et de sa fiche (models)")
    p.add_argument("--sans-evaluation", action="store_true", help="ne pas refaire la validation croisée")
    p.set_defaults(func=_cmd_entrainer)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="transferability",
        description="Diagnostic de transférabilité des marchés publics vers le secteur inclusif.",
        epilog="Exemple : transferability diagnostic --exemple -o rapport.xlsx",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="n'afficher que les erreurs")
    common.add_argument("-v", "--verbose", action="store_true", help="afficher le détail de la lecture")
    sub = parser.add_subparsers(dest="commande", required=True, metavar="COMMANDE")
    for add in (_add_contrats, _add_diagnostic, _add_prestataires, _add_classer, _add_entrainer):
        add(sub, common)
    p = sub.add_parser(
        "evaluer",
        parents=[common],
        help="validation croisée groupée par acheteur, modèle et références",
        description="Exemple : transferability evaluer",
    )
    p.set_defaults(func=_cmd_evaluer)
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    _in_french(parser)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (tr.InputError, tr.ModelError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return EXIT_USER


if __name__ == "__main__":
    sys.exit(main())
