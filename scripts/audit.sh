#!/usr/bin/env bash
# Dependency audit with cargo-deny, configured by deny.toml.
#   Licences, bans and sources: checked from Cargo.lock and crates.io; a finding fails.
#   Advisories: need the RustSec database, a git repository on github.com. When it can be
#   fetched, a matching advisory fails; when it cannot, this says so and does not fail:
#   an unreachable github.com is not a finding. docs/audit.md records the last manual check.
# Installs cargo-deny when missing (scripts/lib/tools.sh). .ci/run calls this last.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh

ensure_cargo_tool cargo-deny "$CARGO_DENY_VERSION"

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
