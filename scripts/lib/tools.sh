# Tool checks and installs for the shell scripts (scripts/fuzz.sh, scripts/fuzz-ci.sh,
# scripts/audit.sh), as scripts/lib/tools.mjs is for the Node ones. Sourced, not run.

# rustup names a nightly by the date of its dist manifest, the day after the commit date
# `rustc -V` prints: nightly-2026-05-20 is rustc 1.97.0-nightly (e50aa6fba 2026-05-19),
# the compiler of every recorded run in fuzz/README.md.
FUZZ_TOOLCHAIN=nightly-2026-05-20
CARGO_FUZZ_VERSION=0.13.2
CARGO_DENY_VERSION=0.20.2

# A unit over 10 s is a hang, over 2 GiB of memory an out-of-memory: both are findings.
FUZZ_LIMITS=(-timeout=10 -rss_limit_mb=2048)

log() {
  printf '[certpin] %s\n' "$*" >&2
}

# rustup's cargo is not always on PATH in a non-login shell (CI).
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
if [ -d "$cargo_bin" ] && [[ ":$PATH:" != *":$cargo_bin:"* ]]; then
  export PATH="$cargo_bin:$PATH"
fi

# ensure_cargo_tool CRATE VERSION: installs the cargo subcommand CRATE at exactly VERSION
# unless `CRATE --version` already reports it.
ensure_cargo_tool() {
  local crate=$1 version=$2
  if [ "$("$crate" --version 2>/dev/null)" = "$crate $version" ]; then
    return
  fi
  log "installing $crate $version (takes a few minutes, once)"
  # --locked reproduces upstream's lock file; some registry mirrors lack one of its
  # crates, so fall back to a fresh resolution (still the exact version), as tools.mjs
  # does for wasm-bindgen-cli. Our CARGO_TARGET_DIR, if any, would mix the tool's build
  # into the crate's.
  local install=(env -u CARGO_TARGET_DIR cargo install "$crate" --version "$version")
  if ! "${install[@]}" --locked; then
    log "\`cargo install --locked\` failed; retrying without --locked"
    "${install[@]}"
  fi
}

ensure_fuzz_tools() {
  # libfuzzer-sys compiles libFuzzer (C++); rustup's Rust needs only a C linker.
  if ! command -v c++ >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      log "installing g++ with apt-get (libFuzzer is C++)"
      DEBIAN_FRONTEND=noninteractive apt-get update
      DEBIAN_FRONTEND=noninteractive apt-get install -y g++
    else
      log "no C++ compiler (c++): install g++ (Debian: apt-get install g++) to build the fuzz targets"
      return 1
    fi
  fi
  if ! rustup run "$FUZZ_TOOLCHAIN" rustc -V >/dev/null 2>&1; then
    log "installing the Rust toolchain $FUZZ_TOOLCHAIN (minimal profile)"
    rustup toolchain install "$FUZZ_TOOLCHAIN" --profile minimal
  fi
  ensure_cargo_tool cargo-fuzz "$CARGO_FUZZ_VERSION"
}
