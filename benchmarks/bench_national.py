"""Benchmark of the national path: time per stage, rows per second and peak memory, at several sizes.

Each size runs in a fresh process (so that peak RSS is that run's own), its chunks scored in worker
processes on every core; memory is the main process's peak, the largest worker's, and their sum as if
every peak were simultaneous (an upper bound). Stage times are summed over the processes. The input is built by
make_national.py from the real records of ../shared (perturbed objects, new identifiers).

Usage: python benchmarks/bench_national.py [10000 100000 1500000]
"""

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = Path("/tmp/transferability_bench")


def run_one(n: int) -> dict:
    import warnings

    from transferability._diagnose import diagnose_file
    from transferability._report import write_aggregate_report

    warnings.simplefilter("ignore")
    source, detail = WORK / f"decp_{n}.parquet", WORK / f"resultat_{n}.parquet"
    t = time.perf_counter()
    result = diagnose_file(source, detail)
    before_report_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t_report = time.perf_counter()
    write_aggregate_report(result.pop("diagnostic"), WORK / f"rapport_{n}.xlsx", detail=detail)
    result["secondes_par_etape"]["rapport"] = round(time.perf_counter() - t_report, 2)
    result["secondes_total_avec_rapport"] = round(time.perf_counter() - t, 2)
    main_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest worker's
    workers = result["processus"]
    result["rss_max_mo"] = {
        "processus_principal": round(main_mb),
        "processus_principal_avant_rapport": round(before_report_mb),
        "plus_gros_processus_de_calcul": round(worker_mb),
        # each process's peak, added as if they were simultaneous: an upper bound of the machine's
        "borne_totale": round(main_mb + workers * worker_mb),
    }
    return result


def main(sizes: list[int]) -> None:
    WORK.mkdir(exist_ok=True)
    for n in sizes:
        source = WORK / f"decp_{n}.parquet"
        if not source.exists():
            subprocess.run([sys.executable, str(HERE / "make_national.py"), str(n), str(source)], check=True)
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], check=True, capture_output=True, text=True
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{n:>9,} rows: {json.dumps(result, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(run_one(int(sys.argv[2])), ensure_ascii=False))
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_500_000])
