#!/bin/sh
# Everything in sequence: setup, the tests, then every example once with short sleeps.
set -eu
cd "$(dirname "$0")/.."
echo "==> scripts/setup.sh"
sh scripts/setup.sh
echo "==> scripts/test.sh"
sh scripts/test.sh
echo "==> cargo run -- run-all --fast"
cargo run --quiet -- run-all --fast
