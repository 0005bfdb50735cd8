package io.dsabench.harness.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.harness.Shard;
import io.dsabench.harness.SweepSpec;
import io.dsabench.harness.TestResults;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.SweepPoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compare rule on real results files, written and read back as a sweep does. */
class CompareTest {
  static final SweepSpec SPEC = SweepSpec.defaults("cuda");

  /** For runs that hold only a part of their declared sweep on purpose (a few points suffice). */
  static final Comparison.Options PARTIAL = Comparison.Options.DEFAULT.withAbsentIsLost(false);

  static Results roundTrip(Path dir, String name, Results r) throws Exception {
    Path f = dir.resolve(name);
    ResultsIO.write(f, r);
    return ResultsIO.read(f);
  }

  @Test
  void aTwentyPercentSlowdownOfOnePointIsCaught(@TempDir Path dir) throws Exception {
    List<SweepPoint> pts = SPEC.points();
    SweepPoint slow = pts.get(20);
    Results base = roundTrip(dir, "base.json", TestResults.run("base", SPEC, pts, p -> 1, 0.03));
    Results now =
        roundTrip(
            dir,
            "new.json",
            TestResults.run("new", SPEC, pts, p -> p.equals(slow) ? 1.2 : 1, 0.03));
    Comparison c = Comparison.of(base, now, CompareRule.DEFAULT);
    assertThat(c.regressed()).isTrue();
    List<Comparison.Row> regressed =
        c.rows().stream().filter(r -> r.verdict() == Verdict.REGRESSION).toList();
    assertThat(regressed).isNotEmpty().allMatch(r -> r.point().equals(slow.key()));
    assertThat(regressed.get(0).change()).isBetween(0.199, 0.201);
    assertThat(c.table()).contains("regression").contains(slow.key()).contains("+20.0%");
    assertThat(c.count(Verdict.SAME)).isEqualTo(c.rows().size() - regressed.size());
  }

  @Test
  void onePercentNoiseOnEveryPointIsNotARegression(@TempDir Path dir) throws Exception {
    List<SweepPoint> pts = SPEC.points();
    SplittableRandom rnd = new SplittableRandom(7);
    List<Double> noise = new ArrayList<>();
    for (int i = 0; i < pts.size(); i++) {
      noise.add(rnd.nextBoolean() ? 1.01 : 0.99);
    }
    Results base = roundTrip(dir, "base.json", TestResults.run("base", SPEC, pts, p -> 1, 0.005));
    Results now =
        roundTrip(
            dir,
            "new.json",
            TestResults.run("new", SPEC, pts, p -> noise.get(pts.indexOf(p)), 0.005));
    Comparison c = Comparison.of(base, now, CompareRule.DEFAULT);
    assertThat(c.regressed()).isFalse();
    assertThat(c.count(Verdict.SAME)).isEqualTo(c.rows().size());
  }

  @Test
  void largeChangesInsideTheSpreadAreAmbiguousAndFasterIsListed() throws Exception {
    List<SweepPoint> pts = SPEC.points().subList(0, 2);
    Results base = TestResults.run("base", SPEC, pts, p -> 1, 0.2);
    Results now = TestResults.run("new", SPEC, pts, p -> p.equals(pts.get(0)) ? 1.1 : 0.5, 0.2);
    Comparison c = Comparison.of(base, now, CompareRule.DEFAULT, PARTIAL);
    assertThat(c.regressed()).isFalse();
    assertThat(c.rows())
        .filteredOn(r -> r.point().equals(pts.get(0).key()))
        .allMatch(r -> r.verdict() == Verdict.AMBIGUOUS);
    assertThat(c.rows())
        .filteredOn(r -> r.point().equals(pts.get(1).key()))
        .allMatch(r -> r.verdict() == Verdict.FASTER);
  }

  @Test
  void aPointThatNowFailsIsLostAndFails() {
    List<SweepPoint> pts = SPEC.points().subList(0, 2);
    Results base = TestResults.run("base", SPEC, pts, p -> 1, 0.01);
    Results ok = TestResults.run("new", SPEC, pts, p -> 1, 0.01);
    List<PointResult> points = new ArrayList<>(ok.points());
    points.set(1, PointResult.notOk(pts.get(1), PointStatus.FAILED, "NaN in sparse output"));
    Results now = new Results(ok.run(), points);
    Comparison c = Comparison.of(base, now, CompareRule.DEFAULT, PARTIAL);
    assertThat(c.regressed()).isTrue();
    assertThat(c.count(Verdict.LOST)).isEqualTo(1);
    assertThat(c.table()).contains("lost").contains("NaN in sparse output");
  }

  @Test
  void differentBackendsAreRefused() {
    List<SweepPoint> pts = SPEC.points().subList(0, 1);
    Results base = TestResults.run("base", SPEC, pts, p -> 1, 0.01);
    RunInfo r = base.run();
    Results cpu =
        new Results(
            new RunInfo(
                r.id(),
                r.startedAt(),
                r.gitCommit(),
                "cpu",
                r.command(),
                r.jvm(),
                r.host(),
                r.device(),
                r.extra()),
            base.points());
    assertThatThrownBy(() -> Comparison.of(base, cpu, CompareRule.DEFAULT))
        .hasMessage(
            "backend: base run is 'cuda' and new run is 'cpu'; compare runs of the same backend");
    assertThat(base.points().get(0).stage(Op.TOTAL)).isPresent();
  }

  @Test
  void decodePointsOfSweepsWithDifferentTokensPerSequenceAreNotPaired() {
    // Same keys (decode/dsa/p=.../n=128), different workloads: 128 sequences of 1 vs 64 of 2, as
    // files written before points recorded tokensPerSeq hold them.
    SweepSpec one = SPEC.withDecodeTokensPerSeq(1);
    SweepSpec two = SPEC.withDecodeTokensPerSeq(2);
    List<SweepPoint> pts = one.points();
    Results base = TestResults.run("base", one, pts, p -> 1, 0.01);
    Results now = TestResults.run("new", two, pts, p -> 2, 0.01);
    Comparison c = Comparison.of(base, now, CompareRule.DEFAULT, PARTIAL);
    String note =
        "decode tokens per sequence differ: base 1, new 2 (run.extra.sweep decodeTokensPerSeq);"
            + " decode points not compared";
    assertThat(c.warnings()).containsExactly(note);
    List<Comparison.Row> decode =
        c.rows().stream().filter(r -> r.point().startsWith("decode/")).toList();
    assertThat(decode).hasSize(18).allMatch(r -> r.verdict() == Verdict.UNMATCHED);
    assertThat(decode).allMatch(r -> r.note().equals(note) && r.op() == null);
    // Prefill points are still compared: twice as slow is a regression there.
    assertThat(c.count(Verdict.REGRESSION)).isPositive();
    assertThat(c.rows())
        .filteredOn(r -> r.verdict() == Verdict.REGRESSION)
        .allMatch(r -> r.point().startsWith("prefill/"));
    assertThat(c.table()).contains("warning: " + note);
    // Same N on both sides pairs them as before.
    Comparison same =
        Comparison.of(
            TestResults.run("b", two, pts, p -> 1, 0.01), now, CompareRule.DEFAULT, PARTIAL);
    assertThat(same.warnings()).isEmpty();
    assertThat(same.count(Verdict.UNMATCHED)).isZero();
  }

  @Test
  void aPointTheNewRunDeclaredButLacksIsLostAndNamesTheSignal() {
    List<SweepPoint> pts = SPEC.points();
    Results base = TestResults.run("base", SPEC, pts, p -> 1, 0.01);
    // Interrupted after 30 of 36 points: the file keeps what finished and says by what it stopped.
    Results cut = TestResults.run("new", SPEC, pts.subList(0, 30), p -> 1, 0.01);
    Comparison c = Comparison.of(base, cut, CompareRule.DEFAULT);
    assertThat(c.regressed()).isTrue();
    assertThat(c.count(Verdict.LOST)).isEqualTo(6);
    assertThat(c.rows())
        .filteredOn(r -> r.verdict() == Verdict.LOST)
        .extracting(Comparison.Row::point)
        .containsExactlyInAnyOrderElementsOf(
            pts.subList(30, 36).stream().map(SweepPoint::key).toList());
    assertThat(c.table())
        .contains("declared by the new run's sweep but not in its file (interrupted sweep?)");
    java.util.Map<String, String> extra = new java.util.LinkedHashMap<>(cut.run().extra());
    extra.put(io.dsabench.harness.RunExtra.INTERRUPTED, "SIGTERM");
    Results signalled = new Results(cut.schema(), cut.run().withExtra(extra), cut.points());
    assertThat(Comparison.of(base, signalled, CompareRule.DEFAULT).table())
        .contains("declared by the new run's sweep but not in its file (run interrupted: SIGTERM)");
    // Lost even where the base lacks the point too: the new run is incomplete either way.
    Results baseCut = TestResults.run("base", SPEC, pts.subList(0, 30), p -> 1, 0.01);
    assertThat(Comparison.of(baseCut, cut, CompareRule.DEFAULT, PARTIAL).regressed()).isFalse();
    assertThat(Comparison.of(baseCut, cut, CompareRule.DEFAULT).count(Verdict.LOST)).isEqualTo(6);
  }

  @Test
  void aShardIsCompleteWhenItHoldsItsShareOfTheSweep() {
    Shard shard = Shard.parse("1/4");
    List<SweepPoint> mine = shard.select(SPEC.points());
    Results base = TestResults.run("base", SPEC, SPEC.points(), p -> 1, 0.01);
    Results whole = withExtra(TestResults.run("s1", SPEC, mine, p -> 1, 0.01), "shard", "1/4");
    assertThat(Comparison.of(base, whole, CompareRule.DEFAULT).count(Verdict.LOST)).isZero();
    Results cut =
        withExtra(
            TestResults.run("s1", SPEC, mine.subList(0, mine.size() - 1), p -> 1, 0.01),
            "shard",
            "1/4");
    assertThat(Comparison.of(base, cut, CompareRule.DEFAULT).rows())
        .filteredOn(r -> r.verdict() == Verdict.LOST)
        .extracting(Comparison.Row::point)
        .containsExactly(mine.get(mine.size() - 1).key());
  }

  @Test
  void runsOfTwoGpuModelsAreRefusedUnlessAllowed() {
    List<SweepPoint> pts = SPEC.points();
    Results base = TestResults.run("base", SPEC, pts, p -> 1, 0.01);
    RunInfo r = base.run();
    Results h100 =
        new Results(
            new RunInfo(
                r.id(),
                r.startedAt(),
                r.gitCommit(),
                r.backend(),
                r.command(),
                r.jvm(),
                r.host(),
                new io.dsabench.model.results.DeviceRecord(
                    "NVIDIA H100 80GB HBM3", "9.0", "580", 132, 80_000_000_000L),
                r.extra()),
            base.points());
    assertThatThrownBy(() -> Comparison.of(base, h100, CompareRule.DEFAULT))
        .hasMessage(
            "device: base run is on 'NVIDIA H200' and new run on 'NVIDIA H100 80GB HBM3'; compare"
                + " runs of the same GPU model (--allow-different-devices to compare anyway)");
    Comparison allowed =
        Comparison.of(
            base,
            h100,
            CompareRule.DEFAULT,
            Comparison.Options.DEFAULT.withAllowDifferentDevices(true));
    assertThat(allowed.warnings())
        .containsExactly("devices differ: base ran on NVIDIA H200, new on NVIDIA H100 80GB HBM3");
  }

  private static Results withExtra(Results r, String key, String value) {
    java.util.Map<String, String> extra = new java.util.LinkedHashMap<>(r.run().extra());
    extra.put(key, value);
    return new Results(r.schema(), r.run().withExtra(extra), r.points());
  }
}
