#!/usr/bin/env bash
# CI's short fuzz pass: every cargo-fuzz target for FUZZ_CI_SECONDS (default
# 30) from the committed seeds. Installs the pinned nightly and cargo-fuzz when missing
# (scripts/lib/tools.sh), builds all targets once, and fails on any crash, unit over
# 10 s, out-of-memory or leak, printing the input that caused it. New inputs go to a
# temporary directory: fuzz/corpus is only read. .ci/run calls this after `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh

seconds=${FUZZ_CI_SECONDS:-30}
# libFuzzer stops itself after -max_total_time; the outer bound catches a run that does
# not (a hang the unit timeout misses, a stuck start-up).
hard_bound=$((seconds + 60))

ensure_fuzz_tools

log "building the fuzz targets with $FUZZ_TOOLCHAIN"
target_dir="$PWD/fuzz/target"
host=$(rustc "+$FUZZ_TOOLCHAIN" -vV | sed -n 's/^host: //p')
(cd fuzz && cargo "+$FUZZ_TOOLCHAIN" fuzz build --target-dir "$target_dir")
mapfile -t targets < <(cd fuzz && cargo "+$FUZZ_TOOLCHAIN" fuzz list)

work=$(mktemp -d "${TMPDIR:-/tmp}/certpin-fuzz-ci.XXXXXX")
failed=()
for target in "${targets[@]}"; do
  corpus="$work/$target/corpus"
  artifacts="$work/$target/artifacts"
  log="$work/$target/log"
  mkdir -p "$corpus" "$artifacts"
  cp fuzz/corpus/"$target"/* "$corpus/"
  log "fuzzing $target for ${seconds} s"
  status=0
  # cargo-fuzz sets the same ASAN_OPTIONS when it runs a target itself.
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_odr_violation=0" \
    timeout -k 10 "$hard_bound" "$target_dir/$host/release/$target" \
    -max_total_time="$seconds" "${FUZZ_LIMITS[@]}" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?

  # A run that crashes early prints no stats and maybe no coverage line.
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
  log "$target: ${runs:-?} runs, cov ${cov:-?}, peak RSS ${rss:-?} MB, exit $status"

  if [ "$status" -ne 0 ] || [ -n "$(ls -A "$artifacts")" ]; then
    failed+=("$target")
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
      log "$target did not stop within ${hard_bound} s"
    fi
    tail -n 80 "$log" >&2
    for artifact in "$artifacts"/*; do
      [ -e "$artifact" ] || continue
      size=$(wc -c <"$artifact")
      log "artifact: $artifact ($size bytes)"
      # The temporary directory does not outlive CI, so the log carries the input.
      if [ "$size" -le 65536 ]; then
        base64 "$artifact" >&2
        log "reproduce: base64 -d the lines above > /tmp/input; (cd fuzz && cargo +$FUZZ_TOOLCHAIN fuzz run $target /tmp/input)"
      fi
    done
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  log "fuzzing FAILED for: ${failed[*]} (logs and artifacts kept in $work)"
  exit 1
fi
rm -rf "$work"
log "fuzzing passed: ${#targets[@]} targets, ${seconds} s each"
