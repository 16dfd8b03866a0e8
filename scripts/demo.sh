#!/usr/bin/env bash
# Kluis's main job, end to end: Ann sends two files to Bob, encrypted on her
# computer; Bob receives them with the link from her mail and the password
# she tells him by phone. The transfer goes through a folder store, the
# store that kluis uses when no server is involved. Then one file on its
# own: sealed into an envelope (an existing one replaced only with --force),
# checked with -o /dev/null and opened into a pipe with -o -.
#
#   scripts/demo.sh
#
# Needs cargo and python3 (python3 reads the JSON that `kluis send --json`
# prints). With KLUIS_BIN set, it runs that `kluis` instead of building one. Everything happens in a temporary folder, removed at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
show() { printf '$ %s\n' "$*"; }
fail() { printf '\nDEMO FAILED: %s\n' "$*" >&2; exit 1; }
json() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

if [[ -n ${KLUIS_BIN:-} ]]; then
    # The test command (scripts/test-all.sh) runs the demo on its own build.
    step "Using the kluis command at $KLUIS_BIN"
    kluis="$(realpath "$KLUIS_BIN")"
else
    step "Building the kluis command (release)"
    (cd "$ROOT" && cargo build --release --quiet -p kluis-cli)
    kluis="$ROOT/target/release/kluis"
fi
"$kluis" --version

work="$(mktemp -d "${TMPDIR:-/tmp}/kluis-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir "$work/ann" "$work/bob"
store="$work/store"

step "Ann's files"
cat >"$work/ann/offer.txt" <<'TEXT'
Offer 2026-117 for the renovation of Prinsengracht 12:
labour EUR 18,400; materials EUR 9,150; start in March.
TEXT
python3 -c 'import os, sys; open(sys.argv[1], "wb").write(os.urandom(4 * 1024 * 1024 + 12345))' \
    "$work/ann/site-photos.bin"
(cd "$work/ann" && ls -l offer.txt site-photos.bin)

step "Ann sends them to Bob: kluis encrypts everything and generates the password"
show "kluis send offer.txt site-photos.bin --to bob@example.org --from ann@example.org \\"
show "    --subject 'Offer Prinsengracht 12' --message-file message.txt --store STORE --json"
# The confidential message from a file (--message TEXT would show it to
# every local user in the process list).
echo "Bob, here is the offer and the photos of the site. Regards, Ann" >"$work/message.txt"
(cd "$work/ann" && "$kluis" send offer.txt site-photos.bin \
    --to bob@example.org --from ann@example.org \
    --subject "Offer Prinsengracht 12" \
    --message-file "$work/message.txt" \
    --store "$store" --json >"$work/sent.json")
link="$(json "$work/sent.json" link)"
password="$(json "$work/sent.json" password)"
echo "transfer $(json "$work/sent.json" id), available until $(json "$work/sent.json" expires_at)"

step "The mail Ann sends Bob (ready to paste; no password, no file names, no message)"
echo "Subject: $(json "$work/sent.json" mail_subject)"
echo
json "$work/sent.json" mail_text | sed 's/^./    &/'

step "The password, which Ann tells Bob by phone (never in the mail)"
echo "$password"

step "What the store holds: opaque blobs only"
ls -l "$store"/*/
if grep -rqa -e "offer.txt" -e "Prinsengracht" -e "bob@example.org" "$store"; then
    fail "the store holds something in the clear"
fi
echo "(no file name, address, subject or message in the clear)"

step "Bob opens the link with a wrong password: refused, nothing saved"
show "kluis receive LINK --password-env WRONG_PASSWORD"
status=0
WRONG_PASSWORD="not-the-password" "$kluis" receive "$link" -o "$work/bob" --password-env WRONG_PASSWORD || status=$?
[[ $status == 1 ]] || fail "a wrong password gave exit status $status, not 1"
[[ -z "$(ls -A "$work/bob")" ]] || fail "a wrong password saved files"

step "Bob receives the transfer with the right password"
show "kluis receive LINK -o bob --password-env KLUIS_PASSWORD"
KLUIS_PASSWORD="$password" "$kluis" receive "$link" -o "$work/bob" --password-env KLUIS_PASSWORD

step "Checking that Bob has exactly what Ann sent"
for file in offer.txt site-photos.bin; do
    cmp "$work/ann/$file" "$work/bob/$file" || fail "$file differs"
    echo "$file: identical"
done

step "One file on its own: an envelope that a key opens (kluis seal, kluis open)"
python3 -c 'import os, sys; open(sys.argv[1], "w").write(os.urandom(32).hex())' "$work/ann/archive.key"
show "kluis seal site-photos.bin -o site-photos.bin.kluis --key-file archive.key"
(cd "$work/ann" && "$kluis" --quiet seal site-photos.bin -o site-photos.bin.kluis --key-file archive.key)
show "kluis seal site-photos.bin -o site-photos.bin.kluis --key-file archive.key   # again: refused"
status=0
(cd "$work/ann" && "$kluis" --quiet seal site-photos.bin -o site-photos.bin.kluis --key-file archive.key) || status=$?
[[ $status == 2 ]] || fail "sealing onto an existing file without --force gave exit status $status, not 2"
show "kluis seal site-photos.bin -o site-photos.bin.kluis --key-file archive.key --force"
(cd "$work/ann" && "$kluis" --quiet seal site-photos.bin -o site-photos.bin.kluis --key-file archive.key --force)
# -o /dev/null: every chunk is decrypted and authenticated, nothing is kept;
# /dev/null is written in place like by any other tool, never replaced.
show "kluis open site-photos.bin.kluis -o /dev/null --key-file archive.key"
(cd "$work/ann" && "$kluis" --quiet open site-photos.bin.kluis -o /dev/null --key-file archive.key)
[[ -c /dev/null ]] || fail "/dev/null is no longer a character device"
# -o -: the plaintext goes to standard output as each chunk authenticates;
# a pipe cannot take back what it was given, so the exit status says
# whether all of it authenticated (pipefail, set above).
show "kluis open site-photos.bin.kluis -o - --key-file archive.key | cmp - site-photos.bin"
(cd "$work/ann" && "$kluis" --quiet open site-photos.bin.kluis -o - --key-file archive.key | cmp - site-photos.bin) ||
    fail "the envelope did not open to the same file"
echo "site-photos.bin: sealed, checked and opened again, identical"

step "Success"
echo "Ann sent 2 files to Bob end-to-end encrypted; Bob received and verified them."
echo "One file sealed into an envelope opened again, through /dev/null and a pipe."
echo "In real use: kluis send FILE... --to ADDR (default store: kluis/store in your data"
echo "folder), paste the mail text, tell the password by phone, and kluis store purge"
echo "removes expired transfers."
