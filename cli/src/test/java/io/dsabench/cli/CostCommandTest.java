package io.dsabench.cli;

import static io.dsabench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dsabench.model.results.DeviceRecord;
import io.dsabench.model.results.PointResult;
import io.dsabench.model.results.PointStatus;
import io.dsabench.model.results.RestResult;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.results.RunInfo;
import io.dsabench.model.results.StageResult;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.RestBatch;
import io.dsabench.model.workload.SweepPoint;
import io.dsabench.model.workload.Variant;
import io.dsabench.model.workload.WorkloadModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dsabench cost} end to end on a SYNTHETIC results file (made-up times, test only). */
class CostCommandTest {
  /** Synthetic: every stage takes 1 µs per token plus 1e-11 s per token of position. */
  static Path syntheticResults(Path dir, String backend, String device) throws Exception {
    WorkloadModel wm = WorkloadModel.deepseekV32();
    List<PointResult> pts = new ArrayList<>();
    for (Phase ph : Phase.values()) {
      for (Variant v : Variant.values()) {
        for (int p : List.of(1024, 16384, 131072)) {
          int n = ph == Phase.PREFILL ? 1024 : 32;
          SweepPoint sp = new SweepPoint(ph, v, p, n);
          List<StageResult> st = new ArrayList<>();
          for (Op op : WorkloadModel.stages(ph, v)) {
            double t = n * (1e-6 + p * 1e-11);
            var w = wm.work(op, sp);
            st.add(StageResult.of(op, t, t, t, 3, w.flops(), w.bytes()));
          }
          pts.add(PointResult.ok(sp, st));
        }
      }
    }
    RunInfo run =
        new RunInfo(
            "synthetic-cli-test",
            "2026-11-29T00:00:00Z",
            "unknown",
            backend,
            "test",
            "test",
            "test",
            new DeviceRecord(device, null, null, 0, 0),
            null);
    Path f = dir.resolve("results.json");
    ResultsIO.write(f, new Results(run, pts));
    return f;
  }

  @Test
  void cpuRunPrintsCurvesParametersAndComparison(@TempDir Path dir) throws Exception {
    Path f = syntheticResults(dir, "cpu", "cpu");
    CliRun r = run("cost", "--results", f.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("NOT translated"), r.out());
    assertTrue(r.out().contains("Comparison with the paper's Figure 3"), r.out());
    assertTrue(r.out().contains("decode_v3.2      131072"), r.out());
    assertTrue(r.out().contains("paper ~6590"), r.out());
    assertTrue(r.out().contains("deployment.decode.expertParallel"), r.out());
  }

  @Test
  void csvIsOneValidTablePerFile(@TempDir Path dir) throws Exception {
    Path f = syntheticResults(dir, "cuda", "NVIDIA H200");
    CliRun r = run("cost", "--results", f.toString(), "--format", "csv", "--step", "32768");
    assertEquals(0, r.exit(), r.err());
    List<String> rows = r.out().lines().toList();
    // Figure 3's three columns first, then whether the value was extrapolated and the path.
    assertEquals("curve,position_tokens,usd_per_million_tokens,extrapolated,mode", rows.get(0));
    assertEquals(1 + 4 * 5, rows.size(), r.out());
    assertTrue(rows.stream().allMatch(l -> l.split(",", -1).length == 5), r.out());
    assertTrue(rows.get(1).startsWith("prefill_v3.1,0,"), rows.get(1));
    assertTrue(rows.get(11).matches("decode_v3.1,0,[0-9.e+-]+,true,dense_mqa"), rows.get(11));
    assertTrue(rows.get(20).startsWith("decode_v3.2,131072,"), rows.get(20));

    // With a workload, one file per table under --out; without --out it is refused.
    Path w = dir.resolve("w.yaml");
    Files.writeString(
        w,
        "requestsPerSecond: 10\n"
            + "prompt: {distribution: empirical, lengths: [[4000, 1]]}\n"
            + "output: {distribution: empirical, lengths: [[500, 1]]}\n");
    CliRun refused =
        run("cost", "--results", f.toString(), "--format", "csv", "--workload", w.toString());
    assertEquals(2, refused.exit());
    assertTrue(
        refused.err().contains("pass --out DIR for curves.csv, comparison.csv and capacity.csv"),
        refused.err());
    Path out = dir.resolve("csv");
    CliRun files =
        run(
            "cost",
            "--results",
            f.toString(),
            "--format",
            "csv",
            "--workload",
            w.toString(),
            "--out",
            out.toString());
    assertEquals(0, files.exit(), files.err());
    for (String name : List.of("curves.csv", "comparison.csv", "rest.csv", "capacity.csv")) {
      List<String> lines = Files.readAllLines(out.resolve(name));
      int cols = lines.get(0).split(",", -1).length;
      for (String l : lines) {
        assertTrue(!l.isBlank() && !l.startsWith("#"), name + ": " + l);
        // Quoted fields (the verdict) hold no commas here; every row has the header's columns.
        assertEquals(cols, l.replaceAll("\"[^\"]*\"", "q").split(",", -1).length, name + ": " + l);
      }
    }
    List<String> cmp = Files.readAllLines(out.resolve("comparison.csv"));
    assertEquals(1 + 24 + 1, cmp.size());
    assertTrue(cmp.get(cmp.size() - 1).startsWith("prefill_crossover,,"), cmp.toString());
  }

  /**
   * A results file with a decode rest point (FIXTURE times, written by hand) prices decode's
   * measured components from it and shows estimate and measurement side by side in the table, the
   * CSV and the JSON; prefill, with no point, keeps its estimate and says why.
   */
  @Test
  void measuredRestSideBySide(@TempDir Path dir) throws Exception {
    Path f = syntheticResults(dir, "cuda", "NVIDIA H200");
    Results base = ResultsIO.read(f);
    Path with = dir.resolve("with-rest.json");
    ResultsIO.write(with, base.with(restPoint(256, 100e-6, 300e-6)));
    CliRun table = run("cost", "--results", with.toString(), "--hardware", "h200");
    assertEquals(0, table.exit(), table.err());
    String out = table.out();
    assertTrue(
        out.contains("measured (H200, tokens 256, uniform): mla_projections, moe_experts"), out);
    assertTrue(
        out.contains(
            "estimate: the results hold no prefill rest-of-model point (bench --phases rest"
                + " measures one)"),
        out);
    // 61 layers x 100 µs / 256 tokens = 23.8 µs per token, beside its estimate.
    assertTrue(out.matches("(?s).*mla_projections +[0-9.]+ +23\\.8 +23\\.8 .*"), out);

    Path csv = dir.resolve("csv");
    CliRun files =
        run(
            "cost",
            "--results",
            with.toString(),
            "--hardware",
            "h200",
            "--format",
            "csv",
            "--out",
            csv.toString());
    assertEquals(0, files.exit(), files.err());
    List<String> rest = Files.readAllLines(csv.resolve("rest.csv"));
    assertEquals(
        "curve,component,estimate_seconds_per_token,measured_seconds_per_token,"
            + "priced_seconds_per_token,source,measurement",
        rest.get(0));
    assertTrue(
        rest.stream()
            .anyMatch(
                l ->
                    l.startsWith("decode_v3.2,mla_projections,")
                        && l.contains(",2.38281e-05,2.38281e-05,\"measured (H200, tokens 256,")),
        rest.toString());
    assertTrue(
        rest.stream()
            .anyMatch(l -> l.startsWith("prefill_v3.2,mla_projections,") && l.contains(",,")),
        rest.toString());

    CliRun json =
        run("cost", "--results", with.toString(), "--hardware", "h200", "--format", "json");
    assertEquals(0, json.exit(), json.err());
    var tree = ResultsIO.mapper().readTree(json.out());
    boolean seen = false;
    for (var e : tree.get("report").get("rest")) {
      if (!e.get("curve").asText().equals("decode_v3.2")) {
        continue;
      }
      for (var c : e.get("components")) {
        if (c.get("name").asText().equals("moe_experts")) {
          assertEquals(58 * 300e-6 / 256, c.get("measuredSeconds").asDouble(), 1e-15);
          assertTrue(c.get("estimateSeconds").asDouble() > 0);
          assertEquals("measured (H200, tokens 256, uniform)", c.get("source").asText());
          seen = true;
        }
      }
    }
    assertTrue(seen, json.out());

    // A point at another batch is not used, and the table says why.
    Path other = dir.resolve("other-tokens.json");
    ResultsIO.write(other, base.with(restPoint(128, 100e-6, 300e-6)));
    CliRun fallback = run("cost", "--results", other.toString(), "--hardware", "h200");
    assertEquals(0, fallback.exit(), fallback.err());
    assertTrue(
        fallback
            .out()
            .contains(
                "estimate: decode rest point(s) not used (tokens 128 uniform): the decode"
                    + " deployment serves 256 tokens per GPU per step"),
        fallback.out());
  }

  /** A FIXTURE decode rest point: hand-written times, memory-bound work, not a measurement. */
  private static RestResult restPoint(int tokens, double mla, double moe) {
    return new RestResult(
        Phase.DECODE,
        tokens,
        144,
        2,
        tokens * 8 / 2,
        RestBatch.UNIFORM,
        PointStatus.OK,
        null,
        List.of(
            StageResult.of(Op.MLA_PROJECTIONS, mla, mla, mla, 20, 1e9, 1e8),
            StageResult.of(Op.MOE_EXPERTS, moe, moe, moe, 20, 1e9, 1e8)));
  }

  @Test
  void jsonAndWorkload(@TempDir Path dir) throws Exception {
    Path f = syntheticResults(dir, "cuda", "NVIDIA H200");
    Path w = dir.resolve("w.yaml");
    Files.writeString(
        w,
        "requestsPerSecond: 10\n"
            + "prompt: {distribution: empirical, lengths: [[4000, 1]]}\n"
            + "output: {distribution: empirical, lengths: [[500, 1]]}\n");
    CliRun r =
        run("cost", "--results", f.toString(), "--format", "json", "--workload", w.toString());
    assertEquals(0, r.exit(), r.err());
    var tree = ResultsIO.mapper().readTree(r.out());
    assertEquals("dsabench.cost/v1", tree.get("schema").asText());
    assertEquals(4, tree.get("report").get("curves").size());
    assertEquals(24, tree.get("paperComparison").get("rows").size());
    assertTrue(tree.get("capacityPlan").get("dsa").get("gpusNeeded").asInt() >= 1);
  }

  @Test
  void badInputIsExit2NamingValueAndRule(@TempDir Path dir) throws Exception {
    Path f = syntheticResults(dir, "cpu", "cpu");
    CliRun hw = run("cost", "--results", f.toString(), "--hardware", "tpu");
    assertEquals(2, hw.exit());
    assertTrue(hw.err().contains("hardware: 'tpu' is not one of h800, h100, h200, b200"), hw.err());
    // One price rule for cost, report and the API: a plain decimal above 0 and at most 1000.
    for (String bad : List.of("-1", "0", "-0", "1e308", "0x1p3", "2d", "Infinity", "NaN")) {
      for (String command : List.of("cost", "report")) {
        List<String> args =
            new ArrayList<>(List.of(command, "--results", f.toString(), "--price", bad));
        if (command.equals("report")) {
          args.addAll(List.of("--out", dir.resolve("r.html").toString()));
        }
        CliRun price = run(args.toArray(new String[0]));
        assertEquals(2, price.exit(), command + " --price " + bad + ": " + price.err());
        assertEquals(
            "dsabench: price: '"
                + bad
                + "' is not a price: a plain decimal of USD per GPU-hour above 0 and at most 1000\n",
            price.err(),
            command + " --price " + bad);
        assertTrue(!price.out().contains("Infinity"), price.out());
      }
    }
    Path other = dir.resolve("other.json");
    Files.writeString(other, "{\"schema\": \"other/v9\"}");
    CliRun schema = run("cost", "--results", other.toString());
    assertEquals(2, schema.exit());
    assertTrue(
        schema.err().contains("schema \"other/v9\" is not the supported \"dsabench.results/v1\""),
        schema.err());
    CliRun fmt = run("cost", "--results", f.toString(), "--format", "xml");
    assertEquals(2, fmt.exit());
    assertTrue(fmt.err().contains("format: 'xml' is not one of table, csv, json"), fmt.err());
  }

  @Test
  void severalResultsFilesArePricedTogetherAndAConflictIsExit2(@TempDir Path dir) throws Exception {
    Path pub = Path.of("..", "testdata", "h200-9e2310f");
    CliRun r =
        run(
            "cost",
            "--results",
            pub.resolve("results.json").toString(),
            "--results",
            pub.resolve("decode-2tok-b128.json").toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.out()
            .lines()
            .anyMatch(
                l ->
                    l.contains("decode/dsa [indexer, topk, sparse_decode] t=2")
                        && l.contains("decode-2tok-b128.json")),
        r.out());
    assertTrue(!r.out().contains("ABOVE CEILING"), r.out());
    CliRun folder = run("cost", "--results", pub.toString());
    assertEquals(2, folder.exit(), folder.out());
    assertTrue(
        folder.err().contains("decode/dsa at 2 tokens per sequence is in both")
            && folder.err().contains("decode-2tok-b64.json (run '20261129T162236Z-h200-9e2310f')"),
        folder.err());
  }

  @Test
  void aResultsFileHoldingAPointTwiceIsExit2NamingThePoint(@TempDir Path dir) throws Exception {
    Path f = syntheticResults(dir, "cuda", "NVIDIA H200");
    Results all = ResultsIO.read(f);
    List<PointResult> pts = new ArrayList<>(all.points());
    pts.add(pts.get(pts.size() - 1));
    Path g = dir.resolve("dup.json");
    ResultsIO.write(g, new Results(all.run(), pts));
    CliRun r = run("cost", "--results", g.toString());
    assertEquals(2, r.exit(), r.out());
    assertTrue(
        r.err().contains("point decode/dsa/p=131072/n=32 appears twice (points 11 and 12"),
        r.err());
  }

  @Test
  void onePhaseAloneWhenTheOthersPointsFailed(@TempDir Path dir) throws Exception {
    Path f = syntheticResults(dir, "cuda", "NVIDIA H200");
    Results all = ResultsIO.read(f);
    Results decodeOnly =
        new Results(
            all.run(), all.points().stream().filter(p -> p.phase() == Phase.DECODE).toList());
    Path g = dir.resolve("decode-only.json");
    ResultsIO.write(g, decodeOnly);
    CliRun both = run("cost", "--results", g.toString());
    assertEquals(2, both.exit());
    assertTrue(
        both.err()
            .contains(
                "results: no ok prefill/dense point with stages [dense_prefill] (run"
                    + " 'synthetic-cli-test'); to cost one phase alone, pass --phases decode or"
                    + " --phases prefill"),
        both.err());
    CliRun dec = run("cost", "--results", g.toString(), "--phases", "decode");
    assertEquals(0, dec.exit(), dec.err());
    assertTrue(dec.out().contains("not computed (no prefill)"), dec.out());
    assertTrue(dec.out().contains("decode_v3.1      131072"), dec.out());
    assertTrue(!dec.out().contains("prefill_v3.1 "), dec.out());
  }

  /** USD per million tokens by "curve@position" from a cost --format csv curves table. */
  private static java.util.Map<String, Double> curves(String csv) {
    java.util.Map<String, Double> m = new java.util.HashMap<>();
    csv.lines()
        .skip(1)
        .map(l -> l.split(","))
        .forEach(c -> m.put(c[0] + "@" + c[1], Double.parseDouble(c[2])));
    return m;
  }

  @Test
  void compareHardwarePricesOneRunOnEachProfileAsCostDoesAlone(@TempDir Path dir) throws Exception {
    Path f = syntheticResults(dir, "cuda", "NVIDIA H200");
    var h800 = curves(run("cost", "--results", f.toString(), "--format", "csv").out());
    var b200 =
        curves(
            run("cost", "--results", f.toString(), "--hardware", "b200", "--format", "csv").out());
    CliRun csv =
        run(
            "cost",
            "--results",
            f.toString(),
            "--compare-hardware",
            "h800,b200",
            "--format",
            "csv");
    assertEquals(0, csv.exit(), csv.err());
    List<String> lines = csv.out().lines().toList();
    assertEquals(
        "curve,position_tokens,hardware,usd_per_gpu_hour,usd_per_million_tokens,change_vs_first",
        lines.get(0));
    // Four curves at 8K, 32K, 64K and 128K, each on two profiles.
    assertEquals(1 + 4 * 4 * 2, lines.size(), csv.out());
    for (int i = 1; i < lines.size(); i += 2) {
      String[] a = lines.get(i).split(",", -1);
      String[] b = lines.get(i + 1).split(",", -1);
      String key = a[0] + "@" + a[1];
      assertEquals("h800", a[2]);
      assertEquals("2", a[3]);
      assertEquals("b200", b[2]);
      assertEquals("4", b[3]);
      assertEquals(h800.get(key), Double.parseDouble(a[4]), 1e-5 * h800.get(key), key);
      assertEquals(b200.get(key), Double.parseDouble(b[4]), 1e-5 * b200.get(key), key);
      assertEquals(b200.get(key) / h800.get(key) - 1, Double.parseDouble(b[5]), 1e-4, key);
      assertEquals("", a[5]);
    }
    CliRun table =
        run(
            "cost",
            "--results",
            f.toString(),
            "--compare-hardware",
            "h800,b200",
            "--price",
            "3",
            "--workload",
            Path.of("..", "examples", "workloads", "chat.yaml").toString());
    assertEquals(0, table.exit(), table.err());
    assertTrue(
        table.out().contains("  A: h800 (NVIDIA H800 SXM5) at 3.00 USD/GPU-hour"), table.out());
    assertTrue(table.out().contains("  B: b200 (NVIDIA B200) at 3.00 USD/GPU-hour"), table.out());
    assertTrue(
        table.out().contains("curve          position     A h800     B b200   B vs A"),
        table.out());
    assertTrue(table.out().contains("Capacity plan 'chat' on each profile"), table.out());
  }

  @Test
  void compareHardwareRefusesWhatItCannotShow(@TempDir Path dir) throws Exception {
    Path f = syntheticResults(dir, "cuda", "NVIDIA H200");
    CliRun one = run("cost", "--results", f.toString(), "--compare-hardware", "h800");
    assertEquals(2, one.exit());
    assertTrue(
        one.err()
            .contains(
                "compare-hardware: 'h800' names one profile; give two or more, e.g. h800,b200"),
        one.err());
    CliRun twice = run("cost", "--results", f.toString(), "--compare-hardware", "h800,b200,h800");
    assertEquals(2, twice.exit());
    assertTrue(
        twice.err().contains("compare-hardware: h800 is named twice in h800,b200,h800"),
        twice.err());
    CliRun both =
        run(
            "cost",
            "--results",
            f.toString(),
            "--hardware",
            "h200",
            "--compare-hardware",
            "h800,b200");
    assertEquals(2, both.exit());
    assertTrue(
        both.err()
            .contains(
                "hardware: --compare-hardware names every profile priced, the first as A; drop"
                    + " --hardware h200"),
        both.err());
  }
}
