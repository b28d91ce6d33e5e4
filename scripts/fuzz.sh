#!/usr/bin/env bash
# Runs one cargo-fuzz target for SECONDS (default 600) on the pinned nightly.
#   scripts/fuzz.sh TARGET [SECONDS [LIBFUZZER_FLAG...]]   TARGET: chain pin policy import check
# e.g. scripts/fuzz.sh chain 300 -max_len=1100000
# New inputs go to fuzz/work/TARGET (not committed); the committed seeds in
# fuzz/corpus/TARGET are read, never written. Crashes land in fuzz/artifacts/TARGET.
# Installs the toolchain and cargo-fuzz when missing (scripts/lib/tools.sh).
set -euo pipefail
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS [LIBFUZZER_FLAG...]]}
seconds=${2:-600}
shift $(($# < 2 ? $# : 2))
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
ensure_fuzz_tools
cd fuzz
mkdir -p "work/$target"
exec cargo "+$FUZZ_TOOLCHAIN" fuzz run "$target" "work/$target" "corpus/$target" -- \
  -max_total_time="$seconds" "${FUZZ_LIMITS[@]}" -print_final_stats=1 "$@"
