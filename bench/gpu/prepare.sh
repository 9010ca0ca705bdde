#!/usr/bin/env bash
# Builds the self-contained GPU benchmark pack (run here, with network to npm/Debian only): the throughput
# bench bundled into one file, the xz'd node binary, Dawn's linux-x64 binary, Debian's Vulkan loader .deb,
# the reference architectures and the PyTorch reference. Output: bench/results/gpu-pack (gitignored, < 64 MiB),
# carried to the GPU machine next to the repository copy; bench/gpu/run.sh runs it there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PACK="${PACK:-$ROOT/bench/results/gpu-pack}"
# The xz'd binaries take minutes to make, so an existing one newer than its source is kept; the rest is rebuilt.
mkdir -p "$PACK/dist/linux-x64" "$PACK/deb"
rm -rf "$PACK/bench-gpu.mjs" "$PACK/reference-archs" "$PACK/deb"/* "$PACK/torch_reference.py"
cd "$ROOT"
xz_if_stale() { if [ "$2" -nt "$1" ]; then echo "prepare: keeping $2"; else xz -T2 -6 -c "$1" > "$2.tmp" && mv "$2.tmp" "$2"; fi; }

# The bundle resolves dawn.node relative to itself (webgpu's index.js uses import.meta.url), hence dist/linux-x64.
npx esbuild bench/throughput/throughput.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outfile="$PACK/bench-gpu.mjs"
xz_if_stale node_modules/webgpu/dist/linux-x64/dawn.node "$PACK/dist/linux-x64/dawn.node.xz"
xz_if_stale "$(readlink -f "$(command -v node)")" "$PACK/node.xz"
cp -r bench/reference-archs "$PACK/reference-archs"
cp bench/gpu/torch_reference.py "$PACK/"
(cd "$PACK/deb" && apt-get download libvulkan1 >/dev/null 2>&1) || echo "prepare: apt-get download libvulkan1 failed; run.sh will rely on a system Vulkan loader" >&2
node --version > "$PACK/node-version.txt"
du -sh "$PACK"
TOTAL=$(du -sb "$PACK" | cut -f1)
if [ "$TOTAL" -gt $((64 * 1024 * 1024)) ]; then echo "prepare: pack is $TOTAL bytes, over 64 MiB" >&2; exit 1; fi
echo "prepare: pack ready at $PACK ($TOTAL bytes)"
