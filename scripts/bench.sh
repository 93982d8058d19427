#!/bin/sh
# The release benchmark: I/O- and CPU-bound work across every model, Rust next to Python.
# Writes target/comparison/results.json and SVG charts. Extra arguments go to the program
# (e.g. --only cpu, --quick).
set -eu
cd "$(dirname "$0")/.."
mkdir -p target/comparison
echo "==> cargo run --release --bin comparison -- --json target/comparison/results.json --svg target/comparison $*"
exec cargo run --release --quiet --bin comparison -- --json target/comparison/results.json --svg target/comparison "$@"
