"""Benchmark: a department's diagnostic (710 contracts, 500 providers), warm, with and without the report.

Warm: the model, the geography and the directory are loaded once before timing, as in a notebook
or a service; each figure is the median of 5 runs.

Usage: python benchmarks/bench_department.py
"""

import statistics
import tempfile
import time
import warnings
from pathlib import Path

import transferability as tr


def main(runs: int = 5) -> None:
    warnings.simplefilter("ignore", tr.TransferabilityWarning)
    contracts = tr.read_contracts(tr.load_sample_contracts_path())
    directory = tr.load_sample_directory().head(500)
    model = tr.load_model()
    tr.diagnose(contracts, directory, model=model)  # warm-up: caches, lazy imports
    out = Path(tempfile.mkdtemp()) / "rapport.xlsx"
    timings = {"lecture des 710 marchés": [], "diagnostic (classement compris)": [], "rapport Excel": []}
    for _ in range(runs):
        t = time.perf_counter()
        contracts = tr.read_contracts(tr.load_sample_contracts_path())
        timings["lecture des 710 marchés"].append(time.perf_counter() - t)
        t = time.perf_counter()
        diag = tr.diagnose(contracts, directory, model=model)
        timings["diagnostic (classement compris)"].append(time.perf_counter() - t)
        t = time.perf_counter()
        diag.to_excel(out)
        timings["rapport Excel"].append(time.perf_counter() - t)
    medians = {k: statistics.median(v) for k, v in timings.items()}
    print(f"{len(contracts)} contracts, {len(directory)} providers, median of {runs} warm runs:")
    for k, v in medians.items():
        print(f"  {k}: {v:.2f} s")
    print(f"  total: {sum(medians.values()):.2f} s")


if __name__ == "__main__":
    main()
