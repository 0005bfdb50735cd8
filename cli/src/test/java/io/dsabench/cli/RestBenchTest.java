package io.dsabench.cli;

import static io.dsabench.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --phases rest} end to end on the real cpu backend, at the tiny test shape (the
 * pure-Java GEMMs cannot run DeepSeek-V3.2's widths in a test's time; the GPU run uses the real
 * ones).
 */
class RestBenchTest {
  private static CliRun bench(Path tmp, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "bench",
                "--backend",
                "cpu",
                "--positions",
                "512",
                "--forks",
                "0",
                "--min-samples",
                "3",
                "--max-time",
                "0.1",
                "--max-noise",
                "0.2",
                "--baseline",
                "none",
                "--lock-dir",
                tmp.resolve("locks").toString(),
                "--out",
                tmp.resolve("out").toString()));
    a.addAll(List.of(extra));
    return run(a.toArray(new String[0]));
  }

  @Test
  @Timeout(180)
  void restAloneIsMeasuredPrintedAndRoundTrips(@TempDir Path tmp) throws Exception {
    CliRun r =
        bench(
            tmp,
            "--phases",
            "rest",
            "--rest-tokens",
            "prefill=64,decode=16",
            "--rest-routing",
            "both",
            "--rest-shape",
            "tiny");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    Path file = tmp.resolve("out/results.json");
    Results res = ResultsIO.read(file);
    assertThat(res.points()).isEmpty();
    assertThat(res.restPoints())
        .extracting(p -> p.phase().id() + " " + p.routing() + " " + p.tokens())
        .containsExactly(
            "prefill uniform 64", "prefill skewed 64", "decode uniform 16", "decode skewed 16");
    for (RestResult p : res.restPoints()) {
      assertThat(p.status()).as(p.reason()).isEqualTo(PointStatus.OK);
      assertThat(p.stages()).extracting(StageResult::op).isEqualTo(Op.REST);
    }
    // Defaults where not given: EP32 for prefill, EP144 for decode (the cost model's deployments).
    assertThat(res.restPoints().get(0).expertParallel()).isEqualTo(32);
    assertThat(res.restPoints().get(2).expertParallel()).isEqualTo(144);
    // The rest section survives a rewrite unchanged.
    Path again = tmp.resolve("again.json");
    ResultsIO.write(again, res);
    assertThat(ResultsIO.read(again).restPoints()).isEqualTo(res.restPoints());
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("\"rest\" : [");
    // Each component's time and rates on the terminal, and no verdict without attention points.
    assertThat(r.out())
        .contains("rest of the model, per GPU (one layer of each; the head once):")
        .contains("rest decode 16 tokens EP144 (2 experts x 64 rows, skewed)")
        .containsPattern("moe_experts +[0-9.]+ [mun]?s +[0-9.]+ TFLOP/s +[0-9.]+ TB/s")
        .contains("no verdict: --phases rest measures no attention points to compare");
  }

  @Test
  @Timeout(180)
  void restWithAttentionKeepsBothAndAttentionAloneWritesNoRest(@TempDir Path tmp) throws Exception {
    CliRun r =
        bench(
            tmp,
            "--phases",
            "decode,rest",
            "--variants",
            "dense",
            "--tokens",
            "1",
            "--rest-tokens",
            "8",
            "--rest-ep",
            "prefill=64,decode=256",
            "--rest-shape",
            "tiny");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    Results res = ResultsIO.read(tmp.resolve("out/results.json"));
    assertThat(res.points()).hasSize(1);
    assertThat(res.points().get(0).phase()).isEqualTo(Phase.DECODE);
    assertThat(res.restPoints()).hasSize(2);
    assertThat(res.restPoints())
        .extracting(RestResult::expertsPerGpu, RestResult::tokens)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(4, 8), org.assertj.core.groups.Tuple.tuple(1, 8));
    CliRun plain = bench(tmp, "--phases", "decode", "--variants", "dense", "--tokens", "1");
    assertThat(plain.exit()).as(plain.out() + plain.err()).isZero();
    Path file = tmp.resolve("out/results.json");
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).doesNotContain("\"rest\"");
    assertThat(ResultsIO.read(file).restPoints()).isEmpty();
  }

  @Test
  void badRestOptionsExit2NamingTheOption(@TempDir Path tmp) {
    String[][] cases = {
      {"--rest-routing", "hot", "rest-routing: 'hot' is not one of uniform, skewed, both"},
      {"--rest-tokens", "prefill=0", "rest-tokens: 0 is not a positive token count"},
      {"--rest-tokens", "prefill:64", "rest-tokens: 'prefill:64' is not a token count"},
      {"--rest-ep", "decode=0", "rest-ep: 0 is not a positive GPU count"},
      {"--rest-ep", "decode=x", "rest-ep: 'x' is not a GPU count (like 32)"},
      {"--rest-ep", "prefill=32,later=4", "rest-ep: 'later' is not one of prefill, decode"},
      {"--rest-shape", "huge", "rest-shape: 'huge' is not one of deepseek-v3.2, tiny"},
    };
    for (String[] c : cases) {
      CliRun r = bench(tmp, "--phases", "rest", c[0], c[1]);
      assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
      assertThat(r.err()).contains(c[2]);
      assertThat(tmp.resolve("out/results.json")).doesNotExist();
    }
    CliRun without = bench(tmp, "--phases", "decode", "--rest-tokens", "64");
    assertThat(without.exit()).isEqualTo(2);
    assertThat(without.err())
        .contains("rest-tokens: '64' is given but --phases does not include rest");
    CliRun reference = run("reference", "--phases", "rest", "--out", tmp.resolve("r").toString());
    assertThat(reference.exit()).isEqualTo(2);
  }
}
