# Sourced first by the shell tests of tests/app, which CTest runs as `bash test_X.sh SMPSIM REPO`:
#     . "$(dirname "$0")/lib.sh" "$@"
# Sets smpsim and repo (also root) from the arguments, tmp (a folder removed on exit) and the counts, and
# gives the checks they share. Not a test itself (no test_ prefix).
set -u
smpsim=${1:?usage: $(basename "$0") SMPSIM REPO}
repo=${2:?usage: $(basename "$0") SMPSIM REPO}
root=$repo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0

# fail MESSAGE: stops the test.
fail() {
    echo "FAIL: $*"
    exit 1
}

# What expect_fail runs and checks, set by the test: the words before its arguments (a subcommand), the
# files a failed run must not leave (glob patterns, removed before each run) and whether stdout must stay
# empty.
command_prefix=()
outputs=""
quiet_stdout=0
# A test may define left_behind again: what it prints (files a refused run must not leave) fails expect_fail.
left_behind() { :; }

# expect_fail NAME WANT ARGS...: smpsim [command_prefix] ARGS exits 2 with exactly one line on stderr that
# holds WANT, leaves no temporary file in $tmp, none of $outputs and nothing left_behind prints (with
# quiet_stdout=1, prints nothing on stdout). Counts a pass or a fail.
expect_fail() {
    local name=$1 want=$2 pattern rc lines left=""
    shift 2
    for pattern in $outputs; do rm -f $pattern; done
    "$smpsim" "${command_prefix[@]}" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    lines=$(wc -l <"$tmp/stderr")
    for pattern in $outputs; do compgen -G "$pattern" >/dev/null && left="$left $pattern"; done
    left="$left $(left_behind | tr '\n' ' ')"
    if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -qF -- "$want" "$tmp/stderr" || [ -n "${left// /}" ] ||
        { [ "$quiet_stdout" = 1 ] && [ -s "$tmp/stdout" ]; } || ls "$tmp" | grep -q '\.tmp'; then
        echo "FAIL $name: exit $rc, $lines stderr lines, wanted '$want', left:$left"
        cat "$tmp/stderr"
        fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
}

# finish [LABEL]: prints the counts; its status is the test's: 0 when nothing failed.
finish() {
    echo "${1:+$1: }$passes passed, $fails failed"
    [ $fails -eq 0 ]
}
