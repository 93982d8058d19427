"""Serialisation overhead in Python (Effective Python (ch. 5), "All this serializing and deserializing is heavy work";
the course notebook, "When to Use Process Pools"): a Pool.map over payloads of growing size, each pickled and
copied to a worker, against the same work done in one process.

python3 serialization.py --tasks 8 --sizes 1024,1048576 --works 20000,1000000 --workers 2
The payload bytes are the same as the Rust program's, so the checksums match.
"""
import argparse
from multiprocessing import Pool

from bench_common import emit, measure, sum_range


def payload(t, size):
    base = bytes((i * 31 + t * 7) % 251 for i in range(251))
    return (base * (size // 251 + 1))[:size]


def job(args):
    data, work = args
    return sum(data) + sum_range(0, work)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=8)
    ap.add_argument("--sizes", default="1024,65536,1048576")
    ap.add_argument("--works", default="20000,1000000")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    a = ap.parse_args()
    modes = {}
    with Pool(a.workers) as pool:
        for size in (int(s) for s in a.sizes.split(",")):
            for work in (int(w) for w in a.works.split(",")):
                jobs = [(payload(t, size), work) for t in range(a.tasks)]
                key = f"{size}@{work}"
                modes[f"sequential@{key}"] = measure(lambda: sum(map(job, jobs)), a.warmup, a.runs)
                modes[f"processes@{key}"] = measure(lambda: sum(pool.map(job, jobs, chunksize=1)), a.warmup, a.runs)
    emit(modes)
