package io.dsabench.costmodel.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsabench.model.results.MeasurementSet;
import io.dsabench.model.results.Results;
import io.dsabench.model.results.ResultsIO;
import io.dsabench.model.workload.Op;
import io.dsabench.model.workload.Phase;
import io.dsabench.model.workload.Variant;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Several results files priced together, on the published H200 runs. */
class MeasurementSetTest {
  private static final Path DIR = Path.of("..", "testdata", "h200-9e2310f");

  private static MeasurementSet.Source source(String file) throws Exception {
    return new MeasurementSet.Source(file, ResultsIO.read(DIR.resolve(file)));
  }

  @Test
  void decodeIsPricedFromTheTwoTokenRunAndTheRestFromTheFullSweep() throws Exception {
    MeasurementSet set =
        MeasurementSet.of(List.of(source("results.json"), source("decode-2tok-b128.json")));
    CostReport r = CostModel.compute(set, CostParameters.defaults());
    SeriesUsed dsaDecode =
        r.inputs().stream().filter(u -> u.series().startsWith("decode/dsa")).findFirst().get();
    assertThat(dsaDecode.file()).isEqualTo("decode-2tok-b128.json");
    assertThat(dsaDecode.tokensPerSeq()).isEqualTo(2);
    assertThat(dsaDecode.note()).isNull();
    assertThat(dsaDecode.fromPosition()).isEqualTo(32766);
    SeriesUsed denseDecode =
        r.inputs().stream().filter(u -> u.series().startsWith("decode/dense")).findFirst().get();
    assertThat(denseDecode.file()).isEqualTo("results.json");
    assertThat(denseDecode.note())
        .isEqualTo(
            "measured at 1 token per sequence; the decode deployment serves 2 (1 + 1 MTP draft)");
    assertThat(r.runId())
        .isEqualTo("20261129T161846Z-h200-9e2310f + 20261129T162258Z-h200-9e2310f");
    assertThat(r.aboveCeiling()).isEmpty();
    // Priced from 2-token decode, decode_v3.2 at 128K is cheaper than from 1-token decode.
    CostReport one =
        CostModel.compute(ResultsIO.read(DIR.resolve("results.json")), CostParameters.defaults());
    assertThat(r.curve(Curve.DECODE_V32).usdPerMillionAt(131072))
        .isLessThan(0.85 * one.curve(Curve.DECODE_V32).usdPerMillionAt(131072));
    assertThat(r.curve(Curve.DECODE_V31)).isEqualTo(one.curve(Curve.DECODE_V31));
  }

  @Test
  void twoFilesHoldingOneSeriesAreRefusedByName() throws Exception {
    assertThatThrownBy(
            () ->
                MeasurementSet.of(
                    List.of(
                        source("results.json"),
                        source("decode-2tok-b64.json"),
                        source("decode-2tok-b128.json"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "results: decode/dsa at 2 tokens per sequence is in both decode-2tok-b64.json (run"
                + " '20261129T162236Z-h200-9e2310f') and decode-2tok-b128.json (run"
                + " '20261129T162258Z-h200-9e2310f'); each (phase, variant) is taken from one"
                + " file, so pass only one of them");
  }

  @Test
  void aDsaOnlyAndADenseOnlyFileMakeOneReport() throws Exception {
    Results all = ResultsIO.read(DIR.resolve("results.json"));
    Results dense =
        new Results(
            all.run(), all.points().stream().filter(p -> p.variant() == Variant.DENSE).toList());
    Results dsa =
        new Results(
            all.run().withExtra(java.util.Map.of()),
            all.points().stream().filter(p -> p.variant() == Variant.DSA).toList());
    CostReport split =
        CostModel.compute(
            MeasurementSet.of(
                List.of(
                    new MeasurementSet.Source("dense.json", dense),
                    new MeasurementSet.Source("dsa.json", dsa))),
            CostParameters.defaults());
    CostReport whole = CostModel.compute(all, CostParameters.defaults());
    for (Curve c : Curve.values()) {
      assertThat(split.curve(c).points()).as(c.id()).isEqualTo(whole.curve(c).points());
    }
    // Alone, the DSA-only file says which series it lacks.
    assertThatThrownBy(() -> CostModel.compute(dsa, CostParameters.defaults()))
        .hasMessageContaining("no ok prefill/dense point with stages [dense_prefill]");
  }

  @Test
  void theDecodeSeriesNearestTheServedTokensPerStepIsChosen() throws Exception {
    MeasurementSet set =
        MeasurementSet.of(List.of(source("results.json"), source("decode-2tok-b64.json")));
    Set<Op> ops = Set.of(Op.INDEXER, Op.TOPK, Op.SPARSE_DECODE);
    assertThat(set.series(Phase.DECODE, Variant.DSA, ops, 2).get().tokensPerSeq()).isEqualTo(2);
    assertThat(set.series(Phase.DECODE, Variant.DSA, ops, 1).get().tokensPerSeq()).isEqualTo(1);
    assertThat(set.series(Phase.DECODE, Variant.DSA, ops, 3).get().tokensPerSeq()).isEqualTo(2);
    assertThat(
            set.series(Phase.DECODE, Variant.DENSE, Set.of(Op.DENSE_DECODE), 2)
                .get()
                .source()
                .label())
        .isEqualTo("results.json");
  }

  @Test
  void aFolderYieldsItsResultsFilesAndSkipsOtherJson() throws Exception {
    assertThat(ResultsIO.resultsFilesIn(DIR))
        .extracting(p -> p.getFileName().toString())
        .containsExactly("decode-2tok-b128.json", "decode-2tok-b64.json", "results.json");
  }
}
