#!/usr/bin/env bash
# Dependency audit with cargo-deny (issue 10, item 5), configured by deny.toml.
#   Licences, bans and sources: checked from Cargo.lock and crates.io; a finding fails.
#   Advisories: need the RustSec database, a git repository on github.com. When it can be
#   fetched, a matching advisory fails; when it cannot, this says so and does not fail:
#   an unreachable github.com is not a finding. docs/audit.md records the last manual check.
# Installs cargo-deny when missing. .ci/run calls this after `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_DENY_VERSION=0.20.2

log() {
  printf '[certpin] %s\n' "$*" >&2
}

# rustup's cargo is not always on PATH in a non-login shell (CI).
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
if [ -d "$cargo_bin" ] && [[ ":$PATH:" != *":$cargo_bin:"* ]]; then
  export PATH="$cargo_bin:$PATH"
fi

if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $CARGO_DENY_VERSION" ]; then
  log "installing cargo-deny $CARGO_DENY_VERSION (takes a few minutes, once)"
  # As for cargo-fuzz (scripts/lib/fuzz-tools.sh): --locked first, then a fresh resolution.
  install=(env -u CARGO_TARGET_DIR cargo install cargo-deny --version "$CARGO_DENY_VERSION")
  if ! "${install[@]}" --locked; then
    log "\`cargo install --locked\` failed; retrying without --locked"
    "${install[@]}"
  fi
fi

log "cargo deny: licences, bans, sources"
cargo deny --locked check licenses bans sources

log "cargo deny: advisories"
if timeout 300 cargo deny fetch db; then
  timeout 600 cargo deny --locked check advisories
  log "audit passed: licences, bans, sources and advisories"
else
  log "advisories NOT checked: the RustSec advisory database could not be fetched" \
    "(is github.com reachable?); licences, bans and sources passed." \
    "docs/audit.md has the last manual advisory check."
fi
