#!/bin/sh
# The release benchmark: I/O- and CPU-bound work across every model, Rust next to Python.
#   scripts/bench.sh [ARGS…]            writes target/comparison/results.json and SVG charts there
#   scripts/bench.sh --publish [ARGS…]  one full run that regenerates, together, the results block
#                                       of comparison/README.md, comparison/docs/*.svg and
#                                       comparison/docs/results.json (run it on a quiet machine)
# Extra arguments go to the program (e.g. --only cpu, --quick). COMPARISON_PUBLISH_DIR publishes
# into another copy of comparison/ (README.md and docs/), e.g. to try --publish --quick.
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--publish" ]; then
    shift
    dest="${COMPARISON_PUBLISH_DIR:-comparison}"
    mkdir -p "$dest/docs"
    rm -f "$dest"/docs/*.svg # charts of a part that no longer exists must not linger
    echo "==> load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    if [ -r /proc/pressure/cpu ]; then
        # share of the last 10 s / 60 s during which some task waited for a CPU: near 0 on a
        # quiet machine; well above 10 means most figures will read inconclusive
        echo "==> CPU pressure before: $(sed -n 's/^some avg10=\([^ ]*\) avg60=\([^ ]*\).*/\1 % (10 s), \2 % (60 s)/p' /proc/pressure/cpu)"
    fi
    set -- --json "$dest/docs/results.json" --svg "$dest/docs" --readme "$dest/README.md" "$@"
else
    mkdir -p target/comparison
    set -- --json target/comparison/results.json --svg target/comparison "$@"
fi
echo "==> cargo run --release --bin comparison -- $*"
start=$(date +%s)
cargo run --release --quiet --bin comparison -- "$@"
echo "==> done in $(( $(date +%s) - start )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
