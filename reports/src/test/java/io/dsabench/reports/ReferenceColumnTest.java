package io.dsabench.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsabench.harness.compare.ReferenceComparison;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.StageProblem;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.reports.model.ReportData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference column of a report over real runs: the published H200 run set against a real H200
 * reference run (FlashMLA, cuDNN; {@code h200-reference-round1.json}, provenance in this folder's
 * README), paired by the harness's {@link ReferenceComparison} as {@code dsabench report} pairs
 * them. Every figure on the page, in report.json and in report.csv is checked against that pairing.
 */
class ReferenceColumnTest {
  static final Path PUBLISHED = Path.of("..", "testdata", "h200-9e2310f", "results.json");
  static final String REFERENCE_FIXTURE = "h200-reference-round1.json";
  static final String REFERENCE_FILE = "reports/published/h200/reference.json";

  static Results ours;
  static Results reference;
  static ReferenceComparison pairing;
  static Document page;
  static JsonNode json;
  static String csv;

  /** The fixture as a results value. */
  static Results referenceRun() throws Exception {
    Path tmp = Files.createTempFile("reference-", ".json");
    try (var in = ReferenceColumnTest.class.getResourceAsStream(REFERENCE_FIXTURE)) {
      Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    try {
      return ResultsIO.read(tmp);
    } finally {
      Files.delete(tmp);
    }
  }

  /** What the CLI hands the report: the harness's pairing, row by row. */
  static ReferenceInput input(Results ours, Results ref, String file) {
    ReferenceComparison c = ReferenceComparison.of(ours, ref);
    List<ReferenceInput.Pair> pairs = new ArrayList<>();
    for (ReferenceComparison.Row r : c.rows()) {
      pairs.add(
          new ReferenceInput.Pair(
              r.point(), r.op(), r.referenceOp(), r.referenceSeconds(), r.implementation()));
    }
    return ReferenceInput.of(ref, file, pairs, c.warnings());
  }

  @BeforeAll
  static void write(@TempDir Path dir) throws Exception {
    ours = ResultsIO.read(PUBLISHED);
    reference = referenceRun();
    pairing = ReferenceComparison.of(ours, reference);
    ReportInput in =
        new ReportInput(
            ours, PUBLISHED.toString(), "h200", null, null, null, null, null, "test", null);
    ReportFiles files =
        ReportWriter.write(in, input(ours, reference, REFERENCE_FILE), dir.resolve("report.html"));
    page = Jsoup.parse(Files.readString(files.html()));
    json = new ObjectMapper().readTree(files.json().toFile());
    csv = Files.readString(files.csv());
  }

  /** Our kernel-table row for a pairing row. */
  private static Element row(ReferenceComparison.Row r) {
    // point keys read phase/variant/p=P/n=N
    String[] k = r.point().split("/");
    return page.selectFirst(
        "#kernels-"
            + k[0]
            + "-"
            + k[1]
            + " tr[data-position="
            + k[2].substring(2)
            + "][data-tokens="
            + k[3].substring(2)
            + "][data-stage="
            + r.op().id()
            + "]");
  }

  @Test
  void everyPairedStageShowsTheReferenceMedianRateAndRatio() {
    assertThat(pairing.rows()).hasSizeGreaterThan(70);
    for (ReferenceComparison.Row r : pairing.rows()) {
      Element tr = row(r);
      assertThat(tr).as(r.point() + " " + r.op().id()).isNotNull();
      String sel = " div[data-reference-stage=" + r.referenceOp().id() + "]";
      Element fig = tr.selectFirst("td[data-key=reference]" + sel);
      assertThat(fig).as(r.point() + " " + r.referenceOp().id()).isNotNull();
      assertThat(Double.parseDouble(fig.attr("data-value"))).isEqualTo(r.referenceSeconds());
      assertThat(fig.attr("title")).isEqualTo(r.implementation());
      // The same declared work over the reference's median: the harness's reference rate.
      Element rate = tr.selectFirst("td[data-key=reference-rate]" + sel);
      assertThat(Double.parseDouble(rate.attr("data-value")))
          .isCloseTo(r.referenceRate(), within(1e-6 * r.referenceRate()));
      Element ratio =
          tr.selectFirst(
              "td[data-key=ours-over-reference] div[data-reference-stage="
                  + r.referenceOp().id()
                  + "]");
      assertThat(Double.parseDouble(ratio.attr("data-value")))
          .isCloseTo(r.timeRatio(), within(1e-12));
      assertThat(ratio.text()).isEqualTo(io.dsabench.reports.render.Fmt.ratio(r.timeRatio()));
    }
    assertThat(page.selectFirst("#reference-note").attr("data-paired"))
        .isEqualTo(Integer.toString(pairing.rows().size()));
  }

  @Test
  void denseGetsBothCudnnFiguresAndTheHeaderHasTheColumns() {
    Element tr =
        page.selectFirst(
            "#kernels-prefill-dense tr[data-position=131072][data-stage=dense_prefill]");
    var figs = tr.select("td[data-key=reference] div.ref-figure");
    assertThat(figs.eachAttr("data-reference-stage"))
        .containsExactly("dense_prefill", "dense_prefill_masked");
    // cuDNN's marginal cost first, its one-call masked chunk second and labelled so.
    assertThat(figs.eachText()).containsExactly("81.46", "masked 119.3");
    assertThat(tr.select("td[data-key=reference-rate] div").eachText())
        .containsExactly("531.5 TFLOP/s", "362.9 TFLOP/s");
    assertThat(tr.select("td[data-key=ours-over-reference] div")).hasSize(2);
    assertThat(page.select("#kernels-prefill-dense thead th").eachText())
        .containsSubsequence("TB/s", "reference ms", "reference rate", "ours ÷ reference");
    // Top-k has no FLOPs: its reference figure is in TB/s, like its chart line.
    Element topk =
        page.selectFirst("#kernels-decode-dsa tr[data-position=131072][data-stage=topk]");
    assertThat(topk.selectFirst("td[data-key=reference-rate]").text()).endsWith("TB/s");
    // A total has no reference figure and says why in its tooltip.
    Element total =
        page.selectFirst("#kernels-decode-dsa tr[data-position=131072][data-stage=total]");
    assertThat(total.selectFirst("td[data-key=reference]").attr("title"))
        .isEqualTo("the reference has no end-to-end figure");
  }

  @Test
  void provenanceNamesTheFileTheRunAndWhatRanWithItsVersion() {
    String prov = page.getElementById("provenance-table").text();
    assertThat(prov)
        .contains("reference file " + REFERENCE_FILE)
        .contains("reference run 20261130T090142Z-h200-reference-4a0ef8f")
        .contains(
            "reference library flash_mla 1.0.0 (commit 9241ae3ef9bac614dd25e45e507e089f888280e0)")
        .contains("reference library torch 2.11.0+cu130")
        .contains(
            "reference sparse_decode flash_mla flash_mla_with_kvcache (FP8 656-byte cache, sparse"
                + " top-2048) 1.0.0, commit 9241ae3ef9ba")
        .contains("reference dense_prefill_masked torch scaled_dot_product_attention")
        .contains("backend cudnn");
  }

  @Test
  void jsonAndCsvCarryTheSameFigures() {
    JsonNode ref = json.get("reference");
    assertThat(ref.get("runId").asText()).isEqualTo("20261130T090142Z-h200-reference-4a0ef8f");
    assertThat(ref.get("file").asText()).isEqualTo(REFERENCE_FILE);
    assertThat(ref.get("pairedStages").asInt()).isEqualTo(pairing.rows().size());
    int jsonRows = 0;
    for (JsonNode t : json.get("kernels")) {
      for (JsonNode r : t.get("reference")) {
        if (r.get("status").asText().equals("ok")) {
          jsonRows++;
        }
      }
    }
    assertThat(jsonRows).isEqualTo(pairing.rows().size());
    for (ReferenceComparison.Row r : pairing.rows()) {
      String[] k = r.point().split("/");
      String prefix = r.referenceOp() == r.op() ? "reference" : "reference_" + r.referenceOp().id();
      String head =
          "kernel,"
              + k[0]
              + "/"
              + k[1]
              + ","
              + k[2].substring(2)
              + ","
              + k[3].substring(2)
              + ","
              + r.op().id()
              + ",";
      assertThat(csv).contains(head + prefix + "_median_seconds," + r.referenceSeconds() + ",s,");
      assertThat(csv).contains(head + "ours_over_" + prefix + "," + r.timeRatio() + ",,");
    }
    assertThat(csv)
        .contains("reference,run_id,,,,run_id,20261130T090142Z-h200-reference-4a0ef8f,,");
  }

  @Test
  void kernelChartsHoldADashedReferenceLinePerPairedStage() {
    JsonNode charts = json.get("kernelCharts");
    List<String> refs = new ArrayList<>();
    for (JsonNode s : charts) {
      if (s.get("source").asText().equals("reference")) {
        refs.add(
            s.get("phase").asText()
                + "/"
                + s.get("stage").asText()
                + "/"
                + s.get("referenceStage").asText());
      }
    }
    assertThat(refs)
        .containsExactlyInAnyOrder(
            "prefill/dense_prefill/dense_prefill",
            "prefill/dense_prefill/dense_prefill_masked",
            "prefill/indexer/indexer",
            "prefill/topk/topk",
            "prefill/sparse_prefill/sparse_prefill",
            "decode/dense_decode/dense_decode",
            "decode/indexer/indexer",
            "decode/topk/topk",
            "decode/sparse_decode/sparse_decode");
    assertThat(page.getElementById("kernel-chart-prefill")).isNotNull();
    assertThat(page.getElementById("kernel-chart-decode")).isNotNull();
  }

  @Test
  void aMissingReferenceSaysSoInsteadOfFailing() throws Exception {
    ReportData d =
        ReportWriter.data(
            ReportInput.of(ours),
            ReferenceInput.none(
                "no reference run for NVIDIA H200 (reports/published/h200/reference.json"
                    + " does not exist; pass --reference FILE)"));
    Document p = Jsoup.parse(ReportWriter.html(d));
    assertThat(p.getElementById("reference-absent").text())
        .startsWith(
            "No reference column: no reference run for NVIDIA H200 (reports/published/h200/"
                + "reference.json does not exist; pass --reference FILE).");
    assertThat(p.select("td[data-key=reference]")).isEmpty();
    assertThat(p.select("#kernels-prefill-dense thead th").eachText()).doesNotContain("reference");
    assertThat(p.getElementById("provenance-table").text())
        .contains("reference run none: no reference run for NVIDIA H200");
    // Our own kernel charts are still drawn, without reference lines.
    assertThat(d.kernelCharts()).isNotEmpty().allMatch(s -> s.source().equals("ours"));
    // Nothing given at all (a library caller): the same, with the default reason.
    Document q = Jsoup.parse(ReportWriter.html(ReportWriter.data(ReportInput.of(ours))));
    assertThat(q.getElementById("reference-absent").text())
        .startsWith("No reference column: no reference run given.");
  }

  @Test
  void aStageTheReferenceSkippedSaysWhyInItsCell() throws Exception {
    // The real reference run, with the decode indexer at 64K turned into the skipped stage a
    // machine without the library records (what dsabench reference writes for a missing import).
    String why = "deep_gemm not importable: No module named 'deep_gemm'";
    List<PointResult> points = new ArrayList<>();
    for (PointResult p : reference.points()) {
      if (p.phase() == Phase.DECODE
          && p.position() == 65536
          && p.status() == PointStatus.OK
          && p.stage(Op.INDEXER).isPresent()) {
        List<StageResult> kept = p.stages().stream().filter(s -> s.op() != Op.INDEXER).toList();
        p =
            new PointResult(
                p.phase(),
                p.variant(),
                p.position(),
                p.tokens(),
                p.tokensPerSeq(),
                p.status(),
                null,
                kept,
                p.device(),
                List.of(new StageProblem(Op.INDEXER, PointStatus.SKIPPED, why)));
      }
      points.add(p);
    }
    Results skipped = new Results(reference.run(), points);
    Document p =
        Jsoup.parse(
            ReportWriter.html(
                ReportWriter.data(ReportInput.of(ours), input(ours, skipped, "skipped.json"))));
    Element cell =
        p.selectFirst(
            "#kernels-decode-dsa tr[data-position=65536][data-stage=indexer] td[data-key=reference]");
    assertThat(cell.text()).isEqualTo("skipped: " + why);
    assertThat(cell.selectFirst("div").attr("title")).isEqualTo(why);
    assertThat(cell.selectFirst("div").attr("data-status")).isEqualTo("skipped");
    // Its neighbours still have their figures.
    assertThat(
            p.selectFirst(
                    "#kernels-decode-dsa tr[data-position=65536][data-stage=sparse_decode]"
                        + " td[data-key=reference] div")
                .attr("data-status"))
        .isEqualTo("ok");
  }

  @Test
  void onlyAReferenceRunIsTakenAsTheReference() {
    assertThatThrownBy(() -> ReferenceInput.of(ours, "results.json", List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "reference: run '20261129T161846Z-h200-9e2310f' has backend 'cuda', not 'reference'"
                + " (dsabench reference writes those)");
  }
}
