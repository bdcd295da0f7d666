"""Measure trade inference on the national ASP list and the sample directory's load time (reads ../shared).

Prints the share of SIAE with inferred métiers, the quartiles of their confidence, 20 random
inferred rows (seed fixed) with name, NAF and métiers for checking by hand, and the time to
load the bundled sample directory in a fresh interpreter.

Usage: python tools/measure_directory.py ../shared/data/providers/siae_asp_2019_07.csv
"""

import subprocess
import sys
import time

import numpy as np
import pandas as pd

from transferability._directory import read_directory

SEED = 2026


def main(path):
    start = time.perf_counter()
    table = read_directory(path)
    print(f"read {len(table)} rows in {time.perf_counter() - start:.2f} s")
    naf = pd.read_csv(path, dtype=str, keep_default_na=False)["naf"]
    has = table["metiers"].map(len) > 0
    useful = table["familles"].map(lambda fs: any(f != "Hors champ" for f in fs))
    print(
        f"inferred métiers: {has.sum()} / {len(table)} ({has.mean():.1%}); "
        f"at least one transferable family: {useful.sum()} ({useful.mean():.1%})"
    )
    conf = table["confiance_metiers"].dropna().astype(float)
    print(
        "confidence min, Q1, median, Q3, max:",
        np.round(np.quantile(conf, [0, 0.25, 0.5, 0.75, 1]), 2).tolist(),
    )
    print(f"confidence >= 0.5: {(conf >= 0.5).mean():.1%}")
    rows = table[has].sample(20, random_state=SEED)
    for i, r in rows.iterrows():
        print(
            f"{r['source_ligne']:5d} {r['type_structure']:5s} {naf[i]:6s} {r['raison_sociale'][:45]:45s} "
            f"{', '.join(r['metiers'])} ({r['confiance_metiers']:.2f})"
        )
    code = (
        "import time; t = time.perf_counter(); from transferability._datasets import "
        "load_sample_directory as f; t1 = time.perf_counter(); f(); t2 = time.perf_counter(); f(); "
        "print(f'{t1 - t:.2f} {t2 - t1:.2f} {time.perf_counter() - t2:.2f}')"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(5)
    ]
    first = sorted(float(r[1]) for r in runs)
    print(
        f"sample directory, first load in a fresh interpreter (after import): median {first[2]:.2f} s, "
        f"max {first[-1]:.2f} s; import {float(runs[0][0]):.2f} s; second load {float(runs[0][2]):.2f} s"
    )


if __name__ == "__main__":
    main(sys.argv[1])
