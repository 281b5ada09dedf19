#!/bin/sh
# Builds the WebAssembly kernels from C with Debian's clang and lld (apt-get install clang lld)
# and writes them, base64-encoded, into src/cpu/wasm/binary.ts so that bundlers and every
# runtime load them without file access. Two builds of one source: "threads" imports a shared
# memory (worker threads, SharedArrayBuffer), "single" a plain one (browsers that are not
# cross-origin isolated). The output is byte-for-byte reproducible; CI rebuilds and compares.
# Needs clang, lld and wabt (wasm2wat, for the shadow-stack check below).
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang}
FLAGS="--target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -fno-builtin -Wall -Werror
  -Wl,--no-entry -Wl,--import-memory -Wl,--export=run -Wl,--export=ws_bytes
  -Wl,--export=__heap_base -Wl,--initial-memory=1048576 -Wl,--max-memory=4294967296
  -Wl,--strip-all -ffile-prefix-map=$PWD=."
SRC="kernels.c gemm.c"
# shellcheck disable=SC2086
$CC $FLAGS -matomics -mbulk-memory -Wl,--shared-memory $SRC -o kernels-threads.wasm
# shellcheck disable=SC2086
$CC $FLAGS $SRC -o kernels-single.wasm
node write-binary.mjs kernels-threads.wasm kernels-single.wasm > ../src/cpu/wasm/binary.ts
# Worker threads share the memory but each instance starts its shadow stack at the same
# address, so the kernels must not use one (no arrays or address-taken locals in C).
if wasm2wat --enable-threads kernels-threads.wasm | grep -q 'global.[gs]et 0'; then
  echo "build.sh: a kernel uses the shadow stack (global 0); threads would share it" >&2
  exit 1
fi
