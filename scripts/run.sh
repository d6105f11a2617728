#!/usr/bin/env bash
# Quick start: sets everything up, builds, and runs smpsim on its built-in default plan and head.
# With a display it opens the window; without one it renders the default views to PNG and prints their paths.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
exec ./build/smpsim "$@"
