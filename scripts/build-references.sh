#!/usr/bin/env bash
# Builds the reference implementations that `dsabench reference` times, from source checkouts the
# user provides, for Hopper (sm_90a), into a folder the reference runner finds. Their code is never
# part of dsabench. Usage:
#   scripts/build-references.sh FLASHMLA_SRC [OUT_DIR]      (OUT_DIR default: out/references)
# FLASHMLA_SRC is a checkout of https://github.com/deepseek-ai/FlashMLA with its CUTLASS submodule
# (csrc/cutlass) present: `git clone --recursive`, or the CUTLASS headers at the commit its
# submodule names copied to csrc/cutlass/{include,tools/util/include}. Needs python3 with PyTorch
# (CUDA build), nvcc 12.9+ and a C++20 compiler; no network. The commit is read from git, or from
# FLASHMLA_SRC/COMMIT when the source is not a git checkout.
# Output: OUT_DIR/flash_mla/ (the importable package), OUT_DIR/references.json (versions, commits,
# toolchain), then a smoke test of each reference op at one small point.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${1:?usage: scripts/build-references.sh FLASHMLA_SRC [OUT_DIR]}
out=${2:-out/references}
[ -f "$src/setup.py" ] && [ -d "$src/csrc" ] || { echo "build-references: $src is not a FlashMLA checkout (no setup.py, csrc/)" >&2; exit 2; }
[ -f "$src/csrc/cutlass/include/cute/tensor.hpp" ] || { echo "build-references: $src/csrc/cutlass/include is missing: clone with --recursive or copy CUTLASS's include/ there" >&2; exit 2; }
command -v python3 >/dev/null || { echo "build-references: python3 not found" >&2; exit 2; }
python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null || { echo "build-references: python3 has no CUDA-enabled torch" >&2; exit 2; }
# The runner ships in the repo as a resource and in the GPU bundle beside this script.
runner=$here/../harness/src/main/resources/io/dsabench/harness/reference/dsabench_reference.py
[ -f "$runner" ] || runner=$here/../lib/dsabench_reference.py
commit=$(git -C "$src" rev-parse HEAD 2>/dev/null || cat "$src/COMMIT" 2>/dev/null || echo unknown)
cutlass=$(git -C "$src/csrc/cutlass" rev-parse HEAD 2>/dev/null || cat "$src/CUTLASS_COMMIT" 2>/dev/null || echo unknown)
version=$(sed -n 's/.*version="\([0-9.]*\)".*/\1/p' "$src/setup.py" | head -n 1)
mkdir -p "$out"
out=$(cd "$out" && pwd)
start=$(date +%s)
echo "[references] building FlashMLA $version (commit $commit, CUTLASS $cutlass) for sm_90a"
# CUDA 13 moved thrust/cub/libcu++ under include/cccl; SM100 kernels are not needed on Hopper.
(
  cd "$src"
  export FLASH_MLA_DISABLE_SM100=1 FLASH_MLA_DISABLE_FP16=1
  export MAX_JOBS=${MAX_JOBS:-$(nproc)} NVCC_THREADS=${NVCC_THREADS:-4}
  export CPLUS_INCLUDE_PATH=${CUDA_HOME:-/usr/local/cuda}/include/cccl${CPLUS_INCLUDE_PATH:+:$CPLUS_INCLUDE_PATH}
  python3 setup.py build_ext --inplace >"$out/flash_mla-build.log" 2>&1
) || { echo "build-references: FlashMLA build failed; last lines of $out/flash_mla-build.log:" >&2; tail -n 30 "$out/flash_mla-build.log" >&2; exit 1; }
rm -rf "$out/flash_mla"
mkdir -p "$out/flash_mla"
cp "$src"/flash_mla/*.py "$src"/flash_mla/*.so "$out/flash_mla/"
python3 - "$out/references.json" "$version" "$commit" "$cutlass" "$src" "$(( $(date +%s) - start ))" <<'PY'
import json, subprocess, sys, datetime, torch
path, version, commit, cutlass, src, seconds = sys.argv[1:]
nvcc = subprocess.run(["nvcc", "--version"], capture_output=True, text=True).stdout.strip().splitlines()[-1]
doc = {}
try:
    doc = json.load(open(path))
except Exception:
    pass
doc["flash_mla"] = {
    "library": "flash_mla", "version": version, "commit": commit, "cutlassCommit": cutlass,
    "source": "https://github.com/deepseek-ai/FlashMLA", "arch": "sm_90a",
    "builtAt": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "buildSeconds": int(seconds), "nvcc": nvcc, "torch": torch.__version__,
}
json.dump(doc, open(path + ".tmp", "w"), indent=2)
import os; os.replace(path + ".tmp", path)
PY
echo "[references] FlashMLA built in $(( $(date +%s) - start )) s into $out/flash_mla"
echo "[references] smoke test (3 samples per op; not a measurement):"
python3 "$runner" --references "$out" --samples 3 --probe \
  decode/dense/p=4096/n=64/t=1 decode/dsa/p=4096/n=64/t=2 prefill/dsa/p=4096/n=1024 prefill/dense/p=4096/n=1024 | grep -v '^[ {}]'
