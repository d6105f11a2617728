#!/usr/bin/env bash
# Sets everything up, builds the release and the sanitizer (ASan+UBSan) trees, and runs every test in both.
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
exit $status
