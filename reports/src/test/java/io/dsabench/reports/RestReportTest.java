package io.dsabench.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.RestBatch;
import io.dsabench.reports.model.ReportData;
import io.dsabench.reports.model.RestRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report shows the rest of the model's estimate and measurement side by side. */
class RestReportTest {
  /** A FIXTURE decode rest point at the decode deployment's 256 tokens: hand-written times. */
  private static Results withRest() {
    return SyntheticResults.gpuLike()
        .with(
            new RestResult(
                Phase.DECODE,
                256,
                144,
                2,
                1024,
                RestBatch.UNIFORM,
                PointStatus.OK,
                null,
                List.of(
                    StageResult.of(Op.MLA_PROJECTIONS, 100e-6, 99e-6, 101e-6, 20, 1e9, 1e8),
                    StageResult.of(Op.MOE_EXPERTS, 300e-6, 297e-6, 303e-6, 20, 1e9, 1e8))));
  }

  @Test
  void measuredPartsAreNamedAndSetBesideTheirEstimates(@TempDir Path dir) throws Exception {
    ReportFiles files =
        ReportWriter.write(
            new ReportInput(
                withRest(), "rest.json", "h200", null, null, null, null, null, "test", null),
            dir.resolve("r.html"));
    ReportData data = ReportWriter.data(ReportInput.of(withRest()));
    RestRow mla =
        data.methodology().rest().stream()
            .filter(r -> r.curve().equals("decode_v3.2") && r.component().equals("mla_projections"))
            .findFirst()
            .orElseThrow();
    assertThat(mla.source()).startsWith("measured (H200, tokens 256, uniform)");
    assertThat(mla.measuredSeconds()).isEqualTo(mla.pricedSeconds());
    assertThat(mla.estimateSeconds()).isPositive().isNotEqualTo(mla.pricedSeconds());

    Document doc = Jsoup.parse(Files.readString(files.html()));
    var line = doc.getElementById("rest-measured");
    assertThat(line.attr("data-measured")).isEqualTo("true");
    assertThat(line.text())
        .contains("decode_v3.1 mla_projections, moe_experts")
        .contains("decode_v3.2 mla_projections, moe_experts");
    // On h200 itself: 61 layers x 100 µs / 256 tokens = 23.83 µs per token.
    var row = doc.selectFirst("#rest tr[data-curve=decode_v3.2][data-component=mla_projections]");
    assertThat(row.select("td").get(3).text()).isEqualTo("23.83");
    assertThat(row.select("td").get(5).text()).startsWith("measured (H200, tokens 256, uniform)");
    assertThat(doc.selectFirst("#rest tr[data-curve=prefill_v3.2][data-component=total]").text())
        .contains("estimate: the results hold no prefill rest-of-model point");

    List<String> csv = Files.readAllLines(files.csv());
    assertThat(csv)
        .anyMatch(
            l ->
                l.startsWith(
                    "rest,decode_v3.2,,,mla_projections,measured_seconds_per_token,2.3828125E-5,s,"));
    assertThat(csv).noneMatch(l -> l.startsWith("rest,prefill_v3.2,,,mla_projections,measured"));
  }

  @Test
  void withoutRestPointsTheReportSaysEveryPartIsAnEstimate(@TempDir Path dir) throws Exception {
    ReportFiles files =
        ReportWriter.write(ReportInput.of(SyntheticResults.gpuLike()), dir.resolve("r.html"));
    Document doc = Jsoup.parse(Files.readString(files.html()));
    assertThat(doc.getElementById("rest-measured").attr("data-measured")).isEqualTo("false");
    assertThat(doc.getElementById("rest-measured").text())
        .contains("every component is an estimate");
  }
}
