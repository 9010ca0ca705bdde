#!/usr/bin/env bash
# Runs on the GPU machine (no network, no browser): unpacks the pack made by prepare.sh, sets up Debian's
# Vulkan loader with the NVIDIA ICD (or SwiftShader where that is what exists, as when testing here), runs the
# throughput + utilisation bench through Dawn and the plain PyTorch reference, and writes everything to $OUT.
# Usage: OUT=/some/dir bash bench/gpu/run.sh [--quick]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PACK="${PACK:-$ROOT/bench/results/gpu-pack}"
OUT="${OUT:?set OUT to the results folder}"
QUICK="${1:-}"
WORK="$(mktemp -d)"
mkdir -p "$OUT"
exec > >(tee -a "$OUT/run.log") 2>&1
[ -f "$PACK/bench-gpu.mjs" ] || { echo "run.sh: no pack at $PACK; run bench/gpu/prepare.sh first"; exit 2; }

cp "$PACK/bench-gpu.mjs" "$WORK/" && mkdir -p "$WORK/dist/linux-x64"
xz -dc "$PACK/dist/linux-x64/dawn.node.xz" > "$WORK/dist/linux-x64/dawn.node"
xz -dc "$PACK/node.xz" > "$WORK/node" && chmod +x "$WORK/node"
for deb in "$PACK"/deb/*.deb; do [ -f "$deb" ] && dpkg -x "$deb" "$WORK/vulkan"; done
if [ -d "$WORK/vulkan/usr/lib/x86_64-linux-gnu" ]; then export LD_LIBRARY_PATH="$WORK/vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
NVIDIA_ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$NVIDIA_ICD" ] || NVIDIA_ICD="$(ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)"
if [ -n "$NVIDIA_ICD" ] && [ -f "$NVIDIA_ICD" ]; then
  export VK_DRIVER_FILES="$NVIDIA_ICD" VK_ICD_FILENAMES="$NVIDIA_ICD"
  echo "run.sh: Vulkan ICD $NVIDIA_ICD"
else
  echo "run.sh: no NVIDIA Vulkan ICD found; Dawn will use whatever adapter exists (SwiftShader when testing)"
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$OUT/gpu.csv" 2>/dev/null || { echo "run.sh: nvidia-smi unavailable"; rm -f "$OUT/gpu.csv"; }
"$WORK/node" --version

if [ "$QUICK" = "--quick" ]; then SIZES=(--batch 4 --steps 2 --matmul 256); else SIZES=(--batch 64 --steps 20 --matmul 2048); fi
echo "== Dawn (TF.js WebGPU) throughput + utilisation"
"$WORK/node" "$WORK/bench-gpu.mjs" --backends webgpu --archs "$PACK/reference-archs" --results "$OUT" --name throughput-dawn "${SIZES[@]}"
DAWN_RC=$?

echo "== PyTorch reference"
if python3 -c "import torch" 2>/dev/null; then
  python3 "$PACK/torch_reference.py" --archs "$PACK/reference-archs" --out "$OUT/throughput-torch.json" "${SIZES[@]}"
  TORCH_RC=$?
else
  echo "run.sh: PyTorch is not installed here; the PyTorch reference was skipped" | tee "$OUT/torch-skipped.txt"
  TORCH_RC=0
fi
rm -rf "$WORK"
echo "run.sh: dawn rc=$DAWN_RC torch rc=$TORCH_RC; results in $OUT"
exit $(( DAWN_RC != 0 || TORCH_RC != 0 ))
