#!/usr/bin/env bash
# Runs a Kluis drop server (crates/kluis-server, docs/SERVER.md) on this
# computer, for trying `kluis verify`, `kluis send --server` and `kluis
# receive https://...` without any other service:
#
#   scripts/server.sh                # http://127.0.0.1:8080, until Ctrl-C
#   KLUIS_SERVER_PORT=9000 scripts/server.sh
#
# Everything lives in one folder (default target/local-server, override:
# KLUIS_SERVER_HOME): blobs/ (the folder store), kluis.db (SQLite), and
# mails/, where the server writes each mail it would send (verification
# codes, recipients' links) as an .eml file instead of using SMTP.
# `scripts/server.sh mail` prints the newest mail of that folder.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOME_DIR="${KLUIS_SERVER_HOME:-$ROOT/target/local-server}"
PORT="${KLUIS_SERVER_PORT:-8080}"

newest_mail() {
    local newest
    newest="$(ls -t "$HOME_DIR"/mails/*.eml 2>/dev/null | head -1 || true)"
    [[ -n $newest ]] || { echo "no mail in $HOME_DIR/mails yet" >&2; exit 1; }
    python3 - "$newest" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(f"From: {m['From']}\nTo: {m['To']}\nSubject: {m['Subject']}\n")
print(m.get_body(("plain",)).get_content())
PY
}

if [[ ${1:-} == mail ]]; then
    newest_mail
    exit 0
fi

command -v cargo >/dev/null || { echo "error: cargo is not installed (https://rustup.rs)" >&2; exit 3; }
# The web pages (web/, on the npm package in bindings/js) are embedded in
# kluis-server's binary: build them first (Node.js >= 20, the wasm32 target
# and wasm-bindgen-cli, which is installed with cargo when missing).
# shellcheck source=lib/web-tools.sh
source "$ROOT/scripts/lib/web-tools.sh"
kluis_check_node
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
kluis_ensure_wasm_bindgen
echo "==> the web pages: npm run build in bindings/js, then in web"
npm --prefix "$ROOT/bindings/js" ci --no-audit --no-fund --silent
npm --prefix "$ROOT/bindings/js" run build --silent >/dev/null
npm --prefix "$ROOT/web" ci --no-audit --no-fund --silent
npm --prefix "$ROOT/web" run build --silent
echo "==> the Outlook add-in: npm run build in clients/outlook"
npm --prefix "$ROOT/clients/outlook" ci --no-audit --no-fund --silent
npm --prefix "$ROOT/clients/outlook" run build --silent
echo "==> cargo build --release -p kluis-server; cargo build --release -p kluis-cli"
(cd "$ROOT" && cargo build --release --quiet -p kluis-server && cargo build --release --quiet -p kluis-cli)

mkdir -p "$HOME_DIR"
cat >"$HOME_DIR/server.toml" <<TOML
# Written by scripts/server.sh: a local drop server with no other service.
listen = "127.0.0.1:$PORT"
public_url = "http://127.0.0.1:$PORT"

[database]
url = "sqlite://$HOME_DIR/kluis.db"

[storage]
kind = "fs"
path = "$HOME_DIR/blobs"

[maildir]
path = "$HOME_DIR/mails"
from = "kluis@localhost"

[purge]
interval_secs = 60
TOML

kluis="$ROOT/target/release/kluis"
url="http://127.0.0.1:$PORT"
cat <<TEXT

Kluis drop server at $url  (state in $HOME_DIR; mails in $HOME_DIR/mails)

In a browser: $url/ sends files (the code arrives as a mail file:
'scripts/server.sh mail' shows it), and the link in the recipient's mail
opens them.

Or in another terminal:
  # 1. verify your address: kluis asks for the code that the server mails;
  #    here the mail is a file: 'scripts/server.sh mail' in a third terminal shows it
  $kluis verify ann@example.org --server $url
  # 2. send (the password is printed on standard error; recipients get the link by mail)
  $kluis send FILE --to bob@example.org --from ann@example.org --server $url
  scripts/server.sh mail                                   # Bob's mail with the link
  # 3. receive
  $kluis receive $url/t/ID -o received/

API: $url/openapi.json   health: $url/health   stop: Ctrl-C

TEXT
exec "$ROOT/target/release/kluis-server" --config "$HOME_DIR/server.toml"
