"""Snapshot every output the library gives on real files, to prove a refactoring changed nothing.

Development tool (reads ../shared and tests/data; not run by the test suite, since later issues change the
outputs on purpose). ``snapshot DIR`` writes one text file per output into DIR; ``compare A B`` lists the
outputs that differ. Outputs: ``read_contracts`` (table as CSV, reading report as JSON, or the error message) of
every file under ../shared/data/decp and tests/data; ``read_directory`` of every file under
../shared/data/providers and tests/data/annuaires (or the error); the sample diagnostic's contract table, its
summaries and every cell value of every sheet of its Excel report; ``diagnose_file`` on the consolidated extract.

Usage: python tools/golden.py snapshot /tmp/golden_before
       python tools/golden.py compare /tmp/golden_before /tmp/golden_after
"""

import datetime as dt
import json
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
TODAY = dt.date(2026, 11, 24)


def _files(*folders):
    for folder in folders:
        yield from sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix != ".md")


def _name(path):
    path = Path(path).resolve()
    for base in (ROOT, SHARED.parent):
        if path.is_relative_to(base):
            return str(path.relative_to(base)).replace("/", "__")
    return path.name


def _table_text(table):
    lecture = table.attrs.get("lecture")
    body = table.to_csv(index=False)
    return body + "\n" + json.dumps(lecture, ensure_ascii=False, default=str, sort_keys=True)


def snapshot(out):
    import transferability as tr
    try:
        from transferability._utils import clock as _clock
    except ImportError:  # the flat layout before the subpackages
        from transferability import _clock

    _clock.today = lambda: TODAY
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")
    for what, reader, folders in (
        ("contrats", tr.read_contracts, (SHARED / "decp", ROOT / "tests" / "data")),
        ("annuaire", tr.read_directory, (SHARED / "providers", ROOT / "tests" / "data" / "annuaires")),
    ):
        for path in _files(*folders):
            try:
                text = _table_text(reader(path))
            except tr.InputError as exc:
                text = f"InputError: {exc}"
            except Exception as exc:  # a crash is an output too: it must stay the same or go away
                text = f"{type(exc).__name__}: {exc}"
            (out / f"{what}__{_name(path)}.txt").write_text(text, encoding="utf-8")
    diag = tr.diagnose(tr.load_sample_contracts_path(), tr.load_sample_directory())
    (out / "diagnostic__contrats.csv").write_text(diag.contrats.to_csv(index=False), encoding="utf-8")
    for view in (
        "synthese",
        "synthese_annuelle",
        "par_famille",
        "par_direction",
        "par_acheteur",
        "calendrier",
    ):
        (out / f"diagnostic__{view}.csv").write_text(getattr(diag, view)().to_csv(), encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rapport.xlsx"
        diag.to_excel(report)
        book = load_workbook(report)
        for ws in book.worksheets:
            rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
            text = "\n".join("\t".join("" if c is None else str(c) for c in row) for row in rows)
            text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("Produit le "))
            (out / f"rapport__{ws.title}.txt").write_text(text, encoding="utf-8")
        parquet = Path(tmp) / "detail.parquet"
        tr.diagnose_file(
            ROOT / "tests" / "data" / "consolide_travaux_extrait.csv",
            parquet,
            directory=tr.load_sample_directory(),
            report=None,
        )
        detail = pd.read_parquet(parquet)
        (out / "national__detail.csv").write_text(detail.to_csv(index=False), encoding="utf-8")
    print(f"{len(list(out.iterdir()))} outputs written to {out}")


def compare(a, b):
    a, b = Path(a), Path(b)
    before, after = {p.name for p in a.iterdir()}, {p.name for p in b.iterdir()}
    names = sorted(before & after)
    differ = [n for n in names if (a / n).read_bytes() != (b / n).read_bytes()]
    print(f"{len(names)} outputs in both, {len(differ)} differ; {len(after - before)} new, {len(before - after)} gone")
    for n in differ:
        print("  ", n)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(snapshot(sys.argv[2]) if sys.argv[1] == "snapshot" else compare(sys.argv[2], sys.argv[3]))
