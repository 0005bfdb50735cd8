#!/usr/bin/env python3
"""dsabench reference runner: times DeepSeek's FlashMLA and PyTorch on the local GPU.

The one Python program of dsabench. It exists because the reference implementations (FlashMLA's
kernels, cuDNN attention through PyTorch) are reachable only from Python. `dsabench reference`
(Java) starts it, hands it sweep points and decides when to stop sampling; this side builds the
inputs that DeepSeek-V3.2 serves, runs the reference call and times each sample with CUDA events.

Protocol: JSON lines. stdout carries messages to Java and nothing else; logs go to stderr.
  runner -> {"type": "hello", "python", "torch", "device": {...}, "implementations": {...}}
  java   -> {"type": "point", "phase", "variant", "position", "tokens", "tokensPerSeq", "ops": [...],
             "warmupRuns", "warmupSeconds", "seed"}
            (variant "rest": also "rest": {"library": "torch" | "deep_gemm", "expertParallel",
             "expertsPerGpu", "rowsPerExpert", "calls": {op: [{"name", "kind", "m", "n", "k",
             "groups"}]}}: one layer's calls of each rest-of-model op)
  runner -> {"type": "stage", "op", "status": "ok", "implementation": {...}}
            | {"type": "stage", "op", "status": "skipped" | "failed", "reason"}
  runner -> {"type": "sample", "op", "seconds", "parts": {...}?}   (after warm-up)
  java   -> {"type": "next"} | {"type": "stop"}
  runner -> {"type": "point-done"}
  java   -> {"type": "exit"}
A sample is device time between two CUDA events around one reference call. Before the start event
the stream is held by a sleep kernel long enough to cover the host's enqueue of the call, so the
GPU runs the call's kernels back to back and the host's launch latency is not timed (dsabench
times its own kernels the same way).

`--probe POINT...` (e.g. decode/dense/p=16384/n=64/t=1) runs each point's ops a few times without
Java and prints their medians: a smoke test of an installation, not a measurement to publish.
"""

import argparse
import json
import math
import os
import platform
import sys
import time
import traceback

HEADS = 128
QK_DIM = 192  # dense MHA prefill: 128 nope + 64 rope
V_DIM = 128
LATENT = 576  # MQA decode and sparse attention: 512 latent + 64 rope
LATENT_V = 512
TOPK = 2048
INDEX_HEADS = 64
INDEX_DIM = 128
BLOCK = 64  # FlashMLA's page block size as DeepSeek serves it
SOFTMAX_SCALE = QK_DIM ** -0.5


def log(msg):
    print("[reference] " + msg, file=sys.stderr, flush=True)


def send(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def receive():
    line = sys.stdin.readline()
    if not line:
        raise EOFError("dsabench closed the runner's input")
    return json.loads(line)


class Unavailable(Exception):
    """A reference that cannot run here: the stage is skipped with this reason."""


# ---------------------------------------------------------------- environment and versions


def load_torch():
    try:
        import torch  # noqa: F401
    except Exception as e:  # ImportError and broken installs alike
        return None, "torch not importable: %s" % e
    import torch

    if not torch.cuda.is_available():
        return None, "torch %s sees no CUDA device" % torch.__version__
    return torch, None


def driver_version():
    try:
        import ctypes

        v = ctypes.c_int()
        ctypes.CDLL("libcuda.so.1").cuDriverGetVersion(ctypes.byref(v))
        return "CUDA %d.%d" % (v.value // 1000, (v.value % 1000) // 10)
    except Exception:
        return None


def device_record(torch):
    p = torch.cuda.get_device_properties(0)
    record = {
        "name": p.name,
        "computeCapability": "%d.%d" % (p.major, p.minor),
        "driverVersion": driver_version(),
        "smCount": p.multi_processor_count,
        "memoryBytes": p.total_memory,
    }
    uuid = getattr(p, "uuid", None)
    if uuid is not None:  # as nvidia-smi and dsabench's own runs name the GPU
        record["uuid"] = "GPU-" + str(uuid)
    return record


def references_manifest(folder):
    path = os.path.join(folder, "references.json") if folder else None
    if path and os.path.isfile(path):
        with open(path) as f:
            return json.load(f)
    return {}


class Libraries:
    """What is importable here, with versions, and why not where it is not."""

    def __init__(self, torch, folder):
        self.torch = torch
        self.manifest = references_manifest(folder)
        if folder and folder not in sys.path:
            sys.path.insert(0, folder)
        self.flash_mla = None
        self.flash_mla_error = None
        try:
            import flash_mla

            self.flash_mla = flash_mla
        except Exception as e:
            where = (" (looked in %s)" % folder) if folder else ""
            self.flash_mla_error = "flash_mla not importable%s: %s" % (where, e)
        self.deep_gemm = None
        self.deep_gemm_error = None
        try:
            import deep_gemm

            self.deep_gemm = deep_gemm
        except Exception as e:
            self.deep_gemm_error = "deep_gemm not importable: %s" % e

    def describe(self):
        t = self.torch
        out = {
            "torch": {
                "library": "torch",
                "version": t.__version__,
                "cuda": t.version.cuda,
                "cudnn": str(t.backends.cudnn.version()),
            }
        }
        if self.flash_mla is not None:
            out["flash_mla"] = self.flash_mla_info("")
        else:
            out["flash_mla"] = {"library": "flash_mla", "unavailable": self.flash_mla_error}
        if self.deep_gemm is not None:
            out["deep_gemm"] = self.deep_gemm_info("")
        else:
            out["deep_gemm"] = {"library": "deep_gemm", "unavailable": self.deep_gemm_error}
        return out

    def flash_mla_info(self, function):
        m = self.manifest.get("flash_mla", {})
        return {
            "library": "flash_mla",
            "function": function,
            "version": m.get("version", getattr(self.flash_mla, "__version__", "unknown")),
            "commit": m.get("commit", "unknown"),
        }

    def deep_gemm_info(self, function):
        m = self.manifest.get("deep_gemm", {})
        return {
            "library": "deep_gemm",
            "function": function,
            "version": m.get("version", getattr(self.deep_gemm, "__version__", "unknown")),
            "commit": m.get("commit", "unknown"),
        }

    def torch_info(self, function, **extra):
        t = self.torch
        info = {"library": "torch", "function": function, "version": t.__version__}
        info.update(extra)
        return info


# ---------------------------------------------------------------- inputs


def random_indices(torch, rows_visible, total, k, gen):
    """For each row, k distinct random indices in [0, visible), -1 padded when visible < k.

    rows_visible: list of visible key counts, one per row; total: the longest row.
    """
    out = torch.empty((len(rows_visible), k), dtype=torch.int32, device="cuda")
    chunk = max(1, (1 << 27) // max(total, 1))
    for start in range(0, len(rows_visible), chunk):
        vis = torch.tensor(rows_visible[start : start + chunk], device="cuda", dtype=torch.int64)
        r = torch.rand((len(vis), total), device="cuda", generator=gen)
        r[torch.arange(total, device="cuda")[None, :] >= vis[:, None]] = -1.0
        kk = min(k, total)
        vals, idx = r.topk(kk, dim=-1)
        idx = idx.to(torch.int32)
        idx[vals < 0] = -1
        if kk < k:
            idx = torch.cat(
                [idx, torch.full((len(vis), k - kk), -1, dtype=torch.int32, device="cuda")], 1
            )
        out[start : start + len(vis)] = idx
    return out


def fp8_kv_cache(torch, blocks, gen):
    """DeepSeek-V3.2's 656-byte FP8 cache entries: 512 e4m3, 4 fp32 scales, 64 bf16 rope."""
    cache = torch.empty((blocks, BLOCK, 1, 656), dtype=torch.uint8, device="cuda")
    flat = cache.view(blocks * BLOCK, 656)
    step = 1 << 16
    for s in range(0, blocks * BLOCK, step):
        rows = flat[s : s + step]
        n = rows.shape[0]
        nope = (torch.randn((n, 512), device="cuda", generator=gen) * 64).to(torch.float8_e4m3fn)
        rows[:, :512] = nope.view(torch.uint8)
        scales = torch.rand((n, 4), device="cuda", generator=gen) * 0.009 + 0.001
        rows[:, 512:528] = scales.view(torch.uint8)
        rope = torch.randn((n, 64), device="cuda", generator=gen).to(torch.bfloat16)
        rows[:, 528:656] = rope.view(torch.uint8)
    return cache.view(torch.float8_e4m3fn)


def randn(torch, shape, gen, dtype, scale=1.0):
    if dtype in (torch.bfloat16, torch.float32):  # no fp32 temporary for large bf16 caches
        return torch.randn(shape, device="cuda", generator=gen, dtype=dtype).mul_(scale)
    return (torch.randn(shape, device="cuda", generator=gen) * scale).to(dtype)


# ---------------------------------------------------------------- the references, by op


class Point:
    def __init__(self, msg):
        self.phase = msg["phase"]
        self.variant = msg["variant"]
        self.position = int(msg["position"])
        self.tokens = int(msg["tokens"])
        self.tps = int(msg.get("tokensPerSeq", 1))
        self.ops = list(msg["ops"])
        self.warmup_runs = int(msg.get("warmupRuns", 3))
        self.warmup_seconds = float(msg.get("warmupSeconds", 0.1))
        self.seed = int(msg.get("seed", 1))
        self.rest = msg.get("rest")  # variant "rest": the calls of each op, and the library

    def sequences(self):
        return self.tokens // self.tps


class Stage:
    """One reference call, ready to run: run() enqueues it; parts() optional sub-calls."""

    def __init__(self, implementation, run, parts=None, note=None):
        self.implementation = implementation
        self.run = run
        self.parts = parts  # list of (name, callable): the sample is parts[0] - parts[1]
        self.note = note


def dense_decode(lib, torch, pt, gen):
    if lib.flash_mla is None:
        raise Unavailable(lib.flash_mla_error)
    b, s_q, p = pt.sequences(), pt.tps, pt.position
    nb = (p + BLOCK - 1) // BLOCK
    cache = randn(torch, (b * nb, BLOCK, 1, LATENT), gen, torch.bfloat16, 0.1)
    table = torch.arange(b * nb, dtype=torch.int32, device="cuda").view(b, nb)
    seqlens = torch.full((b,), p, dtype=torch.int32, device="cuda")
    q = randn(torch, (b, s_q, HEADS, LATENT), gen, torch.bfloat16)
    sched, _ = lib.flash_mla.get_mla_metadata()

    def run():
        return lib.flash_mla.flash_mla_with_kvcache(
            q, cache, table, seqlens, LATENT_V, sched, causal=s_q > 1
        )

    return Stage(lib.flash_mla_info("flash_mla_with_kvcache (bf16, dense, page block 64)"), run)


def sparse_decode(lib, torch, pt, gen):
    if lib.flash_mla is None:
        raise Unavailable(lib.flash_mla_error)
    b, s_q, p = pt.sequences(), pt.tps, pt.position
    nb = (p + BLOCK - 1) // BLOCK
    cache = fp8_kv_cache(torch, b * nb, gen)
    visible = [p - s_q + j + 1 for _ in range(b) for j in range(s_q)]
    local = random_indices(torch, visible, p, TOPK, gen).view(b, s_q, TOPK)
    base = (torch.arange(b, device="cuda", dtype=torch.int32) * (nb * BLOCK)).view(b, 1, 1)
    indices = torch.where(local >= 0, local + base, local)
    q = randn(torch, (b, s_q, HEADS, LATENT), gen, torch.bfloat16)
    sched, _ = lib.flash_mla.get_mla_metadata()

    def run():
        return lib.flash_mla.flash_mla_with_kvcache(
            q, cache, None, None, LATENT_V, sched, is_fp8_kvcache=True, indices=indices
        )

    return Stage(
        lib.flash_mla_info("flash_mla_with_kvcache (FP8 656-byte cache, sparse top-2048)"), run
    )


def sparse_prefill(lib, torch, pt, gen):
    if lib.flash_mla is None:
        raise Unavailable(lib.flash_mla_error)
    n, p = pt.tokens, pt.position
    q = randn(torch, (n, HEADS, LATENT), gen, torch.bfloat16)
    kv = randn(torch, (p, 1, LATENT), gen, torch.bfloat16, 0.1)
    visible = [p - n + i + 1 for i in range(n)]
    indices = random_indices(torch, visible, p, TOPK, gen).view(n, 1, TOPK)

    def run():
        return lib.flash_mla.flash_mla_sparse_fwd(q, kv, indices, SOFTMAX_SCALE, LATENT_V)

    return Stage(lib.flash_mla_info("flash_mla_sparse_fwd (bf16, top-2048)"), run)


def sdpa_context(torch, backend):
    from torch.nn.attention import SDPBackend, sdpa_kernel

    return sdpa_kernel([getattr(SDPBackend, backend)])


def dense_prefill(lib, torch, pt, gen):
    """cuDNN's causal kernel: the chunk's marginal cost T(causal over p) - T(causal over p - n)."""
    import torch.nn.functional as F

    n, p = pt.tokens, pt.position
    q = randn(torch, (1, p, HEADS, QK_DIM), gen, torch.bfloat16).transpose(1, 2)
    k = randn(torch, (1, p, HEADS, QK_DIM), gen, torch.bfloat16).transpose(1, 2)
    v = randn(torch, (1, p, HEADS, V_DIM), gen, torch.bfloat16).transpose(1, 2)
    prefix = p - n

    def causal(length):
        def call():
            with sdpa_context(torch, "CUDNN_ATTENTION"):
                return F.scaled_dot_product_attention(
                    q[:, :, :length], k[:, :, :length], v[:, :, :length], is_causal=True,
                    scale=SOFTMAX_SCALE,
                )

        return call

    full = causal(p)
    parts = [("full", full)]
    if prefix > 0:
        parts.append(("prefix", causal(prefix)))
    return Stage(
        lib.torch_info(
            "scaled_dot_product_attention (is_causal, marginal T(p) - T(p-n))",
            backend="cudnn",
            cudnn=str(torch.backends.cudnn.version()),
        ),
        full,
        parts=parts,
    )


def dense_prefill_masked(lib, torch, pt, gen):
    """One call: n queries over p keys with a bottom-right-aligned causal mask (ours' work)."""
    import torch.nn.functional as F
    from torch.nn.attention.bias import causal_lower_right

    n, p = pt.tokens, pt.position
    q = randn(torch, (1, n, HEADS, QK_DIM), gen, torch.bfloat16).transpose(1, 2)
    k = randn(torch, (1, p, HEADS, QK_DIM), gen, torch.bfloat16).transpose(1, 2)
    v = randn(torch, (1, p, HEADS, V_DIM), gen, torch.bfloat16).transpose(1, 2)
    mask = causal_lower_right(n, p)
    errors = []
    for backend in ("CUDNN_ATTENTION", "EFFICIENT_ATTENTION"):

        def call(backend=backend):
            with sdpa_context(torch, backend):
                return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=SOFTMAX_SCALE)

        try:
            call()
            torch.cuda.synchronize()
        except Exception as e:
            errors.append("%s: %s" % (backend.lower(), str(e).splitlines()[0] if str(e) else e))
            continue
        return Stage(
            lib.torch_info(
                "scaled_dot_product_attention (causal_lower_right mask)",
                backend=backend.lower().replace("_attention", ""),
                cudnn=str(torch.backends.cudnn.version()),
                # With only cuDNN enabled, CausalBias hands SDPA its n x p boolean mask.
                mask="materialized n x p" if backend == "CUDNN_ATTENTION" else "lower-right causal",
            ),
            call,
        )
    raise Unavailable("no SDPA backend took the bottom-right causal mask: " + "; ".join(errors))


def indexer(lib, torch, pt, gen):
    """The fp8 logits GEMM (GEMM only: no ReLU, no head weights) as a lower bound of the work.

    DeepGEMM's fp8_mqa_logits would be the real reference; where it is importable it runs instead.
    """
    e4m3 = torch.float8_e4m3fn
    one = torch.ones((), device="cuda", dtype=torch.float32)
    if pt.phase == "prefill":
        n, p = pt.tokens, pt.position
        q = randn(torch, (n * INDEX_HEADS, INDEX_DIM), gen, torch.float32, 32).to(e4m3)
        k = randn(torch, (p, INDEX_DIM), gen, torch.float32, 32).to(e4m3)
        # Chunks of query rows keep the bf16 logits under ~2 GB; DeepGEMM never writes them all.
        rows = max(INDEX_HEADS * 16, ((1 << 30) // p) // (INDEX_HEADS * 16) * (INDEX_HEADS * 16))
        chunks = [(s, min(s + rows, q.shape[0])) for s in range(0, q.shape[0], rows)]

        def run():
            for s, e in chunks:
                torch._scaled_mm(q[s:e], k.t(), scale_a=one, scale_b=one, out_dtype=torch.bfloat16)

    else:
        b, s_q, p = pt.sequences(), pt.tps, pt.position
        q = randn(torch, (b, s_q * INDEX_HEADS, INDEX_DIM), gen, torch.float32, 32).to(e4m3)
        k = randn(torch, (b, p, INDEX_DIM), gen, torch.float32, 32).to(e4m3)

        def run():
            for i in range(b):
                torch._scaled_mm(q[i], k[i].t(), scale_a=one, scale_b=one, out_dtype=torch.bfloat16)

    return Stage(
        lib.torch_info(
            "_scaled_mm (e4m3 q·kᵀ, bf16 out)",
            label="GEMM only, lower bound",
            note="DeepGEMM's fp8_mqa_logits is not called by this runner"
            + ("" if lib.deep_gemm is not None else " (and not importable here)"),
        ),
        run,
    )


def topk(lib, torch, pt, gen):
    """torch.topk over logits of the point's shape (every row over all p keys)."""
    p = pt.position
    rows = pt.tokens
    logits = torch.randn((rows, p), device="cuda", generator=gen)
    k = min(TOPK, p)

    def run():
        return torch.topk(logits, k, dim=-1, sorted=False)

    return Stage(lib.torch_info("topk (k=%d, fp32 rows of p logits)" % k), run)


REST_LABEL = "lower bound of the work: per-tensor scales, not the 1×128/128×128 recipe"


def pad16(n):
    """_scaled_mm wants every dimension a multiple of 16: rows are padded up (and said so)."""
    return (n + 15) // 16 * 16


def rest_calls(lib, torch, pt, op, gen):
    """One layer's calls of a rest op, as Java listed them (RestCalls): fp8 GEMMs through
    torch._scaled_mm with per-tensor scales (a grouped GEMM as one call per group), the router as
    a bf16 matmul + torch.topk, SwiGLU as torch ops. DeepGEMM's recipe is not faked: asked for,
    the stage is skipped with the reason."""
    rest = pt.rest or {}
    if rest.get("library") == "deep_gemm":
        if lib.deep_gemm is None:
            raise Unavailable("DeepGEMM (the 1×128/128×128 recipe): " + lib.deep_gemm_error)
        raise Unavailable(
            "DeepGEMM is importable but this runner does not call it yet: no DeepGEMM number")
    calls = rest.get("calls", {}).get(op)
    if not calls:
        raise Unavailable("no calls given for %s" % op)
    e4m3 = torch.float8_e4m3fn
    one = torch.ones((), device="cuda", dtype=torch.float32)
    runs = []
    padded = []
    for c in calls:
        kind, m, n, k, groups = c["kind"], int(c["m"]), int(c["n"]), int(c["k"]), int(c["groups"])
        if kind == "gemm":
            mp = pad16(m)
            if mp != m:
                padded.append("%s %d->%d rows" % (c["name"], m, mp))
            a = randn(torch, (groups, mp, k), gen, torch.float32, 1).to(e4m3)
            w = randn(torch, (groups, n, k), gen, torch.float32, 1).to(e4m3)

            def run(a=a, w=w, groups=groups):
                for g in range(groups):
                    torch._scaled_mm(a[g], w[g].t(), scale_a=one, scale_b=one,
                                     out_dtype=torch.bfloat16)

        elif kind == "router":
            x = randn(torch, (m, k), gen, torch.bfloat16)
            w = randn(torch, (n, k), gen, torch.bfloat16, 0.02)

            def run(x=x, w=w):
                torch.topk(torch.matmul(x, w.t()).float().softmax(-1), 8, dim=-1)

        elif kind == "swiglu":
            gu = randn(torch, (m, 2 * n), gen, torch.bfloat16)

            def run(gu=gu, n=n):
                gate, up = gu[:, :n], gu[:, n:]
                (torch.nn.functional.silu(gate) * up).to(e4m3)

        else:
            raise Unavailable("unknown call kind %s" % kind)
        runs.append(run)

    def run_all():
        for r in runs:
            r()

    info = lib.torch_info(
        "_scaled_mm (e4m3, per-tensor scales, bf16 out; grouped as one call per group);"
        " router bf16 matmul + topk; SwiGLU as torch ops",
        label=REST_LABEL,
        note=("DeepGEMM not importable here: " + lib.deep_gemm_error)
        if lib.deep_gemm is None
        else "DeepGEMM importable but not called by this runner",
    )
    if padded:
        info["padded"] = "; ".join(padded)
    return Stage(info, run_all)


def rest_builder(op):
    return lambda lib, torch, pt, gen: rest_calls(lib, torch, pt, op, gen)


BUILDERS = {
    "dense_decode": dense_decode,
    "sparse_decode": sparse_decode,
    "sparse_prefill": sparse_prefill,
    "dense_prefill": dense_prefill,
    "dense_prefill_masked": dense_prefill_masked,
    "indexer": indexer,
    "topk": topk,
    "mla_projections": rest_builder("mla_projections"),
    "indexer_projections": rest_builder("indexer_projections"),
    "moe_experts": rest_builder("moe_experts"),
    "dense_ffn": rest_builder("dense_ffn"),
    "lm_head": rest_builder("lm_head"),
}


# ---------------------------------------------------------------- timing


class Timer:
    """Device time of one call between CUDA events, the stream held while the host enqueues."""

    def __init__(self, torch):
        self.torch = torch
        self.start = torch.cuda.Event(enable_timing=True)
        self.stop = torch.cuda.Event(enable_timing=True)
        self.hold_cycles = 2_000_000  # ~1 ms at 2 GHz until the enqueue time is known

    def calibrate(self, call):
        """Sizes the hold from the host's enqueue time of the call (twice it, plus 100 µs)."""
        t = self.torch
        t.cuda.synchronize()
        t0 = time.perf_counter()
        call()
        enqueue = time.perf_counter() - t0
        t.cuda.synchronize()
        self.hold_cycles = int(min(2.0, 2 * enqueue + 100e-6) * 2.0e9)

    def time(self, call):
        t = self.torch
        t.cuda._sleep(self.hold_cycles)
        self.start.record()
        call()
        self.stop.record()
        self.stop.synchronize()
        return self.start.elapsed_time(self.stop) / 1000.0


def sample(timer, stage):
    """One sample (seconds) and, for marginal stages, its parts."""
    if stage.parts is None:
        return timer.time(stage.run), None
    parts = {name: timer.time(call) for name, call in stage.parts}
    seconds = parts["full"] - parts.get("prefix", 0.0)
    return seconds, parts


def warm_up(torch, timer, stage, runs, seconds):
    calls = [c for _, c in stage.parts] if stage.parts else [stage.run]
    for c in calls:
        timer.calibrate(c)  # also the first run: errors surface here, before any sample
    timer.hold_cycles = max(timer.hold_cycles, 1)
    done, t0 = 0, time.perf_counter()
    while done < runs or time.perf_counter() - t0 < seconds:
        for c in calls:
            c()
        torch.cuda.synchronize()
        done += 1
    # the hold covers the slowest enqueue of the calls
    longest = 0
    for c in calls:
        timer.calibrate(c)
        longest = max(longest, timer.hold_cycles)
    timer.hold_cycles = longest


def is_oom(torch, e):
    return isinstance(e, torch.cuda.OutOfMemoryError) or "out of memory" in str(e).lower()


def measure_point(lib, torch, msg, send, answer):
    """Runs every op of the point; send(message) reports stages, answer(op, seconds, parts) gets
    each sample and says whether to take another."""
    pt = Point(msg)
    for op in pt.ops:
        builder = BUILDERS.get(op)
        if builder is None:
            send({"type": "stage", "op": op, "status": "skipped",
                  "reason": "no reference for op %s" % op})
            continue
        gen = torch.Generator(device="cuda")
        gen.manual_seed(pt.seed)
        stage = None
        try:
            stage = builder(lib, torch, pt, gen)
            timer = Timer(torch)
            warm_up(torch, timer, stage, pt.warmup_runs, pt.warmup_seconds)
        except Unavailable as e:
            send({"type": "stage", "op": op, "status": "skipped", "reason": str(e)})
            stage = None
        except Exception as e:
            status = "skipped" if is_oom(torch, e) else "failed"
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            reason = ("out of memory: " if status == "skipped" else "") + first
            log("%s at %s: %s" % (op, msg, traceback.format_exc()))
            send({"type": "stage", "op": op, "status": status, "reason": reason})
            stage = None
        if stage is not None:
            send({"type": "stage", "op": op, "status": "ok", "implementation": stage.implementation})
            while True:
                seconds, parts = sample(timer, stage)
                if not answer(op, seconds, parts):
                    break
        del stage
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
    send({"type": "point-done"})


# ---------------------------------------------------------------- entry points


def serve(lib, torch):
    def answer(op, seconds, parts):
        msg = {"type": "sample", "op": op, "seconds": seconds}
        if parts:
            msg["parts"] = parts
        send(msg)
        reply = receive()
        return reply.get("type") == "next"

    while True:
        msg = receive()
        kind = msg.get("type")
        if kind == "exit":
            return 0
        if kind != "point":
            log("unknown message %r" % (msg,))
            continue
        measure_point(lib, torch, msg, send, answer)


def parse_probe(text):
    # decode/dense/p=16384/n=64/t=1
    parts = text.split("/")
    fields = dict(x.split("=", 1) for x in parts[2:])
    phase, variant = parts[0], parts[1]
    if variant == "dense":
        ops = ["dense_prefill", "dense_prefill_masked"] if phase == "prefill" else ["dense_decode"]
    else:
        ops = ["indexer", "topk", "sparse_prefill" if phase == "prefill" else "sparse_decode"]
    if "ops" in fields:
        ops = fields["ops"].split(",")
    return {
        "type": "point", "phase": phase, "variant": variant, "position": int(fields["p"]),
        "tokens": int(fields["n"]), "tokensPerSeq": int(fields.get("t", 1)), "ops": ops,
        "warmupRuns": 3, "warmupSeconds": 0.1, "seed": 1,
    }


def probe(lib, torch, points, samples, hello, record):
    """Runs points without Java, a fixed number of samples per op; prints medians. With record,
    writes the exchange as it would have gone over the pipes ({"dir": "in"|"out", "msg"} lines)."""
    status = 0
    log_file = open(record, "w") if record else None

    def note(direction, msg):
        if log_file:
            log_file.write(json.dumps({"dir": direction, "msg": msg}, separators=(",", ":")) + "\n")
            log_file.flush()

    note("out", hello)
    for text in points:
        msg = parse_probe(text)
        note("in", msg)
        got = {}
        lines = []

        def emit(obj):
            lines.append(obj)
            note("out", obj)

        def answer(op, seconds, parts):
            got.setdefault(op, []).append(seconds)
            out = {"type": "sample", "op": op, "seconds": seconds}
            if parts:
                out["parts"] = parts
            note("out", out)
            more = len(got[op]) < samples
            note("in", {"type": "next" if more else "stop"})
            return more

        measure_point(lib, torch, msg, emit, answer)
        for line in lines:
            if line["type"] == "stage" and line["status"] != "ok":
                print("%-40s %-22s %s: %s" % (text, line["op"], line["status"], line["reason"]))
                status = 1 if line["status"] == "failed" else status
        for op, xs in got.items():
            xs = sorted(xs)
            print("%-40s %-22s median %.6f s over %d samples" % (text, op, xs[len(xs) // 2], len(xs)))
        sys.stdout.flush()
    note("in", {"type": "exit"})
    if log_file:
        log_file.close()
    return status


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--references", default=os.environ.get("DSABENCH_REFERENCES"),
                    help="folder holding built references (flash_mla/, references.json)")
    ap.add_argument("--probe", nargs="*", help="points to run without Java (smoke test)")
    ap.add_argument("--samples", type=int, default=10, help="samples per op with --probe")
    ap.add_argument("--record", help="with --probe: write the exchange as JSON lines to this file")
    args = ap.parse_args()
    torch, why = load_torch()
    if torch is None:
        print(json.dumps({"type": "error", "reason": why}), flush=True)
        return 3
    lib = Libraries(torch, args.references)
    hello = {
        "type": "hello",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "device": device_record(torch),
        "implementations": lib.describe(),
    }
    if args.probe is not None:
        print(json.dumps(hello, indent=1), flush=True)
        return probe(lib, torch, args.probe, args.samples, hello, args.record)
    send(hello)
    try:
        return serve(lib, torch)
    except EOFError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
