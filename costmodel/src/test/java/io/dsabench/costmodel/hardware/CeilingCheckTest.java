package io.dsabench.costmodel.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.WorkloadModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The invariant on the published H200 runs: nothing runs faster than the chip can. */
class CeilingCheckTest {
  private static final Path PUBLISHED = Path.of("..", "reports", "published", "h200");
  private static final Path FROZEN = Path.of("..", "testdata", "h200-9e2310f");
  private static final WorkloadModel M = WorkloadModel.deepseekV32();

  @Test
  void noPublishedStageIsAboveTheH200sMeasuredCeilings() throws Exception {
    // Every results file published today (ours and the reference runs), and the frozen older run.
    List<Path> files = new ArrayList<>(ResultsIO.resultsFilesIn(PUBLISHED));
    files.addAll(ResultsIO.resultsFilesIn(FROZEN));
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    for (Path f : files) {
      Results r = ResultsIO.read(f);
      assertThat(CeilingCheck.violations(r, M)).as(f.toString()).isEmpty();
    }
  }

  @Test
  void theTwoTokenIndexerCountedPerTokenWouldBeFlaggedByName() throws Exception {
    // Make the indexer 1.8x faster at one point: 2.84 TB/s counted per sequence becomes 5.11 TB/s,
    // above the 4.51 TB/s the H200 reads at (its 1194 TFLOP/s stays under fp8's 1305). The check
    // must name it.
    Results r = ResultsIO.read(FROZEN.resolve("decode-2tok-b64.json"));
    List<PointResult> pts = new ArrayList<>(r.points());
    PointResult last = pts.get(pts.size() - 1);
    List<StageResult> st = new ArrayList<>();
    for (StageResult s : last.stages()) {
      double t = s.op() == Op.INDEXER ? s.medianSeconds() / 1.8 : s.medianSeconds();
      st.add(StageResult.of(s.op(), t, t, t, s.samples(), s.flops(), s.bytes()));
    }
    pts.set(pts.size() - 1, PointResult.ok(last.point(), st));
    List<CeilingCheck.Violation> v = CeilingCheck.violations(new Results(r.run(), pts), M);
    assertThat(v).hasSize(1);
    assertThat(v.get(0).resource()).isEqualTo("bandwidth");
    assertThat(v.get(0).message())
        .startsWith("decode/dsa/p=131072/n=128/t=2 indexer: 5.11 TB/s is 113% of the h200's")
        .contains("bandwidth ceiling 4.51 TB/s: above 100% means the work or the time was counted");
  }

  @Test
  void aCpuRunOrAnUnknownDeviceIsNotChecked() throws Exception {
    Results r = ResultsIO.read(PUBLISHED.resolve("results.json"));
    Results cpu =
        new Results(
            new io.dsabench.model.results.RunInfo(
                "x", null, null, "cpu", null, null, null, r.run().device(), null),
            r.points());
    assertThat(CeilingCheck.violations(cpu, M)).isEmpty();
  }
}
