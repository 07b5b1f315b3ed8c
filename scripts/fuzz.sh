#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build the libFuzzer targets (fuzz/, docs/fuzzing.md) and run them.
#
#   bash scripts/fuzz.sh TARGET [SECONDS]     fuzz one target (default 60 s)
#   bash scripts/fuzz.sh --list               the targets, with seeds and dictionary
#   bash scripts/fuzz.sh --build              build every target only
#   bash scripts/fuzz.sh --replay [TARGET...] run every seed and every input under
#                                             tests/fixtures/fuzz/ once through each
#                                             target (all by default)
#   bash scripts/fuzz.sh --all SECONDS        fuzz every target SECONDS in turn
#
# The build is build-fuzz/ (clang, libFuzzer, ASan+UBSan, ccache as in
# scripts/build.sh). Each target's corpus grows in build-fuzz/corpus/TARGET
# (the seeds of fuzz/targets.txt are read in place, never copied into it);
# findings (crash-*, leak-*, timeout-*, oom-*) land in
# build-fuzz/findings/TARGET/ and make the script fail, naming the command
# that reproduces them. Every command rebuilds first (a no-op when nothing
# changed).
#
# Environment: SYNDICD_FUZZ_DIR (build directory, default build-fuzz),
# SYNDICD_FUZZ_MAX_LEN (longest generated input, default 16384),
# SYNDICD_FUZZ_TIMEOUT (seconds one input may take, default 10; replays
# allow 3x), SYNDICD_FUZZ_ARGS (more libFuzzer flags), SYNDICD_JOBS and
# CCACHE_DIR (scripts/build.sh).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

dir=${SYNDICD_FUZZ_DIR:-build-fuzz}
max_len=${SYNDICD_FUZZ_MAX_LEN:-16384}
timeout=${SYNDICD_FUZZ_TIMEOUT:-10}
read -r -a extra_args <<<"${SYNDICD_FUZZ_ARGS:-}"
# Leaks are findings; a sanitizer report ends the run with the stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# fuzz/targets.txt: name, dictionary, seed paths.
declare -A dict=() seeds=()
targets=()
while read -r name d rest; do
  [[ -z $name || $name == \#* ]] && continue
  targets+=("$name")
  dict[$name]=$d
  seeds[$name]=$rest
done <fuzz/targets.txt

known() {
  [[ -n ${dict[$1]:-} ]] && return 0
  echo "fuzz: unknown target '$1' (known: ${targets[*]})" >&2
  exit 2
}

build() {
  if ! command -v clang++ >/dev/null; then
    echo "fuzz: clang++ not found (bash scripts/deps.sh installs clang and libFuzzer)" >&2
    exit 1
  fi
  bash scripts/build.sh "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DSYNDICD_BUILD_FUZZ=ON -DSYNDICD_BUILD_TESTS=OFF
}

# The seed files of a target, one per line (folders expanded, globs as the
# shell expands them; a pattern that matches nothing is an error, so that a
# moved fixture cannot silently leave a target without seeds).
seed_files() {
  local pattern path found
  for pattern in ${seeds[$1]}; do
    found=0
    for path in $pattern; do
      [[ -e $path ]] || continue
      found=1
      find "$path" -type f -not -name '*.md' | sort
    done
    if ((found == 0)); then
      echo "fuzz: seeds of $1: nothing matches $pattern (fuzz/targets.txt)" >&2
      exit 1
    fi
  done
}

# libFuzzer takes folders as corpora: the seeds as links in one folder.
seed_dir() {
  local out=$dir/seeds/$1 f
  rm -rf "$out"
  mkdir -p "$out"
  while read -r f; do
    ln -s "$repo/$f" "$out/${f//\//_}"
  done < <(seed_files "$1")
  echo "$out"
}

# A finding: say where it is and how to run it again, and fail.
found() {
  local target=$1 log=$2
  echo "fuzz: FINDING in $target (log: $log)" >&2
  grep -E '^(==[0-9]+==ERROR|SUMMARY|.*fuzz check failed|.*Test unit written to|artifact_prefix)' \
    "$log" | head -n 8 | sed 's/^/  /' >&2 || true
  echo "  reproduce: $dir/fuzz/fuzz-$target FILE   (FILE: the crash-/leak-/timeout- file above)" >&2
  echo "  then: minimise it (-minimize_crash=1), fix the cause, and keep it as a regression" >&2
  echo "  fixture in tests/fixtures/fuzz/ with a test in tests/unit/fuzz/ (docs/fuzzing.md)" >&2
  exit 1
}

replay() {
  local target=$1
  local log=$dir/logs/replay-$target.log
  local -a files
  mapfile -t files < <(seed_files "$target"; find tests/fixtures/fuzz -type f | sort)
  mkdir -p "$dir/logs" "$dir/findings/$target"
  if ! "$dir/fuzz/fuzz-$target" -timeout=$((timeout * 3)) -rss_limit_mb=2048 \
    -artifact_prefix="$dir/findings/$target/" "${extra_args[@]}" "${files[@]}" >"$log" 2>&1; then
    found "$target" "$log"
  fi
  # "Executed FILE in N ms": the slowest says how close a replay came to its timeout.
  local slowest
  slowest=$(sed -nE 's/^Executed (.*) in ([0-9]+) ms$/\2 ms: \1/p' "$log" | sort -n | tail -1)
  printf 'fuzz: replay %-13s %4d inputs ok, slowest %s\n' "$target" "${#files[@]}" \
    "${slowest:-?}"
  replayed=$((replayed + ${#files[@]}))
}

run() {
  local target=$1 seconds=$2 corpus=$dir/corpus/$1 log=$dir/logs/fuzz-$1.log seeds_in
  seeds_in=$(seed_dir "$target")
  mkdir -p "$corpus" "$dir/logs" "$dir/findings/$target"
  echo "fuzz: $target for ${seconds}s (corpus $corpus, log $log)"
  # -detect_leaks=0 while mutating: libFuzzer checks leaks after any input
  # that allocated more than it freed, and the parsers keep their workspaces
  # (tinyxml2's node pools, child indexes) in thread_local storage across
  # inputs, which that check reports as leaked (seen in fuzz-feed_parser:
  # the same input replayed alone leaks nothing). Seeds and regression
  # inputs are replayed with leak detection (replay above), where a real
  # leak still shows at exit; crashes, timeouts and checks still fail here.
  if ! "$dir/fuzz/fuzz-$target" "$corpus" "$seeds_in" -dict="fuzz/dict/${dict[$target]}" \
    -detect_leaks=0 \
    -max_total_time="$seconds" -max_len="$max_len" -timeout="$timeout" -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/findings/$target/" "${extra_args[@]}" \
    >"$log" 2>&1; then
    found "$target" "$log"
  fi
  # The last status line ("#N ... cov: C ft: F corp: ...") and the totals.
  local status execs rate
  status=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 | sed -E 's/^#([0-9]+)\s+\S+\s+//')
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
  rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -1)
  printf 'fuzz: %-13s %9s execs (%s/s) %s\n' "$target" "${execs:-?}" "${rate:-?}" "$status"
}

(($# >= 1)) || usage
case $1 in
  --list)
    for t in "${targets[@]}"; do
      printf '%-13s %-14s %s\n' "$t" "${dict[$t]}" "${seeds[$t]}"
    done
    ;;
  --build)
    build
    ;;
  --replay)
    shift
    (($# > 0)) || set -- "${targets[@]}"
    for t in "$@"; do known "$t"; done
    build
    replayed=0
    for t in "$@"; do replay "$t"; done
    echo "fuzz: replayed $replayed inputs through $# targets"
    ;;
  --all)
    (($# == 2)) || usage
    build
    for t in "${targets[@]}"; do run "$t" "$2"; done
    ;;
  -*)
    usage
    ;;
  *)
    known "$1"
    build
    run "$1" "${2:-60}"
    ;;
esac
