"""La ligne de commande ``transferability`` (elle n'appelle que l'API publique)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import transferability as tr

EXIT_OK, EXIT_USER, EXIT_USAGE = 0, 1, 2


def _cmd_contrats(args) -> int:
    table = tr.read_contracts(args.fichiers, sheet=args.feuille)
    for report in table.attrs["lecture"]:
        _print_report(report)
    if args.csv:
        table.to_csv(args.csv, index=False)
        print(f"Table écrite : {args.csv}")
    return EXIT_OK


def _print_report(report: dict) -> None:
    print(f"Fichier : {report['fichier']} ({report['format']}"
          + (f", feuille « {report['feuille']} »" if report["feuille"] else "") + ")")
    print(f"  lignes lues : {report['lignes_lues']} ; marchés : {report['contrats']} ;"
          f" marchés avec alertes : {report['contrats_avec_alertes']}")
    for kind, n in report["lignes_ecartees"].items():
        print(f"  écartées : {n} × {kind}")
    if report["colonnes_reconnues"]:
        print("  colonnes reconnues : " + " ; ".join(f"« {h} » → {f}" for h, f in report["colonnes_reconnues"].items()))
    if report["colonnes_non_reconnues"]:
        print("  colonnes gardées telles quelles : " + ", ".join(report["colonnes_non_reconnues"]))
    for note in report["notes"]:
        print(f"  note : {note}")
    for kind, n in report["alertes_par_type"].items():
        print(f"  alerte : {n} × {kind}")


def _cmd_diagnostic(args) -> int:
    if not args.exemple and not args.contrats:
        raise tr.InputError(tr.Problem("aucun fichier de marchés", "ligne de commande", "",
                                       "donner un fichier, ou --exemple pour l'exemple fourni"))
    source = tr.load_sample_contracts_path() if args.exemple else args.contrats
    table = tr.read_contracts(source)
    from ._listing import write_contracts_listing

    out = write_contracts_listing(table, args.output)
    print(f"{len(table)} marchés lus ; rapport écrit : {Path(out).resolve()}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="transferability",
        description="Diagnostic de transférabilité des marchés publics vers le secteur inclusif.",
        epilog="Exemple : transferability diagnostic --exemple -o rapport.xlsx",
    )
    sub = parser.add_subparsers(dest="commande", required=True, metavar="COMMANDE")
    p = sub.add_parser("contrats", help="lire des fichiers de marchés et dire ce qui a été lu",
                       description="Lit des fichiers de marchés (export, DECP JSON/XML, consolidé) et affiche "
                                   "le rapport de lecture. Exemple : transferability contrats achats_2024.xlsx")
    p.add_argument("fichiers", nargs="+", help="fichiers de marchés")
    p.add_argument("--feuille", help="feuille du classeur à lire")
    p.add_argument("--csv", help="écrire la table canonique dans ce CSV")
    p.set_defaults(func=_cmd_contrats)
    p = sub.add_parser("diagnostic", help="diagnostic d'un fichier de marchés",
                       description="Exemple : transferability diagnostic --exemple -o rapport.xlsx")
    p.add_argument("contrats", nargs="?", help="fichier de marchés")
    p.add_argument("--exemple", action="store_true", help="utiliser l'exemple fourni")
    p.add_argument("-o", "--output", default="rapport.xlsx", help="rapport Excel à écrire")
    p.set_defaults(func=_cmd_diagnostic)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except tr.InputError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return EXIT_USER


if __name__ == "__main__":
    sys.exit(main())
