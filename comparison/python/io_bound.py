"""I/O-bound work in Python (the python-threads project, comparison/io_bound_comparison.py; the course notebook, thread_io_demo.py).

python3 io_bound.py --kind sleep --latency-us 50000 --tasks 100
python3 io_bound.py --kind http --addr 127.0.0.1:PORT --latency-us 50000 --tasks 100
Task i answers i; the checksum of n tasks is n(n-1)/2 in every mode.
"""
import argparse
import asyncio
import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool

from bench_common import emit, measure

KIND = "sleep"
ADDR = "127.0.0.1:0"
LATENCY_US = 50_000


def path(i):
    return f"/delay/{LATENCY_US}/{i}"


def blocking(i):
    if KIND == "sleep":
        time.sleep(LATENCY_US / 1e6)
        return i
    host, port = ADDR.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.request("GET", path(i), headers={"Connection": "close"})
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"status {r.status}")
        return int(body)
    finally:
        conn.close()


async def nonblocking(i):
    if KIND == "sleep":
        await asyncio.sleep(LATENCY_US / 1e6)
        return i
    host, port = ADDR.rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"GET {path(i)} HTTP/1.1\r\nHost: {ADDR}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head[:40])
    return int(body)


def sequential(n):
    return sum(blocking(i) for i in range(n))


def threads(n):
    results = [0] * n

    def work(i):
        results[i] = blocking(i)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(results)


def thread_pool(n, workers):
    with ThreadPoolExecutor(max_workers=workers) as ex:
        return sum(ex.map(blocking, range(n)))


def asyncio_tasks(n):
    async def main():
        return sum(await asyncio.gather(*(nonblocking(i) for i in range(n))))

    return asyncio.run(main())


def init(kind, addr, latency):
    global KIND, ADDR, LATENCY_US
    KIND, ADDR, LATENCY_US = kind, addr, latency


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--kind", choices=["sleep", "http"], default="sleep")
    p.add_argument("--addr", default="127.0.0.1:0")
    p.add_argument("--latency-us", type=int, default=50_000)
    p.add_argument("--tasks", type=int, default=100)
    p.add_argument("--pool-workers", type=int, default=16)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--sequential-runs", type=int, default=1)
    p.add_argument("--modes", default="sequential,threads,thread_pool,processes,asyncio")
    a = p.parse_args()
    init(a.kind, a.addr, a.latency_us)
    threading.stack_size(256 * 1024)  # many waiting threads need little stack
    wanted = a.modes.split(",")
    n = a.tasks
    modes = {}
    if "sequential" in wanted:
        modes["sequential"] = measure(lambda: sequential(n), 0, a.sequential_runs)
    if "threads" in wanted:
        modes["threads"] = measure(lambda: threads(n), a.warmup, a.runs)
    if "thread_pool" in wanted:
        modes["thread_pool"] = measure(lambda: thread_pool(n, a.pool_workers), a.warmup, a.runs)
    if "processes" in wanted:
        with Pool(a.pool_workers, initializer=init, initargs=(a.kind, a.addr, a.latency_us)) as pool:
            modes["processes"] = measure(lambda: sum(pool.map(blocking, range(n), chunksize=1)), a.warmup, a.runs)
    if "asyncio" in wanted:
        modes["asyncio"] = measure(lambda: asyncio_tasks(n), a.warmup, a.runs)
    emit(modes, tasks=n, expected=n * (n - 1) // 2)
