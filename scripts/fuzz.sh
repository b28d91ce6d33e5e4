#!/usr/bin/env bash
# Runs one cargo-fuzz target for SECONDS (default 600) on the nightly toolchain.
#   scripts/fuzz.sh TARGET [SECONDS]      TARGET: chain pin policy import check
# New inputs go to fuzz/work/TARGET (not committed); the committed seeds in
# fuzz/corpus/TARGET are read, never written. Crashes land in fuzz/artifacts/TARGET.
# Needs: rustup toolchain install nightly; cargo install cargo-fuzz.
set -euo pipefail
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
seconds=${2:-600}
cd "$(dirname "$0")/../fuzz"
mkdir -p "work/$target"
exec cargo +nightly fuzz run "$target" "work/$target" "corpus/$target" -- \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
