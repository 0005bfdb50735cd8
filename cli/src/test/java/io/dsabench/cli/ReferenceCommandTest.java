package io.dsabench.cli;

import static io.dsabench.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dsabench reference} where no reference can run: one clear line, exit 2, no stack. */
class ReferenceCommandTest {
  @Test
  void noPythonIsOneLineAndExitTwo(@TempDir Path tmp) {
    CliRun r =
        run(
            "reference",
            "--python",
            "/nonexistent/python3",
            "--out",
            tmp.resolve("ref").toString(),
            "--references",
            tmp.toString(),
            "--positions",
            "1K",
            "--lock-dir",
            tmp.resolve("locks").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip().lines())
        .singleElement()
        .asString()
        .startsWith(
            "dsabench: cannot start '/nonexistent/python3' (no Python here? give one with --python"
                + " or DSABENCH_PYTHON)");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void aPythonWithoutTorchIsOneLineAndExitTwo(@TempDir Path tmp) throws Exception {
    // Stands in for a python3 whose runner finds no torch: it prints what the runner prints then.
    Path fake = tmp.resolve("python-without-torch");
    Files.writeString(
        fake,
        "#!/bin/sh\n"
            + "echo '{\"type\":\"error\",\"reason\":\"torch not importable: No module named"
            + " torch\"}'\nexit 3\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    CliRun r =
        run(
            "reference",
            "--python",
            fake.toString(),
            "--out",
            tmp.resolve("ref").toString(),
            "--references",
            tmp.toString(),
            "--lock-dir",
            tmp.resolve("locks").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "dsabench: reference runner unavailable: torch not importable: No module named torch");
    // The runner that would have run stays beside the results.
    assertThat(tmp.resolve("ref").resolve("dsabench_reference.py")).isRegularFile();
  }

  @Test
  void badSweepInputIsRefusedBeforeAnythingStarts(@TempDir Path tmp) {
    CliRun r =
        run(
            "reference",
            "--positions",
            "-4",
            "--out",
            tmp.resolve("ref").toString(),
            "--lock-dir",
            tmp.resolve("locks").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("positions: ");
    assertThat(tmp.resolve("ref")).doesNotExist();
  }

  @Test
  void theDefaultSweepIsBenchsSoTheRunsPairPointForPoint(@TempDir Path tmp) throws Exception {
    // A runner that answers hello and then fails every point, so the file records the points asked.
    Path fake = tmp.resolve("python-failing");
    Files.writeString(
        fake,
        "#!/bin/sh\n"
            + "echo '{\"type\":\"hello\",\"python\":\"3\",\"torch\":\"t\","
            + "\"device\":{\"name\":\"NVIDIA H200\",\"smCount\":132,\"memoryBytes\":1},"
            + "\"implementations\":{}}'\n"
            + "exit 3\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    CliRun r =
        run(
            "reference",
            "--python",
            fake.toString(),
            "--phases",
            "decode",
            "--positions",
            "1K",
            "--out",
            tmp.resolve("ref").toString(),
            "--references",
            tmp.toString(),
            "--lock-dir",
            tmp.resolve("locks").toString());
    assertThat(r.exit()).isEqualTo(1);
    var results =
        io.dsabench.model.results.ResultsIO.read(tmp.resolve("ref").resolve("results.json"));
    assertThat(results.points())
        .extracting(p -> p.point().key())
        .containsExactly("decode/dense/p=1024/n=128/t=2", "decode/dsa/p=1024/n=128/t=2");
  }

  @Test
  void restAloneTimesEachDeploymentsBatchAndNoAttentionPoint(@TempDir Path tmp) throws Exception {
    // The same failing runner: the file records the rest points asked for, each failed with why.
    Path fake = tmp.resolve("python-failing");
    Files.writeString(
        fake,
        "#!/bin/sh\n"
            + "echo '{\"type\":\"hello\",\"python\":\"3\",\"torch\":\"t\","
            + "\"device\":{\"name\":\"NVIDIA H200\",\"smCount\":132,\"memoryBytes\":1},"
            + "\"implementations\":{}}'\n"
            + "exit 3\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    CliRun r =
        run(
            "reference",
            "--python",
            fake.toString(),
            "--phases",
            "rest",
            "--out",
            tmp.resolve("ref").toString(),
            "--references",
            tmp.toString(),
            "--lock-dir",
            tmp.resolve("locks").toString());
    assertThat(r.exit()).isEqualTo(1);
    var results =
        io.dsabench.model.results.ResultsIO.read(tmp.resolve("ref").resolve("results.json"));
    assertThat(results.points()).isEmpty();
    // Prefill at 16384 tokens per GPU (EP32), decode at 128 sequences x 2 tokens (EP144), each
    // with torch and then DeepGEMM.
    assertThat(results.restPoints())
        .extracting(p -> p.phase().id() + "/" + p.tokens() + "/EP" + p.expertParallel())
        .containsExactly(
            "prefill/16384/EP32", "prefill/16384/EP32", "decode/256/EP144", "decode/256/EP144");
    assertThat(results.restPoints())
        .allSatisfy(
            p -> {
              assertThat(p.status().id()).isEqualTo("failed");
              assertThat(p.reason()).contains("reference runner");
            });
    assertThat(r.err()).contains("reference rest decode 256 tokens EP144: failed");
  }
}
