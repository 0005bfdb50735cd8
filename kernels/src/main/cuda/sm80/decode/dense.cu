// Dense MLA decode in absorbed MQA mode, the portable kernel (version 1): 128 query heads share one
// latent cache entry of 576 (512 latent + 64 rope) per token; the value is the entry's first 512
// dims. Layouts: q [batch, tps, 128, 576], cache [batch, position, 576], out [batch, tps, 128,
// 512], bf16. Query token j of a sequence sees keys 0 .. position - tps + j. Built to compute_80
// PTX, which the driver compiles for whatever GPU it finds; Hopper runs sm90/decode/dense.cu
// instead.
//
// FlashAttention-2 style on mma.sync (HMMA.16816.F32.BF16), split-KV + combine. One block = 64
// query rows (half the heads of one query token) over a range of KV tiles of 32 tokens. The 64x512
// fp32 output (128 KB) is what limits the design: 8 warps each own 16 rows x 256 columns (128
// accumulator registers). S = Q K^T for a tile is split by keys: warp (rg, ch) computes rows
// rg*16.., keys ch*16..; the two halves exchange row maxima and P through shared memory so both
// warps of a row group can multiply P (16x32) by their 256 value columns. Q (72 KB) stays in shared
// memory, KV tiles (36 KB) are double-buffered with cp.async: 150 KB, one block per SM. The tile is
// 32 keys, not 64, so that the block fits the 163 KB per block an A100 (sm_80) allows; GPUs with
// 99-100 KB per block (sm_86, sm_89) cannot run it, and the backend says so before launching.
// Rows of 1152 B are XOR-swizzled in 16-byte chunks so ldmatrix never conflicts.
#include "common.cuh"

namespace dsa::decode_v1 {
constexpr int ROWS = 64, BN = 32, D = 576, DV = 512, HEADS = 128, THREADS = 256;
constexpr int CHUNKS = D / 8;
constexpr int KH = BN / 2;  // keys per warp of a row group (the two key halves)
constexpr int LP = BN + 8;  // P rows padded: 80 B, eight rows on eight distinct 16-byte bank groups
// Q, two KV stages and P (bf16), then the two key halves' row maxima (fp32).
constexpr int SHARED_BYTES = (ROWS * D + 2 * BN * D + ROWS * LP) * 2 + 2 * ROWS * 4;
constexpr int COMBINE_THREADS = DV / 4;  // 4 output columns per thread

// Element offset of (row, col) in a swizzled [rows][576] tile; col is a multiple of 8 for ldmatrix.
DSA_DEVICE int swz(int row, int col) {
  return row * D + ((((col >> 3) ^ (row & 7))) << 3) + (col & 7);
}

// The epilogue: a warp pair's two key halves meet through sMax (row sums), then O / sum goes to out
// (one split) or to this split's partial O and log2-sum-exp (several). o is the thread's 32 x 4
// accumulators (rows g and g+8 of row group rg, output columns ch*256 ..).
DSA_DEVICE void finish_rows(const float* o, const float* row_sum, const float* row_max, float* sMax,
                            __nv_bfloat16* __restrict__ out, float* __restrict__ partial_o,
                            float* __restrict__ partial_lse, long long row0, int splits,
                            int split) {
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, t4 = lane & 3;
  const int rg = warp & 3, ch = warp >> 2;
  __syncthreads();
#pragma unroll
  for (int h = 0; h < 2; h++) {
    float sum = row_sum[h];
    sum += __shfl_xor_sync(0xffffffff, sum, 1);
    sum += __shfl_xor_sync(0xffffffff, sum, 2);
    if (t4 == 0) sMax[ch * ROWS + rg * 16 + g + h * 8] = sum;
  }
  __syncthreads();
#pragma unroll
  for (int h = 0; h < 2; h++) {
    const int r = rg * 16 + g + h * 8;
    const float sum = sMax[r] + sMax[ROWS + r];
    const float inv = sum > 0.f ? 1.f / sum : 0.f;
    const long long row = row0 + r;
    if (splits == 1) {
      uint32_t* dst = reinterpret_cast<uint32_t*>(out + row * DV + ch * 256);
#pragma unroll
      for (int nt = 0; nt < 32; nt++)
        dst[(nt * 8 + 2 * t4) / 2] =
            dsa::pack_bf16(o[nt * 4 + h * 2] * inv, o[nt * 4 + h * 2 + 1] * inv);
    } else {
      float2* dst = reinterpret_cast<float2*>(partial_o + (row * splits + split) * DV + ch * 256);
#pragma unroll
      for (int nt = 0; nt < 32; nt++)
        dst[(nt * 8 + 2 * t4) / 2] =
            make_float2(o[nt * 4 + h * 2] * inv, o[nt * 4 + h * 2 + 1] * inv);
      if (ch == 0 && t4 == 0)
        partial_lse[row * splits + split] = sum > 0.f ? row_max[h] + log2f(sum) : -INFINITY;
    }
  }
}
}  // namespace dsa::decode_v1

// Launch: grid (batch * tps * 128 / dense_decode_v1_rows row blocks, splits),
// dense_decode_v1_threads threads, dense_decode_v1_shared_bytes of dynamic shared memory. Split s
// of a row block takes KV tiles (of dense_decode_v1_block_n keys) s * tiles_per_split .. +
// tiles_per_split - 1. With one split the block writes out; with several it writes its partial O
// and log2-sum-exp, which dense_decode_v1_combine merges.
extern "C" __global__ void __launch_bounds__(dsa::decode_v1::THREADS, 1)
    dense_decode_v1(const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ cache,
                    __nv_bfloat16* __restrict__ out, float* __restrict__ partial_o,
                    float* __restrict__ partial_lse, int tps, int position, int tiles_per_split,
                    int splits, float scale) {
  using namespace dsa::decode_v1;
  extern __shared__ __align__(16) __nv_bfloat16 smem[];
  __nv_bfloat16* sQ = smem;
  __nv_bfloat16* sKV = sQ + ROWS * D;                      // two stages
  __nv_bfloat16* sP = sKV + 2 * BN * D;                    // [64][LP]
  float* sMax = reinterpret_cast<float*>(sP + ROWS * LP);  // [2][64]

  const int rb = blockIdx.x, split = blockIdx.y;
  const int seq = rb / (tps * 2), tok = (rb >> 1) % tps, half = rb & 1;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int g = lane >> 2, t4 = lane & 3;
  const int rg = warp & 3, ch = warp >> 2;
  const long long row0 = ((long long)(seq * tps + tok) * HEADS + half * ROWS);  // first query row
  const int limit = position - tps + tok + 1;  // keys this token sees
  const int n_tiles = (limit + BN - 1) / BN;
  const int t_begin = split * tiles_per_split;
  const int t_end = min(n_tiles, t_begin + tiles_per_split);
  const __nv_bfloat16* kv = cache + (size_t)seq * position * D;
  const float sl2 = scale * 1.4426950408889634f;

  auto load_q = [&]() {
    const __nv_bfloat16* src = q + row0 * D;
    for (int c = tid; c < ROWS * CHUNKS; c += THREADS) {
      int r = c / CHUNKS, cc = c % CHUNKS;
      dsa::cp_async_16(dsa::smem_u32(sQ + swz(r, cc * 8)), src + (size_t)r * D + cc * 8, 16);
    }
  };
  auto load_kv = [&](int tile, int stage) {
    __nv_bfloat16* dst = sKV + stage * BN * D;
    for (int c = tid; c < BN * CHUNKS; c += THREADS) {
      int r = c / CHUNKS, cc = c % CHUNKS;
      int key = tile * BN + r;
      const __nv_bfloat16* src = kv + (size_t)min(key, position - 1) * D + cc * 8;
      dsa::cp_async_16(dsa::smem_u32(dst + swz(r, cc * 8)), src, key < limit ? 16 : 0);
    }
  };

  float o[DV / 2 / 8][4];
#pragma unroll
  for (int nt = 0; nt < DV / 2 / 8; nt++)
#pragma unroll
    for (int e = 0; e < 4; e++) o[nt][e] = 0.f;
  float row_max[2] = {-INFINITY, -INFINITY}, row_sum[2] = {0.f, 0.f};

  const int a_row = lane & 15, a_col = (lane >> 4) * 8;
  const int b_row = (lane & 7) + ((lane >> 4) << 3), b_col = ((lane >> 3) & 1) * 8;
  const int v_row = (lane & 7) + (((lane >> 3) & 1) << 3), v_col = (lane >> 4) * 8;

  if (t_begin < t_end) {
    load_q();
    load_kv(t_begin, 0);
    dsa::cp_async_commit();
  }
  for (int j = t_begin; j < t_end; j++) {
    const int stage = (j - t_begin) & 1;
    const __nv_bfloat16* tile = sKV + stage * BN * D;
    dsa::cp_async_wait<0>();
    __syncthreads();  // KV_j is in; every warp is done with the other stage (tile j-1)
    if (j + 1 < t_end) {
      load_kv(j + 1, stage ^ 1);
      dsa::cp_async_commit();
    }

    // ---- S = Q K^T for 16 rows x KH keys ----
    float s[KH / 8][4];
#pragma unroll
    for (int nt = 0; nt < KH / 8; nt++)
#pragma unroll
      for (int e = 0; e < 4; e++) s[nt][e] = 0.f;
#pragma unroll 4
    for (int kk = 0; kk < D / 16; kk++) {
      uint32_t a[4];
      dsa::ldmatrix_x4(a[0], a[1], a[2], a[3],
                       dsa::smem_u32(sQ + swz(rg * 16 + a_row, kk * 16 + a_col)));
#pragma unroll
      for (int np = 0; np < KH / 16; np++) {
        uint32_t b0, b1, b2, b3;
        dsa::ldmatrix_x4(b0, b1, b2, b3,
                         dsa::smem_u32(tile + swz(ch * KH + np * 16 + b_row, kk * 16 + b_col)));
        dsa::mma_bf16_16816(s[2 * np], a, b0, b1);
        dsa::mma_bf16_16816(s[2 * np + 1], a, b2, b3);
      }
    }

    // ---- mask the last tile, exchange row maxima between the two key halves ----
    const bool needs_mask = (j + 1) * BN > limit;
    float mx[2];
#pragma unroll
    for (int h = 0; h < 2; h++) {
      mx[h] = -INFINITY;
#pragma unroll
      for (int nt = 0; nt < KH / 8; nt++)
#pragma unroll
        for (int e = 0; e < 2; e++) {
          float x = s[nt][h * 2 + e] * sl2;
          if (needs_mask && j * BN + ch * KH + nt * 8 + 2 * t4 + e >= limit) x = -INFINITY;
          s[nt][h * 2 + e] = x;
          mx[h] = fmaxf(mx[h], x);
        }
      mx[h] = fmaxf(mx[h], __shfl_xor_sync(0xffffffff, mx[h], 1));
      mx[h] = fmaxf(mx[h], __shfl_xor_sync(0xffffffff, mx[h], 2));
      if (t4 == 0) sMax[ch * ROWS + rg * 16 + g + h * 8] = mx[h];
    }
    __syncthreads();
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const int r = rg * 16 + g + h * 8;
      const float m_new = fmaxf(row_max[h], fmaxf(sMax[r], sMax[ROWS + r]));
      const float alpha = exp2f(row_max[h] - m_new);
      row_max[h] = m_new;
      float sum = 0.f;
#pragma unroll
      for (int nt = 0; nt < KH / 8; nt++) {
        float p0 = exp2f(s[nt][h * 2] - m_new), p1 = exp2f(s[nt][h * 2 + 1] - m_new);
        sum += p0 + p1;
        *reinterpret_cast<uint32_t*>(sP + r * LP + ch * KH + nt * 8 + 2 * t4) =
            dsa::pack_bf16(p0, p1);
      }
      row_sum[h] = row_sum[h] * alpha + sum;
#pragma unroll
      for (int nt = 0; nt < DV / 2 / 8; nt++) {
        o[nt][h * 2] *= alpha;
        o[nt][h * 2 + 1] *= alpha;
      }
    }
    __syncthreads();  // P complete for all BN keys

    // ---- O += P V: 16 rows x 256 columns per warp ----
#pragma unroll
    for (int kk = 0; kk < BN / 16; kk++) {
      uint32_t a[4];
      dsa::ldmatrix_x4(a[0], a[1], a[2], a[3],
                       dsa::smem_u32(sP + (rg * 16 + a_row) * LP + kk * 16 + a_col));
#pragma unroll
      for (int np = 0; np < DV / 2 / 16; np++) {
        uint32_t b0, b1, b2, b3;
        dsa::ldmatrix_x4_trans(
            b0, b1, b2, b3, dsa::smem_u32(tile + swz(kk * 16 + v_row, ch * 256 + np * 16 + v_col)));
        dsa::mma_bf16_16816(o[2 * np], a, b0, b1);
        dsa::mma_bf16_16816(o[2 * np + 1], a, b2, b3);
      }
    }
  }

  // ---- row sums: each warp summed its own keys; add the other half's ----
  finish_rows(&o[0][0], row_sum, row_max, sMax, out, partial_o, partial_lse, row0, splits, split);
}

// out[row] = sum_s w_s O_s / sum_s w_s with w_s = 2^(lse_s - max lse): one block per query row,
// dense_decode_v1_combine_threads threads x 4 columns.
extern "C" __global__ void __launch_bounds__(dsa::decode_v1::COMBINE_THREADS)
    dense_decode_v1_combine(__nv_bfloat16* __restrict__ out, const float* __restrict__ partial_o,
                            const float* __restrict__ partial_lse, int splits) {
  using namespace dsa::decode_v1;
  const long long row = blockIdx.x;
  const float* lse = partial_lse + row * splits;
  float m = -INFINITY;
  for (int s = 0; s < splits; s++) m = fmaxf(m, lse[s]);
  float4 acc = make_float4(0.f, 0.f, 0.f, 0.f);
  float total = 0.f;
  for (int s = 0; s < splits; s++) {
    const float w = lse[s] == -INFINITY ? 0.f : exp2f(lse[s] - m);
    total += w;
    const float4 x =
        reinterpret_cast<const float4*>(partial_o + (row * splits + s) * DV)[threadIdx.x];
    acc.x += w * x.x, acc.y += w * x.y, acc.z += w * x.z, acc.w += w * x.w;
  }
  const float inv = 1.f / total;
  uint2 packed = make_uint2(dsa::pack_bf16(acc.x * inv, acc.y * inv),
                            dsa::pack_bf16(acc.z * inv, acc.w * inv));
  reinterpret_cast<uint2*>(out + row * DV)[threadIdx.x] = packed;
}

// Launch constants, read by the cuda backend from this module (CudaBackend.constant).
extern "C" __device__ const int dense_decode_v1_shared_bytes = dsa::decode_v1::SHARED_BYTES;
extern "C" __device__ const int dense_decode_v1_threads = dsa::decode_v1::THREADS;
extern "C" __device__ const int dense_decode_v1_rows =
    dsa::decode_v1::ROWS;  // query rows per block
extern "C" __device__ const int dense_decode_v1_block_n = dsa::decode_v1::BN;  // keys per KV tile
extern "C" __device__ const int dense_decode_v1_combine_threads = dsa::decode_v1::COMBINE_THREADS;
