package io.dsabench.harness.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.harness.reference.RecordedReference;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.workload.Op;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The published H200 run against the reference lines recorded on an H200. */
class ReferenceComparisonTest {
  static final Path PUBLISHED = Path.of("..", "testdata", "h200-9e2310f", "results.json");

  @Test
  void everySharedStageIsPairedWorstFirst(@TempDir Path dir) throws Exception {
    Results ours = ResultsIO.read(PUBLISHED);
    Results ref = RecordedReference.sweep(dir);
    ReferenceComparison c = ReferenceComparison.of(ours, ref);
    assertThat(c.warnings()).isEmpty();
    assertThat(c.rows()).isNotEmpty();
    for (int i = 1; i < c.rows().size(); i++) {
      assertThat(c.rows().get(i - 1).timeRatio())
          .isGreaterThanOrEqualTo(c.rows().get(i).timeRatio());
    }
    ReferenceComparison.Row decode =
        c.rows().stream()
            .filter(
                r -> r.op() == Op.DENSE_DECODE && r.point().equals("decode/dense/p=131072/n=64"))
            .findFirst()
            .orElseThrow();
    assertThat(decode.timeRatio()).isEqualTo(decode.oursSeconds() / decode.referenceSeconds());
    assertThat(decode.speed()).isEqualTo(decode.referenceSeconds() / decode.oursSeconds());
    assertThat(decode.implementation()).startsWith("flash_mla flash_mla_with_kvcache");
    assertThat(c.rows())
        .anyMatch(r -> r.op() == Op.DENSE_PREFILL && r.referenceOp() == Op.DENSE_PREFILL_MASKED);
    assertThat(c.rows()).anyMatch(r -> r.op() == Op.TOPK && r.bytesRate());
    String table = c.table();
    assertThat(table).contains("dense_prefill vs masked").contains("GEMM only, lower bound");
    assertThat(table.lines().reduce((a, b) -> b).orElseThrow())
        .contains("stage(s) compared (ours 20261129T161846Z-h200-9e2310f");
  }

  @Test
  void theSecondRunMustBeAReferenceRun() throws Exception {
    Results ours = ResultsIO.read(PUBLISHED);
    assertThatThrownBy(() -> ReferenceComparison.of(ours, ours))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "reference: run '20261129T161846Z-h200-9e2310f' has backend 'cuda', not 'reference'"
                + " (dsabench reference writes those)");
  }
}
