#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The whole test suite, as CI runs it (.ci/run):
#   1. dependencies (scripts/deps.sh; a no-op when all are installed)
#   2. build/       optimised build (RelWithDebInfo) + ctest, then the browser
#                   suite (the status page in headless chromium) as its own step
#   3. clang-format check of every C/C++ file under daemon sdk common plugins tests bench fuzz,
#      and the SPDX licence tag of every source file (scripts/spdx.sh)
#   4. build-asan/  AddressSanitizer + UBSan build + ctest
#   5. build-fuzz/  the libFuzzer targets (clang): every seed and regression
#                   input replayed through each, then each fuzzed briefly
#   6. build-deb/   the Debian packages (scripts/package.sh, lintian), then,
#                   as root only, installed with apt and run as shipped
#                   (scripts/package-check.sh)
# Stops at the first failure and prints a summary either way.
#
#   bash scripts/test.sh
#
# Environment: SYNDICD_TEST_JOBS (ctest -j, default 2), SYNDICD_JOBS (ninja -j,
# default nproc), CCACHE_DIR (see scripts/build.sh), SYNDICD_FUZZ_SECONDS
# (fuzzing time per target in step 5, default 10; 12 targets),
# SYNDICD_TEST_ONLY (run one group of steps alone: deps, build (build + ctest),
# format, asan (build + ctest), fuzz, package; default all).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

test_jobs=${SYNDICD_TEST_JOBS:-2}
started=$SECONDS
summary=()
current=""
step_started=0

begin() {
  current=$1
  step_started=$SECONDS
  printf '\n==> %s\n' "$current"
}
done_step() {
  summary+=("$(printf '  %-34s ok    %4ds  %s' "$current" $((SECONDS - step_started)) "${1:-}")")
  current=""
}
finish() {
  local rc=$?
  if [[ -n $current ]]; then
    summary+=("$(printf '  %-34s FAIL  %4ds  %s' "$current" $((SECONDS - step_started)) "${failure_note:-}")")
  fi
  printf '\n==> summary (%ds)\n' $((SECONDS - started))
  printf '%s\n' "${summary[@]}"
  if ((rc == 0)); then
    echo "test.sh: PASSED"
  else
    echo "test.sh: FAILED (exit $rc)"
  fi
}
trap finish EXIT
failure_note=""

# SYNDICD_TEST_ONLY=GROUP: e.g. to time one step, or rerun it after a fix.
only=${SYNDICD_TEST_ONLY:-}
case $only in
  "" | deps | build | format | asan | fuzz | package) ;;
  *)
    echo "test.sh: SYNDICD_TEST_ONLY=$only: expected deps, build, format, asan, fuzz or package" >&2
    exit 2
    ;;
esac
want() { [[ -z $only || $only == "$1" ]]; }

# ctest totals of a log, e.g. "41/42 passed, 1 failed (12.3 s)".
totals() {
  local line time
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$1" | tail -1 || true)
  time=$(grep -E 'Total Test time \(real\)' "$1" | tail -1 | sed -E 's/.*= *([0-9.]+) sec.*/\1/' || true)
  if [[ -z $line ]]; then
    grep -q 'No tests were found' "$1" && echo "no tests found" || echo "no totals"
    return
  fi
  local failed total
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
  echo "$((total - failed))/$total passed, $failed failed (${time:-?} s)"
}

# run_ctest DIR [LOG-NAME CTEST-ARGS...]: the tests without a label by
# default; a labelled slow suite (browser) with its own log and arguments.
run_ctest() {
  local dir=$1 log=$1/${2:-ctest}.log
  local args=(-LE browser)
  (($# > 2)) && args=("${@:3}")
  set +e
  ctest --test-dir "$dir" --output-on-failure -j "$test_jobs" "${args[@]}" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  failure_note=$(totals "$log")
  if ((rc != 0)); then
    grep -A200 -E '^The following tests FAILED' "$log" | sed 1d | sed -n '1,20p' |
      sed 's/^/    /' >"$dir/ctest.failed" || true
    failure_note+=$'\n'"$(cat "$dir/ctest.failed")"
    return "$rc"
  fi
  done_step "$failure_note"
  failure_note=""
}

if want deps; then
  begin "dependencies"
  bash scripts/deps.sh
  done_step
fi

if want build; then
  begin "build (build/)"
  bash scripts/build.sh build
  done_step

  begin "ctest (build/)"
  run_ctest build

  # The status page in headless chromium; the screenshot is kept in
  # build/test-artifacts/status-page.png.
  begin "browser (build/, chromium)"
  run_ctest build ctest-browser -L browser
fi

if want format; then
  begin "clang-format"
  mapfile -t sources < <(find daemon sdk common plugins tests bench fuzz -type f \
    \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -not -path 'tests/fixtures/*' 2>/dev/null | sort)
  format_log=build/clang-format.log
  if ! clang-format --dry-run --Werror "${sources[@]}" >"$format_log" 2>&1; then
    mapfile -t bad < <(grep -oE '^[^:]+:[0-9]+:[0-9]+: error' "$format_log" | cut -d: -f1 | sort -u)
    head -n 60 "$format_log"
    echo "clang-format: ${#bad[@]} of ${#sources[@]} files need formatting (full log: $format_log):"
    printf '  %s\n' "${bad[@]}"
    echo "fix with: clang-format -i ${bad[*]}"
    failure_note="${#bad[@]} files need clang-format -i"
    exit 1
  fi
  done_step "${#sources[@]} files"

  begin "SPDX licence tags"
  failure_note="fix: bash scripts/spdx.sh --fix"
  spdx=$(bash scripts/spdx.sh) || { echo "$spdx"; exit 1; }
  failure_note=""
  done_step "${spdx#spdx: }"
fi

if want asan; then
  begin "build (build-asan/, ASan+UBSan)"
  bash scripts/build.sh build-asan -DSYNDICD_SANITIZE=ON
  done_step

  begin "ctest (build-asan/)"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  # use_tls=0: GCC 12's LeakSanitizer can misread glibc 2.36's dynamic TLS
  # vector when several dlopen()ed modules carry TLS (every plugin does):
  # an uninitialised slot reads as a block at a wild address and the leak
  # tracer dies with SIGSEGV at exit ("Tracer caught signal 11"), depending
  # on the heap's layout (seen on `syndicd check` of config/syndicd.yaml
  # run from the test's directory). Not scanning TLS as roots can only
  # report more, never hide a leak; the two glibc allocations it then
  # reports (dlerror's thread-local state) are suppressed in lsan.supp.
  export LSAN_OPTIONS=use_tls=0:print_suppressions=0:suppressions=$repo/scripts/lsan.supp
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_ctest build-asan
fi

# Replaying is what keeps fixed findings fixed; the short fuzzing run is a
# smoke test of the targets (a fixed total: 10 s x 12 targets), not a
# search (docs/fuzzing.md: longer runs with scripts/fuzz.sh TARGET SECONDS).
if want fuzz; then
  begin "fuzz replay (build-fuzz/)"
  fuzz_seconds=${SYNDICD_FUZZ_SECONDS:-10}
  bash scripts/fuzz.sh --build
  fuzz_log=build-fuzz/fuzz-step.log
  failure_note="log: $fuzz_log"
  { bash scripts/fuzz.sh --replay && bash scripts/fuzz.sh --all "$fuzz_seconds"; } 2>&1 | tee "$fuzz_log"
  fuzz_targets=$(grep -cE '^fuzz: \S+ +[0-9?]+ execs' "$fuzz_log" || true)
  replayed=$(sed -nE 's/^fuzz: replayed ([0-9]+) inputs.*/\1 inputs replayed/p' "$fuzz_log")
  done_step "$replayed, $fuzz_targets targets fuzzed ${fuzz_seconds}s each"
  failure_note=""
fi

if want package; then
  begin "package (build-deb/, lintian)"
  bash scripts/package.sh
  done_step "$(ls build-deb/*.deb | wc -l) .debs, lintian: no errors"

  # Installing is for a machine that is there to be tested (CI runs as root).
  if ((EUID == 0)); then
    begin "package install + demo (apt)"
    bash scripts/package-check.sh
    done_step
  fi
fi

