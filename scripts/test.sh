#!/bin/sh
# The full test command of the course (the same one CI runs): every crate's tests, each example
# run for real with a small COURSE_TIME_SCALE and its claim checked.
set -eu
cd "$(dirname "$0")/.."
echo "==> cargo test"
exec cargo test "$@"
