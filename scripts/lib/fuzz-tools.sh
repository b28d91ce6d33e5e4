# Sourced by scripts/fuzz.sh and scripts/fuzz-ci.sh: the pinned fuzzing tools, the
# libFuzzer limits both use, and `ensure_fuzz_tools`, which installs what is missing.

# rustup names a nightly by the date of its dist manifest, the day after the commit date
# `rustc -V` prints: nightly-2026-05-20 is rustc 1.97.0-nightly (e50aa6fba 2026-05-19),
# the compiler of every recorded run in fuzz/README.md.
FUZZ_TOOLCHAIN=nightly-2026-05-20
CARGO_FUZZ_VERSION=0.13.2

# A unit over 10 s is a hang, over 2 GiB of memory an out-of-memory: both are findings.
FUZZ_LIMITS=(-timeout=10 -rss_limit_mb=2048)

fuzz_log() {
  printf '[certpin] %s\n' "$*" >&2
}

ensure_fuzz_tools() {
  # rustup's cargo is not always on PATH in a non-login shell (CI).
  local cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  if [ -d "$cargo_bin" ] && [[ ":$PATH:" != *":$cargo_bin:"* ]]; then
    export PATH="$cargo_bin:$PATH"
  fi

  if ! rustup run "$FUZZ_TOOLCHAIN" rustc -V >/dev/null 2>&1; then
    fuzz_log "installing the Rust toolchain $FUZZ_TOOLCHAIN (minimal profile)"
    rustup toolchain install "$FUZZ_TOOLCHAIN" --profile minimal
  fi

  if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    fuzz_log "installing cargo-fuzz $CARGO_FUZZ_VERSION (takes a minute or two, once)"
    # --locked reproduces upstream's lock file; some registry mirrors lack one of its
    # crates, so fall back to a fresh resolution (still the exact version), as
    # scripts/lib/tools.mjs does for wasm-bindgen-cli. Our CARGO_TARGET_DIR, if any,
    # would mix the tool's build into the crate's.
    local install=(env -u CARGO_TARGET_DIR cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION")
    if ! "${install[@]}" --locked; then
      fuzz_log "\`cargo install --locked\` failed; retrying without --locked"
      "${install[@]}"
    fi
  fi
}
