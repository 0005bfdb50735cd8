package io.dsabench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.model.results.Results;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard over a real run: a tiny sweep measured here by the harness on the cpu backend
 * (in-process, few samples), then served. Numbers are real but meaningless for GPUs; what is
 * checked is that every view copes with what the harness really writes.
 */
@Timeout(240)
class RealCpuRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aRealCpuRunIsListedCostedAndExported(@TempDir Path tmp) throws Exception {
    Results measured = RealCpuRun.measure(tmp.resolve("out/bench"), tmp.resolve("locks"));
    assertThat(measured.points()).hasSize(8);

    try (TestDashboard d = TestDashboard.over(tmp, List.of(tmp.resolve("out")))) {
      String id = d.server.runs().runs().get(0).id();
      JsonNode runs = JSON.readTree(d.get("/api/runs").body()).get("runs");
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).get("backend").asText()).isEqualTo("cpu");
      assertThat(runs.get(0).get("points").get("ok").asInt()).isEqualTo(8);
      assertThat(runs.get(0).get("verdict").get("text").asText()).startsWith("no verdict: ");

      var cost = d.get("/api/cost?run=" + id + "&hardware=h800&price=2");
      assertThat(cost.statusCode()).as(cost.body()).isEqualTo(200);
      JsonNode c = JSON.readTree(cost.body());
      // No GPU profile for a cpu run: the cost model says it did not translate the times.
      assertThat(c.get("translated").asBoolean()).isFalse();
      assertThat(c.get("curves")).hasSize(4);
      for (JsonNode curve : c.get("curves")) {
        for (JsonNode p : curve.get("points")) {
          assertThat(p.get("usdPerMillionTokens").asDouble()).isPositive();
        }
      }

      JsonNode k = JSON.readTree(d.get("/api/runs/" + id + "/kernels").body());
      assertThat(k.get("hardware").isNull()).isTrue();
      assertThat(k.get("note").asText()).startsWith("No hardware ceiling is known for ");
      assertThat(k.get("series").size()).isGreaterThanOrEqualTo(8);

      assertThat(d.get("/metrics").body()).contains("dsabench_kernel_median_seconds{");
    }
  }
}
