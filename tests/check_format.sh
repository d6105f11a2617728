#!/usr/bin/env bash
# Fails if a C source or header differs from the project's .clang-format (issue 15), naming each file and the
# first lines clang-format would change. With a root directory, checks every .c and .h of its src/ and tests/
# (the fuzz corpora are data); with --files, the files given. scripts/format.sh applies the format.
cf=$(command -v clang-format-14 || command -v clang-format) ||
    { echo "clang-format not found (scripts/setup.sh installs it)"; exit 1; }
if [ "${1:-}" = --files ]; then
    shift
    files=("$@")
else
    root=${1:?usage: check_format.sh ROOT | --files FILE...}
    cd "$root" || exit 1
    mapfile -t files < <(find src tests -name '*.[ch]' -not -path 'tests/fuzz/corpus/*' | sort)
fi
bad=0
for f in "${files[@]}"; do
    if ! out=$("$cf" --dry-run -Werror "$f" 2>&1); then
        echo "$f differs from .clang-format:"
        echo "$out" | grep -m 3 -E 'warning|error'
        bad=$((bad + 1))
    fi
done
[ $bad -eq 0 ] && echo "${#files[@]} files follow .clang-format" && exit 0
echo "$bad of ${#files[@]} files differ: run scripts/format.sh"
exit 1
