#!/usr/bin/env bash
# Compiles every kernels/src/main/cuda/*.cu into an sm_90a cubin (Hopper: wgmma, TMA) and a
# compute_80 PTX (other GPUs, JIT-compiled by the driver), as classpath resources under
# io/dsabench/kernels/cuda/. Runs at build time only; without nvcc the build still succeeds and the
# manifest says why the cuda backend is unavailable. `-Xptxas -v` output goes to the build log.
set -uo pipefail
src=$1 out=$2/io/dsabench/kernels/cuda log=$3
mkdir -p "$out"
manifest=$out/manifest.properties
nvcc=${NVCC:-$(command -v nvcc || true)}
if [ -z "$nvcc" ]; then
  printf 'nvcc=unavailable\nreason=nvcc was not found on PATH when dsabench was built\n' >"$manifest"
  echo "[cuda] nvcc not found: building without CUDA kernels; the cuda backend will be unavailable"
  exit 0
fi
version=$("$nvcc" --version | tail -n 2 | head -n 1)
: >"$log"
modules=()
newest_header=0
for h in "$src"/*.cuh; do [ -e "$h" ] && newest_header=$(( $(stat -c %Y "$h") > newest_header ? $(stat -c %Y "$h") : newest_header )); done
status=0
for cu in "$src"/*.cu; do
  [ -e "$cu" ] || continue
  name=$(basename "$cu" .cu)
  modules+=("$name")
  cubin=$out/$name.sm_90a.cubin ptx=$out/$name.compute_80.ptx
  if [ -e "$cubin" ] && [ -e "$ptx" ] && [ "$cubin" -nt "$cu" ] && [ "$(stat -c %Y "$cubin")" -ge "$newest_header" ]; then
    echo "[cuda] $name: up to date"
    continue
  fi
  echo "[cuda] nvcc $name.cu -> sm_90a cubin + compute_80 ptx"
  flags=(-std=c++17 -O3 -lineinfo -I "$src")
  if ! "$nvcc" "${flags[@]}" -cubin -gencode arch=compute_90a,code=sm_90a -Xptxas -v -o "$cubin" "$cu" >>"$log" 2>&1; then
    echo "[cuda] nvcc failed on $name.cu for sm_90a; see $log"; status=1
  fi
  if ! "$nvcc" "${flags[@]}" -ptx -arch=compute_80 -o "$ptx" "$cu" >>"$log" 2>&1; then
    echo "[cuda] nvcc failed on $name.cu for compute_80; see $log"; status=1
  fi
done
[ -s "$log" ] && sed 's/^/[ptxas] /' "$log"
{
  echo "nvcc=available"
  echo "nvccVersion=$version"
  echo "modules=$(IFS=,; echo "${modules[*]}")"
  echo "targets=sm_90a cubin,compute_80 ptx"
} >"$manifest"
exit $status
