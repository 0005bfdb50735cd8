package io.dsabench.cli;

import static io.dsabench.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.kernels.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench checks every input before it measures anything (a refusal after minutes of sweeping loses
 * the minutes), a backend that cannot start is one line, and runs of two GPU models are not judged
 * against each other unless asked.
 */
@Timeout(120)
class BenchInputTest {
  /** A tiny in-process sweep; {@code extra} options replace the defaults of the same name. */
  private static CliRun bench(Path tmp, String... extra) {
    Map<String, String> o = new LinkedHashMap<>();
    String[] defaults = {
      "--phases",
      "decode",
      "--positions",
      "64",
      "--forks",
      "0",
      "--min-samples",
      "3",
      "--max-time",
      "0.1",
      "--max-noise",
      "0.2",
      "--lock-dir",
      tmp.resolve("locks").toString(),
      "--out",
      tmp.resolve("out").toString()
    };
    for (int i = 0; i < defaults.length; i += 2) {
      o.put(defaults[i], defaults[i + 1]);
    }
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < extra.length; i++) {
      if (extra[i].equals("--verbose")) {
        flags.add(extra[i]);
      } else {
        o.put(extra[i], extra[++i]);
      }
    }
    List<String> a = new ArrayList<>(List.of("bench"));
    o.forEach(
        (k, v) -> {
          a.add(k);
          a.add(v);
        });
    a.addAll(flags);
    return run(a.toArray(new String[0]));
  }

  private static void refusedBeforeAnyWork(Path tmp, CliRun r, String line) {
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err().strip().lines()).singleElement().isEqualTo("dsabench: " + line);
    assertThat(tmp.resolve("out").resolve("results.json")).doesNotExist();
  }

  @Test
  void aBadBaselineOrReferenceIsRefusedBeforeTheSweep(@TempDir Path tmp) throws Exception {
    Path missing = tmp.resolve("nope.json");
    refusedBeforeAnyWork(
        tmp,
        bench(tmp, "--backend", "cpu", "--baseline", missing.toString()),
        "baseline: " + missing + ": no such file");
    Path junk = Files.writeString(tmp.resolve("junk.json"), "{\"schema\":");
    refusedBeforeAnyWork(
        tmp,
        bench(tmp, "--backend", "cpu", "--baseline", junk.toString()),
        "baseline: "
            + junk
            + ": truncated: the JSON ends before it is complete (line 1, column 11)");
    refusedBeforeAnyWork(
        tmp,
        bench(tmp, "--backend", "cpu", "--reference", missing.toString()),
        "reference: " + missing + ": no such file");
    // A cuda baseline for an explicit cpu sweep: the backends differ, known before measuring.
    Path cuda =
        CostCommandTest.syntheticResults(
            Files.createDirectories(tmp.resolve("c")), "cuda", "NVIDIA H200");
    refusedBeforeAnyWork(
        tmp,
        bench(tmp, "--backend", "cpu", "--baseline", cuda.toString()),
        "backend: base run is 'cuda' and new run is 'cpu'; compare runs of the same backend");
  }

  @Test
  void otherBadFlagsAreRefusedBeforeTheSweep(@TempDir Path tmp) {
    String[][] cases = {
      {"--forks", "-1", "forks: -1 is not 0 or a positive count"},
      {"--iterations", "0", "iterations: 0 is not a positive count"},
      {
        "--metrics-bind",
        "203.0.113.7",
        "metrics-bind: '203.0.113.7' is not an address of this host"
            + " (127.0.0.1, 0.0.0.0, or an address of one of its interfaces, such as the pod's)"
      },
      {
        "--metrics-bind",
        "a b",
        "metrics-bind: 'a b' is not an address of this host (127.0.0.1,"
            + " 0.0.0.0, or an address of one of its interfaces, such as the pod's)"
      },
      {"--metrics-port", "70000", "metrics-port: 70000 is not a TCP port (0-65535)"},
      {"--pushgateway", "ftp://x", "pushgateway: 'ftp://x' is not an http(s)://host:port URL"},
      {"--shard", "4/4", "shard: index 4 is not between 0 and 3 (I/N is 0-based)"},
    };
    for (String[] c : cases) {
      refusedBeforeAnyWork(tmp, bench(tmp, "--backend", "cpu", c[0], c[1]), c[2]);
    }
  }

  @Test
  void anOptionPicocliRefusesIsOneLineToo() {
    CliRun unknown = run("bench", "--nope");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err().strip())
        .isEqualTo(
            "dsabench: Unknown option: '--nope' ('dsabench bench --help' lists the options)");
    CliRun top = run("nope");
    assertThat(top.err().strip())
        .isEqualTo(
            "dsabench: Unmatched argument at index 0: 'nope' ('dsabench --help' lists the options)");
  }

  @Test
  void cudaThatCannotStartIsOneLineAndTheReportIsBehindVerbose(@TempDir Path tmp) {
    Assumptions.assumeTrue(
        isUnavailable(), "a machine where cuda cannot start (this test is for CPU-only hosts)");
    CliRun r = bench(tmp, "--backend", "cuda");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip().lines())
        .singleElement()
        .asString()
        .startsWith("dsabench: backend cuda cannot start here: cuda unavailable: ")
        .endsWith(" (--verbose prints the loader's full report)");
    CliRun v = bench(tmp, "--backend", "cuda", "--verbose");
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err().lines().count()).isGreaterThan(3);
    assertThat(v.err()).contains("\tat ");
  }

  @Test
  void compareRefusesTwoGpuModelsUnlessAllowed(@TempDir Path tmp) throws Exception {
    Path h200 =
        CostCommandTest.syntheticResults(
            Files.createDirectories(tmp.resolve("a")), "cuda", "NVIDIA H200");
    Path h100 =
        CostCommandTest.syntheticResults(
            Files.createDirectories(tmp.resolve("b")), "cuda", "NVIDIA H100 80GB HBM3");
    String refusal =
        "dsabench: device: base run is on 'NVIDIA H200' and new run on 'NVIDIA H100 80GB HBM3';"
            + " compare runs of the same GPU model (--allow-different-devices to compare anyway)";
    CliRun r = run("compare", h200.toString(), h100.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo(refusal);
    CliRun allowed = run("compare", h200.toString(), h100.toString(), "--allow-different-devices");
    assertThat(allowed.exit()).as(allowed.err()).isZero();
    assertThat(allowed.out())
        .contains("warning: devices differ: base ran on NVIDIA H200, new on NVIDIA H100 80GB HBM3");
    // The bench baseline follows the same rule, before measuring.
    Path cpuA =
        CostCommandTest.syntheticResults(
            Files.createDirectories(tmp.resolve("c")), "cpu", "Some Other CPU");
    CliRun b = bench(tmp, "--backend", "cpu", "--baseline", cpuA.toString());
    assertThat(b.exit()).as(b.err()).isEqualTo(2);
    assertThat(b.err().strip())
        .startsWith("dsabench: device: base run is on 'Some Other CPU' and new run on '");
    assertThat(tmp.resolve("out").resolve("results.json")).doesNotExist();
  }

  private static boolean isUnavailable() {
    try (var b = Backends.open("cuda")) {
      return b == null;
    } catch (Exception | LinkageError e) {
      return true;
    }
  }
}
