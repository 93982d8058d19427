"""Synchronisation overhead in Python (the python-threads project, "Excessive synchronization can negate concurrency
benefits"; the course notebook, "Lock Behavior in Practice"). Python has no atomic integer: lock or local sums.

python3 sync_overhead.py --threads 2 --per 1000000
"""
import argparse
import threading

from bench_common import emit, measure


def locked(threads, per):
    total = [0]
    lock = threading.Lock()

    def work():
        for _ in range(per):
            with lock:
                total[0] += 1

    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return total[0]


def local_sums(threads, per):
    sums = [0] * threads

    def work(i):
        local = 0
        for _ in range(per):
            local += 1
        sums[i] = local

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(sums)


def sequential(threads, per):
    total = 0
    for _ in range(threads * per):
        total += 1
    return total


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--per", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    a = ap.parse_args()
    emit({
        "sequential": measure(lambda: sequential(a.threads, a.per), a.warmup, a.runs),
        "mutex": measure(lambda: locked(a.threads, a.per), a.warmup, a.runs),
        "local": measure(lambda: local_sums(a.threads, a.per), a.warmup, a.runs),
    }, expected=a.threads * a.per)
