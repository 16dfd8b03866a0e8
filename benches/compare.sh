#!/usr/bin/env bash
# Times whole processes on one 1 GiB file, side by side in one run:
# `kluis seal/open --key-file`, rage to an X25519 recipient,
# `gpg --symmetric --compress-level 0`, and cp / cat as the I/O ceiling;
# then peak RSS at 1 and 4 GiB (key file) and with a password (default
# Argon2id), random access through the seekable Opener, the raw primitive
# from the criterion bench, and the Python binding when it is installed.
# Prints the table and writes it to docs/PERFORMANCE.md (the section between
# the GENERATED markers; the rest of that file is hand-written).
#
#   benches/compare.sh                   # RUNS=5, 1 GiB, ~10 min on 2 cores
#   RUNS=3 BIG_MIB=0 benches/compare.sh  # quicker: 3 runs, no 4 GiB RSS check
#
# Environment:
#   RUNS=5          runs of each timed command (medians are reported)
#   SIZE_MIB=1024   the input file
#   BIG_MIB=4096    the peak-RSS check of a larger file (0 skips it)
#   MAX_LOAD=1.5    wait until the 1-minute load average is below this ...
#   WAIT_MIN=0      ... for at most this many minutes (0: do not wait)
#   WRITE_DOC=1     0 leaves docs/PERFORMANCE.md alone
#   KLUIS_VENV      a venv with the `kluis` Python package (default
#                   target/bindings-venv, as scripts/test-bindings.sh makes it)
#   PYTHON_BUILD=0  1 builds that venv first if it is missing (long)
#   COLD=0          1 drops the page cache before every timed run (needs
#                   root and a writable /proc/sys/vm/drop_caches); by default
#                   every input is read once beforehand so that all tools see
#                   a cached input and the figures measure the tools, not the disk
#   TMPDIR          where the work folder (inputs and outputs) goes
#
# Needs: cargo, python3, /usr/bin/time (GNU time); installs rage (cargo
# install rage --locked) and gnupg (apt-get) when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${RUNS:-5}"
SIZE_MIB="${SIZE_MIB:-1024}"
BIG_MIB="${BIG_MIB:-4096}"
MAX_LOAD="${MAX_LOAD:-1.5}"
WAIT_MIN="${WAIT_MIN:-0}"
WRITE_DOC="${WRITE_DOC:-1}"
PYTHON_BUILD="${PYTHON_BUILD:-0}"
COLD="${COLD:-0}"
KLUIS_VENV="${KLUIS_VENV:-$ROOT/target/bindings-venv}"
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

step() { printf '\n==> %s\n' "$*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

[[ -x /usr/bin/time ]] || { echo "error: GNU time (/usr/bin/time) is missing: apt-get install time" >&2; exit 3; }

# ---------------------------------------------------------------- tools
step "cargo build --release -p kluis-cli; random_access example; criterion bench"
cargo build --release -p kluis-cli
cargo build --release -p kluis-core --example random_access
cargo bench -p kluis-core --bench envelope --no-run
KLUIS="${KLUIS:-$TARGET_DIR/release/kluis}"
RANDOM_ACCESS="$TARGET_DIR/release/examples/random_access"

if ! command -v rage >/dev/null; then
    step "cargo install rage --locked (one-off)"
    started=$EPOCHREALTIME
    cargo install rage --locked
    awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "rage installed in %.0f s\n", b - a }' >&2
    export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v gpg >/dev/null; then
    step "apt-get install gnupg"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnupg
fi

PY=""
if [[ ! -x "$KLUIS_VENV/bin/python" || -n "$("$KLUIS_VENV/bin/python" -c 'import kluis' 2>&1)" ]] && [[ $PYTHON_BUILD == 1 ]]; then
    step "building the Python binding into $KLUIS_VENV"
    cargo build --release -p kluis-ffi
    cargo build -p kluis-bindgen --features cli
    [[ -x "$KLUIS_VENV/bin/python" ]] || python3 -m venv "$KLUIS_VENV"
    "$KLUIS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check ./bindings/python
fi
if [[ -x "$KLUIS_VENV/bin/python" ]] && "$KLUIS_VENV/bin/python" -c 'import kluis' 2>/dev/null; then
    PY="$KLUIS_VENV/bin/python"
fi

# A `kluis send` subcommand, when the CLI has one.
HAVE_SEND=0
"$KLUIS" send --help >/dev/null 2>&1 && HAVE_SEND=1

# ---------------------------------------------------------------- load
if [[ $WAIT_MIN != 0 ]]; then
    deadline=$((SECONDS + WAIT_MIN * 60))
    while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v m="$MAX_LOAD" 'BEGIN { exit !(l >= m) }'; do
        if ((SECONDS >= deadline)); then
            echo "load still $(loadavg) after $WAIT_MIN min: measuring anyway" >&2
            break
        fi
        echo "load $(loadavg) >= $MAX_LOAD: waiting" >&2
        sleep 60
    done
fi

# ---------------------------------------------------------------- work folder
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kluis-compare.XXXXXX")"
export GNUPGHOME="$WORK/gnupg"
cleanup() {
    gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -m 700 "$GNUPGHOME"
RESULTS="$WORK/results.tsv"  # case  run  seconds  peak_rss_kib
: >"$WORK/transfer.txt"
FACTS="$WORK/facts.txt"
: >"$RESULTS"

fact() { printf '%s\t%s\n' "$1" "$2" >>"$FACTS"; }
fact "date" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
fact "commit" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo ' (crates/ modified)')"
fact "cpu" "$(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
fact "memory" "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
fact "kernel" "$(uname -sr)"
fact "filesystem" "$(df -T "$WORK" | awk 'NR == 2 { print $2 " on " $1 }')"
fact "rustc" "$(rustc --version)"
fact "rage" "$(rage --version | sed -n 1p)"
fact "gpg" "$(gpg --version | sed -n 1p)"
fact "cp" "$(cp --version | sed -n 1p)"
fact "python binding" "$([[ -n $PY ]] && "$PY" -c 'import sys; print(sys.version.split()[0])' || echo 'not installed')"
fact "runs" "$RUNS"
fact "size_mib" "$SIZE_MIB"
fact "cache" "$([[ $COLD == 1 ]] && echo 'dropped before every run' || echo 'inputs pre-read into the page cache')"
fact "load_start" "$(loadavg)"

IN="$WORK/in.bin"
KEY="$WORK/key.hex"
ID="$WORK/id.txt"
PW="$WORK/pw.txt"
ENV_KLUIS="$WORK/in.kluis"
ENV_AGE="$WORK/in.age"
ENV_GPG="$WORK/in.gpg"
OUT="$WORK/out"

step "inputs in $WORK: $SIZE_MIB MiB from /dev/urandom, keys, one envelope per tool"
head -c "$((SIZE_MIB << 20))" /dev/urandom >"$IN"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$KEY"
rage-keygen -o "$ID" 2>/dev/null
RECIPIENT="$(rage-keygen -y "$ID")"
head -c 24 /dev/urandom | base64 >"$PW"
# gpg's non-interactive options live in its home's gpg.conf, so that the
# timed command lines below are the ones a person types.
printf '%s\n' batch yes quiet "pinentry-mode loopback" "passphrase-file $PW" no-symkey-cache >"$GNUPGHOME/gpg.conf"
"$KLUIS" --quiet seal "$IN" -o "$ENV_KLUIS" --key-file "$KEY"
rage -r "$RECIPIENT" -o "$ENV_AGE" "$IN"
gpg --symmetric --cipher-algo AES256 --compress-level 0 -o "$ENV_GPG" "$IN"
sync

# name | what the figure counts (bytes of plaintext) | command ($IN etc. are expanded at run time)
CASES=(
    "copy_file|cp \"\$IN\" \"\$OUT\""
    "copy_file_fsync|cp \"\$IN\" \"\$OUT\" && sync \"\$OUT\""
    "copy_null|cat \"\$IN\" >/dev/null"
    "kluis_seal_file|exec \"\$KLUIS\" --quiet seal \"\$IN\" -o \"\$OUT\" --key-file \"\$KEY\""
    "kluis_seal_null|exec \"\$KLUIS\" --quiet seal \"\$IN\" -o - --key-file \"\$KEY\" >/dev/null"
    "kluis_open_file|exec \"\$KLUIS\" --quiet open \"\$ENV_KLUIS\" -o \"\$OUT\" --key-file \"\$KEY\" --force"
    "kluis_open_null|exec \"\$KLUIS\" --quiet open \"\$ENV_KLUIS\" -o - --key-file \"\$KEY\" >/dev/null"
    "rage_enc_file|exec rage -r \"\$RECIPIENT\" -o \"\$OUT\" \"\$IN\""
    "rage_enc_null|exec rage -r \"\$RECIPIENT\" \"\$IN\" >/dev/null"
    "rage_dec_file|exec rage -d -i \"\$ID\" -o \"\$OUT\" \"\$ENV_AGE\""
    "rage_dec_null|exec rage -d -i \"\$ID\" \"\$ENV_AGE\" >/dev/null"
    "gpg_enc_file|exec gpg --symmetric --cipher-algo AES256 --compress-level 0 -o \"\$OUT\" \"\$IN\""
    "gpg_enc_null|exec gpg --symmetric --cipher-algo AES256 --compress-level 0 -o - \"\$IN\" >/dev/null"
    "gpg_dec_file|exec gpg -d -o \"\$OUT\" \"\$ENV_GPG\""
    "gpg_dec_null|exec gpg -d -o - \"\$ENV_GPG\" >/dev/null"
)
if [[ -n $PY ]]; then
    # seal_file: the binding's one call (kluis_core::seal_file, atomic, synced
    # like the CLI). Sealer.write: 1 MiB pieces in, sealed bytes out to a file.
    CASES+=(
        "py_seal_file|exec \"\$PY\" -c 'import kluis, sys; kluis.seal_file(sys.argv[1], sys.argv[2], [kluis.Secret.KEY(key=bytes.fromhex(open(sys.argv[3]).read()))])' \"\$IN\" \"\$OUT\" \"\$KEY\""
        "py_sealer_write|exec \"\$PY\" \"\$ROOT/benches/python_sealer_write.py\" \"\$IN\" \"\$OUT\" \"\$KEY\""
    )
fi

# Runs one case once: appends "name run seconds rss_kib" to $RESULTS.
run_case() {
    local name="$1" cmd="$2" run="$3" tf="$WORK/time.txt" started elapsed
    rm -f "$OUT"
    sync
    if [[ $COLD == 1 ]]; then echo 3 >/proc/sys/vm/drop_caches; fi
    started=$EPOCHREALTIME
    if ! /usr/bin/time -f '%e %M' -o "$tf" bash -c "$cmd"; then
        echo "error: $name failed: $cmd" >&2
        exit 1
    fi
    elapsed=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f", b - a }')
    printf '%s\t%s\t%s\t%s\n' "$name" "$run" "$elapsed" "$(awk '{ print $2 }' "$tf")" >>"$RESULTS"
    printf '  %-18s run %d: %6.3f s, %6d KiB\n' "$name" "$run" "$elapsed" "$(awk '{ print $2 }' "$tf")" >&2
}
export IN OUT KEY ID PW ENV_KLUIS ENV_AGE ENV_GPG KLUIS RECIPIENT PY ROOT

step "pre-reading inputs into the page cache"
cat "$IN" "$ENV_KLUIS" "$ENV_AGE" "$ENV_GPG" >/dev/null

step "timed runs: $RUNS rounds, each case once per round (interleaved)"
for ((run = 1; run <= RUNS; run++)); do
    for entry in "${CASES[@]}"; do
        name="${entry%%|*}"
        cmd="${entry#*|}"
        run_case "$name" "$cmd" "$run"
    done
done
rm -f "$OUT"

step "peak RSS with a password (default Argon2id, m=64 MiB)"
export KLUIS_BENCH_PASSWORD="$(cat "$PW")"
run_case rss_password_seal "exec \"\$KLUIS\" --quiet seal \"\$IN\" -o \"\$OUT.kluis\" --password-env KLUIS_BENCH_PASSWORD" 1
run_case rss_password_open "exec \"\$KLUIS\" --quiet open \"\$OUT.kluis\" -o \"\$OUT\" --password-env KLUIS_BENCH_PASSWORD --force" 1
rm -f "$OUT" "$OUT.kluis"

if [[ $BIG_MIB != 0 ]]; then
    step "peak RSS at $BIG_MIB MiB (key file; a sparse input: reading it costs no disk)"
    BIG="$WORK/big.bin"
    export BIG
    truncate -s "$((BIG_MIB << 20))" "$BIG"
    run_case rss_big_seal "exec \"\$KLUIS\" --quiet seal \"\$BIG\" -o \"\$BIG.kluis\" --key-file \"\$KEY\"" 1
    rm -f "$BIG"
    run_case rss_big_open "exec \"\$KLUIS\" --quiet open \"\$BIG.kluis\" -o \"\$OUT\" --key-file \"\$KEY\" --force" 1
    rm -f "$OUT" "$BIG.kluis"
fi

step "random access: the last 1 MiB of the $SIZE_MIB MiB envelope against all of it"
"$RANDOM_ACCESS" "$ENV_KLUIS" "$KEY" "$RUNS" | tee "$WORK/random_access.txt"

if [[ $HAVE_SEND == 1 ]]; then
    step "kluis send / receive: 100 files of 10 KiB as one transfer (default Argon2id)"
    mkdir "$WORK/files"
    for i in $(seq -w 1 100); do head -c 10240 /dev/urandom >"$WORK/files/f$i.bin"; done
    STORE="$WORK/store"
    export STORE KLUIS_BENCH_TRANSFER_PW="$(head -c 24 /dev/urandom | base64)"
    send_cmd="exec \"\$KLUIS\" --quiet send \"\$WORK\"/files/*.bin --to bob@example.org --from ann@example.org --store \"\$STORE\" --json --password-env KLUIS_BENCH_TRANSFER_PW >\"\$WORK/sent.json\""
    receive_cmd="exec \"\$KLUIS\" --quiet receive \"\$LINK\" -o \"\$WORK/received\" --password-env KLUIS_BENCH_TRANSFER_PW"
    export WORK
    for ((run = 1; run <= RUNS; run++)); do
        rm -rf "$STORE" "$WORK/received"
        run_case transfer_send "$send_cmd" "$run"
        LINK="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["link"])' "$WORK/sent.json")"
        export LINK
        run_case transfer_receive "$receive_cmd" "$run"
        [[ $(find "$WORK/received" -type f | wc -l) == 100 ]] || { echo "error: the transfer did not arrive whole" >&2; exit 1; }
    done
    # Argon2 runs on each side, counted with a gdb breakpoint on the argon2
    # crate's initial hash (once per Argon2 run, whatever its lanes).
    symbol="$(nm "$KLUIS" 2>/dev/null | awk '/argon26Argon212initial_hash/ { s = $3 } END { print s }')"
    if command -v gdb >/dev/null && [[ -n $symbol ]]; then
        count_argon2() { # OUT COMMAND...: runs COMMAND under gdb, its output in OUT; prints the Argon2 runs
            local out="$1"
            shift
            printf '%s\n' 'set pagination off' 'set breakpoint pending on' "break $symbol" 'commands 1' silent \
                continue end run 'info breakpoints' >"$WORK/count.gdb"
            gdb -q -batch -x "$WORK/count.gdb" --args "$@" >"$out" 2>/dev/null || true
            awk '/already hit/ { n = $4 } END { print n + 0 }' "$out"
        }
        rm -rf "$STORE" "$WORK/received"
        sends="$(count_argon2 "$WORK/gdb-send.txt" "$KLUIS" --quiet send "$WORK"/files/*.bin --to bob@example.org \
            --from ann@example.org --store "$STORE" --json --password-env KLUIS_BENCH_TRANSFER_PW)"
        # The inferior's standard output is gdb's: the JSON is the line that starts with {.
        LINK="$(grep '^{' "$WORK/gdb-send.txt" | python3 -c 'import json, sys; print(json.load(sys.stdin)["link"])')"
        receives="$(count_argon2 "$WORK/gdb-receive.txt" "$KLUIS" --quiet receive "$LINK" -o "$WORK/received" \
            --password-env KLUIS_BENCH_TRANSFER_PW)"
        [[ $(find "$WORK/received" -type f | wc -l) == 100 ]] || { echo "error: counting run: the transfer did not arrive whole" >&2; exit 1; }
        printf 'argon2_send=%s argon2_receive=%s\n' "$sends" "$receives" | tee "$WORK/transfer.txt" >&2
    fi
    rm -rf "$STORE" "$WORK/received" "$WORK/files"
fi

step "raw primitive and envelope in memory (criterion: primitive, threads)"
CRIT_SINCE=$(date +%s)
cargo bench -p kluis-core --bench envelope -- --warm-up-time 1 --measurement-time 3 'primitive|threads' >&2
CRITERION="$TARGET_DIR/criterion"

fact "load_end" "$(loadavg)"

step "report"
python3 "$ROOT/benches/report.py" \
    --results "$RESULTS" --facts "$FACTS" --criterion "$CRITERION" \
    --random-access "$WORK/random_access.txt" --transfer "$WORK/transfer.txt" \
    --size-mib "$SIZE_MIB" --big-mib "$BIG_MIB" --since "$CRIT_SINCE" \
    --doc "$([[ $WRITE_DOC == 1 ]] && echo "$ROOT/docs/PERFORMANCE.md" || echo "")"
