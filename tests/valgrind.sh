#!/usr/bin/env bash
# Valgrind's memcheck over the Monte Carlo and a headless render (issue 15 item 3), with zero errors: no
# invalid or uninitialised read, no definite or possible leak. `smpsim mc` traces 300 photons of a
# three-layer .mci on 2 threads (the step, the batch runner and the JSON); render_test_memcheck_render draws
# a 96x64 frame of a small plan (dots, a FUE field, stubble) through every pass and reads it back.
# tests/valgrind.supp holds the only suppressions, for the system's own libraries, each named by its
# library (glibc's loader, Mesa's llvmpipe, LLVM, EGL, glapi). The release tree runs it: memcheck cannot run
# an ASan binary. Skipped (77) when valgrind is missing (scripts/setup.sh installs it).
set -u
smpsim=${1:?usage: valgrind.sh SMPSIM RENDER_TEST REPO}
render_test=${2:?usage: valgrind.sh SMPSIM RENDER_TEST REPO}
root=${3:?usage: valgrind.sh SMPSIM RENDER_TEST REPO}
command -v valgrind >/dev/null || { echo "valgrind is not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --keep-debuginfo: Mesa's driver is unloaded at exit, before the leak report; its frames keep their names.
memcheck=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,possible
          --show-leak-kinds=definite,possible --keep-debuginfo=yes --num-callers=30
          --suppressions="$root/tests/valgrind.supp")

# run NAME COMMAND...: under memcheck; its log must stay empty (-q prints errors only).
run() {
    local name=$1; shift
    "${memcheck[@]}" --log-file="$tmp/$name.log" "$@" >"$tmp/$name.out" 2>&1
    echo $? >"$tmp/$name.rc"
}
# Mesa's shader disk cache compresses and writes blobs with uninitialised padding (libzstd and write() on its
# cache thread, under glLinkProgram's check) whenever a shader is not in the cache yet, so the result would
# depend on what other tests compiled before. The render gets a cache of its own, filled by one run outside
# memcheck first, under valgrind's no-op tool (llvmpipe keys its cache by the CPU it is shown, which valgrind
# changes): under memcheck every shader is then read from it and nothing is written.
export MESA_SHADER_CACHE_DIR="$tmp/shader-cache"
start=$SECONDS
LP_NUM_THREADS=0 valgrind -q --tool=none "$render_test" >"$tmp/warm.out" 2>&1 ||
    { echo "FAIL render under valgrind's no-op tool"; cat "$tmp/warm.out"; exit 1; }
# The two at once (the render waits on llvmpipe's JIT, the Monte Carlo on its threads); llvmpipe draws on
# the calling thread (LP_NUM_THREADS=0), which memcheck runs faster than its rasteriser threads.
run mc "$smpsim" mc "$root/assets/mci/gardner_3layer.mci" --photons 300 --seed 3 --threads 2 &
LP_NUM_THREADS=0 run render "$render_test"
wait
status=0
for name in mc render; do
    rc=$(cat "$tmp/$name.rc")
    if [ "$rc" -ne 0 ] || [ -s "$tmp/$name.log" ]; then
        echo "FAIL $name under memcheck: exit $rc"; cat "$tmp/$name.log"; tail -20 "$tmp/$name.out"; status=1
    fi
done
grep -q '"diffuse_reflectance":' "$tmp/mc.out" || { echo "FAIL mc: no JSON"; status=1; }
grep -q 'PASSED' "$tmp/render.out" || { echo "FAIL render: the frame's test did not pass"; status=1; }
echo "memcheck: mc and a 96x64 headless render, $((SECONDS - start)) s, status $status"
exit $status
