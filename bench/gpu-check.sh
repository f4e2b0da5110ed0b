#!/usr/bin/env bash
# GPU numbers in one command, on a headless Linux machine with an NVIDIA GPU (Vulkan):
#
#   bash bench/gpu-check.sh                  # from the repository root (or anywhere: it finds it)
#   bash bench/gpu-check.sh --allow-software # also runs (labelled) where only a software adapter exists
#   bash bench/gpu-check.sh -- --peak-gflops 66900   # anything after -- goes to the bench
#
# It checks and installs what the WebGPU bench needs (Node >= 20, the workspace's packages, the
# Vulkan loader, NVIDIA's Vulkan ICD file), prints the GPU, runs `pnpm bench -- --backend webgpu`
# (Tessera's WebGPU backend against tfjs-backend-webgpu, on Dawn in Node) and keeps its output in
# bench/results/gpu-check.log and bench/results/webgpu.json. About 1-3 minutes on a GPU; every
# step has a time bound so the whole stays under 5 minutes. Exit status: 0 with GPU numbers,
# 1 when it could not run or found only a software adapter (SwiftShader/lavapipe are never
# reported as GPU results).
set -euo pipefail

ALLOW_SOFTWARE=0
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --allow-software) ALLOW_SOFTWARE=1 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "gpu-check: unknown option $1 (expected --allow-software, or bench options after --)" >&2; exit 2 ;;
  esac
  shift
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p bench/results
LOG=bench/results/gpu-check.log
: > "$LOG"
say() { echo "gpu-check: $*" | tee -a "$LOG"; }
fail() { say "FAILED: $*"; exit 1; }
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
apt_install() {
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; }; then
    say "installing $* (apt)"
    DEBIAN_FRONTEND=noninteractive timeout 120 $SUDO apt-get install -y -qq --no-install-recommends "$@" >>"$LOG" 2>&1 ||
      { timeout 60 $SUDO apt-get update -qq >>"$LOG" 2>&1 && DEBIAN_FRONTEND=noninteractive timeout 120 $SUDO apt-get install -y -qq --no-install-recommends "$@" >>"$LOG" 2>&1; }
  else
    return 1
  fi
}

# 1. Node >= 20 (the workspace's engines field) and pnpm (the version the repository pins).
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  fail "Node >= 20 is needed (found: $(node --version 2>/dev/null || echo none)); install it from nodejs.org or NodeSource, then run again"
fi
PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
PNPM=(npx -y "pnpm@$PNPM_VERSION")
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then PNPM=(pnpm); fi
say "node $(node --version), pnpm $PNPM_VERSION"

# 2. The workspace's packages (webgpu@0.6.2 carries Dawn's prebuilt binary for linux-x64).
if [ ! -e bench/node_modules/webgpu ] || [ ! -e bench/node_modules/@tensorflow/tfjs-backend-webgpu ]; then
  say "installing the workspace's packages (pnpm install --frozen-lockfile)"
  timeout 150 "${PNPM[@]}" install --frozen-lockfile >>"$LOG" 2>&1 || fail "pnpm install failed (see $LOG)"
fi

# 3. The GPU and its Vulkan driver.
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/gpu-check: GPU: /' | tee -a "$LOG"
else
  say "nvidia-smi not found: no NVIDIA driver here"
fi
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  apt_install libvulkan1 || fail "the Vulkan loader (libvulkan.so.1) is missing: install libvulkan1"
fi
ICD=""
for f in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json; do
  if [ -f "$f" ]; then ICD="$f"; break; fi
done
if [ -z "$ICD" ] && ldconfig -p 2>/dev/null | grep -q 'libGLX_nvidia\.so\.0'; then
  # Containers often mount NVIDIA's libraries without the ICD file that points the loader at them.
  ICD="$ROOT/bench/results/nvidia_icd.json"
  echo '{"file_format_version": "1.0.0", "ICD": {"library_path": "libGLX_nvidia.so.0", "api_version": "1.3"}}' > "$ICD"
  say "wrote $ICD (NVIDIA's libraries are here, their Vulkan ICD file was not)"
fi
if [ -n "$ICD" ]; then
  export VK_ICD_FILENAMES="$ICD"
  say "Vulkan driver: $ICD"
elif [ "$ALLOW_SOFTWARE" -eq 1 ]; then
  say "no NVIDIA Vulkan driver: the bench falls back to a software adapter (labelled, not a GPU result)"
else
  fail "no NVIDIA Vulkan driver (no nvidia_icd.json and no libGLX_nvidia.so.0): this is not a GPU machine, or its driver lacks Vulkan"
fi
export NODEVICE_SELECT=1
if command -v vulkaninfo >/dev/null 2>&1; then
  timeout 20 vulkaninfo --summary 2>/dev/null | grep -E 'deviceName|driverName|apiVersion' | sed 's/^/gpu-check: vulkan: /' | tee -a "$LOG" || true
fi

# 4. The bench: 5 timed repetitions after 2 warm-ups, alternating Tessera and tfjs (a software
#    adapter, allowed only when asked, gets one of each: its smoke-sized cases take seconds a run).
REPS=(--reps 5 --warmup 2)
if [ -z "$ICD" ]; then REPS=(--reps 1 --warmup 1); fi
say "running pnpm bench -- --backend webgpu ${REPS[*]} ${EXTRA[*]}"
set +e
timeout 240 "${PNPM[@]}" --silent bench -- --backend webgpu "${REPS[@]}" "${EXTRA[@]}" 2>&1 | grep -v 'vkCreateInstance\|CheckVkSuccessImpl' | tee -a "$LOG"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || fail "the bench exited with status $status (124: it ran past 240 s); output in $LOG"
if grep -q 'SOFTWARE ADAPTER' "$LOG"; then
  if [ "$ALLOW_SOFTWARE" -eq 1 ]; then say "done on a software adapter: not GPU numbers"; exit 0; fi
  fail "Dawn picked a software adapter, not the GPU: not GPU numbers (see the Adapter line in $LOG)"
fi
say "done: GPU numbers in $LOG and bench/results/webgpu.json"
