#!/usr/bin/env bash
# Compiles every kernels/src/main/cuda/**/*.cu into classpath resources under
# io/dsabench/kernels/cuda/, keeping the folder: sm90/prefill/dense.cu becomes the module
# "sm90/prefill/dense". Files under sm90/ use Hopper-only instructions (wgmma, TMA, setmaxnreg) and
# build an sm_90a cubin only; every other file builds an sm_90a cubin and a compute_80 PTX (other
# GPUs, JIT-compiled by the driver). Runs at build time only; without nvcc the build still succeeds
# and the manifest says why the cuda backend is unavailable. `-Xptxas -v` output goes to the build
# log. The build fails when ptxas serializes wgmma (its "wgmma.mma_async instructions are
# serialized" remark): such a kernel runs, but every tensor-core product waits for the previous one.
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
while IFS= read -r h; do
  t=$(stat -c %Y "$h")
  (( t > newest_header )) && newest_header=$t
done < <(find "$src" -name '*.cuh' -o -name '*.h')
status=0
while IFS= read -r cu; do
  rel=${cu#"$src"/}
  name=${rel%.cu}
  modules+=("$name")
  mkdir -p "$out/$(dirname "$name")"
  cubin=$out/$name.sm_90a.cubin ptx=$out/$name.compute_80.ptx
  hopper_only=0
  [[ $rel == sm90/* ]] && hopper_only=1
  if [ -e "$cubin" ] && [ "$cubin" -nt "$cu" ] && [ "$(stat -c %Y "$cubin")" -ge "$newest_header" ] \
    && { [ $hopper_only = 1 ] || { [ -e "$ptx" ] && [ "$ptx" -nt "$cu" ]; }; }; then
    echo "[cuda] $name: up to date"
    continue
  fi
  # No -lineinfo: the line tables made the product's cubins 4.5x larger (sparse_fp8: 7.8 MB against
  # 1.7) and change no instruction; the round scripts build their own -lineinfo cubins for SASS work.
  flags=(-std=c++17 -O3 -I "$src")
  one_log=$(mktemp)
  echo "[cuda] nvcc $rel -> sm_90a cubin$([ $hopper_only = 1 ] || echo ' + compute_80 ptx')"
  if ! "$nvcc" "${flags[@]}" -cubin -gencode arch=compute_90a,code=sm_90a -Xptxas -v -o "$cubin" "$cu" >"$one_log" 2>&1; then
    echo "[cuda] nvcc failed on $rel for sm_90a; see $log"; status=1
  fi
  if grep -q "wgmma.mma_async instructions are serialized" "$one_log"; then
    echo "[cuda] $rel: ptxas serialized wgmma (see $log); a kernel that waits on every product is a bug here"
    rm -f "$cubin"; status=1
  fi
  cat "$one_log" >>"$log"; rm -f "$one_log"
  if [ $hopper_only = 0 ] && ! "$nvcc" "${flags[@]}" -ptx -arch=compute_80 -o "$ptx" "$cu" >>"$log" 2>&1; then
    echo "[cuda] nvcc failed on $rel for compute_80; see $log"; status=1
  fi
done < <(find "$src" -name '*.cu' | sort)
# Images whose source is gone (a candidate pruned from the sources) must not ride along in the jar:
# here, and (optional 4th argument: the build's class directory) in the copy that Maven's resources
# step made on an earlier build, which it never deletes, so the jar would still carry it.
for dir in "$out" ${4:+"$4/io/dsabench/kernels/cuda"}; do
  [ -d "$dir" ] || continue
  while IFS= read -r image; do
    rel=${image#"$dir"/}
    rel=${rel%.sm_90a.cubin}
    rel=${rel%.compute_80.ptx}
    if [ ! -e "$src/$rel.cu" ]; then
      echo "[cuda] $rel: source gone, removing $image"
      rm -f "$image"
    fi
  done < <(find "$dir" -name '*.sm_90a.cubin' -o -name '*.compute_80.ptx')
done
[ -s "$log" ] && sed 's/^/[ptxas] /' "$log"
{
  echo "nvcc=available"
  echo "nvccVersion=$version"
  echo "modules=$(IFS=,; echo "${modules[*]}")"
  echo "targets=sm_90a cubin,compute_80 ptx (sm90/*: sm_90a cubin only)"
} >"$manifest"
exit $status
