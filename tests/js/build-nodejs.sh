#!/usr/bin/env bash
# Builds certpin for Node's CommonJS loader into $1 (default: $TMPDIR/certpin-nodejs), for
# tests/js/verifier.test.cjs:
#   bash tests/js/build-nodejs.sh /tmp/certpin-nodejs
#   CERTPIN_NODEJS=/tmp/certpin-nodejs node --test tests/js/verifier.test.cjs
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-${TMPDIR:-/tmp}/certpin-nodejs}
cargo build --release --target wasm32-unknown-unknown --lib
mkdir -p "$out"
wasm-bindgen --target nodejs --out-dir "$out" target/wasm32-unknown-unknown/release/certpin.wasm
echo "$out"
