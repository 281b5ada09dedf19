#!/bin/sh
# Builds the WebAssembly kernels from C with Debian's clang and lld and writes them, base64-
# encoded, into src/cpu/wasm/binary.ts so that bundlers and every runtime load them without
# file access. Two builds of one source: "threads" imports a shared memory (worker threads,
# SharedArrayBuffer), "single" a plain one (browsers that are not cross-origin isolated).
# Needs clang, lld and wabt (wasm2wat, for the shadow-stack check): apt-get install clang lld wabt
#
#   sh build.sh          rebuild the committed .wasm files and binary.ts
#   sh build.sh --check  rebuild in a temporary folder and fail unless it matches what is committed
set -eu
cd "$(dirname "$0")"
out=.
if [ "${1:-}" = "--check" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
CC=${CC:-clang}
FLAGS="--target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -fno-builtin -Wall -Werror
  -Wl,--no-entry -Wl,--import-memory -Wl,--export=run -Wl,--export=ws_bytes
  -Wl,--export=__heap_base -Wl,--initial-memory=1048576 -Wl,--max-memory=4294967296
  -Wl,--strip-all"
SRC="kernels.c gemm.c conv.c pool.c avgpool.c dots.c eltwise.c optim.c softmax.c reduce.c lstm.c"
# shellcheck disable=SC2086
$CC $FLAGS -matomics -mbulk-memory -Wl,--shared-memory $SRC -o "$out/kernels-threads.wasm"
# shellcheck disable=SC2086
$CC $FLAGS $SRC -o "$out/kernels-single.wasm"
# Worker threads share the memory but each instance starts its shadow stack at the same
# address, so the kernels must not use one (no arrays or address-taken locals in C).
if wasm2wat --enable-threads "$out/kernels-threads.wasm" | grep -q 'global.[gs]et 0'; then
  echo "build.sh: a kernel uses the shadow stack (global 0); threads would share it" >&2
  exit 1
fi
node write-binary.mjs "$out/kernels-threads.wasm" "$out/kernels-single.wasm" > "$out/binary.ts"
if [ "$out" = . ]; then
  mv binary.ts ../src/cpu/wasm/binary.ts
  exit 0
fi
for f in kernels-threads.wasm kernels-single.wasm; do
  cmp "$out/$f" "$f" || { echo "build.sh: $f does not match its source; run sh build.sh" >&2; exit 1; }
done
cmp "$out/binary.ts" ../src/cpu/wasm/binary.ts ||
  { echo "build.sh: src/cpu/wasm/binary.ts is stale; run sh build.sh" >&2; exit 1; }
echo "wasm kernels: the committed binaries match their C source ($("$CC" --version | head -1))"
