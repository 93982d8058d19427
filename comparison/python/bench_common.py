"""Shared helpers of the Python benchmark scripts: timing, checksums, JSON output.

Every script prints ONE JSON line on stdout: {"python": version, "modes": {name: {"samples":
[seconds...], "checksum": n}}, ...}. The Rust program (`cargo run --release --bin comparison`)
reads it and puts the Python figures beside its own.
"""
import json
import platform
import sys
import time

MASK = (1 << 64) - 1  # Rust's checksums are u64 with wrapping adds


def check(previous, value):
    value &= MASK
    if previous is not None and previous != value:
        sys.exit(f"checksum changed between runs: {previous} then {value}")
    return value


def measure(fn, warmup=1, runs=3):
    """Run fn warmup times unmeasured, then runs times measured; all must agree."""
    checksum = None
    for _ in range(warmup):
        checksum = check(checksum, fn())
    samples = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        value = fn()
        samples.append(time.perf_counter() - start)
        checksum = check(checksum, value)
    return {"samples": samples, "checksum": checksum}


def emit(modes, **extra):
    print(json.dumps({"python": platform.python_version(), "modes": modes, **extra}))


def sum_range(lo, hi):
    """The Python originals' CPU work: one addition per number."""
    total = 0
    for i in range(lo, hi):
        total += i
    return total


def chunks(n, parts):
    return [(n * p // parts, n * (p + 1) // parts) for p in range(parts)]


def rss_kib(pid="self"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
