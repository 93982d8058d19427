"""Spawn cost and memory per idle worker in Python (the course notebook, "Resource Usage Comparison"; Effective Python (ch. 5), "~8 MB
per thread").

python3 spawn_memory.py spawn --threads 1000 --processes 50 --tasks 10000
python3 spawn_memory.py memory --threads 200 --tasks 10000 --processes 4
"""
import argparse
import asyncio
import multiprocessing
import threading
import time

from bench_common import emit, pss_kib, rss_kib


def noop():
    pass


def spawn(a):
    def per(fn, n):
        start = time.perf_counter()
        fn(n)
        return {"samples": [(time.perf_counter() - start) / n], "count": n}

    def threads(n):
        for _ in range(n):
            t = threading.Thread(target=noop)
            t.start()
            t.join()

    def processes(n):
        for _ in range(n):
            p = multiprocessing.Process(target=noop)
            p.start()
            p.join()

    def tasks(n):
        async def main():
            for _ in range(n):
                await asyncio.create_task(asyncio.sleep(0))

        asyncio.run(main())

    emit({
        "thread": per(threads, a.threads),
        "process": per(processes, a.processes),
        "task": per(tasks, a.tasks),
    }, start_method=multiprocessing.get_start_method())


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
    a = ap.parse_args()
    spawn(a) if a.what == "spawn" else memory(a)
