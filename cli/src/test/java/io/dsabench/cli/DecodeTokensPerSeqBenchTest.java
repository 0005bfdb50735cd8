package io.dsabench.cli;

import static io.dsabench.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.harness.SweepSpec;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
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
 * {@code bench --decode-tokens-per-seq}: decode with an MTP draft token, on the real cpu backend.
 */
class DecodeTokensPerSeqBenchTest {
  private static CliRun bench(Path tmp, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "bench",
                "--backend",
                "cpu",
                "--phases",
                "decode",
                "--variants",
                "dense,dsa",
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
  void oneDecodeSequenceOfTwoTokensIsMeasuredAndRecorded(@TempDir Path tmp) throws Exception {
    CliRun r = bench(tmp, "--tokens", "decode=2", "--decode-tokens-per-seq=2");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    Results res = ResultsIO.read(tmp.resolve("out/results.json"));
    String sweep = res.run().extra().get("sweep");
    assertThat(sweep)
        .isEqualTo(
            "phases=decode;variants=dense,dsa;positions=512;tokens=decode:2;decodeTokensPerSeq=2");
    assertThat(SweepSpec.parseCanonical(sweep).decodeTokensPerSeq()).isEqualTo(2);
    // tokens stays the point's total query tokens: one sequence of 2.
    assertThat(res.points()).hasSize(2);
    for (PointResult p : res.points()) {
      assertThat(p.status()).as(p.point().key() + " " + p.reason()).isEqualTo(PointStatus.OK);
      assertThat(p.phase()).isEqualTo(Phase.DECODE);
      assertThat(p.tokens()).isEqualTo(2);
      assertThat(p.stage(Op.TOTAL)).isPresent();
    }
    // The JMH benchmarks got the parameter (the raw JSON keeps every benchmark's params).
    String jmh = Files.readString(tmp.resolve("out/jmh.json"), StandardCharsets.UTF_8);
    assertThat(jmh)
        .contains("\"decodeTokensPerSeq\" : \"2\"")
        .doesNotContain("\"decodeTokensPerSeq\" : \"1\"");
  }

  @Test
  void badCountsExitTwoNamingTheFieldTheValueAndTheRule(@TempDir Path tmp) {
    CliRun five = bench(tmp, "--tokens", "decode=4", "--decode-tokens-per-seq=5");
    assertThat(five.exit()).isEqualTo(2);
    assertThat(five.err())
        .contains(
            "decode-tokens-per-seq: 5 is not between 1 and 4 (query tokens per decode sequence)");
    // The cpu default of 1 decode token cannot be split into sequences of 2.
    CliRun odd = bench(tmp, "--decode-tokens-per-seq", "2");
    assertThat(odd.exit()).isEqualTo(2);
    assertThat(odd.err())
        .contains(
            "decode-tokens-per-seq: 2 does not divide the 1 decode tokens (a decode point is"
                + " tokens/N sequences of N tokens)");
    assertThat(tmp.resolve("out/results.json")).doesNotExist();
    CliRun help = run("bench", "--help");
    assertThat(help.out()).contains("--decode-tokens-per-seq=N").contains("MTP draft token");
  }
}
