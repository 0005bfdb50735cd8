package io.dsabench.model.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.model.BadInputException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rest of a layer's calls and work against shapes written out by hand from the config. */
class RestWorkTest {
  private static final RestShape S = RestShape.DEEPSEEK_V3_2;
  private static final RestWork W = new RestWork(S);

  private static RestCall.Gemm gemm(List<RestCall> calls, String name) {
    return calls.stream()
        .filter(c -> c.name().equals(name))
        .map(RestCall.Gemm.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + calls));
  }

  @Test
  void decodeAbsorbsKvBIntoTwoGroupedGemmsOfOneGroupPerHead() {
    RestBatch b = RestBatch.of(S, Phase.DECODE, 256, 144, RestBatch.UNIFORM);
    List<RestCall> calls = W.calls(Op.MLA_PROJECTIONS, b);
    assertThat(calls)
        .extracting(RestCall::name)
        .containsExactly("q_a", "kv_a", "q_b", "kv_b.absorb_k", "kv_b.absorb_v", "o");
    RestCall.Gemm k = gemm(calls, "kv_b.absorb_k");
    assertThat(k.groupRows()).isEqualTo(Collections.nCopies(128, 256));
    assertThat(List.of(k.n(), k.k())).containsExactly(512, 128);
    RestCall.Gemm v = gemm(calls, "kv_b.absorb_v");
    assertThat(List.of(v.groups(), v.n(), v.k())).containsExactly(128, 128, 512);
    assertThat(gemm(calls, "kv_a").n()).isEqualTo(576);
    assertThat(gemm(calls, "q_b").n()).isEqualTo(128 * 192);
    assertThat(gemm(calls, "o").k()).isEqualTo(128 * 128);
  }

  @Test
  void prefillKvBIsOneUpProjection() {
    RestBatch b = RestBatch.of(S, Phase.PREFILL, 16384, 32, RestBatch.UNIFORM);
    RestCall.Gemm kvB = gemm(W.calls(Op.MLA_PROJECTIONS, b), "kv_b");
    assertThat(List.of(kvB.groups(), (int) kvB.rows(), kvB.n(), kvB.k()))
        .containsExactly(1, 16384, 128 * 256, 512);
  }

  @Test
  void expertsAtTheDecodeDeploymentAndTheirWork() {
    // EP144: ceil(256 / 144) = 2 experts per GPU, 256 tokens · 8 / 2 = 1024 rows each.
    RestBatch b = RestBatch.of(S, Phase.DECODE, 256, 144, RestBatch.UNIFORM);
    assertThat(List.of(b.expertsPerGpu(), b.rowsPerExpert())).containsExactly(2, 1024);
    List<RestCall> calls = W.calls(Op.MOE_EXPERTS, b);
    assertThat(calls)
        .extracting(RestCall::name)
        .containsExactly(
            "router",
            "experts.gate_up",
            "experts.swiglu",
            "experts.down",
            "shared.gate_up",
            "shared.swiglu",
            "shared.down");
    RestCall.Gemm up = gemm(calls, "experts.gate_up");
    assertThat(up.groupRows()).containsExactly(1024, 1024);
    assertThat(List.of(up.n(), up.k())).containsExactly(4096, 7168);
    // FLOPs: router 2·256·7168·256; routed 2·2048·(4096·7168 + 7168·2048); shared the same at 256.
    double routed = 2.0 * 2048 * (4096.0 * 7168 + 7168.0 * 2048);
    double shared = 2.0 * 256 * (4096.0 * 7168 + 7168.0 * 2048);
    double router = 2.0 * 256 * 7168 * 256;
    assertThat(W.work(Op.MOE_EXPERTS, b).flops()).isEqualTo(routed + shared + router);
    // Bytes of the grouped gate/up: a 2048·7168 + scales 4·2048·56, weights 2·4096·7168 + scales
    // 4·2·32·56, out 2·2048·4096.
    assertThat(up.bytes())
        .isEqualTo(
            2048.0 * 7168
                + 4.0 * 2048 * 56
                + 2.0 * 4096 * 7168
                + 4.0 * 2 * 32 * 56
                + 2.0 * 2048 * 4096);
  }

  @Test
  void skewedRoutingKeepsTheTotalAndDoublesTheHottest() {
    RestBatch u = RestBatch.of(S, Phase.PREFILL, 100, 32, RestBatch.UNIFORM);
    RestBatch k = RestBatch.of(S, Phase.PREFILL, 100, 32, RestBatch.SKEWED);
    assertThat(u.expertRows()).containsOnly(100);
    assertThat(k.expertRows().get(0)).isEqualTo(200);
    assertThat(k.routedRows()).isEqualTo(u.routedRows()).isEqualTo(800);
    assertThat(k.expertRows().subList(1, 8)).allMatch(r -> r == 85 || r == 86);
    // Two experts: the cooler one gets nothing, an empty group the grouped GEMM must take.
    RestBatch two = RestBatch.of(S, Phase.DECODE, 16, 144, RestBatch.SKEWED);
    assertThat(two.expertRows()).containsExactly(128, 0);
    assertThat(gemm(W.calls(Op.MOE_EXPERTS, two), "experts.down").bytes())
        .isLessThan(
            gemm(
                    W.calls(
                        Op.MOE_EXPERTS, RestBatch.of(S, Phase.DECODE, 16, 144, RestBatch.UNIFORM)),
                    "experts.down")
                .bytes());
  }

  @Test
  void denseFfnHeadAndIndexerShapes() {
    RestBatch b = RestBatch.of(S, Phase.DECODE, 256, 144, RestBatch.UNIFORM);
    List<RestCall> ffn = W.calls(Op.DENSE_FFN, b);
    assertThat(gemm(ffn, "ffn.gate_up").n()).isEqualTo(36864);
    assertThat(((RestCall.Activation) ffn.get(1)).width()).isEqualTo(18432);
    assertThat(gemm(ffn, "ffn.down").k()).isEqualTo(18432);
    RestCall.Gemm head = gemm(W.calls(Op.LM_HEAD, b), "head");
    assertThat(W.work(Op.LM_HEAD, b).flops()).isEqualTo(2.0 * 256 * 129280 * 7168);
    assertThat(head.bytes())
        .isEqualTo(
            256.0 * 7168 + 4.0 * 256 * 56 + 129280.0 * 7168 + 4.0 * 1010 * 56 + 2.0 * 256 * 129280);
    List<RestCall> idx = W.calls(Op.INDEXER_PROJECTIONS, b);
    assertThat(idx).extracting(c -> ((RestCall.Gemm) c).n()).containsExactly(8192, 128, 64);
  }

  @Test
  void badInputNamesTheFieldAndRule() {
    assertThatThrownBy(() -> W.calls(Op.TOTAL, RestBatch.of(S, Phase.DECODE, 1, 1, "uniform")))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("op: total is not a rest-of-model op");
    assertThatThrownBy(() -> RestBatch.of(S, Phase.DECODE, 0, 144, "uniform"))
        .hasMessage("tokens: 0 is not a positive count");
    assertThatThrownBy(() -> RestBatch.of(S, Phase.DECODE, 8, 0, "uniform"))
        .hasMessage("expertParallel: 0 is not a positive GPU count");
    assertThatThrownBy(() -> RestBatch.of(S, Phase.DECODE, 8, 8, "hot"))
        .hasMessage("routing: 'hot' is not one of uniform, skewed");
  }
}
