package io.dsabench.kernels.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dsabench.kernels.Backend;
import io.dsabench.kernels.DType;
import io.dsabench.kernels.DeviceBuffer;
import io.dsabench.kernels.DeviceInfo;
import io.dsabench.kernels.DeviceTimer;
import io.dsabench.kernels.Ops;
import io.dsabench.kernels.cpu.CpuBackend;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The check must catch broken kernels, not only pass good ones: each test breaks one op of a real
 * cpu backend in one way and expects that case, and only that kind of case, to fail with a reason.
 */
class KernelCheckTest {
  private static CpuBackend cpu;

  @BeforeAll
  static void open() {
    cpu = new CpuBackend();
  }

  @AfterAll
  static void close() {
    cpu.close();
  }

  /** A cpu backend with one op replaced. */
  private static class Broken implements Backend {
    @Override
    public String name() {
      return "broken";
    }

    @Override
    public DeviceInfo device() {
      return cpu.device();
    }

    @Override
    public DeviceBuffer allocate(DType dtype, long elements) {
      return cpu.allocate(dtype, elements);
    }

    @Override
    public void fillRandom(DeviceBuffer buffer, long seed, float scale) {
      cpu.fillRandom(buffer, seed, scale);
    }

    @Override
    public void upload(DeviceBuffer buffer, float[] values) {
      cpu.upload(buffer, values);
    }

    @Override
    public void uploadInts(DeviceBuffer buffer, int[] values) {
      cpu.uploadInts(buffer, values);
    }

    @Override
    public float[] download(DeviceBuffer buffer) {
      return cpu.download(buffer);
    }

    @Override
    public int[] downloadInts(DeviceBuffer buffer) {
      return cpu.downloadInts(buffer);
    }

    @Override
    public DeviceTimer timer() {
      return cpu.timer();
    }

    @Override
    public void synchronize() {}

    @Override
    public void densePrefill(Ops.DensePrefill op) {
      cpu.densePrefill(op);
    }

    @Override
    public void denseDecode(Ops.DenseDecode op) {
      cpu.denseDecode(op);
    }

    @Override
    public void indexer(Ops.Indexer op) {
      cpu.indexer(op);
    }

    @Override
    public void topK(Ops.TopK op) {
      cpu.topK(op);
    }

    @Override
    public void sparsePrefill(Ops.SparseAttention op) {
      cpu.sparsePrefill(op);
    }

    @Override
    public void sparseDecode(Ops.SparseAttention op) {
      cpu.sparseDecode(op);
    }

    @Override
    public void fp8Gemm(Ops.Fp8Gemm op) {
      cpu.fp8Gemm(op);
    }

    @Override
    public void swiGluQuant(Ops.SwiGluQuant op) {
      cpu.swiGluQuant(op);
    }

    @Override
    public void router(Ops.Router op) {
      cpu.router(op);
    }

    @Override
    public void close() {}
  }

  private static Set<String> failedOps(CheckReport r) {
    return r.cases().stream()
        .filter(c -> !c.passed())
        .map(CaseResult::op)
        .collect(Collectors.toSet());
  }

  /** A wrong but close result: every other element of {@code b} 5% too large. */
  private static void everyOtherOff5Percent(DeviceBuffer b) {
    float[] v = cpu.download(b);
    for (int i = 0; i < v.length; i += 2) {
      v[i] *= 1.05f;
    }
    cpu.upload(b, v);
  }

  /** The one case of {@code op} in a report (the quick cases hold one of most ops). */
  private static CaseResult only(CheckReport r, String op) {
    List<CaseResult> of = r.cases().stream().filter(c -> c.op().equals(op)).toList();
    assertEquals(1, of.size(), op + " cases");
    return of.get(0);
  }

  @Test
  void goodBackendPassesAgainstTheCpuReference() {
    CheckReport r = KernelCheck.against(cpu).run(new Broken(), 5, KernelCheck.quickCases());
    assertTrue(r.allPassed(), r.table());
    assertEquals("cpu", r.reference());
    assertEquals("check: 12 passed, 0 failed", r.summary());
  }

  @Test
  void unwrittenOutputFails() {
    Backend b =
        new Broken() {
          @Override
          public void densePrefill(Ops.DensePrefill op) {}
        };
    CheckReport r = KernelCheck.againstNaive().run(b, 5, KernelCheck.quickCases());
    assertEquals(Set.of("dense_prefill"), failedOps(r), r.table());
    CaseResult bad = r.cases().get(0);
    assertEquals("NaN (unwritten?) at row 0, element 0", bad.reason());
  }

  @Test
  void slightlyWrongOutputFailsOnError() {
    Backend b =
        new Broken() {
          @Override
          public void denseDecode(Ops.DenseDecode op) {
            cpu.denseDecode(op);
            everyOtherOff5Percent(op.out());
          }
        };
    CheckReport r = KernelCheck.againstNaive().run(b, 5, KernelCheck.quickCases());
    assertEquals(Set.of("dense_decode"), failedOps(r), r.table());
    CaseResult bad = r.cases().get(1);
    assertTrue(bad.error() > KernelCheck.REL_L2_LIMIT && bad.error() < 0.1, "error " + bad.error());
    assertEquals("relative L2 error above the limit", bad.reason());
  }

  @Test
  void indexerThatForgetsTheCausalMaskFails() {
    Backend b =
        new Broken() {
          @Override
          public void indexer(Ops.Indexer op) {
            cpu.indexer(op);
            float[] l = cpu.download(op.logits());
            for (int i = 0; i < l.length; i++) {
              if (l[i] == Float.NEGATIVE_INFINITY) {
                l[i] = 0f;
              }
            }
            cpu.upload(op.logits(), l);
          }
        };
    CheckReport r = KernelCheck.againstNaive().run(b, 5, KernelCheck.quickCases());
    assertEquals(Set.of("indexer"), failedOps(r), r.table());
  }

  @Test
  void topKWithDuplicatesOrFutureKeysFails() {
    CheckCase c = new CheckCase(CheckOp.TOPK, 1, 2, 5, 4, false);
    float[] logits = {1, 2, 3, 4, Float.NEGATIVE_INFINITY, 5, 1, 2, 3, 4};
    CaseResult dup = KernelCheck.checkTopK(c, logits, new int[] {3, 3, 2, 1, 4, 3, 0, 1});
    assertFalse(dup.passed());
    assertEquals("row 0: index 3 chosen twice", dup.reason());
    CaseResult future = KernelCheck.checkTopK(c, logits, new int[] {4, 3, 2, 1, 0, 3, 4, 2});
    assertEquals("row 0, slot 0: index 4 is not -1 or a visible key 0..3", future.reason());
    CaseResult notLargest = KernelCheck.checkTopK(c, logits, new int[] {0, 1, 2, 3, 0, 1, 2, 3});
    assertEquals("row 1: unchosen logit 4.0 above chosen 1.0", notLargest.reason());
    CaseResult good = KernelCheck.checkTopK(c, logits, new int[] {0, 1, 2, 3, 0, 4, 2, 3});
    assertTrue(good.passed(), good.reason());
    CaseResult unwritten =
        KernelCheck.checkTopK(c, logits, new int[] {0, 1, 2, Integer.MIN_VALUE, 0, 4, 2, 3});
    assertEquals(
        "row 0, slot 3: an unwritten slot is not -1 or a visible key 0..3", unwritten.reason());
  }

  /**
   * A top-k that is right on uploaded logits but wrong on the buffer an indexer just wrote (what a
   * top-k reading stale or misaligned group maxima does): the topk cases cannot see it, the
   * pipeline case must.
   */
  @Test
  void topKWrongOnlyAfterTheIndexerFailsThePipelineCaseOnly() {
    Backend b =
        new Broken() {
          private DeviceBuffer indexed;

          @Override
          public void indexer(Ops.Indexer op) {
            cpu.indexer(op);
            indexed = op.logits();
          }

          @Override
          public void topK(Ops.TopK op) {
            cpu.topK(op);
            if (op.logits() != indexed) {
              return;
            }
            // Row 0's first choice swapped for its lowest visible key, which no top-k picks.
            float[] l = cpu.download(op.logits());
            int[] idx = cpu.downloadInts(op.indices());
            int lowest = 0;
            for (int s = 1; s < op.position() - op.tokensPerSeq() + 1; s++) {
              lowest = l[s] < l[lowest] ? s : lowest;
            }
            idx[0] = lowest;
            cpu.uploadInts(op.indices(), idx);
          }
        };
    CheckReport r = KernelCheck.againstNaive().run(b, 5, KernelCheck.quickCases());
    assertEquals(Set.of("indexer_topk"), failedOps(r), r.table());
    assertTrue(
        only(r, "indexer_topk").reason().startsWith("indices: row 0: unchosen logit "), r.table());
  }

  @Test
  void wrongLogitsFailThePipelineOnItsLogits() {
    Backend b =
        new Broken() {
          @Override
          public void indexer(Ops.Indexer op) {
            cpu.indexer(op);
            everyOtherOff5Percent(op.logits());
          }
        };
    CheckReport r =
        KernelCheck.againstNaive().run(b, 5, List.of(KernelCheck.indexerTopKCases().get(2)));
    assertEquals("logits: relative L2 error above the limit", r.cases().get(0).reason(), r.table());
  }

  /**
   * Indices are judged on the logits the tested side produced: logits within the indexer's
   * tolerance whose near-ties order differently from the reference's pass with the top-k of their
   * own order, though that top-k is not the reference logits' top-k.
   */
  @Test
  void indicesAreJudgedOnTheTestedLogits() {
    Backend b =
        new Broken() {
          @Override
          public void indexer(Ops.Indexer op) {
            cpu.indexer(op);
            float[] l = cpu.download(op.logits());
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
            for (int i = 0; i < l.length; i++) {
              l[i] *= (float) (1 + 5e-3 * (rnd.nextDouble() * 2 - 1));
            }
            cpu.upload(op.logits(), l);
          }
        };
    CheckCase c = KernelCheck.indexerTopKCases().get(2);
    Inputs in = Inputs.generate(c, 9);
    Oracle.IndexerTopK got = new BackendOracle(b).indexerTopK(c, in);
    Oracle.IndexerTopK want = new NaiveOracle().indexerTopK(c, in);
    CaseResult r = KernelCheck.checkIndexerTopK(c, got, want);
    assertTrue(r.passed(), r.reason());
    assertTrue(r.error() > 1e-3 && r.error() < KernelCheck.REL_L2_LIMIT, "error " + r.error());
    float[] reference = new float[want.logits().length];
    for (int i = 0; i < reference.length; i++) {
      reference[i] = (float) want.logits()[i];
    }
    assertFalse(KernelCheck.checkTopK(c, reference, got.indices()).passed());
  }

  @Test
  void aThrowingOpFailsItsCaseOnly() {
    Backend b =
        new Broken() {
          @Override
          public void sparseDecode(Ops.SparseAttention op) {
            throw new io.dsabench.kernels.KernelException("sparse_decode: launch failed", false);
          }
        };
    CheckReport r = KernelCheck.againstNaive().run(b, 5, KernelCheck.quickCases());
    assertEquals(Set.of("sparse_decode"), failedOps(r), r.table());
    assertTrue(only(r, "sparse_decode").reason().contains("sparse_decode: launch failed"));
  }

  @Test
  void gemmWithAWrongScaleBlockFails() {
    Backend b =
        new Broken() {
          @Override
          public void fp8Gemm(Ops.Fp8Gemm op) {
            // Reads each weight scale one k block off: the mistake a kernel's indexing makes.
            float[] s = cpu.download(op.bScales());
            float[] shifted = s.clone();
            for (int i = 0; i + 1 < s.length; i++) {
              shifted[i] = s[i + 1];
            }
            cpu.upload(op.bScales(), shifted);
            cpu.fp8Gemm(op);
            cpu.upload(op.bScales(), s);
          }
        };
    CheckReport r = KernelCheck.againstNaive().run(b, 5, KernelCheck.quickCases());
    assertEquals(Set.of("fp8_gemm"), failedOps(r), r.table());
    assertEquals("relative L2 error above the limit", only(r, "fp8_gemm").reason());
  }

  @Test
  void activationThatSkipsTheZeroBlockOrOverflowsFails() {
    Backend b =
        new Broken() {
          @Override
          public void swiGluQuant(Ops.SwiGluQuant op) {
            cpu.swiGluQuant(op);
            float[] sc = cpu.download(op.outScales());
            sc[0] = Float.NaN; // row 0's all-zero block, scaled 0/0
            cpu.upload(op.outScales(), sc);
          }
        };
    CheckReport r = KernelCheck.againstNaive().run(b, 5, KernelCheck.quickCases());
    assertEquals(Set.of("swiglu_quant"), failedOps(r), r.table());
    assertEquals("NaN (unwritten?) at row 0, element 0", only(r, "swiglu_quant").reason());
  }

  @Test
  void routerThatIgnoresTheGroupLimitOrMisweighsFails() {
    Backend wrongSet =
        new Broken() {
          @Override
          public void router(Ops.Router op) {
            // No group limit: all 8 groups kept.
            cpu.router(
                new Ops.Router(
                    op.x(),
                    op.w(),
                    op.bias(),
                    op.weights(),
                    op.indices(),
                    op.m(),
                    op.hidden(),
                    op.experts(),
                    op.groups(),
                    op.groups(),
                    op.topK()));
          }
        };
    CheckReport r = KernelCheck.againstNaive().run(wrongSet, 5, KernelCheck.quickCases());
    assertEquals(Set.of("router"), failedOps(r), r.table());
    assertTrue(only(r, "router").reason().contains("is not within 1.0E-6 of the cut"), r.table());
    Backend wrongWeights =
        new Broken() {
          @Override
          public void router(Ops.Router op) {
            cpu.router(op);
            float[] w = cpu.download(op.weights());
            w[3] += 1e-4f;
            cpu.upload(op.weights(), w);
          }
        };
    r = KernelCheck.againstNaive().run(wrongWeights, 5, KernelCheck.quickCases());
    assertEquals(Set.of("router"), failedOps(r), r.table());
    assertTrue(only(r, "router").reason().startsWith("row 0: expert "), r.table());
  }

  @Test
  void routerChecksSetsAndToleratesTiesAtTheCut() {
    CheckCase c = CheckCase.router(1, 128);
    // x = 0: every score is 0.5 and the bias alone ranks; experts 7 and 8 tie at the cut.
    float[] x = new float[128];
    float[] w = new float[256 * 128];
    float[] bias = new float[256];
    for (int i = 0; i < 9; i++) {
      bias[i] = i < 7 ? 0.5f : 0.25f;
    }
    Inputs in = new Inputs(null, null, null, null, null, null, null, null, x, null, w, null, bias);
    float[] eighth = new float[8];
    java.util.Arrays.fill(eighth, 0.125f);
    Oracle.Routing want = new Oracle.Routing(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, eighth);
    Oracle.Routing tie = new Oracle.Routing(new int[] {0, 1, 2, 3, 4, 5, 6, 8}, eighth);
    assertTrue(KernelCheck.checkRouter(c, in, tie, want).passed());
    Oracle.Routing far = new Oracle.Routing(new int[] {0, 1, 2, 3, 4, 5, 6, 9}, eighth);
    assertEquals(
        "row 0: expert 9 chosen, its score 0.5 is not within 1.0E-6 of the cut 0.75",
        KernelCheck.checkRouter(c, in, far, want).reason());
    Oracle.Routing twice = new Oracle.Routing(new int[] {0, 1, 2, 3, 4, 5, 6, 6}, eighth);
    assertEquals(
        "row 0: expert 6 chosen twice", KernelCheck.checkRouter(c, in, twice, want).reason());
  }

  @Test
  void standardCasesCoverTheEdges() {
    List<CheckCase> cases = KernelCheck.standardCases();
    assertTrue(cases.size() >= 40, cases.size() + " cases");
    Set<Integer> positions = cases.stream().map(CheckCase::position).collect(Collectors.toSet());
    assertTrue(
        positions.containsAll(Set.of(1, 77, 1000, 2047, 2048, 2049, 5000)), positions.toString());
    for (CheckOp op : CheckOp.values()) {
      assertTrue(cases.stream().anyMatch(c -> c.op() == op), op.label());
    }
    assertTrue(
        cases.stream()
            .anyMatch(c -> c.op() == CheckOp.SPARSE_DECODE && c.fp8() && c.position() > 2048));
    assertTrue(
        cases.stream().anyMatch(c -> c.op() == CheckOp.INDEXER && c.fp8() && c.batch() == 3));
    assertTrue(
        cases.stream().anyMatch(c -> c.op() == CheckOp.FP8_GEMM && c.groupRows().contains(0)),
        "a grouped GEMM with an empty group");
  }

  @Test
  void tablePrintsOneLinePerCase() {
    CheckReport r =
        new CheckReport(
            "cpu",
            "naive-float64",
            1,
            List.of(
                new CaseResult("topk", "b=1 t=1 p=1 k=2048", 0, 0, true, null),
                new CaseResult("indexer", "b=3 t=2 p=77 fp8", 0.5, 0.01, false, "bad")));
    String[] lines = r.table().split("\n");
    assertEquals(3, lines.length);
    assertTrue(lines[0].startsWith("op       shape"), lines[0]);
    assertTrue(lines[2].endsWith("FAIL   bad"), lines[2]);
    assertEquals("check: 1 passed, 1 failed", r.summary());
  }

  @Test
  void caseArgumentsAreChecked() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new CheckCase(CheckOp.DENSE_PREFILL, 2, 1, 5, 0, false));
    assertEquals("batch: 2 is not 1 for dense_prefill", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new CheckCase(CheckOp.DENSE_DECODE, 1, 1, 5, 0, true));
    assertEquals("fp8: dense_decode has no fp8 variant", e.getMessage());
  }
}
