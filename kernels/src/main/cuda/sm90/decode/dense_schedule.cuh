// The split-KV schedule of the sm_90a dense decode (dense.cu), shared by its kernels and the
// standalone driver. All sequences of a call have the same length, so each part's share is a few
// integer operations on the device, not a metadata table.
#pragma once

namespace dd_schedule {
constexpr int BN = 64;  // keys per KV tile
// Fixed cost of one (part, sequence) work item, in tiles: loading Q, filling the pipeline, the
// epilogue and the combine's share. FlashMLA's scheduler uses the same figure.
#ifndef DSA_V3_OVERHEAD_TILES
#define DSA_V3_OVERHEAD_TILES 5
#endif
constexpr int OVERHEAD_TILES = DSA_V3_OVERHEAD_TILES;

// Which tiles of which sequence each part owns. Every sequence is OVERHEAD_TILES + tiles units
// long, its tiles after its overhead; part q owns units [q * per_part, (q + 1) * per_part) of the
// sequences laid end to end. The (part, sequence) pairs with tiles form a staircase, so part +
// sequence numbers the partial outputs uniquely (fewer than parts + batch slots).
struct Schedule {
  int batch, tiles, units;
  long long per_part;

  __host__ __device__ Schedule(int batch_, int position, int parts) {
    batch = batch_;
    tiles = (position + BN - 1) / BN;
    units = tiles + OVERHEAD_TILES;
    per_part = ((long long)batch * units + parts - 1) / parts;
  }
  // Tiles [lo, hi) of sequence b that part q owns; lo >= hi when none.
  __host__ __device__ void range(int q, int b, int& lo, int& hi) const {
    const long long start = q * per_part - (long long)b * units - OVERHEAD_TILES;
    const long long end = start + per_part;
    lo = (int)(start < 0 ? 0 : (start > tiles ? tiles : start));
    hi = (int)(end < 0 ? 0 : (end > tiles ? tiles : end));
  }
  __host__ __device__ int first_seq(int q) const {
    const long long b = q * per_part / units;
    return (int)(b < batch ? b : batch);
  }
  __host__ __device__ int last_seq(int q) const {
    const long long b = ((q + 1) * per_part - 1) / units;
    return (int)(b < batch - 1 ? b : batch - 1);
  }
  // Parts that own tiles of sequence b: first_part(b) .. last_part(b).
  __host__ __device__ int first_part(int b) const {
    return (int)(((long long)b * units + OVERHEAD_TILES) / per_part);
  }
  __host__ __device__ int last_part(int b) const {
    return (int)(((long long)(b + 1) * units - 1) / per_part);
  }
};

}  // namespace dd_schedule
