package io.dsabench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dsabench report} end to end, on the real cpu-backend results the reports tests use. */
class ReportCommandTest {
  static final Path CPU_RUN =
      Path.of("..", "reports", "src", "test", "resources", "io", "dsabench", "reports")
          .resolve("cpu-results.json");

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void aCompanionRunIsPricedWithTheFirstAndItsKernelsAreTabled(@TempDir Path dir) throws Exception {
    Path pub = Path.of("..", "testdata", "h200-9e2310f");
    Path html = dir.resolve("r.html");
    Run r =
        run(
            "report",
            "--results",
            pub.resolve("results.json").toString(),
            "--results",
            pub.resolve("decode-2tok-b128.json").toString(),
            "--out",
            html.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String page = Files.readString(html);
    assertThat(page).contains("also priced from").contains("20261129T162258Z-h200-9e2310f");
    // The companion's 2-token decode points are in the decode/dsa kernel table beside the
    // full sweep's 1-token ones.
    assertThat(page).contains("data-tokens-per-seq=\"2\"").contains("256 (128 × 2)");
    assertThat(page).contains("measurements.decode/dsa");
    // A folder holding two runs of one series is refused by name.
    Run clash = run("report", "--results", pub.toString(), "--out", html.toString());
    assertThat(clash.code()).isEqualTo(2);
    assertThat(clash.err())
        .contains("decode/dsa at 2 tokens per sequence is in both")
        .contains("decode-2tok-b64.json");
  }

  @Test
  void writesThePageWithCsvAndJsonBesideIt(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("r.html");
    Run r =
        run(
            "report",
            "--results",
            CPU_RUN.toString(),
            "--workload",
            Path.of("..", "examples", "workloads", "chat.yaml").toString(),
            "--hardware",
            "h200",
            "--price",
            "3.2",
            "--out",
            html.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("report: " + html);
    assertThat(dir.resolve("r.csv")).isRegularFile();
    assertThat(dir.resolve("r.json")).isRegularFile();
    // The page itself is tested in the reports module (jsoup, Chromium); here: that the CLI
    // passed everything through.
    String page = Files.readString(html);
    assertThat(page).contains("CPU RUN").contains("<tr data-variant=\"dsa\">");
    assertThat(page).contains("<td>dsabench report --results");
    assertThat(page)
        .contains(
            "no published run for this device (AMD EPYC in "
                + PUBLISHED
                + "); pass --baseline FILE to compare with one");
  }

  @Test
  void aRunAgainstItselfHasNoRegression(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("report.html");
    Run r =
        run(
            "report",
            "--results",
            CPU_RUN.toString(),
            "--baseline",
            CPU_RUN.toString(),
            "--out",
            html.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String page = Files.readString(html);
    assertThat(page).contains("data-outcome=\"pass\"").contains("0 regressed, 0 lost");
  }

  @Test
  void badInputExitsTwoNamingTheFieldAndTheRule(@TempDir Path dir) {
    Run hw = run("report", "--results", CPU_RUN.toString(), "--hardware", "x9");
    assertThat(hw.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(hw.err()).contains("hardware: 'x9' is not one of h800, h100, h200, b200");

    Run pos = run("report", "--results", CPU_RUN.toString(), "--positions", "8Q");
    assertThat(pos.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(pos.err()).contains("positions: '8Q' is not a token count (e.g. 8192 or 8K)");

    Path txt = dir.resolve("report.txt");
    Run out = run("report", "--results", CPU_RUN.toString(), "--out", txt.toString());
    assertThat(out.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(out.err()).contains("out: '" + txt + "' does not end in .html");

    Run missing = run("report", "--results", dir.resolve("none.json").toString());
    assertThat(missing.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(missing.err()).contains("results: " + dir.resolve("none.json") + ": no such file");
  }

  static final Path PUBLISHED_H200 = Path.of("..", "testdata", "h200-9e2310f", "results.json");
  static final Path REFERENCE_H200 =
      CPU_RUN.resolveSibling("h200-reference-round1.json"); // real H200 reference run, see README

  @Test
  void referenceSetsTheKernelsAgainstTheReferenceRun(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("r.html");
    Run r =
        run(
            "report",
            "--results",
            PUBLISHED_H200.toString(),
            "--reference",
            REFERENCE_H200.toString(),
            "--out",
            html.toString());
    assertThat(r.code()).as(r.err()).isZero();
    // The pairing is the harness's, as compare --reference prints it.
    int paired =
        io.dsabench.harness.compare.ReferenceComparison.of(
                io.dsabench.model.results.ResultsIO.read(PUBLISHED_H200),
                io.dsabench.model.results.ResultsIO.read(REFERENCE_H200))
            .rows()
            .size();
    assertThat(r.out())
        .contains("reference: " + REFERENCE_H200 + " (" + paired + " stage(s) paired)");
    String page = Files.readString(html);
    assertThat(page)
        .contains("<th>ours ÷ reference</th>")
        .contains("id=\"reference-note\" data-paired=\"" + paired + "\"")
        .contains("<td>" + REFERENCE_H200 + "</td>");
    assertThat(Files.readString(dir.resolve("r.csv"))).contains("ours_over_reference");
  }

  /**
   * The published runs of this checkout, absolute: what {@code report} finds from the installation
   * whatever the working directory (the tests run in cli/, where no reports/published is).
   */
  static final Path PUBLISHED = Path.of("..", "reports", "published").toAbsolutePath().normalize();

  @Test
  void thePublishedRunIsFoundFromTheInstallationNotTheWorkingDirectory(@TempDir Path dir)
      throws Exception {
    assertThat(Path.of("reports", "published")).doesNotExist();
    Path html = dir.resolve("r.html");
    Path frozen = Path.of("..", "testdata", "h200-9e2310f", "results.json");
    Run r = run("report", "--results", frozen.toString(), "--out", html.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String page = Files.readString(html);
    assertThat(page)
        .contains("against " + PUBLISHED.resolve("h200/results.json") + ", run ")
        .doesNotContain("no published run");
    assertThat(r.out()).contains("reference: " + PUBLISHED.resolve("h200/reference.json"));

    // --published names another folder: an empty one has no run for the device.
    Path none = Files.createDirectories(dir.resolve("published"));
    Run elsewhere =
        run(
            "report",
            "--results",
            frozen.toString(),
            "--published",
            none.toString(),
            "--out",
            html.toString());
    assertThat(elsewhere.code()).as(elsewhere.err()).isZero();
    assertThat(Files.readString(html))
        .contains("no published run for this device (NVIDIA H200 in " + none.toAbsolutePath());
  }

  @Test
  void withoutAReferenceRunTheReportSaysSo(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("r.html");
    Path empty = Files.createDirectories(dir.resolve("published"));
    Run r =
        run(
            "report",
            "--results",
            PUBLISHED_H200.toString(),
            "--published",
            empty.toString(),
            "--out",
            html.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String why =
        "no reference run for NVIDIA H200 ("
            + empty.toAbsolutePath().resolve("h200/reference.json")
            + " does not exist; pass --reference FILE)";
    assertThat(r.out()).contains("reference: none (" + why + ")");
    assertThat(Files.readString(html)).contains("No reference column: " + why);

    Run none =
        run(
            "report",
            "--results",
            PUBLISHED_H200.toString(),
            "--reference",
            "none",
            "--out",
            html.toString());
    assertThat(none.out()).contains("reference: none (--reference none)");
  }

  @Test
  void aReferenceThatIsNotAReferenceRunIsBadInput(@TempDir Path dir) {
    Run r =
        run(
            "report",
            "--results",
            PUBLISHED_H200.toString(),
            "--reference",
            CPU_RUN.toString(),
            "--out",
            dir.resolve("r.html").toString());
    assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err())
        .contains(
            "reference: "
                + CPU_RUN
                + " holds a 'cpu' run, not a reference run (dsabench reference writes those)");
  }

  @Test
  void positionsReadTheWayTheyAreWritten() {
    assertThat(ReportCommand.parsePositions(java.util.List.of("8K", "128k", "6590")))
        .containsExactly(8192, 131072, 6590);
  }

  /** USD per million tokens by "curve@position" from {@code cost --format csv}. */
  private static java.util.Map<String, Double> costCurves(String csv) {
    java.util.Map<String, Double> m = new java.util.HashMap<>();
    csv.lines()
        .skip(1)
        .map(l -> l.split(","))
        .forEach(c -> m.put(c[0] + "@" + c[1], Double.parseDouble(c[2])));
    return m;
  }

  private static String[] args(String[] head, String... model) {
    String[] all = java.util.Arrays.copyOf(head, head.length + model.length);
    System.arraycopy(model, 0, all, head.length, model.length);
    return all;
  }

  @Test
  void takesEveryModelOptionOfCostAndTablesASecondRunAgainstTheFirst(@TempDir Path dir)
      throws Exception {
    Path a = Path.of("..", "reports", "published", "h200", "results.json");
    Path b = PUBLISHED_H200;
    String[] model = {
      "--hardware",
      "b200",
      "--price",
      "3.5",
      "--calibrate",
      "--set",
      "deployment.decode.gemmEfficiency=0.3",
      "--extrapolation",
      "flag",
      "--source-hardware",
      "h200"
    };
    Path html = dir.resolve("r.html");
    Run r =
        run(
            args(
                new String[] {
                  "report",
                  "--results",
                  a.toString(),
                  "--compare",
                  b.toString(),
                  "--out",
                  html.toString()
                },
                model));
    assertThat(r.code()).as(r.err()).isZero();
    var ca =
        costCurves(
            CliRun.run(
                    args(
                        new String[] {"cost", "--results", a.toString(), "--format", "csv"}, model))
                .out());
    var cb =
        costCurves(
            CliRun.run(
                    args(
                        new String[] {"cost", "--results", b.toString(), "--format", "csv"}, model))
                .out());
    var json =
        io.dsabench.model.results.ResultsIO.mapper().readTree(dir.resolve("r.json").toFile());
    assertThat(json.get("title").asText())
        .isEqualTo(
            "DeepSeek Sparse Attention cost report — priced on B200 from a run on NVIDIA H200");
    assertThat(json.get("pricing").get("hardware").asText()).isEqualTo("b200");
    assertThat(json.get("pricing").get("usdPerGpuHour").asDouble()).isEqualTo(3.5);
    // The report's numbers are cost's under the same options: --set and --calibrate included.
    for (var row : json.get("summary")) {
      String phase = row.get("phase").asText();
      int pos = row.get("position").asInt();
      assertThat(row.get("denseUsdPerMillionTokens").asDouble())
          .isCloseTo(
              ca.get(phase + "_v3.1@" + pos),
              org.assertj.core.data.Percentage.withPercentage(1e-3));
      assertThat(row.get("dsaUsdPerMillionTokens").asDouble())
          .isCloseTo(
              ca.get(phase + "_v3.2@" + pos),
              org.assertj.core.data.Percentage.withPercentage(1e-3));
    }
    assertThat(json.get("methodology").toString()).contains("calibration.");
    // A vs B: every curve at 8K, 32K, 64K and 128K, B priced as A is.
    var rows = json.get("comparison").get("rows");
    assertThat(rows).hasSize(16);
    for (var row : rows) {
      String key = row.get("curve").asText() + "@" + row.get("position").asInt();
      assertThat(row.get("a").asDouble())
          .isCloseTo(ca.get(key), org.assertj.core.data.Percentage.withPercentage(1e-3));
      assertThat(row.get("b").asDouble())
          .isCloseTo(cb.get(key), org.assertj.core.data.Percentage.withPercentage(1e-3));
      // cost's CSV has six significant digits; the report's change is B / A − 1 of its own.
      assertThat(row.get("change").asDouble())
          .isCloseTo(
              row.get("b").asDouble() / row.get("a").asDouble() - 1,
              org.assertj.core.data.Offset.offset(1e-12))
          .isCloseTo(cb.get(key) / ca.get(key) - 1, org.assertj.core.data.Offset.offset(1e-4));
    }
    assertThat(json.get("comparison").get("b").asText())
        .startsWith("run 20261129T161846Z-h200-9e2310f (");
    assertThat(json.get("comparison").get("curves")).hasSize(4);
    String page = Files.readString(html);
    assertThat(page).contains("<section id=\"compare\">").contains("id=\"compare-table\"");
    assertThat(Files.readString(dir.resolve("r.csv")))
        .contains("compare,decode_v3.2,131072,,,b_over_a_minus_1,");

    // A second run that cannot be priced is bad input, named as --compare's.
    Path decodeOnly = Path.of("..", "testdata", "h200-9e2310f", "decode-2tok-b64.json");
    Run bad =
        run(
            "report",
            "--results",
            a.toString(),
            "--compare",
            decodeOnly.toString(),
            "--out",
            html.toString());
    assertThat(bad.code()).as(bad.err()).isEqualTo(Main.BAD_INPUT);
    assertThat(bad.err()).startsWith("dsabench: compare: ");
  }
}
