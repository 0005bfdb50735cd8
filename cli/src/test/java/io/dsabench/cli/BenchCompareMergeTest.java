package io.dsabench.cli;

import static io.dsabench.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.harness.DeviceLock;
import io.dsabench.harness.SweepSpec;
import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.OpWork;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.WorkloadModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** bench, compare and merge end to end through {@link Main}, on the cpu backend and real files. */
class BenchCompareMergeTest {
  /** A tiny in-process cpu sweep: 4 points, fast sampling. */
  private static CliRun bench(Path tmp, String out, String... extra) {
    java.util.LinkedHashMap<String, String> o = new java.util.LinkedHashMap<>();
    String[] defaults = {
      "--backend", "cpu", "--phases", "decode", "--positions", "64,128", "--forks", "0",
      "--min-samples", "3", "--max-time", "0.1", "--max-noise", "0.2", "--baseline", "none",
      "--lock-dir", tmp.resolve("locks").toString(), "--out", tmp.resolve(out).toString()
    };
    for (int i = 0; i < defaults.length; i += 2) {
      o.put(defaults[i], defaults[i + 1]);
    }
    for (int i = 0; i < extra.length; i += 2) {
      o.put(extra[i], extra[i + 1]);
    }
    List<String> a = new ArrayList<>(List.of("bench"));
    o.forEach(
        (k, v) -> {
          a.add(k);
          a.add(v);
        });
    return run(a.toArray(new String[0]));
  }

  private static Set<String> keys(Path file) throws Exception {
    Set<String> s = new HashSet<>();
    for (PointResult p : ResultsIO.read(file).points()) {
      s.add(p.point().key());
    }
    return s;
  }

  /**
   * The README's promise: one line per point with its stage times, as the results file has them.
   */
  @Test
  @Timeout(120)
  void eachPointsLineGivesItsStageTimes(@TempDir Path tmp) throws Exception {
    CliRun r = bench(tmp, "run");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    Results res = ResultsIO.read(tmp.resolve("run/results.json"));
    List<String> lines = r.err().lines().filter(l -> l.contains(" ok ")).toList();
    assertThat(lines).hasSize(res.points().size()).hasSize(4);
    for (PointResult p : res.points()) {
      String line =
          lines.stream()
              .filter(l -> l.contains(" " + p.point().key() + " "))
              .findFirst()
              .orElseThrow();
      StageResult total = p.stage(io.dsabench.model.workload.Op.TOTAL).orElseThrow();
      assertThat(line)
          .contains(
              "ok "
                  + io.dsabench.harness.stats.Durations.seconds(total.medianSeconds())
                  + " total; ");
      for (StageResult s : p.stages()) {
        if (s.op() != io.dsabench.model.workload.Op.TOTAL) {
          assertThat(line)
              .contains(
                  s.op().id()
                      + " "
                      + io.dsabench.harness.stats.Durations.seconds(s.medianSeconds()));
        }
      }
    }
  }

  @Test
  @Timeout(300)
  void shardsMergedEqualOneRunAndALostShardIsReported(@TempDir Path tmp) throws Exception {
    CliRun whole = bench(tmp, "whole");
    assertThat(whole.exit()).as(whole.out() + whole.err()).isZero();
    CliRun s0 = bench(tmp, "s0", "--shard", "0/2");
    CliRun s1 = bench(tmp, "s1", "--shard", "1/2");
    assertThat(s0.exit()).as(s0.err()).isZero();
    assertThat(s1.exit()).as(s1.err()).isZero();
    Path merged = tmp.resolve("merged.json");
    CliRun m =
        run(
            "merge",
            tmp.resolve("s0/results.json").toString(),
            tmp.resolve("s1/results.json").toString(),
            "--out",
            merged.toString());
    assertThat(m.exit()).as(m.out() + m.err()).isZero();
    assertThat(keys(merged)).hasSize(4).isEqualTo(keys(tmp.resolve("whole/results.json")));

    CliRun lost =
        run(
            "merge",
            tmp.resolve("s0/results.json").toString(),
            "--out",
            tmp.resolve("lost.json").toString());
    assertThat(lost.exit()).isEqualTo(1);
    assertThat(lost.out()).contains("2 point(s) of the declared sweep are missing");
    for (String k : keys(tmp.resolve("s1/results.json"))) {
      assertThat(lost.out()).contains("missing " + k);
    }

    CliRun dup =
        run(
            "merge",
            tmp.resolve("s0/results.json").toString(),
            tmp.resolve("whole/results.json").toString(),
            "--out",
            tmp.resolve("d.json").toString());
    assertThat(dup.exit()).isEqualTo(2);
    assertThat(dup.err())
        .contains("is in both")
        .contains("each point must come from exactly one shard");

    bench(tmp, "other", "--positions", "256", "--variants", "dense");
    CliRun mixed =
        run(
            "merge",
            tmp.resolve("s0/results.json").toString(),
            tmp.resolve("other/results.json").toString(),
            "--out",
            tmp.resolve("x.json").toString());
    assertThat(mixed.exit()).isEqualTo(2);
    assertThat(mixed.err()).contains("sweep (run.extra.sweep) differs");
  }

  @Test
  void helpNamesTheDefaultsAndRendersCleanly() {
    CliRun r = run("bench", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("positions 1K,4K,16K with 1 token").contains("95% confidence");
    assertThat(r.err()).doesNotContain("WARN");
  }

  @Test
  void badSweepsExitTwoBeforeAnyWork(@TempDir Path tmp) {
    CliRun zero = bench(tmp, "z", "--positions", "0");
    assertThat(zero.exit()).isEqualTo(2);
    assertThat(zero.err()).contains("positions: 0 is not a positive token count");
    CliRun dup = bench(tmp, "z", "--positions", "1K,1024");
    assertThat(dup.exit()).isEqualTo(2);
    assertThat(dup.err()).contains("positions: 1024 appears twice; each point is measured once");
    CliRun tokens = bench(tmp, "z", "--tokens", "decode=-1");
    assertThat(tokens.exit()).isEqualTo(2);
    assertThat(tokens.err()).contains("tokens: -1 is not a positive token count");
    CliRun shard = bench(tmp, "z", "--shard", "2/2");
    assertThat(shard.exit()).isEqualTo(2);
    assertThat(shard.err()).contains("shard: index 2 is not between 0 and 1 (I/N is 0-based)");
    // 16M positions of decode cache cannot fit in this JVM's heap: refused, nothing measured.
    CliRun huge = bench(tmp, "z", "--positions", "16M");
    assertThat(huge.exit()).isEqualTo(2);
    assertThat(huge.err())
        .contains("positions: 16777216 does not fit: decode/dense/p=16777216/n=1 needs");
    assertThat(tmp.resolve("z/results.json")).doesNotExist();
  }

  @Test
  void aSecondSweepOnTheSameDeviceIsRefusedNamingTheHolder(@TempDir Path tmp) throws Exception {
    try (DeviceLock held =
        DeviceLock.acquire(tmp.resolve("locks"), "cpu", "dsabench bench (other)")) {
      CliRun r = bench(tmp, "busy");
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err())
          .contains("device cpu is busy: another sweep holds " + held.file())
          .contains("pid " + ProcessHandle.current().pid() + ": dsabench bench (other)");
    }
  }

  private static Results synthetic(String id, ToDoubleFunction<SweepPoint> scale, double spread) {
    SweepSpec spec = SweepSpec.defaults("cuda");
    WorkloadModel model = WorkloadModel.deepseekV32();
    List<PointResult> points = new ArrayList<>();
    for (SweepPoint p : spec.points()) {
      List<StageResult> stages = new ArrayList<>();
      for (OpWork w : model.work(p)) {
        double t = Math.max(5e-6, w.flops() / 1e14) * scale.applyAsDouble(p);
        stages.add(
            StageResult.of(
                w.op(), t, t * (1 - spread), t * (1 + spread), 20, w.flops(), w.bytes()));
      }
      points.add(PointResult.ok(p, stages));
    }
    return new Results(
        new RunInfo(
            id,
            "2026-11-29T00:00:00Z",
            "abc",
            "cuda",
            "dsabench bench",
            "jvm",
            "h",
            new DeviceRecord("NVIDIA H200", "9.0", "580", 132, 150_000_000_000L),
            Map.of("sweep", spec.canonical())),
        points);
  }

  @Test
  void compareExitsOneNamingTheRegressedPointAndZeroOnNoise(@TempDir Path tmp) throws Exception {
    SweepPoint slow = SweepSpec.defaults("cuda").points().get(30);
    Path base = tmp.resolve("base.json");
    Path worse = tmp.resolve("worse.json");
    Path noisy = tmp.resolve("noisy.json");
    ResultsIO.write(base, synthetic("base", p -> 1, 0.02));
    ResultsIO.write(worse, synthetic("worse", p -> p.equals(slow) ? 1.2 : 1, 0.02));
    ResultsIO.write(noisy, synthetic("noisy", p -> p.position() % 3 == 0 ? 1.01 : 0.99, 0.02));
    CliRun r = run("compare", base.toString(), worse.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out())
        .containsPattern("regression +" + slow.key().replace("/", "\\/") + " +total .*\\+20\\.0%");
    assertThat(r.out()).contains("same");
    CliRun n = run("compare", base.toString(), noisy.toString());
    assertThat(n.exit()).as(n.out()).isZero();
    assertThat(n.out()).contains("0 regression, 0 lost");
    CliRun missing = run("compare", base.toString(), tmp.resolve("nope.json").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.json: no such file");
    // bench --baseline uses the same rule: a cpu run against a cuda baseline is refused.
    CliRun cross = bench(tmp, "cross", "--baseline", base.toString());
    assertThat(cross.exit()).isEqualTo(2);
    assertThat(cross.err()).contains("backend: base run is 'cuda' and new run is 'cpu'");
  }

  @Test
  void compareWritesMarkdownForAPullRequest(@TempDir Path tmp) throws Exception {
    SweepPoint slow = SweepSpec.defaults("cuda").points().get(30);
    Path base = tmp.resolve("base.json");
    Path worse = tmp.resolve("worse.json");
    ResultsIO.write(base, synthetic("base", p -> 1, 0.02));
    ResultsIO.write(worse, synthetic("worse", p -> p.equals(slow) ? 1.2 : 1, 0.02));
    CliRun r = run("compare", base.toString(), worse.toString(), "--format", "markdown");
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    String[] lines = r.out().split("\n");
    assertThat(lines[0]).startsWith("### dsabench: REGRESSION: ").contains(" regression, 0 lost, ");
    assertThat(r.out())
        .contains("**Regressed or lost:**")
        .contains("- regression `" + slow.key() + " total` +20.0% (")
        .contains("| verdict | point | stage | base | new | change |")
        .contains("| regression | " + slow.key() + " | total | ")
        .contains("<details><summary>All ");
    // The compact table holds only what changed; the folded one every row.
    String compact = r.out().substring(0, r.out().indexOf("<details>"));
    assertThat(compact).doesNotContain("| same |");
    assertThat(r.out().substring(r.out().indexOf("<details>"))).contains("| same |");

    CliRun same = run("compare", base.toString(), base.toString(), "--format", "markdown");
    assertThat(same.exit()).isZero();
    assertThat(same.out()).startsWith("### dsabench: no regression: 0 regression, 0 lost");
    CliRun bad = run("compare", base.toString(), worse.toString(), "--format", "html");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("format: 'html' is not text or markdown");
  }

  @Test
  void benchAppendsItsVerdictAsMarkdownForTheJobSummary(@TempDir Path tmp) throws Exception {
    Path md = tmp.resolve("summary.md");
    CliRun first = bench(tmp, "first", "--summary-md", md.toString());
    assertThat(first.exit()).as(first.out() + first.err()).isZero();
    CliRun second =
        bench(
            tmp,
            "second",
            "--baseline",
            tmp.resolve("first/results.json").toString(),
            "--summary-md",
            md.toString());
    assertThat(second.exit()).as(second.out() + second.err()).isIn(0, 1);
    assertThat(second.out()).contains("markdown summary: " + md);
    String text = Files.readString(md);
    assertThat(text).startsWith("### dsabench: no verdict (no baseline for ");
    assertThat(text).contains("\n### dsabench: ").contains("| verdict | point | stage |");
  }
}
