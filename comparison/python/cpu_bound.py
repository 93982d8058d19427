"""CPU-bound work in Python, the same ways as the Rust modes (the python-threads project, comparison/cpu_bound_comparison.py).

python3 cpu_bound.py --n 20000000 --chunks 16 --workers 2 --runs 3
Threads do not help here: the GIL lets one thread run Python bytecode at a time.
"""
import argparse
import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool

from bench_common import chunks, emit, measure, sum_range, MASK


def sequential(parts):
    return sum(sum_range(lo, hi) for lo, hi in parts)


def threads(parts):
    results = [0] * len(parts)

    def work(i, lo, hi):
        results[i] = sum_range(lo, hi)

    ts = [threading.Thread(target=work, args=(i, lo, hi)) for i, (lo, hi) in enumerate(parts)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(results)


def thread_pool(parts, workers):
    with ThreadPoolExecutor(max_workers=workers) as ex:
        return sum(ex.map(lambda c: sum_range(*c), parts))


def asyncio_to_thread(parts):
    async def main():
        return sum(await asyncio.gather(*(asyncio.to_thread(sum_range, lo, hi) for lo, hi in parts)))

    return asyncio.run(main())


def asyncio_direct(parts):
    async def task(lo, hi):
        return sum_range(lo, hi)  # blocks the event loop: the anti-pattern

    async def main():
        return sum(await asyncio.gather(*(task(lo, hi) for lo, hi in parts)))

    return asyncio.run(main())


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=20_000_000)
    p.add_argument("--chunks", type=int, default=16)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--modes", default="sequential,threads,thread_pool,processes,asyncio_to_thread,asyncio_direct")
    a = p.parse_args()
    parts = chunks(a.n, a.chunks)
    wanted = a.modes.split(",")
    modes = {}
    if "sequential" in wanted:
        modes["sequential"] = measure(lambda: sequential(parts), a.warmup, a.runs)
    if "threads" in wanted:
        modes["threads"] = measure(lambda: threads(parts), a.warmup, a.runs)
    if "thread_pool" in wanted:
        modes["thread_pool"] = measure(lambda: thread_pool(parts, a.workers), a.warmup, a.runs)
    if "processes" in wanted:
        with Pool(a.workers) as pool:  # started before timing, like the Rust pool
            modes["processes"] = measure(lambda: sum(pool.starmap(sum_range, parts)), a.warmup, a.runs)
    if "asyncio_to_thread" in wanted:
        modes["asyncio_to_thread"] = measure(lambda: asyncio_to_thread(parts), a.warmup, a.runs)
    if "asyncio_direct" in wanted:
        modes["asyncio_direct"] = measure(lambda: asyncio_direct(parts), a.warmup, a.runs)
    emit(modes, n=a.n, expected=(a.n * (a.n - 1) // 2) & MASK)
