#!/usr/bin/env bash
# Fails if a simulation module includes GL or SDL, prints, or exits; or if render/ includes SDL.
src=${1:?usage: check_boundaries.sh SRC_DIR}
fail=0
for m in core plan scalp pigment ageing optics analysis; do
    hits=$(grep -nE '#include *[<"](SDL|epoxy|GL/|EGL)|\b(printf|fprintf|puts|fputs|exit|abort)\s*\(' \
           "$src/$m"/*.[ch] 2>/dev/null)
    if [ -n "$hits" ]; then echo "module $m must not use GL, SDL, printing or exit:"; echo "$hits"; fail=1; fi
done
hits=$(grep -nE '#include *[<"]SDL' "$src/render"/*.[ch] 2>/dev/null)
if [ -n "$hits" ]; then echo "render/ must not include SDL:"; echo "$hits"; fail=1; fi
[ $fail -eq 0 ] && echo "module boundaries hold"
exit $fail
