#!/usr/bin/env bash
# Coverage-guided fuzzing of the loaders (tests/fuzz/README.md). Builds the harnesses of tests/fuzz/ with
# clang's libFuzzer, ASan and UBSan in a tree of their own (build-fuzz/), then runs each target for SECONDS.
# New inputs that reach new code go to build-fuzz/corpus/<target>/ (kept between runs, not committed); an
# input that breaks a loader is saved as build-fuzz/crashes/<target>-crash-<sha1> and the script fails at the
# end. Fix the loader, then copy the input into tests/fuzz/corpus/<target>/ as regress-<what> so that the
# replay tests of every tree keep it fixed.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]    (SECONDS per target, default 60; targets: plan mci table scan image)
#        scripts/fuzz.sh --runs N [TARGET...]      the bounded run of the test suite (scripts/test.sh): N inputs per
#                                                   target from a fixed seed and the committed corpus only, so the
#                                                   same build explores the same inputs every time (no flaky CI)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=""
if [ "${1:-}" = --runs ]; then
    runs=${2:-}
    shift 2 || true
    case "$runs" in
        '' | *[!0-9]*) echo "fuzz.sh: --runs: expected a whole number of inputs per target, got '$runs'" >&2; exit 2 ;;
    esac
    seconds=$((runs / 20 + 60)) # only the stall guard below: a run ends after its inputs
else
    seconds=${1:-60}
    [ $# -gt 0 ] && shift
fi
case "$seconds" in
    '' | *[!0-9]*) echo "fuzz.sh: SECONDS: expected a whole number of seconds per target, got '$seconds'" >&2; exit 2 ;;
esac
all=(plan mci table scan image)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
    case " ${all[*]} " in
        *" $t "*) ;;
        *) echo "fuzz.sh: unknown target '$t' (expected one of: ${all[*]})" >&2; exit 2 ;;
    esac
done
cc=$(command -v clang-14 || command -v clang || true)
if [ -z "$cc" ]; then
    echo "fuzz.sh: clang not found; scripts/setup.sh installs clang-14 and libclang-rt-14-dev" >&2
    exit 2
fi
# -O1 with asserts on (a Debug build type, its flags lowered): fast enough to explore, and an assert that
# fails is a finding too.
CC=$cc cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" -DSMP_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null
mkdir -p build-fuzz/crashes
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
failed=()
for t in "${targets[@]}"; do
    mkdir -p "build-fuzz/corpus/$t"
    # What bounds the run: a time, or (--runs) a number of inputs from seed 1, with new inputs kept in a fresh
    # folder so that every bounded run starts from the committed corpus alone.
    bound=(-max_total_time="$seconds")
    corpus="build-fuzz/corpus/$t"
    if [ -n "$runs" ]; then
        corpus="build-fuzz/bounded/$t"
        rm -rf "$corpus" && mkdir -p "$corpus"
        bound=(-runs="$runs" -seed=1)
        echo "== fuzz $t: $runs inputs from seed 1"
    else
        echo "== fuzz $t: ${seconds} s"
    fi
    # -timeout: one input taking this long is a finding (a loader must refuse quickly, never hang);
    # -rss_limit_mb / -malloc_limit_mb: one that makes a loader allocate this much is one too (item 4 of
    # issue 15: limits are checked before allocating).
    # Leaks are checked after every input. assimp's own leaks (a damaged ASCII STL leaks 2.4 KiB) stay in the
    # child process that reads a scan (scalp/scan.h), which ends without a leak check.
    leaks=1
    # timeout: the stall guard, should libFuzzer's own -timeout report ever hang.
    if ! ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=$leaks" timeout --kill-after=10 $((seconds + 60)) "build-fuzz/tests/fuzz_$t" "${bound[@]}" -timeout=10 -rss_limit_mb=2048 \
        -malloc_limit_mb=1024 -detect_leaks=$leaks -artifact_prefix="build-fuzz/crashes/$t-" -print_final_stats=1 \
        "$corpus" "tests/fuzz/corpus/$t" >"build-fuzz/fuzz-$t.log" 2>&1; then
        failed+=("$t")
        grep -E "ERROR|fuzz:|SUMMARY|Test unit written" "build-fuzz/fuzz-$t.log" | head -20 >&2 || true
    fi
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "build-fuzz/fuzz-$t.log" | tr '\n' ' ' || true
    # A sanitizer report inside a child process (scan: assimp reads in one, scalp/scan.h) ends that child only.
    contained=$(grep -cE "^==[0-9]+==ERROR|runtime error:|AddressSanitizer CHECK failed" "build-fuzz/fuzz-$t.log" || true)
    [ "$contained" -gt 0 ] && echo "fuzz.sh: $t: $contained sanitizer report(s) inside child processes, contained (build-fuzz/fuzz-$t.log)" >&2
    echo
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: findings in ${failed[*]} (logs: build-fuzz/fuzz-<target>.log, inputs: build-fuzz/crashes/)" >&2
    exit 1
fi
if [ -n "$runs" ]; then
    echo "fuzz.sh: no findings in ${targets[*]} ($runs inputs each from seed 1)"
else
    echo "fuzz.sh: no findings in ${targets[*]} (${seconds} s each)"
fi
