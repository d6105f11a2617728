#!/usr/bin/env bash
# Fails if a simulation module includes GL or SDL, prints, or exits; if render/ includes SDL; or if anything
# outside render/ includes GL or calls it (render/ owns every GL call: the UI and the commands ask it).
src=${1:?usage: check_boundaries.sh SRC_DIR}
fail=0
for m in core plan scalp pigment ageing optics analysis scene; do
    hits=$(grep -nE '#include *[<"](SDL|epoxy|GL/|EGL)|\b(printf|fprintf|puts|fputs|exit|abort)\s*\(' \
           "$src/$m"/*.[ch] 2>/dev/null)
    if [ -n "$hits" ]; then echo "module $m must not use GL, SDL, printing or exit:"; echo "$hits"; fail=1; fi
done
hits=$(grep -nE '#include *[<"]SDL' "$src/render"/*.[ch] 2>/dev/null)
if [ -n "$hits" ]; then echo "render/ must not include SDL:"; echo "$hits"; fail=1; fi
# Every module but render/, those to come included.
for dir in "$src"/*/; do
    m=$(basename "$dir")
    [ "$m" = render ] && continue
    hits=$(grep -nHE '#include *[<"](epoxy|GL/|EGL)|\b(gl|egl)[A-Z][A-Za-z0-9]*\s*\(' "$dir"*.[ch] 2>/dev/null)
    if [ -n "$hits" ]; then echo "module $m must leave GL to render/:"; echo "$hits"; fail=1; fi
done
[ $fail -eq 0 ] && echo "module boundaries hold"
exit $fail
