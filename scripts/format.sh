#!/usr/bin/env bash
# Applies .clang-format to every .c and .h of src/ and tests/ (what tests/check_format.sh checks).
set -euo pipefail
cd "$(dirname "$0")/.."
cf=$(command -v clang-format-14 || command -v clang-format)
find src tests -name '*.[ch]' -not -path 'tests/fuzz/corpus/*' -print0 | xargs -0 "$cf" -i
