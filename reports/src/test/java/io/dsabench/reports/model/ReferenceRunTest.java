package io.dsabench.reports.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A reference stage's implementation record keeps the results file's order. */
class ReferenceRunTest {
  @Test
  void implementationFieldsKeepTheirRecordedOrderSoReportsAreTheSameRunToRun() {
    Map<String, String> recorded = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>();
    for (String k :
        List.of(
            "library",
            "function",
            "label",
            "version",
            "commit",
            "backend",
            "cutlassCommit",
            "torch",
            "cudnn",
            "python",
            "arch",
            "source")) {
      recorded.put(k, k + "-value");
      keys.add(k);
    }
    var stage = new ReferenceRun.StageImplementation("sparse_decode", recorded);
    // Twelve keys: an unordered copy keeps this order by chance about once in 479 million.
    assertThat(stage.implementation().keySet()).containsExactlyElementsOf(keys);
    assertThatThrownBy(() -> stage.implementation().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    recorded.put("library", "changed");
    assertThat(stage.implementation().get("library")).isEqualTo("library-value");
  }
}
