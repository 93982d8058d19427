//! One module per part of the benchmark; each adds its section(s) to the [`crate::bench::Bench`]:
//! it measures, builds its table, checks its targets and describes its charts.

pub(crate) mod cpu;
mod io;
mod memory;
mod serialization;
mod spawn;
mod sweep;
mod sync;
mod threads_vs_processes;
