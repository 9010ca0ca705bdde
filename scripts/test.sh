#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, then runs type checks, the Node
# unit tests, a production build and the end-to-end tests in real headless Chromium (WebGPU on SwiftShader).
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium (the end-to-end tests drive it; no browser is downloaded)…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The end-to-end tests need Debian's chromium at $CHROMIUM. Install it with:" >&2
    echo "  sudo apt-get install chromium" >&2
    exit 1
  fi
fi

# The download end-to-end test makes a self-signed certificate with openssl; the tar reader's test checks
# archives written by GNU tar.
for tool in openssl tar; do
  if ! command -v "$tool" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
    else
      echo "The tests need $tool. Install it with: sudo apt-get install $tool" >&2
      exit 1
    fi
  fi
done

bash scripts/ensure-deps.sh

# Screenshots of every screen the end-to-end tests reach, with each screen's axe-core findings: said at the
# end even when a step fails, so they can be looked at (and kept by CI) either way.
SHOTS=artifacts/screenshots
report_screens() {
  if [ -d "$SHOTS" ]; then
    echo "== screenshots of each screen: $(pwd)/$SHOTS ($(find "$SHOTS" -name '*.png' | wc -l) PNG files)"
    node scripts/axe-summary.mjs "$SHOTS" || true
  fi
}
trap report_screens EXIT

echo "== type check"
npm run --silent typecheck
echo "== unit tests (Node)"
npx vitest run
echo "== production build"
npx vite build --logLevel warn
echo "== end-to-end tests (headless Chromium)"
rm -rf "$SHOTS"
npx vitest run --config vitest.e2e.config.ts
