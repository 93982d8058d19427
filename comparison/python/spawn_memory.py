"""Spawn cost and memory per idle worker in Python (the course notebook, "Resource Usage Comparison"; Effective Python (ch. 5), "~8 MB
per thread").

python3 spawn_memory.py spawn --threads 1000 --processes 200 --tasks 10000 --round-trips 1000
python3 spawn_memory.py memory --threads 200 --tasks 10000 --processes 4
"""
import argparse
import asyncio
import multiprocessing
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench_common import emit, pss_kib, rss_kib


def noop():
    pass


def echo_child(conn):
    # an empty message ends it (a forked child also holds the parent's end of the pipe, so
    # closing that end would never reach it as end-of-file)
    while msg := conn.recv_bytes():
        conn.send_bytes(msg)


def identity(x):
    return x


def spawn(a):
    """One timed sample per operation (seconds), like the Rust side: spawn + join, round trips
    of one tiny task through a pool, and ping-pong between two threads, processes or tasks."""

    def timed(n, op):
        out = []
        for _ in range(n):
            start = time.perf_counter()
            op()
            out.append(time.perf_counter() - start)
        return {"samples": out, "count": n}

    def thread_once():
        t = threading.Thread(target=noop)
        t.start()
        t.join()

    def process_once():
        p = multiprocessing.Process(target=noop)
        p.start()
        p.join()

    async def task_samples(n):
        out = []
        for _ in range(n):
            start = time.perf_counter()
            await asyncio.create_task(asyncio.sleep(0))
            out.append(time.perf_counter() - start)
        return {"samples": out, "count": n}

    def thread_ping(n):
        ping, pong = queue.Queue(1), queue.Queue(1)

        def echo():
            while (x := ping.get()) is not None:
                pong.put(x)

        t = threading.Thread(target=echo)
        t.start()

        def once():
            ping.put(1)
            pong.get()

        r = timed(n, once)
        ping.put(None)
        t.join()
        return r

    def process_ping(n):
        parent, child = multiprocessing.Pipe()
        p = multiprocessing.Process(target=echo_child, args=(child,))
        p.start()
        child.close()

        def once():
            parent.send_bytes(b"x")
            parent.recv_bytes()

        r = timed(n, once)
        parent.send_bytes(b"")
        p.join()
        return r

    async def task_ping(n):
        ping, pong = asyncio.Queue(1), asyncio.Queue(1)

        async def echo():
            while (x := await ping.get()) is not None:
                await pong.put(x)

        e = asyncio.create_task(echo())
        out = []
        for _ in range(n):
            start = time.perf_counter()
            await ping.put(1)
            await pong.get()
            out.append(time.perf_counter() - start)
        await ping.put(None)
        await e
        return {"samples": out, "count": n}

    modes = {
        "thread": timed(a.threads, thread_once),
        "process": timed(a.processes, process_once),
        "task": asyncio.run(task_samples(a.tasks)),
        "ping_thread": thread_ping(a.round_trips),
        "ping_process": process_ping(a.round_trips),
        "ping_task": asyncio.run(task_ping(a.round_trips)),
    }
    with multiprocessing.Pool(a.workers) as pool:
        pool.apply(identity, (1,))  # warm: every worker started
        modes["pool_apply"] = timed(a.round_trips, lambda: pool.apply(identity, (1,)))
        start = time.perf_counter()
        pool.map(identity, range(a.map_items))
        modes["pool_map"] = {"samples": [(time.perf_counter() - start) / a.map_items], "count": a.map_items}
    with ThreadPoolExecutor(a.workers) as ex:
        ex.submit(identity, 1).result()
        modes["thread_pool"] = timed(a.round_trips, lambda: ex.submit(identity, 1).result())
    emit(modes, start_method=multiprocessing.get_start_method())


def idle_child(ready, go):
    ready.set()
    go.wait()


def memory(a):
    # threads: each waits on an Event
    go = threading.Event()
    started = threading.Barrier(a.threads + 1)

    def idle():
        started.wait()
        go.wait()

    before = rss_kib()
    ts = [threading.Thread(target=idle) for _ in range(a.threads)]
    for t in ts:
        t.start()
    started.wait()
    per_thread = (rss_kib() - before) / a.threads
    go.set()
    for t in ts:
        t.join()

    # asyncio tasks: each awaits an Event
    async def tasks():
        ev = asyncio.Event()
        before = rss_kib()
        ts = [asyncio.create_task(ev.wait()) for _ in range(a.tasks)]
        await asyncio.sleep(0.02)
        after = rss_kib()
        ev.set()
        await asyncio.gather(*ts)
        return (after - before) / a.tasks

    per_task = asyncio.run(tasks())

    # processes: idle children waiting on an Event
    go = multiprocessing.Event()
    children = []
    for _ in range(a.processes):
        ready = multiprocessing.Event()
        p = multiprocessing.Process(target=idle_child, args=(ready, go))
        p.start()
        ready.wait(30)
        children.append(p)
    rss = sum(rss_kib(p.pid) for p in children) / a.processes
    pss = sum(pss_kib(p.pid) for p in children) / a.processes
    go.set()
    for p in children:
        p.join(30)
    emit({}, per_thread_kib=per_thread, per_task_kib=per_task,
         per_process_rss_kib=rss, per_process_pss_kib=pss)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["spawn", "memory"])
    ap.add_argument("--threads", type=int, default=1000)
    ap.add_argument("--processes", type=int, default=50)
    ap.add_argument("--tasks", type=int, default=10000)
    ap.add_argument("--round-trips", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--map-items", type=int, default=10000)
    a = ap.parse_args()
    spawn(a) if a.what == "spawn" else memory(a)
