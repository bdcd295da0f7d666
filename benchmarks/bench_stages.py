"""Each stage of the national path beside the same work done with the plainest fast tool, on one file.

For every stage the project's time is measured on 100,000 rows (make_national.py), then the same
work with the tool the issue on scale names (pyarrow reading and writing, the model's features and
prediction alone, numpy over every place at once), on the same inputs, in the same process; the
ratio is the project's time over the tool's. Reading, classification and writing are timed three times
each, the two sides in turn, and the best run of each side kept (the first run of either pays for what
the process loads the first time: arrow's kernels, the parquet writer); the classification after a
warm-up run of both sides, which fills the caches of words and stems on both. The normalisation's
reference is normalise_polars.py, the same work in polars (its docstring says what it covers and how its
output agrees), timed three times beside the project's after a warm-up of both; without polars
(pip install -e ".[bench]"), the figure measured when the issue was filed, said as such. Writing has
three references: the issue's (the lists already flattened to text, which the project must do itself,
and the texts already arrow strings, as the project's table holds them from normalisation on), the same
flattened table with each column in the type it has in the project's table (the joined lists as Python
objects, which the tool converts), and the project's table written as it is (lists nested).

Usage: python benchmarks/bench_stages.py [rows]
"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

try:  # the normalisation's reference, beside this file; it needs polars (pip install polars)
    import normalise_polars
except ImportError:
    normalise_polars = None

WORK = Path("/tmp/transferability_bench")
# measured when the issue was filed (2 cores): the reference when polars is not installed
QUOTED = {"normalisation": 0.92}


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def best_of_three(project, tool) -> tuple:
    """The project's result, and the best time of each side over three runs, the two sides in turn."""
    runs = [(timed(project), timed(tool)) for _ in range(3)]
    return runs[0][0][0], min(p[1] for p, _ in runs), min(t[1] for _, t in runs)


def main(n: int) -> None:
    from transferability._classify import classify_trades, load_model
    from transferability._diagnose import Diagnostic, coverage
    from transferability._diagnose.chunks import normalised_chunk, to_arrow
    from transferability._diagnose.pipeline import coverage_index, resolve_directory, score_table
    from transferability._diagnose.settings import Settings
    from transferability._io import read_chunks
    from transferability._reference import taxonomy as tx
    from transferability._report import write_aggregate_report
    from transferability._utils import flat_lists

    warnings.simplefilter("ignore")
    source = WORK / f"decp_{n}.parquet"
    settings, model = Settings(), load_model()
    rows = []

    pq.read_table(source)  # the file in the system's cache for both sides (the first read came from disk)
    frames, t, best = best_of_three(
        lambda: list(read_chunks(source, str(source), n)),
        lambda: pq.read_table(source).cast(
            pa.schema([(c, pa.string()) for c in pq.read_schema(source).names])
        ),
    )
    rows.append(("lecture", t, best, "pyarrow, toutes les colonnes en texte"))

    frame = frames[0]
    if normalise_polars is None:  # polars not installed: the figure, said as such
        (table, _), t = timed(normalised_chunk, frame, source, settings)
        rows.append(
            ("normalisation", t, QUOTED["normalisation"], "polars (chiffre de l'issue, non remesuré)")
        )
    else:
        arrow, reference = pq.read_table(source), normalise_polars.prepare()
        timed(normalised_chunk, frame, source, settings), timed(normalise_polars.normalise, arrow, reference)
        (table, _), t, best = best_of_three(
            lambda: normalised_chunk(frame, source, settings),
            lambda: normalise_polars.normalise(arrow, reference),
        )
        rows.append(
            ("normalisation", t, best, f"polars {normalise_polars.pl.__version__} (normalise_polars.py)")
        )

    features = model.features_

    def model_alone():
        X, _ = features.transform_with_lexicon(table)
        return model.famille_model_.predict_proba(X)

    timed(classify_trades, table, model), timed(model_alone)  # warm-up of both
    classified, t, best = best_of_three(lambda: classify_trades(table, model), model_alone)
    rows.append(("classement", t, best, "le même modèle : variables et prédiction seules"))

    index = coverage_index(resolve_directory(None))
    ids = tx.metiers().reset_index(drop=True).set_index("metier")["metier_id"]
    metier_ids = classified["metier"].map(ids).to_numpy(object)
    _, t = timed(coverage, classified, index, metier_ids)
    _, best = timed(_numpy_coverage, classified, index)
    rows.append(("couverture", t, best, "numpy : tous les lieux contre tous les prestataires"))

    scored, _ = score_table(table, index, settings, model)

    def write(table: pd.DataFrame, name: str):
        return lambda: pq.write_table(pa.Table.from_pandas(table, preserve_index=False), WORK / name)

    def project():
        pq.write_table(to_arrow(flat_lists(scored)), WORK / "stages_projet.parquet")

    flat = flat_lists(scored).astype({"source_ligne": str})
    # the same flattened table, each column in the type it has in the project's table (lists as objects)
    as_objects = flat.astype({name: object for name in scored.columns if scored[name].dtype == object})
    nested = scored.astype({"source_ligne": str})
    for table, how in (
        (flat, "pa.Table.from_pandas + write_table (listes déjà aplaties)"),
        (as_objects, "la même, chaque colonne du type de la table du projet"),
        (nested, "la même table écrite telle quelle (listes imbriquées)"),
    ):
        _, t, best = best_of_three(project, write(table, "stages_outil.parquet"))
        rows.append(("écriture", t, best, how))

    _, t = timed(
        write_aggregate_report,
        Diagnostic(scored, index.directory, settings, None),
        WORK / "stages_rapport.xlsx",
        detail=WORK / "stages_projet.parquet",
    )
    _, best = timed(_plain_report, Diagnostic(scored, index.directory, settings, None), settings)
    rows.append(("rapport agrégé", t, best, "XlsxWriter : les mêmes tableaux, sans mise en forme"))

    print(f"{n:,} lignes, {len(scored):,} marchés")
    print(f"{'étape':<16} {'projet (s)':>10} {'outil (s)':>10} {'rapport':>8}  outil")
    for stage, project, tool, how in rows:
        print(f"{stage:<16} {project:>10.2f} {tool:>10.2f} {project / tool:>8.2f}  {how}")


def _plain_report(diag, settings) -> None:
    """The aggregate report's tables (the same summaries, the same directions kept, all of them in a
    CSV beside) written by XlsxWriter in constant-memory mode, without formats, charts or page set-up."""
    import xlsxwriter

    directions = diag.par_direction().reset_index()
    tables = {
        "Synthèse": diag.synthese().reset_index(),
        "Secteurs": diag.synthese_secteurs().reset_index(),
        "MAPA": diag.par_famille(categorie="MAPA").reset_index(),
        "Formalisés": diag.par_famille(categorie="Formalisé").reset_index(),
        "Directions": directions.head(settings.lignes_directions),
    }
    directions.to_csv(WORK / "stages_outil.directions.csv", index=False)
    book = xlsxwriter.Workbook(
        WORK / "stages_outil.xlsx", {"constant_memory": True, "nan_inf_to_errors": True}
    )
    for name, table in tables.items():
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [str(c) for c in table.columns])
        for i, row in enumerate(table.astype(object).where(table.notna(), None).itertuples(index=False), 1):
            sheet.write_row(i, 0, row)
    book.close()


def _numpy_coverage(contracts: pd.DataFrame, index) -> np.ndarray:
    """The providers within their radius of every distinct commune, by one matrix product per block:
    the plain numpy version of the distance part of the coverage."""
    from transferability._reference import arc_km, geography, unit_vectors

    geo = geography()
    codes = pd.unique(contracts["commune_insee"].dropna())
    counts = []
    for start in range(0, len(codes), 512):
        block = codes[start : start + 512]
        points = unit_vectors(
            [geo.lat.get(c, np.nan) for c in block], [geo.lon.get(c, np.nan) for c in block]
        )
        counts.append((arc_km(points @ index.unit.T) <= index.radius).sum(axis=1))
    return np.concatenate(counts) if counts else np.zeros(0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
