#!/usr/bin/env bash
# Throughput of a transfer through the drop server over loopback, next to
# the same transfer through a local folder store:
#
#   benches/server-throughput.sh            # 1 GiB
#   KLUIS_BENCH_MIB=256 benches/server-throughput.sh
#
# Builds kluis-server and kluis (release), starts the server on 127.0.0.1
# (port 0) with the folder store, SQLite and mails written to a folder,
# verifies a sender (the code read from the mail file), then times, for one
# file of random bytes:
#   kluis send FILE --server URL     and   kluis receive http://127.0.0.1:PORT/t/ID
#   kluis send FILE --store DIR      and   kluis receive file:///DIR/ID
# and checks the received files are identical. MB/s = 10^6 bytes of the
# file per second of wall time, the Argon2id key derivation (default cost)
# included. Everything happens in a temporary folder (TMPDIR), removed at the
# end; it needs about 5 times the file size free. Not part of the test
# command: run it on a quiet machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIB="${KLUIS_BENCH_MIB:-1024}"

echo "==> cargo build --release -p kluis-server; cargo build --release -p kluis-cli"
(cd "$ROOT" && cargo build --release --quiet -p kluis-server && cargo build --release --quiet -p kluis-cli)
server_bin="$ROOT/target/release/kluis-server"
kluis="$ROOT/target/release/kluis"

work="$(mktemp -d "${TMPDIR:-/tmp}/kluis-server-bench.XXXXXX")"
server_pid=""
cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
export KLUIS_CONFIG_DIR="$work/config"

cat >"$work/server.toml" <<TOML
listen = "127.0.0.1:0"
[database]
url = "sqlite://$work/kluis.db"
[storage]
kind = "fs"
path = "$work/blobs"
[maildir]
path = "$work/mails"
TOML
RUST_LOG=warn "$server_bin" --config "$work/server.toml" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 100); do
    url="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/server.out")"
    [[ -n $url ]] && break
    sleep 0.1
done
[[ -n $url ]] || { cat "$work/server.err" >&2; echo "error: the server did not start" >&2; exit 1; }

newest_code() {
    python3 - "$work/mails" <<'PY'
import email, email.policy, pathlib, re, sys
mails = sorted(pathlib.Path(sys.argv[1]).glob("*.eml"), key=lambda p: p.stat().st_mtime)
m = email.message_from_binary_file(open(mails[-1], "rb"), policy=email.policy.default)
print(re.search(r"(?<!\d)\d{8}(?!\d)", m.get_body(("plain",)).get_content()).group(0))
PY
}
"$kluis" --quiet verify ann@example.org --server "$url" --request-only 2>/dev/null
"$kluis" --quiet verify ann@example.org --server "$url" --code "$(newest_code)"

echo "==> $MIB MiB of random bytes"
head -c "$((MIB << 20))" /dev/urandom >"$work/big.bin"
bytes=$(stat -c %s "$work/big.bin")
json() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
now() { date +%s.%N; }
rate() { python3 -c "import sys; b, s = int(sys.argv[1]), float(sys.argv[2]); print(f'{s:7.2f} s  {b / s / 1e6:8.1f} MB/s')" "$@"; }

results=()
measure() { # name, command...
    local name="$1" start end
    shift
    sync
    start=$(now)
    "$@"
    end=$(now)
    results+=("$(printf '%-34s %s' "$name" "$(rate "$bytes" "$(python3 -c "print($end - $start)")")")")
}

measure "kluis send --server (loopback)" \
    sh -c "\"$kluis\" --quiet send \"$work/big.bin\" --to bob@example.org --from ann@example.org --server $url --json >\"$work/server.json\""
measure "kluis receive http://127.0.0.1/t/ID" \
    env KLUIS_PASSWORD="$(json "$work/server.json" password)" \
    sh -c "\"$kluis\" --quiet receive \"$(json "$work/server.json" link)\" -o \"$work/from-server\" --password-env KLUIS_PASSWORD >/dev/null"
cmp "$work/big.bin" "$work/from-server/big.bin"
rm -rf "$work/from-server" "$work/blobs"

measure "kluis send --store (folder)" \
    sh -c "\"$kluis\" --quiet send \"$work/big.bin\" --to bob@example.org --from ann@example.org --store \"$work/store\" --json >\"$work/local.json\""
measure "kluis receive file:///STORE/ID" \
    env KLUIS_PASSWORD="$(json "$work/local.json" password)" \
    sh -c "\"$kluis\" --quiet receive \"$(json "$work/local.json" link)\" -o \"$work/from-store\" --password-env KLUIS_PASSWORD >/dev/null"
cmp "$work/big.bin" "$work/from-store/big.bin"

echo
echo "$MIB MiB ($bytes bytes), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$kluis" --version)"
printf '  %s\n' "${results[@]}"
