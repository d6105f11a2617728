#!/usr/bin/env bash
# Sets everything up, builds the release and the sanitizer (ASan+UBSan) trees, and runs every test in both
# (the fuzz corpora are replayed there); then the bounded fuzzing run: each loader fed 4,000 inputs that
# libFuzzer derives from the committed corpus from seed 1 (scripts/fuzz.sh --runs; clang's tree of its own,
# about a minute and a half on a 2-core machine, build included). With SMP_FUZZ_SECONDS=N it also fuzzes each
# loader for N seconds of new inputs (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
bash scripts/build.sh asan
status=0
echo "== tests: release build"
(cd build && ctest --output-on-failure -j "$(nproc)") || status=1
echo "== tests: sanitizer build (ASan+UBSan)"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --output-on-failure -j "$(nproc)") || status=1
echo "== fuzzing: the bounded run, 4000 inputs per loader from seed 1"
bash scripts/fuzz.sh --runs 4000 || status=1
if [ -n "${SMP_FUZZ_SECONDS:-}" ]; then
    echo "== fuzzing: ${SMP_FUZZ_SECONDS} s per loader"
    bash scripts/fuzz.sh "$SMP_FUZZ_SECONDS" || status=1
fi
exit $status
