#!/usr/bin/env bash
# The format check must fail on a file that breaks .clang-format, and pass on the same file formatted.
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here/../.clang-format" "$tmp/"
printf 'int  main( void ){return 0 ;}\n' >"$tmp/bad.c"
if bash "$here/check_format.sh" --files "$tmp/bad.c" >"$tmp/out" 2>&1; then
    echo "check_format.sh passed a misformatted file"; exit 1
fi
grep -q "bad.c differs" "$tmp/out" || { echo "no file named in: $(cat "$tmp/out")"; exit 1; }
cf=$(command -v clang-format-14 || command -v clang-format)
"$cf" -i "$tmp/bad.c"
bash "$here/check_format.sh" --files "$tmp/bad.c" >"$tmp/out" 2>&1 || { echo "formatted file refused: $(cat "$tmp/out")"; exit 1; }
echo "the format check catches a misformatted file"
