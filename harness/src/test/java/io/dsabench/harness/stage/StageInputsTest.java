package io.dsabench.harness.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.harness.stage.StageInputs.BufferSpec;
import io.dsabench.kernels.Backend;
import io.dsabench.kernels.Backends;
import io.dsabench.kernels.DType;
import io.dsabench.kernels.Mla;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Decode with N query tokens per sequence: the plan's sizes and what the cpu kernels then see. */
class StageInputsTest {
  static final WorkloadModel MODEL = WorkloadModel.deepseekV32();

  static Map<String, BufferSpec> plan(SweepPoint p, int perSeq) {
    return StageInputs.setPlan(p, MODEL, perSeq).stream()
        .collect(Collectors.toMap(BufferSpec::name, b -> b));
  }

  @Test
  void twoTokensPerSequenceHalveTheSequencesAndTheirCachesButNotTheQueries() {
    SweepPoint dsa = new SweepPoint(Phase.DECODE, Variant.DSA, 1024, 128);
    Map<String, BufferSpec> one = plan(dsa, 1);
    Map<String, BufferSpec> two = plan(dsa, 2);
    // 128 tokens = 64 sequences x 2: 64 caches of 1024 entries in the 656-byte fp8 format.
    assertThat(two.get("cache").dtype()).isEqualTo(DType.KV_FP8_656);
    assertThat(two.get("cache").elements()).isEqualTo(64L * 1024);
    assertThat(one.get("cache").elements()).isEqualTo(128L * 1024);
    assertThat(two.get("indexer k").elements()).isEqualTo(64L * 1024 * Mla.INDEX_DIM);
    assertThat(two.get("indexer k scales").elements()).isEqualTo(64L * 1024);
    for (String perToken : List.of("q", "indexer q", "indexer weights", "logits", "indices")) {
      assertThat(two.get(perToken)).as(perToken).isEqualTo(one.get(perToken));
    }
    assertThat(two.get("q").elements()).isEqualTo(128L * Mla.HEADS * Mla.KV_DIM);

    SweepPoint dense = new SweepPoint(Phase.DECODE, Variant.DENSE, 1024, 128);
    assertThat(plan(dense, 2).get("cache").elements()).isEqualTo(64L * 1024 * Mla.KV_DIM);
    assertThat(StageInputs.footprintBytes(dense, MODEL, 2, "cuda"))
        .isLessThan(StageInputs.footprintBytes(dense, MODEL, 1, "cuda"));

    // Prefill is one sequence whatever N is.
    SweepPoint prefill = new SweepPoint(Phase.PREFILL, Variant.DSA, 1024, 3);
    assertThat(StageInputs.tokensPerSeq(prefill, 2)).isEqualTo(3);
    assertThat(plan(prefill, 2)).isEqualTo(plan(prefill, 1));

    SweepPoint odd = new SweepPoint(Phase.DECODE, Variant.DSA, 1024, 3);
    assertThatThrownBy(() -> plan(odd, 2))
        .hasMessage(
            "decode-tokens-per-seq: 2 does not divide the 3 tokens of decode/dsa/p=1024/n=3");
  }

  @Test
  @Timeout(60)
  void theCpuKernelsSeeTwoTokensPerSequenceWithCausalKeys() throws Exception {
    // p = 64 <= k: each query's top-k is every key it sees, padded with -1. Token 0 of a sequence
    // sees keys 0..62, token 1 sees 0..63; with one token per sequence every row would see 0..63.
    SweepPoint p = new SweepPoint(Phase.DECODE, Variant.DSA, 64, 4);
    try (Backend cpu = Backends.open("cpu");
        StageInputs in = StageInputs.allocate(cpu, p, MODEL, 2, 1, 7L, 1f)) {
      assertThat(in.batch()).isEqualTo(2);
      assertThat(in.tokensPerSeq()).isEqualTo(2);
      in.issue(Op.TOTAL, 0);
      cpu.synchronize();
      assertThat(in.validate(Op.TOTAL, 0)).isNull();
      int[] idx = cpu.downloadInts(in.indices(0));
      for (int row = 0; row < 4; row++) {
        int[] r = Arrays.copyOfRange(idx, row * Mla.TOP_K, (row + 1) * Mla.TOP_K);
        int seen = (int) Arrays.stream(r).filter(i -> i >= 0).count();
        int max = Arrays.stream(r).max().getAsInt();
        boolean first = row % 2 == 0;
        assertThat(seen).as("keys row %d sees", row).isEqualTo(first ? 63 : 64);
        assertThat(max).as("last key of row %d", row).isEqualTo(first ? 62 : 63);
      }
    }
  }
}
