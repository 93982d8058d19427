#!/bin/sh
# Removes build output and everything the examples and benchmarks wrote under target/.
set -eu
cd "$(dirname "$0")/.."
echo "==> cargo clean"
cargo clean
echo "==> done"
