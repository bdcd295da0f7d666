"""The commands of ``transferability``: each reads, works through the public API, and says what it did in French."""

from __future__ import annotations

import functools
import gc
import sys
import time
from pathlib import Path

import transferability as tr

from .outputs import check_beside, check_folder, check_output, stdin_inputs
from .parser import STREAMING_ROWS, UsageError
from .printing import (
    fr_int,
    print_contracts_report,
    print_directory_report,
    print_evaluation,
    print_potential_evaluation,
    summary_lines,
    typographic,
)


def _inputs(args, what: str) -> list[str]:
    if not args.fichiers:
        raise UsageError(
            f"aucun fichier {what}\u00a0: donner au moins un fichier (ou « - » pour l’entrée standard)"
        )
    return stdin_inputs(args.fichiers)


def _columns(args) -> dict[str, str] | None:
    pairs = {}
    for item in getattr(args, "colonne", []):
        field, sep, header = item.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise UsageError(
                f"--colonne {item}\u00a0: écrire CHAMP=ENTÊTE, par exemple --colonne objet=Libellé"
            )
        pairs[field.strip()] = header.strip()
    return pairs or None


def _model(args):
    return tr.load_model(args.modele, trusted=args.confiance) if args.modele else None


def contrats(args) -> int:
    out = check_output(args.output, (".csv",), "la table des marchés", "marches.csv", args.fichiers)
    table = tr.read_contracts(_inputs(args, "de marchés"), sheet=args.feuille, columns=_columns(args))
    if not args.quiet:
        for report in table.attrs["lecture"]:
            print_contracts_report(report)
    if out:
        tr.write_csv(table, out, format=args.csv_format)
        _say(args, f"Table des marchés écrite\u00a0: {out}")
    return 0


def prestataires(args) -> int:
    out = check_output(args.output, (".csv",), "la table des prestataires", "prestataires.csv", args.fichiers)
    table = tr.read_directory(_inputs(args, "d’annuaire"), sheet=args.feuille)
    if not args.quiet:
        for report in table.attrs["lecture"]:
            print_directory_report(report, verbose=args.verbose)
    if out:
        tr.write_csv(table, out, format=args.csv_format)
        _say(args, f"Table des prestataires écrite\u00a0: {out}")
    return 0


@functools.cache  # once per process: a program calling main() again does not freeze its own objects
def _load_pipeline() -> None:
    """Import the pipeline and the report with the garbage collector paused, then freeze what the imports
    made: the objects of pandas, scikit-learn and scipy live as long as the process, and every collection
    scanned them again (a quarter of a second of a department's run)."""
    gc.disable()
    try:
        tr.diagnose, tr.write_csv  # noqa: B018 (their lazy imports)
    finally:
        gc.freeze()
        gc.enable()


def diagnostic(args) -> int:
    _load_pipeline()
    inputs = [*args.fichiers, *(x for x in (args.annuaire, args.parametres, args.corrections_niveaux) if x)]
    out = check_output(args.output, (".xlsx",), "le rapport", "rapport.xlsx", inputs)
    csv = check_output(args.csv, (".csv",), "la table par marché", "marches.csv", inputs)
    check_beside(out, (csv, args.parquet), inputs)
    if not args.exemple and not args.fichiers:
        raise UsageError(
            "aucun fichier de marchés\u00a0: donner un fichier, ou --exemple pour l’exemple fourni"
        )
    settings = tr.Settings.from_toml(args.parametres) if args.parametres else tr.Settings()
    whole = _whole_file_options(args)
    if args.par_lots and whole:
        raise UsageError(
            f"{', '.join(whole)} ne s’applique pas à un fichier lu par lots\u00a0: "
            "relancer sans --par-lots (le fichier est alors lu en entier)"
        )
    if args.par_lots or _large(args, whole):
        return _national(args, settings, out, csv)
    if args.parquet:
        raise UsageError(
            "--parquet écrit le détail d’un fichier lu par lots : ajouter --par-lots (détail en parquet, "
            "rapport agrégé), ou écrire la table par marché avec --csv"
        )
    source = str(tr.load_sample_contracts_path()) if args.exemple else _inputs(args, "de marchés")
    contracts = tr.read_contracts(
        source, sheet=args.feuille, columns=_columns(args), today=settings.reference
    )
    directory = tr.read_directory(args.annuaire) if args.annuaire else None
    diag = tr.diagnose(
        contracts, directory, settings=settings, model=_model(args), territoire=args.territoire
    )
    if args.corrections_niveaux:
        diag = tr.apply_corrections(diag, args.corrections_niveaux)
    if csv:
        diag.to_csv(csv, format=args.csv_format)
    started = time.time()
    written = (
        diag.to_excel(out, titre=args.titre, acheteur=args.acheteur, periode=args.periode) if out else None
    )
    beside = written and Path(written).with_suffix(".marches.csv")  # every contract, when they are many
    beside = beside if beside and beside.exists() and beside.stat().st_mtime >= started - 1 else None
    if args.verbose:
        for report in contracts.attrs.get("lecture", []):
            print_contracts_report(report)
    if not args.quiet:
        for line in summary_lines(diag):
            print(line)
        if csv:
            print(f"Table par marché écrite\u00a0: {csv}")
        if written:
            print(f"Rapport écrit\u00a0: {Path(written).resolve()}")
        if beside:
            print(f"Tous les marchés (CSV, trop nombreux pour le rapport)\u00a0: {beside.resolve()}")
    return _judged_enough(diag, args)


TOO_LITTLE_JUDGED = 4  # exit code: the report is written, but too few contracts could be judged


def _judged_enough(diag, args) -> int:
    """0, or :data:`TOO_LITTLE_JUDGED` with a line saying why and what to do."""
    check = diag.controle_territoire()
    judged, unknown = check["part_jugee"], check["part_territoire_inconnu"]
    if judged >= diag.parametres.part_jugee_min:
        return 0
    how = (
        "lieux d’exécution non reconnus : donner le département de l’acheteur (--territoire 73)"
        if unknown > diag.parametres.part_territoire_inconnu_alerte
        else "voir la feuille Qualité des données du rapport"
    )
    print(
        f"Attention\u00a0: {judged * 100:.0f}\u00a0% seulement des marchés ont pu être jugés ({how}). "
        f"Code de sortie {TOO_LITTLE_JUDGED}.",
        file=sys.stderr,
    )
    return TOO_LITTLE_JUDGED


# the options the national path (by chunks, aggregate report) does not apply, by their name on the command line
_WHOLE_FILE_OPTIONS = {
    "territoire": "--territoire", "colonne": "--colonne", "feuille": "--feuille",
    "corrections_niveaux": "--corrections-niveaux", "titre": "--titre", "acheteur": "--acheteur",
    "periode": "--periode",
}  # fmt: skip


def _whole_file_options(args) -> list[str]:
    return [option for name, option in _WHOLE_FILE_OPTIONS.items() if getattr(args, name, None)]


def _large(args, whole: list[str]) -> bool:
    """A single CSV or parquet file of more than :data:`STREAMING_ROWS` rows, read by chunks (said on
    screen): the national path, in every core, with the aggregate report; read whole when ``whole`` names
    options only the whole file's path applies (said on screen too)."""
    if args.exemple or len(args.fichiers) != 1 or args.fichiers[0] == "-":
        return False
    path = Path(args.fichiers[0])
    if not path.is_file() or not path.name.lower().endswith((".csv", ".parquet", ".csv.gz")):
        return False
    large = _row_count(path) > STREAMING_ROWS
    if large and not args.quiet:
        how = (
            f"lues en entier pour appliquer {', '.join(whole)}"
            if whole
            else "fichier lu par lots (comme avec --par-lots)"
        )
        print(f"Plus de {fr_int(STREAMING_ROWS)} lignes\u00a0: {how}.")
    return large and not whole


def _row_count(path: Path) -> int:
    """The rows of a parquet file (its metadata), or the lines of a CSV file (plain or gzip) below its header
    line, counted up to :data:`STREAMING_ROWS` and one more (an upper bound: a quoted cell may hold a line
    break)."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(path).metadata.num_rows
        except (OSError, ValueError):  # not a parquet file after all: the reader says what it is
            return 0
    import gzip

    lines = 0
    with path.open("rb") as f:
        compressed = f.read(2) == b"\x1f\x8b"
    try:
        with (gzip.open if compressed else open)(path, "rb") as f:
            while block := f.read(1 << 24):
                lines += block.count(b"\n") or block.count(b"\r")  # old Mac files: CR alone
                if lines > STREAMING_ROWS + 1:
                    break
    except (OSError, EOFError):  # a damaged archive: the reader says what it is
        return 0
    return max(lines - 1, 0)


def _national(args, settings, out, csv) -> int:
    if args.exemple or len(args.fichiers) != 1:
        raise UsageError("--par-lots lit un seul fichier consolidé (parquet ou CSV)")
    if args.fichiers[0] == "-":
        raise UsageError(
            "--par-lots lit un fichier sur le disque, pas l’entrée standard : enregistrer les données dans "
            "un fichier, ou relancer sans --par-lots"
        )
    if Path(args.fichiers[0]).suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise UsageError(
            "--par-lots lit un fichier CSV ou parquet\u00a0; un classeur se diagnostique sans --par-lots"
        )
    # the detail where asked for, beside the report, or none when only a CSV table is asked for
    beside = Path(args.output).with_suffix(".detail.parquet") if args.output else None
    wanted = args.parquet or beside or (None if csv else "diagnostic.parquet")
    detail = wanted and check_output(
        str(wanted), (".parquet",), "le détail par marché", "detail.parquet", args.fichiers
    )
    result = tr.diagnose_file(
        args.fichiers[0], detail, directory=args.annuaire, settings=settings, chunksize=args.taille_lot,
        report=out, model=_model(args), csv=csv, csv_format=args.csv_format,
    )  # fmt: skip
    if not args.quiet:
        _say_national(args, result, detail, csv, out, result["directions_csv"])
    return 0


def _seconds(x: float) -> str:
    return f"{x:.1f}".replace(".", ",") + "\u00a0s"


def _say_national(
    args, result: dict, detail: Path | None, csv: str | None, out, directions: Path | None
) -> None:
    for line in summary_lines(result["diagnostic"]):
        print(line)
    rate = fr_int(round(result["lignes_lues"] / max(result["secondes"], 1e-9)))
    print(
        f"{fr_int(result['lignes_lues'])} lignes lues en {_seconds(result['secondes'])} ({rate} lignes par seconde)."
    )
    for kind, n in result["lignes_ecartees"].items():  # every row accounted for: those that are no contract
        print(f"  écartées\u00a0: {fr_int(n)} × {typographic(kind)}")
    if args.verbose:
        for note in result["notes"]:
            print(f"  note\u00a0: {typographic(note)}")
    written = (
        ("Détail par marché (parquet) écrit", detail),
        ("Table par marché écrite", csv),
        ("Rapport écrit", out),
        ("Toutes les directions (CSV) écrites", directions),
    )
    for what, path in written:
        if path:
            print(f"{what}\u00a0: {Path(path).resolve()}")
    if args.verbose:
        print(
            "Secondes par étape\u00a0: "
            + "\u00a0; ".join(f"{k} {_seconds(v)}" for k, v in result["secondes_par_etape"].items())
        )


def classer(args) -> int:
    out = check_output(args.output, (".csv",), "la table classée", "classes.csv", args.fichiers)
    review = check_output(args.revue, (".xlsx",), "la feuille de revue", "a_revoir.xlsx", args.fichiers)
    table = tr.read_contracts(_inputs(args, "de marchés"), sheet=args.feuille)
    result = tr.classify_trades(table, _model(args))
    columns = [c for c in tr.CONTRACT_COLUMNS if c in result.columns] + tr.CLASSIFICATION_COLUMNS
    tr.write_csv(result[columns], out, format=args.csv_format)
    _say(args, f"{len(result):,} marchés classés\u00a0; écrit\u00a0: {out}".replace(",", " "))
    if review:
        tr.export_review(result, review, n=args.n_revue)
        _say(args, f"Les {args.n_revue} prédictions à revoir en premier sont dans\u00a0: {review}")
    return 0


def entrainer(args) -> int:
    folder = check_folder(args.output)
    out = tr.train_model(
        folder / "trade_classifier.joblib",
        corrections=args.revue_corrigee,
        evaluate_model=not args.sans_evaluation,
        replace_shipped=args.remplacer_modele_livre,
    )
    _say(args, f"Modèle écrit\u00a0: {out} (fiche\u00a0: {out.with_suffix('.card.json')})")
    _say(args, f"Pour l’utiliser\u00a0: transferability diagnostic … --modele {out} --confiance")
    return 0


def evaluer(args) -> int:
    if args.quoi in ("tout", "classifieur"):
        print_evaluation(tr.evaluate_model())
    if args.quoi in ("tout", "potentiel"):
        print_potential_evaluation(tr.evaluate_potential())
    return 0


def _say(args, line: str) -> None:
    if not args.quiet:
        print(line)


COMMANDS = {
    "contrats": contrats,
    "prestataires": prestataires,
    "diagnostic": diagnostic,
    "classer": classer,
    "entrainer": entrainer,
    "evaluer": evaluer,
}
