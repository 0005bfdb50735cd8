package io.dsabench.harness.reference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dsabench.harness.stats.StopRule;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reference --phases rest}'s Java side against a scripted runner that answers as the real
 * one does (the runner's torch path needs a GPU): the torch point measured with its implementation,
 * DeepGEMM skipped with the runner's reason, FLOPs and bytes from the calls.
 */
class RestReferenceTest {
  /**
   * Answers each rest point as dsabench_reference.py does without DeepGEMM: torch ops ok, each
   * sample a FIXTURE time of 100 µs (not a measurement); deep_gemm ops skipped with its reason.
   */
  static final class ScriptedRunner implements RunnerChannel {
    final List<JsonNode> received = new ArrayList<>();
    private final Deque<String> pending = new ArrayDeque<>();
    private final Deque<String> opsLeft = new ArrayDeque<>();
    private boolean torch;

    ScriptedRunner() {
      pending.add(
          "{\"type\":\"hello\",\"python\":\"3.12\",\"torch\":\"2.11.0\",\"device\":{\"name\":"
              + "\"NVIDIA H200\",\"smCount\":132,\"memoryBytes\":150000000000},"
              + "\"implementations\":{\"deep_gemm\":{\"library\":\"deep_gemm\",\"unavailable\":"
              + "\"deep_gemm not importable: No module named 'deep_gemm'\"}}}");
    }

    @Override
    public String readLine() {
      return pending.poll();
    }

    @Override
    public void writeLine(String line) {
      JsonNode m = Json.parse(line);
      received.add(m);
      switch (m.get("type").asText()) {
        case "point" -> {
          torch = m.get("rest").get("library").asText().equals("torch");
          m.get("ops").forEach(o -> opsLeft.add(o.asText()));
          next();
        }
        case "next" -> pending.add(sample());
        case "stop" -> next();
        default -> {}
      }
    }

    private void next() {
      String op = opsLeft.poll();
      if (op == null) {
        pending.add("{\"type\":\"point-done\"}");
        return;
      }
      if (!torch) {
        pending.add(
            "{\"type\":\"stage\",\"op\":\""
                + op
                + "\",\"status\":\"skipped\",\"reason\":\"DeepGEMM (the 1×128/128×128 recipe):"
                + " deep_gemm not importable: No module named 'deep_gemm'\"}");
        next();
        return;
      }
      pending.add(
          "{\"type\":\"stage\",\"op\":\""
              + op
              + "\",\"status\":\"ok\",\"implementation\":{\"library\":\"torch\",\"function\":"
              + "\"_scaled_mm\",\"version\":\"2.11.0\",\"label\":\"lower bound of the work:"
              + " per-tensor scales, not the 1×128/128×128 recipe\"}}");
      current = op;
      pending.add(sample());
    }

    private String current;

    private String sample() {
      return "{\"type\":\"sample\",\"op\":\"" + current + "\",\"seconds\":1.0e-4}";
    }

    @Override
    public String exitDescription() {
      return "exit 0";
    }

    @Override
    public void close() {}
  }

  @Test
  void restPointsAreWrittenWithTheirImplementationAndDeepGemmSkippedWithItsReason(@TempDir Path dir)
      throws Exception {
    ScriptedRunner runner = new ScriptedRunner();
    Path file = dir.resolve("results.json");
    RestCalls decode = RestCalls.of(Phase.DECODE, 256, 144);
    List<RestResult> seen = new ArrayList<>();
    Results r =
        new ReferenceSweep(null, StopRule.GPU.withMinSamples(3), file, () -> runner, "test")
            .rest(List.of(decode), seen::add)
            .run();
    assertThat(r.points()).isEmpty();
    assertThat(r.restPoints()).hasSize(2);
    assertThat(seen).isEqualTo(r.restPoints());
    RestResult torch = r.restPoints().get(0);
    assertThat(torch.status()).isEqualTo(PointStatus.OK);
    assertThat(torch.tokens()).isEqualTo(256);
    assertThat(torch.expertsPerGpu()).isEqualTo(2); // 256 experts over EP144, rounded up
    assertThat(torch.rowsPerExpert()).isEqualTo(1024); // 256 tokens x 8 / 2
    assertThat(torch.stages()).extracting(StageResult::op).containsExactlyElementsOf(Op.REST);
    StageResult mla = torch.stage(Op.MLA_PROJECTIONS);
    assertThat(mla.medianSeconds()).isEqualTo(1e-4);
    assertThat(mla.implementation().get("label"))
        .isEqualTo("lower bound of the work: per-tensor scales, not the 1×128/128×128 recipe");
    // Decode MLA projections by hand: q_a 7168x1536, q_b 1536x24576, kv_a 7168x576, absorbed
    // kv_b 128 heads x (128x512 + 512x128), o 16384x7168; 2 FLOPs per multiply-add, 256 rows.
    double macs =
        7168.0 * 1536
            + 1536.0 * 24576
            + 7168.0 * 576
            + 128.0 * (128 * 512 + 512 * 128)
            + 16384.0 * 7168;
    assertThat(mla.flops()).isEqualTo(2 * 256 * macs);
    assertThat(mla.flopsPerSecond()).isEqualTo(mla.flops() / 1e-4);

    RestResult deepGemm = r.restPoints().get(1);
    assertThat(deepGemm.status()).isEqualTo(PointStatus.SKIPPED);
    assertThat(deepGemm.stages()).isEmpty();
    assertThat(deepGemm.reason())
        .startsWith(
            "deep_gemm: mla_projections: DeepGEMM (the 1×128/128×128 recipe): deep_gemm not"
                + " importable");

    // The runner was handed each op's calls: decode's MLA projections are six of them.
    JsonNode point = runner.received.get(0);
    assertThat(point.get("variant").asText()).isEqualTo("rest");
    assertThat(point.get("rest").get("calls").get("mla_projections")).hasSize(6);
    assertThat(point.get("rest").get("calls").get("moe_experts").get(1).get("groups").asInt())
        .isEqualTo(2);
    // Written as it went: the file holds what run() returned.
    assertThat(ResultsIO.read(file).restPoints()).isEqualTo(r.restPoints());
    assertThat(r.run().backend()).isEqualTo(ReferenceSweep.BACKEND);
  }

  @Test
  void prefillCallsUpProjectAndTheirWorkIsTheSumOfTheCalls() {
    RestCalls prefill = RestCalls.of(Phase.PREFILL, 16384, 32);
    assertThat(prefill.expertsPerGpu()).isEqualTo(8);
    assertThat(prefill.rowsPerExpert()).isEqualTo(16384);
    var mla = prefill.calls().get(Op.MLA_PROJECTIONS);
    assertThat(mla).extracting(RestCalls.Call::name).contains("kv_b");
    assertThat(mla)
        .filteredOn(c -> c.name().equals("kv_b"))
        .singleElement()
        .isEqualTo(new RestCalls.Call("kv_b", "gemm", 16384, 128 * 256, 512, 1));
    // The head: 16384 x 7168 fp8 in with 1x128 scales, 129280 x 7168 fp8 weights with 128x128
    // scales, 16384 x 129280 bf16 out: the bench's own count (RestWork).
    assertThat(prefill.bytes(Op.LM_HEAD))
        .isEqualTo(
            16384.0 * 7168
                + 4.0 * 16384 * (7168 / 128)
                + 129280.0 * 7168
                + 4.0 * (129280 / 128) * (7168 / 128)
                + 16384.0 * 129280 * 2);
    assertThat(prefill.flops(Op.LM_HEAD)).isEqualTo(2.0 * 16384 * 129280 * 7168);
  }
}
