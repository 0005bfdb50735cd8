// Host-only model of indexer v8's schedule (sm90/indexer/fp8.cu, indexer_v8_body): the producer
// thread and the two consumer warpgroups as three host threads, the TMA unit as a fourth that lands
// copies in random order after random delays, mbarriers with arrival counts, transaction bytes and
// phase parity as PTX defines them. Each shared-memory region (key stage, scale slot, query slot,
// weight slot) holds a tag naming what was copied into it; a consumer checks the tags of its item
// when its waits return and again just before it releases the stage, so a missing wait, a wrong
// parity or an early refill shows up as a wrong tag; a deadlock as a wait that never returns.
// It models the protocol only (items, stages, slots, phases, transaction bytes), not the data.
// Build and run anywhere (no GPU): g++ -std=c++17 -O2 -pthread v8_schedule_sim.cpp && ./a.out
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace {

// Ring depth: v8's 10 by default; -DSIM_STAGES=18 models v9's ring (round idx10). v9's consumers
// issue their barrier operations in v8's order (wait keys, wait query slot on a new tile, read,
// release; the weights are read between the waits and the release), so the consumer model is
// theirs too.
#ifndef SIM_STAGES
#define SIM_STAGES 10
#endif
constexpr int STAGES = SIM_STAGES, CONSUMERS = 2, BK = 64, SBOX = BK + 4;

struct Barrier {  // an mbarrier: phase completes when all arrivals are in and tx is back to 0
  int init = 0, pending = 0, phase = 0;
  long tx = 0;
  void complete_if_done() {
    if (pending == 0 && tx == 0) {
      phase++;
      pending = init;
    }
  }
};

struct Cta {
  std::mutex m;
  std::vector<Barrier> full, empty, qbar;
  // Region tags: what the last landed copy put there (-1: nothing yet).
  std::vector<long> keyTag, scaleTag, qTag, wTag;
  struct Copy {
    int kind, region, bar, bytes;
    long tag;
  };
  std::vector<Copy> inflight;
  std::mt19937 rng;
  std::atomic<bool> failed{false}, producerDone{false};
  std::atomic<int> consumersDone{0};
  char why[256] = {0};

  explicit Cta(unsigned seed) : full(STAGES), empty(STAGES), qbar(2), keyTag(STAGES, -1), scaleTag(STAGES, -1),
                                qTag(2, -1), wTag(2, -1), rng(seed) {
    for (auto& b : full) b.init = b.pending = 1;
    for (auto& b : empty) b.init = b.pending = 128;
    for (auto& b : qbar) b.init = b.pending = 1;
  }
  void fail(const char* msg) {
    std::lock_guard<std::mutex> g(m);
    if (!failed.exchange(true)) snprintf(why, sizeof why, "%s", msg);
  }
  void jitter() {
    int r;
    {
      std::lock_guard<std::mutex> g(m);
      r = rng() % 8;
    }
    for (int i = 0; i < r; i++) std::this_thread::yield();
  }
  // try_wait.parity: true once the phase of that parity has completed (current phase parity differs).
  bool wait(std::vector<Barrier>& v, int i, int parity, const char* what) {
    auto t0 = std::chrono::steady_clock::now();
    for (;;) {
      {
        std::lock_guard<std::mutex> g(m);
        if ((v[i].phase & 1) != parity) return true;
      }
      if (failed) return false;
      if (std::chrono::steady_clock::now() - t0 > std::chrono::seconds(5)) {
        char b[200];
        snprintf(b, sizeof b, "deadlock: %s barrier %d parity %d", what, i, parity);
        fail(b);
        return false;
      }
      std::this_thread::yield();
    }
  }
  void arrive(std::vector<Barrier>& v, int i, long expectTx) {
    std::lock_guard<std::mutex> g(m);
    v[i].tx += expectTx;
    if (v[i].pending <= 0) {
      snprintf(why, sizeof why, "arrival on a barrier with no pending arrivals");
      failed = true;
    }
    v[i].pending--;
    v[i].complete_if_done();
  }
  void issue(int kind, int region, int bar, int bytes, long tag) {
    std::lock_guard<std::mutex> g(m);
    inflight.push_back({kind, region, bar, bytes, tag});
  }
  // The TMA unit: lands one random in-flight copy at a time.
  void tma_loop() {
    while (!failed) {
      {
        std::lock_guard<std::mutex> g(m);
        if (!inflight.empty() && rng() % 3 == 0) {
          const size_t k = rng() % inflight.size();
          const Copy c = inflight[k];
          inflight.erase(inflight.begin() + k);
          std::vector<long>& tags = c.kind == 0 ? keyTag : c.kind == 1 ? scaleTag : c.kind == 2 ? qTag : wTag;
          tags[c.region] = c.tag;
          std::vector<Barrier>& bars = c.kind <= 1 ? full : qbar;
          bars[c.bar].tx -= c.bytes;
          bars[c.bar].complete_if_done();
        } else if (inflight.empty() && producerDone && consumersDone == CONSUMERS) {
          return;
        }
      }
      std::this_thread::yield();
    }
  }
};

// One CTA of the grid, as indexer_v8_body runs it.
bool simulate(int batch, int T, int P, int NQ, int grid, int cta, unsigned seed, char* why) {
  const int ntiles = (T + NQ - 1) / NQ;
  const int NB = (P + BK - 1) / BK;
  const long long total = (long long)batch * ntiles * NB;
  const long long first = total * cta / grid;
  const int n = (int)(total * (cta + 1) / grid - first);
  const int seg0 = (int)(first / NB), blk0 = (int)(first - (long long)seg0 * NB);
  const int QBYTES = NQ * 8192;
  Cta c(seed);
  auto itemTag = [&](int seg, int blk) { return (long)seg * 100000 + blk; };

  std::thread tma([&] { c.tma_loop(); });
  std::thread producer([&] {
    int seg = seg0, blk = blk0, ls = -1, firstOfCur = 0;
    for (int li = 0; li < n && !c.failed; li++) {
      const int s = li % STAGES, round = li / STAGES;
      if (round > 0 && !c.wait(c.empty, s, (round - 1) & 1, "empty")) break;
      if (li == 0 || blk == 0) {
        ls++;
        if (ls >= 2) {
          for (int x = firstOfCur - CONSUMERS; x < firstOfCur; x++)
            if (x >= 0 && x + STAGES >= li && !c.wait(c.empty, x % STAGES, (x / STAGES) & 1, "empty(qslot)")) return;
        }
        firstOfCur = li;
        const int b = seg / ntiles, t0 = (seg - b * ntiles) * NQ;
        const int valid = std::min(NQ, T - t0);
        const int slot = ls & 1;
        c.arrive(c.qbar, slot, QBYTES + valid * 256);
        for (int qi = 0; qi < NQ; qi++) c.issue(2, slot, slot, 8192, seg);   // tag: last box wins, all seg
        c.issue(3, slot, slot, valid * 256, seg);
      }
      c.jitter();
      c.arrive(c.full, s, 8192 + SBOX * 4);
      c.issue(0, s, s, 8192, itemTag(seg, blk));
      c.issue(1, s, s, SBOX * 4, itemTag(seg, blk));
      if (++blk == NB) {
        blk = 0;
        seg++;
      }
    }
    c.producerDone = true;
  });
  std::vector<std::thread> consumers;
  for (int wg = 0; wg < CONSUMERS; wg++) {
    consumers.emplace_back([&, wg] {
      int seg = seg0, blk = blk0 + wg, mySeg = -1;
      while (blk >= NB) {
        blk -= NB;
        seg++;
      }
      for (int li = wg; li < n && !c.failed; li += CONSUMERS) {
        const int s = li % STAGES;
        if (!c.wait(c.full, s, (li / STAGES) & 1, "full")) break;
        const int ls = seg - seg0;
        if (seg != mySeg) {
          if (!c.wait(c.qbar, ls & 1, (ls >> 1) & 1, "query")) break;
          mySeg = seg;
        }
        auto check = [&](const char* when) {
          std::lock_guard<std::mutex> g(c.m);
          const long want = itemTag(seg, blk);
          if (c.keyTag[s] != want || c.scaleTag[s] != want || c.qTag[ls & 1] != seg || c.wTag[ls & 1] != seg) {
            snprintf(c.why, sizeof c.why,
                     "consumer %d item %d (seg %d blk %d) %s: stage %d keys %ld scales %ld, slot %d q %ld w %ld", wg,
                     li, seg, blk, when, s, c.keyTag[s], c.scaleTag[s], ls & 1, c.qTag[ls & 1], c.wTag[ls & 1]);
            c.failed = true;
          }
        };
        check("at its waits");
        c.jitter();
        check("at its release");
        for (int t = 0; t < 128; t++) c.arrive(c.empty, s, 0);   // every thread of the warpgroup
        blk += CONSUMERS;
        while (blk >= NB) {
          blk -= NB;
          seg++;
        }
      }
      c.consumersDone++;
    });
  }
  producer.join();
  for (auto& t : consumers) t.join();
  if (c.failed) c.producerDone = true, c.consumersDone = CONSUMERS;
  tma.join();
  if (c.failed) snprintf(why, 256, "%s", c.why);
  return !c.failed;
}

}  // namespace

int main() {
  struct Case {
    int batch, T, P, grid;
  };
  // The driver's check shapes (grid 132 unless overridden there) and more small grids.
  std::vector<Case> cases = {{3, 2, 3001, 132}, {2, 1, 700, 132}, {1, 3, 999, 132},  {3, 2, 77, 132},
                             {1, 1, 1, 132},    {2, 2, 70001, 132}, {5, 2, 40000, 132}, {3, 1, 131071, 132},
                             {200, 2, 77, 132}, {64, 1, 130, 132}, {7, 3, 4097, 132}, {9, 2, 3001, 5},
                             {40, 1, 200, 3},   {33, 2, 64, 3},    {1, 2, 64, 1},      {5, 1, 64, 1},
                             {4, 3, 129, 1},    {3, 2, 1300, 2},   {64, 2, 131072, 132}};
  std::mt19937 rng(7);
  for (int i = 0; i < 40; i++) {
    Case c{1 + (int)(rng() % 12), 1 + (int)(rng() % 3), 1 + (int)(rng() % 1500), 1 + (int)(rng() % 7)};
    cases.push_back(c);
  }
  int failures = 0, runs = 0;
  for (const Case& k : cases) {
    const int NQ = k.T >= 2 ? 2 : 1;
    // Every CTA of small grids; for 132-CTA grids the first, a middle and the last few CTAs.
    std::vector<int> ctas;
    if (k.grid <= 8) {
      for (int i = 0; i < k.grid; i++) ctas.push_back(i);
    } else {
      for (int i : {0, 1, k.grid / 2, k.grid - 2, k.grid - 1}) ctas.push_back(i);
    }
    for (int cta : ctas) {
      for (unsigned rep = 0; rep < 3; rep++) {
        char why[256] = {0};
        runs++;
        if (!simulate(k.batch, k.T, k.P, NQ, k.grid, cta, 1000u * cta + rep, why)) {
          failures++;
          printf("FAIL b=%d T=%d P=%d grid=%d cta=%d: %s\n", k.batch, k.T, k.P, k.grid, cta, why);
        }
      }
    }
  }
  printf("v8 schedule model: %d CTA runs, %d failed\n", runs, failures);
  return failures ? 1 : 0;
}
