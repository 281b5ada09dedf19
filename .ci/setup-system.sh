#!/usr/bin/env bash
# System packages the test suite drives for real: Debian's Chromium for the board viewer's
# browser test; the toolchain and X libraries `gl` (headless WebGL, under gpu.js) compiles
# against, Xvfb for its display and Mesa's llvmpipe to render, for the gpu backend's tests;
# clang, lld and wabt to check that the committed WebAssembly kernels rebuild from their C;
# oneDNN and OpenBLAS, which @tensile/cpu-native's addon loads, for the native tier's suites.
# Installs only what is missing, so it is quick on a prepared machine.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
for pkg in g++ make python3 python-is-python3 pkg-config libx11-dev libxi-dev libxext-dev \
  libgl-dev libgl1-mesa-dri xvfb xauth clang lld wabt libdnnl2 libopenblas0-pthread; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-system: missing ${need[*]}; run as root or install them with apt-get" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
