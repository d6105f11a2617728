#!/usr/bin/env bash
# check_boundaries.sh must fail, naming the file, when a gl* or egl* call or a GL include appears outside
# render/: in app/, in ui/, or in a module that does not exist yet. Runs it on a copy of src/.
src=${1:?usage: check_boundaries_fails.sh SRC_DIR}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src" "$tmp/src"
bash "$here/check_boundaries.sh" "$tmp/src" >/dev/null || { echo "the clean tree fails the check"; exit 1; }
fail=0
expect_failure() { # FILE LINE: the check must fail and name FILE
    local file=$1 line=$2
    cp -r "$src" "$tmp/case"
    mkdir -p "$(dirname "$tmp/case/$file")"
    echo "$line" >>"$tmp/case/$file"
    out=$(bash "$here/check_boundaries.sh" "$tmp/case")
    if [ $? -eq 0 ] || ! grep -qF "$(basename "$file"):" <<<"$out" || ! grep -qF "$line" <<<"$out"; then
        echo "not caught: '$line' in $file"; echo "$out"; fail=1
    fi
    rm -rf "$tmp/case"
}
expect_failure app/cmd_bench.c 'static void f(void) { glFinish(); }'
expect_failure ui/gl.c 'static const void *g(void) { return glGetString(0x1F01); }'
expect_failure newmodule/thing.c 'static void h(void) { glClear (0); }'
expect_failure app/app.h '#include <epoxy/gl.h>'
expect_failure ui/ui.h '#include <EGL/egl.h>'
[ $fail -eq 0 ] && echo "gl outside render/ is caught"
exit $fail
