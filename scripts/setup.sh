#!/usr/bin/env bash
# Installs what smpsim needs to build, run and test on Debian 12. Idempotent: installs only what is missing.
set -euo pipefail
# python3 runs the small JSON checks of the CLI tests; libcairo2-dev draws the analysis plots; clang-14 with
# libclang-rt-14-dev (libFuzzer and the sanitizers' runtimes) builds the fuzzers of scripts/fuzz.sh; chromium
# loads the consultation report (smpsim report) headless in its test; valgrind runs memcheck over the Monte
# Carlo and a headless render (tests/valgrind.sh); clang-format checks every C file (tests/check_format.sh).
pkgs=(build-essential cmake pkg-config clang-14 libclang-rt-14-dev clang-format
      libsdl2-dev libepoxy-dev libcglm-dev libstb-dev libcjson-dev libcmocka-dev libcairo2-dev zlib1g-dev
      libassimp-dev
      libgl1-mesa-dri libegl-mesa0 libegl1 fonts-dejavu-core xvfb xauth python3 chromium valgrind)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
