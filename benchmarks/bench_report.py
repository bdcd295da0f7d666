"""Benchmark: writing the Excel report for 710 and for 200,000 contracts.

The 200,000 contracts are the bundled sample's diagnosed table repeated (references made distinct): the
report's cost depends on rows, not on what they say, and the diagnostic itself is measured elsewhere
(``bench_department.py``, ``bench_national.py``). Beyond ``Settings.lignes_classeur`` rows the detail goes
to a CSV beside the report, which is part of the time.

Usage: python benchmarks/bench_report.py [200000]
"""

import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

import transferability as tr


def main(n: int = 200_000) -> None:
    warnings.simplefilter("ignore", tr.TransferabilityWarning)
    diag = tr.diagnose(tr.load_sample_contracts_path())
    out = Path(tempfile.mkdtemp())
    diag.to_excel(out / "warm.xlsx")
    t = time.perf_counter()
    diag.to_excel(out / "r710.xlsx")
    print(f"rapport, {len(diag.contrats)} marchés : {time.perf_counter() - t:.2f} s")
    copies = -(-n // len(diag.contrats))
    big = pd.concat([diag.contrats] * copies, ignore_index=True).head(n)
    big["id_contrat"] = big["id_contrat"].astype(str) + "-" + (big.index // len(diag.contrats)).astype(str)
    big.attrs = diag.contrats.attrs
    large = type(diag)(big, diag.annuaire, diag.parametres, (diag.prestataires_par_marche or []) * copies)
    t = time.perf_counter()
    path = large.to_excel(out / "r_big.xlsx")
    elapsed = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    size = path.stat().st_size / 2**20
    beside = path.with_suffix(".marches.csv").stat().st_size / 2**20
    count = f"{n:_}".replace("_", "\u202f")
    print(
        f"rapport, {count} marchés : {elapsed:.1f} s (mémoire maximale du processus {peak:.0f} Mio) ; "
        f"classeur {size:.1f} Mio, détail à côté {beside:.0f} Mio"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
