#!/bin/sh
# Opens the course menu, or runs one example: scripts/run.sh [NAME|NUMBER] [ARGS...]
set -eu
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
    echo "==> cargo run   (the course menu)"
    exec cargo run --quiet
fi
echo "==> cargo run -- run $*"
exec cargo run --quiet -- run "$@"
