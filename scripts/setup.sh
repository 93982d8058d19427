#!/bin/sh
# Checks the Rust toolchain, fetches the dependencies and builds the whole course once.
set -eu
cd "$(dirname "$0")/.."
echo "==> checking the toolchain (the course needs Rust 1.95 or newer)"
if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo not found. Install Rust from https://rustup.rs, then run this again." >&2
    exit 1
fi
rustc --version
cargo --version
version=$(rustc --version | sed 's/^rustc \([0-9]*\)\.\([0-9]*\).*/\1 \2/')
set -- $version
if [ "$1" -lt 1 ] || { [ "$1" -eq 1 ] && [ "$2" -lt 95 ]; }; then
    echo "error: rustc $1.$2 is too old; run 'rustup update' (need 1.95+)" >&2
    exit 1
fi
echo "==> fetching dependencies"
cargo fetch
echo "==> building every crate, example and test (a few minutes the first time)"
cargo build --workspace --all-targets
echo "==> the course book's tools (exact mdbook + mdbook-mermaid; a few minutes the first time)"
scripts/book.sh install
echo "==> done. Next: 'cargo run' (menu), 'cargo run -- book --open' (the book) or 'scripts/test.sh' (tests)"
