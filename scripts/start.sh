#!/usr/bin/env bash
# Installs what the app needs, builds it and serves it on http://localhost:4173 with the built-in MNIST
# dataset (served from the app's own origin, so it works offline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx vite build --logLevel warn
echo "Petridish is at http://localhost:${PORT:-4173} (Ctrl+C stops it)"
exec npx vite preview --port "${PORT:-4173}" --strictPort
