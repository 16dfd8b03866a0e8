# shellcheck shell=bash
# The tools of the JavaScript and browser suites: Node.js and npm, Debian's
# Chromium (driven by playwright-core) and the wasm-bindgen command of exactly
# the version that Cargo.lock pins for the wasm-bindgen crate.
#
# Sourced by scripts/test-all.sh and bindings/js/run-tests.sh. Each function
# checks first and installs only what is missing: Chromium from Debian when
# run as root, wasm-bindgen-cli with `cargo install`. Otherwise it says what
# is missing and how to install it, and exits 3.
#
#   kluis_check_node            Node.js >= 20 and npm
#   kluis_ensure_chromium       exports KLUIS_CHROMIUM (default /usr/bin/chromium)
#   kluis_ensure_wasm_bindgen   wasm-bindgen on PATH at the pinned version

KLUIS_ROOT="${KLUIS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

_kluis_missing() {
    printf '\nerror: %s\n       %s\n' "$1" "$2" >&2
    exit 3
}

kluis_check_node() {
    command -v node >/dev/null ||
        _kluis_missing "Node.js is not installed" "install Node.js 20 or newer (https://nodejs.org or your distribution)"
    command -v npm >/dev/null ||
        _kluis_missing "npm is not installed" "install npm (it comes with Node.js)"
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    ((major >= 20)) ||
        _kluis_missing "Node.js $(node --version) is too old" "install Node.js 20 or newer"
}

kluis_ensure_chromium() {
    export KLUIS_CHROMIUM="${KLUIS_CHROMIUM:-/usr/bin/chromium}"
    [[ -x $KLUIS_CHROMIUM ]] && return 0
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "installing chromium from Debian"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends chromium >/dev/null
    fi
    [[ -x $KLUIS_CHROMIUM ]] ||
        _kluis_missing "Chromium is not installed (looked for $KLUIS_CHROMIUM)" \
            "install it with: sudo apt-get install chromium (or set KLUIS_CHROMIUM to a Chromium binary)"
}

# The version of the wasm-bindgen crate in Cargo.lock: the command that
# post-processes the .wasm must match it exactly.
kluis_wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$KLUIS_ROOT/Cargo.lock"
}

kluis_ensure_wasm_bindgen() {
    local want have=""
    want="$(kluis_wasm_bindgen_version)"
    [[ -n $want ]] || _kluis_missing "Cargo.lock pins no wasm-bindgen" "the kluis-wasm crate should depend on it"
    export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
    command -v wasm-bindgen >/dev/null && have="$(wasm-bindgen --version | awk '{print $2}')"
    [[ $have == "$want" ]] && return 0
    echo "installing wasm-bindgen-cli $want (found: ${have:-none}) with cargo install"
    # --locked first; the registry mirror may lack a crate version that the
    # published lock file names, then cargo resolves the newest compatible.
    cargo install --quiet wasm-bindgen-cli --version "=$want" --locked ||
        cargo install --quiet wasm-bindgen-cli --version "=$want" ||
        _kluis_missing "could not install wasm-bindgen-cli $want" \
            "run: cargo install wasm-bindgen-cli --version $want"
    have="$(wasm-bindgen --version | awk '{print $2}')"
    [[ $have == "$want" ]] ||
        _kluis_missing "wasm-bindgen is $have on PATH, but Cargo.lock pins $want" \
            "put ${CARGO_HOME:-$HOME/.cargo}/bin first on PATH"
}
