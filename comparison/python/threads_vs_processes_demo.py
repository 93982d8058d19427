"""The course's threads_vs_processes_demo.py (the course notebook, "Script-Based Demonstration: Threads vs
Processes"), unchanged in what it measures, plus a sequential run and a JSON line for the Rust
comparison (`--json`).

python3 threads_vs_processes_demo.py          # prints the Python original's two lines
"""
import argparse
import json
import multiprocessing
import platform
import threading
import time

N = 10_000_000


def cpu_task():
    total = 0
    for _ in range(N):
        total += 1


def run_sequential():
    start = time.time()
    cpu_task()
    cpu_task()
    took = time.time() - start
    print("Sequential time:", took)
    return took


def run_threads():
    threads = [threading.Thread(target=cpu_task) for _ in range(2)]
    start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.time() - start
    print("Threads time:", took)
    return took


def run_processes():
    processes = [multiprocessing.Process(target=cpu_task) for _ in range(2)]
    start = time.time()
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    took = time.time() - start
    print("Processes time:", took)
    return took


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=N)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="run each mode R times, report the median")
    a = ap.parse_args()
    N = a.n  # forked children inherit the global
    seq, thr, pro = [], [], []
    for _ in range(max(1, a.repeat)):
        seq.append(run_sequential())
        thr.append(run_threads())
        pro.append(run_processes())
    if a.json:
        print(json.dumps({
            "python": platform.python_version(),
            "n": N,
            "modes": {
                "sequential": {"samples": seq},
                "threads": {"samples": thr},
                "processes": {"samples": pro},
            },
        }))
