package io.dsabench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.workload.SweepPoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void plainLinesWithCountsAndEtaWhenNotATerminal() {
    SweepSpec spec = SweepSpec.defaults("cuda");
    List<SweepPoint> pts = spec.points().subList(0, 2);
    Results r = TestResults.run("r", spec, pts, p -> 1, 0.01);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), false);
    bar.sweepStarted(new Results(r.run(), List.of()), 2);
    bar.pointStarted(pts.get(0), -1);
    bar.pointFinished(r.points().get(0), 1, 2, 1.5);
    bar.pointFinished(
        PointResult.notOk(pts.get(1), PointStatus.SKIPPED, "out of memory"), 2, 2, 0.1);
    bar.sweepFinished(r);
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(out).doesNotContain("\r");
    assertThat(out.lines().toList())
        .hasSize(4)
        .satisfies(
            l ->
                assertThat(l.get(1))
                    .contains("1/2")
                    .contains(pts.get(0).key())
                    .contains("ETA 0:00:"))
        .satisfies(
            l ->
                assertThat(l.get(2))
                    .contains("2/2")
                    .contains("skipped: out of memory")
                    .contains("ETA 0:00:00"));
    assertThat(ProgressBar.bar(1, 2)).isEqualTo("#".repeat(15) + ".".repeat(15));
    assertThat(ProgressBar.clock(3725)).isEqualTo("1:02:05");
  }
}
