#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh [release|asan]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
case "$kind" in
    release) dir=build;      args=(-DCMAKE_BUILD_TYPE=Release) ;;
    asan)    dir=build-asan; args=(-DCMAKE_BUILD_TYPE=Debug -DSMP_SANITIZE=ON) ;;
    *) echo "build.sh: unknown build kind '$kind' (release|asan)" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" "${args[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
