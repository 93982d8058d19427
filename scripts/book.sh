#!/bin/sh
# The course book: install its tools, build it, test it in headless Chromium.
#
#   scripts/book.sh install        mdbook 0.5.4 + mdbook-mermaid 0.17.1 (cargo install --locked,
#                                  only when missing or another version) and Debian's chromium +
#                                  the browser test's node package (only for browser-test)
#   scripts/book.sh build          cargo run -- book (prints the path of target/book/index.html)
#   scripts/book.sh browser-test   every page in headless Chromium; screenshots in target/book-screens/
#   scripts/book.sh all            the three, in order
set -eu
cd "$(dirname "$0")/.."

MDBOOK_VERSION=0.5.4
MERMAID_VERSION=0.17.1

# Installs crate $1 at version $2 unless `$3 --version` already prints that version.
cargo_install_exact() {
    if command -v "$3" >/dev/null 2>&1 && "$3" --version 2>/dev/null | grep -q "v\?$2\$"; then
        echo "==> $3 $2 is installed"
    else
        echo "==> installing $1 $2 (cargo install --locked; about 2-4 minutes the first time)"
        cargo install --locked "$1" --version "$2"
    fi
}

install_tools() {
    cargo_install_exact mdbook "$MDBOOK_VERSION" mdbook
    cargo_install_exact mdbook-mermaid "$MERMAID_VERSION" mdbook-mermaid
}

install_browser() {
    if ! command -v chromium >/dev/null 2>&1; then
        echo "==> installing Debian's chromium (apt-get)"
        sudo_="" ; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
        $sudo_ apt-get update
        DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y --no-install-recommends chromium
    else
        echo "==> $(chromium --version 2>/dev/null || echo chromium) is installed"
    fi
    if ! command -v node >/dev/null 2>&1; then
        echo "error: the browser test needs node (Debian: apt-get install nodejs npm)" >&2
        exit 1
    fi
    echo "==> playwright-core for the browser test (npm ci; it drives /usr/bin/chromium, downloads no browser)"
    (cd book/browser-test && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
}

build() {
    cargo run --quiet -- book
}

browser_test() {
    if [ ! -d book/browser-test/node_modules/playwright-core ]; then
        install_browser
    fi
    node book/browser-test/book-test.mjs target/book target/book-screens
}

case "${1:-all}" in
install) install_tools ;;
install-browser) install_browser ;;
build) build ;;
browser-test) browser_test ;;
all)
    install_tools
    install_browser
    build
    browser_test
    ;;
*)
    echo "usage: scripts/book.sh [install|install-browser|build|browser-test|all]" >&2
    exit 2
    ;;
esac
