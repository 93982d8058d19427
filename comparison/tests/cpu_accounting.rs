//! The CPU time of a sample counts the work wherever it runs: in this process's threads, and in
//! the process pool's worker processes (which `getrusage(RUSAGE_SELF)` cannot see, and
//! `RUSAGE_CHILDREN` only sees once they are reaped, i.e. never while the pool lives). Without
//! the workers, every process-pool row would read "got 0.0 of 2 cores" and be called busy.
//!
//! No time is asserted: CPU time of the same work is about the same on a quiet or a busy
//! machine (contention delays work, it does not make it cheaper), so the checks compare CPU
//! seconds of the same jobs counted two ways.

use std::path::PathBuf;

use comparison::cpu;
use comparison::measure::sample;
use comparison::procpool::ProcessPool;

/// Numbers per chunk: about 20-60 ms of CPU per chunk in a debug build.
const PER_CHUNK: u64 = 20_000_000;

#[test]
fn a_process_pool_sample_counts_its_workers_cpu_time() {
    let pool = ProcessPool::with_program(2, PathBuf::from(env!("CARGO_BIN_EXE_comparison")))
        .expect("start a pool of 2");
    let chunks: Vec<(u64, u64)> = (0..4)
        .map(|i| (i * PER_CHUNK, (i + 1) * PER_CHUNK))
        .collect();
    let want = cpu::sequential(&chunks);
    assert_eq!(cpu::process_pool(&pool, &chunks).unwrap(), want, "warm-up");

    // The same chunks in this process: the CPU seconds the work costs.
    let (_, here) = sample(&[], || Ok(cpu::sequential(&chunks))).unwrap();
    // On the pool, counting this process only: the workers' CPU is missing.
    let (sum, parent_only) = sample(&[], || cpu::process_pool(&pool, &chunks)).unwrap();
    assert_eq!(sum, want);
    // On the pool, counting the workers too (how every process-pool mode is measured).
    let pids = pool.pids();
    assert_eq!(pids.len(), 2, "{pids:?}");
    let (sum, with_workers) = sample(&pids, || cpu::process_pool(&pool, &chunks)).unwrap();
    assert_eq!(sum, want);
    pool.shutdown().unwrap();

    assert!(
        parent_only.cpu < 0.3 * here.cpu,
        "the parent alone waits for its workers: {:.3} s of CPU against {:.3} s for the work",
        parent_only.cpu,
        here.cpu
    );
    assert!(
        with_workers.cpu > 0.7 * here.cpu,
        "the workers' CPU must be counted: {:.3} s of CPU (parent + workers) against {:.3} s for \
         the same work in one process",
        with_workers.cpu,
        here.cpu
    );
}
