"""Benchmark: training the trade classifier, and classifying 100,000 distinct contracts.

The contracts are the labelled objects resampled and perturbed (a commune's name and a lot
number appended), so that every text is distinct and no per-text cache could help.

Usage: python benchmarks/bench_classifier.py [n_contracts]
"""

import os
import resource
import sys
import time

import numpy as np
import pandas as pd

import transferability as tr
from transferability._classify import load_labelled
from transferability._utils import data_path


def make_contracts(n: int, seed: int = 0) -> pd.DataFrame:
    labelled = load_labelled()
    communes = pd.read_csv(data_path("geo/communes.csv"), dtype=str)["nom"].to_numpy()
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(labelled), n)
    places = communes[rng.integers(0, len(communes), n)]
    lots = rng.integers(1, 40, n)
    objects = [
        f"{labelled['objet'].iat[i]} - {p} - lot {k}" for i, p, k in zip(idx, places, lots, strict=True)
    ]
    return pd.DataFrame(
        {
            "objet": objects,
            "code_cpv": labelled["code_cpv"].to_numpy()[idx],
            "montant": labelled["montant"].to_numpy()[idx],
        }
    )


def main(n: int = 100_000) -> None:
    labelled = load_labelled()
    t0 = time.perf_counter()
    model = tr.TradeClassifier().fit(labelled, labelled[["famille", "capacite"]])
    fit = time.perf_counter() - t0
    contracts = make_contracts(n)
    print(f"contracts: {n:,}, distinct objects: {contracts['objet'].nunique():,}, cores: {os.cpu_count()}")
    print(f"training on {len(labelled):,} labelled contracts: {fit:.2f} s")
    for jobs in (1, 2):
        t0 = time.perf_counter()
        out = tr.classify_trades(contracts, model, n_jobs=jobs)
        took = time.perf_counter() - t0
        assert len(out) == n
        print(f"classification, n_jobs={jobs}: {took:.2f} s ({n / took:,.0f} contracts/s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak:,.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
